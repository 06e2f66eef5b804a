import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the e2e run writes what the docs show (screenshots, the reliability report). `npm run docs`
 * sets REFUND_DESK_DOCS=1 and they go into docs/; any other run writes them to a temporary folder,
 * so `npm test` leaves the working tree as it found it.
 */
const WRITING_DOCS = process.env.REFUND_DESK_DOCS === '1';

export function docsPath(relativePath: string): string {
  return WRITING_DOCS ? resolve(relativePath) : join(tmpdir(), 'refund-desk-docs', relativePath);
}
