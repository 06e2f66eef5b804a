import { toDecimalString } from '@/lib/money';
import Papa from 'papaparse';
import type { JournalDb } from './db';
import { matchingPages } from './query';
import { refundRecordSchema, type JournalFilter, type RefundRecord } from './schema';

/** Cells a spreadsheet would run as a formula. papaparse's own pattern misses values with a line break. */
export const FORMULA_START = /^[=+\-@\t\r]/;

const CSV_COLUMNS = [
  'Refund ID',
  'Created (UTC)',
  'Updated (UTC)',
  'State',
  'Keap app',
  'Contact ID',
  'Contact name',
  'Contact email',
  'Order ID',
  'Payment ID',
  'Amount',
  'Currency',
  'Channel',
  'Payment outcome',
  'Payment detail',
  'Reason',
  'Reason details',
  'Error handling',
  'Amount owed after',
  'Refunded by',
  'Refunded by email',
  'Error',
  'Refund transaction IDs',
  'Order refund total',
  'Confirmed at (UTC)',
] as const;

function iso(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : new Date(epochMs).toISOString();
}

/** One CSV row per refunded payment; the refund's own fields repeat on each of its rows. */
function csvRows(record: RefundRecord): string[][] {
  const currency = record.lines[0]?.currency ?? '';
  return record.lines.map((line) => [
    record.id,
    iso(record.createdAt),
    iso(record.updatedAt),
    record.state,
    record.appName,
    String(record.contact.id),
    record.contact.name,
    record.contact.email,
    String(record.orderId),
    String(line.paymentId),
    toDecimalString(line.amountMinor, line.currency),
    line.currency,
    line.channel,
    line.outcome ?? '',
    line.detail ?? '',
    record.reason.preset,
    record.reason.details,
    record.errorHandling,
    toDecimalString(record.amountOwedAfterMinor, currency),
    record.actor.name,
    record.actor.email,
    record.error?.message ?? '',
    record.evidence?.refundTransactionIds.join(' ') ?? '',
    record.evidence === undefined ? '' : toDecimalString(record.evidence.orderRefundTotalMinor, currency),
    iso(record.evidence?.checkedAt),
  ]);
}

function unparse(rows: string[][]): string {
  return Papa.unparse(rows, { newline: '\r\n', escapeFormulae: FORMULA_START });
}

const CSV_HEADER = `${unparse([[...CSV_COLUMNS]])}\r\n`;

function csvBody(records: RefundRecord[]): string {
  return records.map((record) => `${unparse(csvRows(record))}\r\n`).join('');
}

/** RFC 4180 CSV with a header row and CRLF line ends; formula-like cells are neutralised. */
export function toCsv(records: RefundRecord[]): string {
  return CSV_HEADER + csvBody(records);
}

/** The exported form of a record: the schema's fields only, without the internal search index. */
const exportedRecordSchema = refundRecordSchema.omit({ searchTokens: true });

function exportedJson(record: RefundRecord): string {
  return JSON.stringify(exportedRecordSchema.parse(record));
}

/** A JSON array of records. */
export function toJson(records: RefundRecord[]): string {
  return `[${records.map(exportedJson).join(',')}]`;
}

export type ExportFormat = 'csv' | 'json';

/** The matching refunds, newest first, as a file built a page at a time. */
export async function exportJournal(db: JournalDb, filter: JournalFilter, format: ExportFormat): Promise<Blob> {
  const parts: string[] = [format === 'csv' ? CSV_HEADER : '['];
  let separator = '';
  for await (const page of matchingPages(db, filter)) {
    if (format === 'csv') {
      parts.push(csvBody(page));
      continue;
    }
    for (const record of page) {
      parts.push(separator + exportedJson(record));
      separator = ',';
    }
  }
  if (format === 'json') parts.push(']');
  return new Blob(parts, { type: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json' });
}
