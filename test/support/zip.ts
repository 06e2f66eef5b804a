import { inflateRawSync } from 'node:zlib';

/*
 * Reads the files of a ZIP archive, as the store tests see a package: the central directory for
 * the names, each local header for where the data starts (PKWARE APPNOTE 4.3). Stored and
 * deflated entries only, and no ZIP64: what WXT writes.
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

function endOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes, followed by a comment of at most 65,535.
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 0xffff); offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new Error('Not a ZIP archive: no end of central directory.');
}

/** Every file in `zip` by its path, uncompressed; folders are left out. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const end = endOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  const files = new Map<string, Buffer>();
  let offset = zip.readUInt32LE(end + 16);
  for (let entry = 0; entry < entries; entry++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`Broken central directory at byte ${offset}.`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`Broken local header for ${name}.`);
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${name} is compressed with method ${method}, which this reader does not know.`);
    files.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
  }
  return files;
}
