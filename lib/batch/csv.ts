import { i18n } from '#i18n';
import Papa from 'papaparse';
import { ERROR_HANDLING_LABELS, MAX_REASON_DETAILS_LENGTH, REFUND_REASON_PRESETS, type RefundErrorHandling, type RefundReasonPreset } from '@/lib/refund/rules';
import type { QueueRowDraft } from './schema';
import { formatCount } from './summary';

/**
 * Reading what a person gives the refund queue: a CSV file, or order IDs pasted as text. A file
 * that cannot be read as a whole changes nothing; a row that does not read carries its `problem`
 * and never keeps the good rows out.
 */

/** The largest CSV file the queue reads: 1 MiB. */
export const MAX_QUEUE_FILE_BYTES = 1024 * 1024;
/** The most rows one file (or one paste) adds. */
export const MAX_QUEUE_ROWS = 1000;

type QueueImportErrorKind = 'not-csv' | 'wrong-headers' | 'too-large' | 'empty';
type QueueImportError = { kind: QueueImportErrorKind; message: string };
export type QueueImportResult = { ok: true; rows: QueueRowDraft[] } | { ok: false; error: QueueImportError };

type ColumnKey = 'orderId' | 'paymentId' | 'amount' | 'reason' | 'reasonDetails' | 'errorHandling' | 'amountOwedAfter';

/** The one column every file needs; column titles stay English, as the file format has them. */
const ORDER_ID_TITLE = 'Order ID';

/** Each column's title as the sample file and the messages write it, and the header spellings it is known by. */
const COLUMNS: readonly { key: ColumnKey; title: string; names: readonly string[] }[] = [
  { key: 'orderId', title: ORDER_ID_TITLE, names: ['orderid', 'order'] },
  { key: 'paymentId', title: 'Payment ID', names: ['paymentid', 'payment'] },
  { key: 'amount', title: 'Amount', names: ['amount', 'refundamount'] },
  { key: 'reason', title: 'Reason', names: ['reason'] },
  { key: 'reasonDetails', title: 'Reason details', names: ['reasondetails', 'details'] },
  { key: 'errorHandling', title: 'Error handling', names: ['errorhandling', 'ifanautomaticrefundfails'] },
  { key: 'amountOwedAfter', title: 'Amount owed after', names: ['amountowedafter', 'amountowed', 'amountowedafterrefund'] },
];

/** The columns a queue file may have, for help text: "Order ID (required), Payment ID, …". */
export const QUEUE_CSV_COLUMNS_TEXT = COLUMNS.map((column) => (column.key === 'orderId' ? i18n.t('queueRun.import.requiredColumn', [column.title]) : column.title)).join(', ');

/** "Order ID", "order_id", "orderId" and "ORDER-ID" are one header. */
function headerKey(header: string): string {
  return header.replace(/[\s_-]/g, '').toLowerCase();
}

/** A cell quoted in a message, cut short so that a stray paragraph does not become the message. */
function quoted(cell: string): string {
  return cell.length <= 40 ? `"${cell}"` : `"${cell.slice(0, 39)}…"`;
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** A Keap id as people write it: digits, with "#" in front or not. */
function readId(cell: string): number | undefined {
  const digits = /^#?\s*(\d{1,15})$/.exec(cell)?.[1];
  const id = Number(digits);
  return digits !== undefined && id > 0 ? id : undefined;
}

/**
 * Amounts stay text until the payment's currency is known; here only what is clearly not money is
 * caught: no digit at all, or letters besides a three-letter currency code ("USD 25.00").
 */
function isClearlyNotMoney(cell: string): boolean {
  const withoutCode = cell.replace(/^[a-z]{3}(?=[\s\d\p{Sc}])/iu, '').replace(/(?<=[\s\d])[a-z]{3}$/iu, '');
  return !/\d/.test(cell) || /\p{L}/u.test(withoutCode);
}

/** Reasons match Keap's presets whatever their case, spacing or apostrophe (spreadsheets curl them). */
function presetKey(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
const PRESETS_BY_KEY = new Map<string, RefundReasonPreset>(REFUND_REASON_PRESETS.map((preset) => [presetKey(preset), preset]));
const PRESET_LIST = REFUND_REASON_PRESETS.map((preset) => `"${preset}"`).join(', ');

const ERROR_HANDLING_BY_KEY = new Map<string, RefundErrorHandling>([
  ...(Object.entries(ERROR_HANDLING_LABELS) as [RefundErrorHandling, string][]).map(([choice, label]): [string, RefundErrorHandling] => [presetKey(label), choice]),
  ['record anyway', 'record-anyway'],
  ['record', 'record-anyway'],
  ['record-anyway', 'record-anyway'],
  ['skip', 'skip-payment'],
  ['skip payment', 'skip-payment'],
  ['skip-payment', 'skip-payment'],
]);

/** Reads one data row's cells into a draft, with every problem found in plain words. */
function draftOf(cell: (key: ColumnKey) => string, csvLine: number, extraCells: boolean): QueueRowDraft {
  const problems: string[] = [];
  const orderCell = cell('orderId');
  const orderId = readId(orderCell);
  if (orderCell === '') problems.push(i18n.t('queueRun.import.orderIdMissing'));
  else if (orderId === undefined) problems.push(i18n.t('queueRun.import.notOrderId', [quoted(orderCell)]));

  const paymentCell = cell('paymentId');
  const paymentId = paymentCell === '' ? undefined : readId(paymentCell);
  if (paymentCell !== '' && paymentId === undefined) {
    problems.push(i18n.t('queueRun.import.notPaymentId', [quoted(paymentCell)]));
  }

  const amount = cell('amount');
  if (amount !== '' && isClearlyNotMoney(amount)) {
    problems.push(i18n.t('queueRun.import.notAmount', [quoted(amount)]));
  }

  const reasonCell = cell('reason');
  const reasonPreset = reasonCell === '' ? undefined : PRESETS_BY_KEY.get(presetKey(reasonCell));
  if (reasonCell !== '' && reasonPreset === undefined) {
    problems.push(i18n.t('queueRun.import.notReason', [quoted(reasonCell), PRESET_LIST]));
  }

  const reasonDetails = cell('reasonDetails');
  if (reasonDetails.length > MAX_REASON_DETAILS_LENGTH) problems.push(i18n.t('queueRun.import.reasonDetailsTooLong', [String(MAX_REASON_DETAILS_LENGTH)]));

  const handlingCell = cell('errorHandling');
  const errorHandling = handlingCell === '' ? undefined : ERROR_HANDLING_BY_KEY.get(presetKey(handlingCell));
  if (handlingCell !== '' && errorHandling === undefined) {
    problems.push(i18n.t('queueRun.import.notErrorHandling', [quoted(handlingCell), ERROR_HANDLING_LABELS['record-anyway'], ERROR_HANDLING_LABELS['skip-payment']]));
  }

  const amountOwedAfter = cell('amountOwedAfter');
  if (amountOwedAfter !== '' && isClearlyNotMoney(amountOwedAfter)) {
    problems.push(i18n.t('queueRun.import.notAmountOwed', [quoted(amountOwedAfter)]));
  }

  if (extraCells) problems.push(i18n.t('queueRun.import.extraCells'));

  return {
    orderId,
    paymentId,
    amount: amount === '' ? undefined : amount,
    reasonPreset,
    reasonDetails,
    errorHandling,
    amountOwedAfter: amountOwedAfter === '' ? undefined : amountOwedAfter,
    source: 'csv',
    csvLine,
    problem: problems.length === 0 ? undefined : problems.join(' '),
  };
}

function fail(kind: QueueImportErrorKind, message: string): QueueImportResult {
  return { ok: false, error: { kind, message } };
}

/** Binary files (a PDF, or an .xlsx, which is a zip) hold control characters no CSV has. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000E-\u001F]/;

function notTextProblem(text: string): string | undefined {
  if (text.startsWith('%PDF')) return i18n.t('queueRun.import.pdf', [i18n.t('queueRun.import.saveAsCsv')]);
  if (CONTROL_CHARACTER.test(text)) return i18n.t('queueRun.import.binary', [i18n.t('queueRun.import.saveAsCsv')]);
  // The page reads files as UTF-8; text saved in another encoding comes out with replacement characters.
  if (text.includes('\uFFFD')) return i18n.t('queueRun.import.notUtf8', [i18n.t('queueRun.import.saveAsCsv')]);
  return undefined;
}

function utf8Bytes(text: string): number {
  // Every UTF-16 unit is at least one UTF-8 byte, so a long enough text is too large without encoding it.
  return text.length > MAX_QUEUE_FILE_BYTES ? text.length : new TextEncoder().encode(text).byteLength;
}

type HeaderReading = { ok: true; indexOf: Map<ColumnKey, number> } | { ok: false; message: string };

/** Which column holds what, or why the header row is not the queue's. */
function readHeader(header: readonly string[], dataRows: readonly string[][]): HeaderReading {
  const expected = i18n.t('queueRun.import.useColumns', [QUEUE_CSV_COLUMNS_TEXT]);
  const first = header[0]?.trim() ?? '';
  if (readId(first) !== undefined) {
    return { ok: false, message: i18n.t('queueRun.import.startsWithId', [quoted(first), expected]) };
  }
  const indexOf = new Map<ColumnKey, number>();
  const unknown: string[] = [];
  const twice: string[] = [];
  header.forEach((rawName, index) => {
    const name = rawName.trim();
    if (name === '') {
      if (dataRows.some((row) => (row[index] ?? '').trim() !== '')) unknown.push(i18n.t('queueRun.import.unnamedColumn', [String(index + 1)]));
      return;
    }
    const column = COLUMNS.find((candidate) => candidate.names.includes(headerKey(name)));
    if (column === undefined) unknown.push(quoted(name));
    else if (indexOf.has(column.key)) twice.push(`"${column.title}"`);
    else indexOf.set(column.key, index);
  });
  if (unknown.length > 0) {
    return { ok: false, message: i18n.t('queueRun.import.unknownColumns', unknown.length, [unknown.join(', '), expected]) };
  }
  if (twice.length > 0) return { ok: false, message: i18n.t('queueRun.import.columnTwice', [twice.join(', '), expected]) };
  if (!indexOf.has('orderId')) return { ok: false, message: i18n.t('queueRun.import.noOrderIdColumn', [`"${ORDER_ID_TITLE}"`, expected]) };
  return { ok: true, indexOf };
}

function quoteErrorMessage(error: Papa.ParseError): string {
  const saveAsCsv = i18n.t('queueRun.import.saveAsCsv');
  if (error.row === undefined) return error.code === 'MissingQuotes' ? i18n.t('queueRun.import.unclosedQuote', [saveAsCsv]) : i18n.t('queueRun.import.textAfterQuote', [saveAsCsv]);
  const line = String(error.row + 1);
  return error.code === 'MissingQuotes' ? i18n.t('queueRun.import.unclosedQuoteOnLine', [line, saveAsCsv]) : i18n.t('queueRun.import.textAfterQuoteOnLine', [line, saveAsCsv]);
}

/** A refund-queue CSV file's text → one draft per non-blank line, or why the file cannot be read at all. */
export function parseQueueCsv(text: string): QueueImportResult {
  if (utf8Bytes(text) > MAX_QUEUE_FILE_BYTES) {
    return fail('too-large', i18n.t('queueRun.import.tooLarge', [String(MAX_QUEUE_FILE_BYTES / 1024 / 1024)]));
  }
  const notText = notTextProblem(text);
  if (notText !== undefined) return fail('not-csv', notText);

  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false, delimitersToGuess: [',', ';', '\t'] });
  const quoteError = parsed.errors.find((error) => error.type === 'Quotes');
  if (quoteError !== undefined) return fail('not-csv', quoteErrorMessage(quoteError));

  // Line numbers count every record, blank ones too, as a spreadsheet numbers its rows.
  const records = parsed.data.map((cells, index) => ({ cells, csvLine: index + 1 }));
  const headerAt = records.findIndex((record) => !isBlank(record.cells));
  const header = records[headerAt];
  if (header === undefined) return fail('empty', i18n.t('queueRun.import.empty'));
  const dataRows = records.slice(headerAt + 1).filter((record) => !isBlank(record.cells));

  const reading = readHeader(
    header.cells,
    dataRows.map((record) => record.cells),
  );
  if (!reading.ok) return fail('wrong-headers', reading.message);
  if (dataRows.length === 0) return fail('empty', i18n.t('queueRun.import.noRows'));
  if (dataRows.length > MAX_QUEUE_ROWS) {
    return fail('too-large', i18n.t('queueRun.import.tooManyRows', [formatCount(dataRows.length), formatCount(MAX_QUEUE_ROWS)]));
  }

  const { indexOf } = reading;
  const rows = dataRows.map(({ cells, csvLine }) => {
    const cell = (key: ColumnKey) => {
      const index = indexOf.get(key);
      return index === undefined ? '' : (cells[index] ?? '').trim();
    };
    const extraCells = cells.slice(header.cells.length).some((extra) => extra.trim() !== '');
    return draftOf(cell, csvLine, extraCells);
  });
  return { ok: true, rows };
}

/** Order IDs pasted as text (one per line, or separated by spaces, commas or semicolons) → one draft per different ID. */
export function parsePastedOrderIds(text: string): QueueImportResult {
  const words = text.split(/[\s,;]+/).filter((word) => word !== '');
  if (words.length === 0) return fail('empty', i18n.t('queueRun.import.pasteEmpty'));
  const drafts = new Map<string, QueueRowDraft>();
  for (const word of words) {
    const orderId = readId(word);
    const key = orderId === undefined ? word : String(orderId);
    if (drafts.has(key)) continue;
    drafts.set(
      key,
      orderId === undefined
        ? { reasonDetails: '', source: 'pasted', problem: i18n.t('queueRun.import.notOrderId', [quoted(word)]) }
        : { orderId, reasonDetails: '', source: 'pasted' },
    );
  }
  if (drafts.size > MAX_QUEUE_ROWS) {
    return fail('too-large', i18n.t('queueRun.import.tooManyPasted', [formatCount(drafts.size), formatCount(MAX_QUEUE_ROWS)]));
  }
  return { ok: true, rows: [...drafts.values()] };
}
