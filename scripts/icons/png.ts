import { crc32 } from 'node:zlib';

/*
 * The little of PNG the icon checks need: the size in the header chunk, and text chunks, read and
 * written (https://www.w3.org/TR/png/#11IHDR, #11tEXt).
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Chunk = { type: string; data: Buffer; start: number };

function chunksOf(png: Buffer): Chunk[] {
  if (png.length < SIGNATURE.length || !png.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not a PNG file.');
  const chunks: Chunk[] = [];
  for (let offset = SIGNATURE.length; offset + 12 <= png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    chunks.push({ type, data: png.subarray(offset + 8, offset + 8 + length), start: offset });
    offset += 12 + length;
  }
  return chunks;
}

export type PngFacts = { width: number; height: number; text: Record<string, string> };

export function readPng(png: Buffer): PngFacts {
  const chunks = chunksOf(png);
  const header = chunks[0];
  if (header?.type !== 'IHDR') throw new Error('The PNG does not start with its header chunk.');
  const text: Record<string, string> = {};
  for (const chunk of chunks.filter((candidate) => candidate.type === 'tEXt')) {
    const separator = chunk.data.indexOf(0);
    text[chunk.data.toString('latin1', 0, separator)] = chunk.data.toString('latin1', separator + 1);
  }
  return { width: header.data.readUInt32BE(0), height: header.data.readUInt32BE(4), text };
}

/** `png` with a text chunk `keyword` = `value` added just before its end. */
export function withText(png: Buffer, keyword: string, value: string): Buffer {
  const end = chunksOf(png).find((chunk) => chunk.type === 'IEND');
  if (!end) throw new Error('The PNG has no end chunk.');
  const typeAndData = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(typeAndData.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([png.subarray(0, end.start), length, typeAndData, crc, png.subarray(end.start)]);
}
