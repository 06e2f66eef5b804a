import { z } from 'zod';
import { DEFAULT_CURRENCY, parseMoneyInput } from '@/lib/money';
import { bodyRowsOf, cellsOf, cellTextsByPosition, columnPosition, headerRowOf } from '@/lib/page/table-layout';

/**
 * Reads the Orders tab of Keap's classic contact record. The table is found by its header
 * texts (Keap's exact wording is a guess, so synonyms are accepted) and columns are mapped by
 * header position; every cell is read as text, never as HTML.
 */

type OrderColumn = 'orderId' | 'orderDate' | 'title' | 'total' | 'paid' | 'due' | 'status';

/** Header texts accepted for each column, compared case-insensitively after trimming. */
export const ORDER_COLUMN_HEADERS: Record<OrderColumn, readonly string[]> = {
  orderId: ['Order ID', 'Order #', 'Order Id', 'ID'],
  orderDate: ['Date', 'Order Date'],
  title: ['Title', 'Order Title', 'Description'],
  total: ['Total', 'Order Total', 'Amount'],
  paid: ['Paid', 'Amount Paid'],
  due: ['Balance Due', 'Due', 'Balance'],
  status: ['Status'],
};

/** A table is the orders table only when it has all of these. */
const REQUIRED_COLUMNS: readonly OrderColumn[] = ['orderId', 'title', 'total'];

export const pageOrderRowSchema = z.object({
  orderId: z.number().int().positive(),
  orderDate: z.iso.date().nullable(),
  title: z.string(),
  totalMinor: z.number().int(),
  paidMinor: z.number().int().nullable(),
  dueMinor: z.number().int().nullable(),
  status: z.string().nullable(),
});
export type PageOrderRow = z.infer<typeof pageOrderRowSchema>;

export interface RejectedOrderRow {
  /** Position of the row among the table's body rows, from 0. */
  index: number;
  reason: string;
}

export type OrdersTableReading =
  | { found: false }
  | { found: true; table: HTMLTableElement; rows: PageOrderRow[]; rejectedRows: RejectedOrderRow[] };

export interface ReadOrdersTableOptions {
  currency?: string;
}

/** Column positions of the order columns in a header row. */
function columnPositions(headerRow: HTMLTableRowElement): Map<OrderColumn, number> {
  const positions = new Map<OrderColumn, number>();
  for (const [column, synonyms] of Object.entries(ORDER_COLUMN_HEADERS) as [OrderColumn, readonly string[]][]) {
    const position = columnPosition(headerRow, synonyms);
    if (position >= 0) positions.set(column, position);
  }
  return positions;
}

type CellReading<T> = { ok: true; value: T } | { ok: false; reason: string };

function readOrderId(text: string): CellReading<number> {
  const match = /^#?\s*(\d+)$/.exec(text);
  if (!match) return { ok: false, reason: `Order ID "${text}" is not a number` };
  return { ok: true, value: Number(match[1]) };
}

const isoDateSchema = z.iso.date();

/** Keap shows dates as MM/DD/YYYY; an ISO date is accepted too. Empty cells read as null. */
function readDate(text: string): CellReading<string | null> {
  if (text === '') return { ok: true, value: null };
  const american = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [year, month, day] = american
    ? [american[3], american[1], american[2]]
    : iso
      ? [iso[1], iso[2], iso[3]]
      : [];
  if (year === undefined || month === undefined || day === undefined) {
    return { ok: false, reason: `Date "${text}" is not a date` };
  }
  const isoDate = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isoDateSchema.safeParse(isoDate).success) return { ok: false, reason: `Date "${text}" is not a date` };
  return { ok: true, value: isoDate };
}

/** Money cell text → minor units; accountants' "(5.00)" and "-$5.00" read as negative. */
function readMoney(label: string, text: string, currency: string): CellReading<number> {
  const negative = /^\(.*\)$/.test(text) || /^-/.test(text);
  const unsigned = text.replace(/^\((.*)\)$/, '$1').replace(/^-/, '');
  const parsed = parseMoneyInput(unsigned, currency);
  if (!parsed.ok) return { ok: false, reason: `${label} "${text}" is not an amount` };
  return { ok: true, value: negative && parsed.minorUnits !== 0 ? -parsed.minorUnits : parsed.minorUnits };
}

function readOptionalMoney(label: string, text: string | undefined, currency: string): CellReading<number | null> {
  if (text === undefined || text === '') return { ok: true, value: null };
  return readMoney(label, text, currency);
}

function readRow(texts: string[], positions: Map<OrderColumn, number>, currency: string): CellReading<PageOrderRow> {
  const textOf = (column: OrderColumn): string | undefined => {
    const position = positions.get(column);
    return position === undefined ? undefined : texts[position];
  };
  const orderId = readOrderId(textOf('orderId') ?? '');
  if (!orderId.ok) return orderId;
  const orderDate = readDate(textOf('orderDate') ?? '');
  if (!orderDate.ok) return orderDate;
  const total = readMoney('Total', textOf('total') ?? '', currency);
  if (!total.ok) return total;
  const paid = readOptionalMoney('Paid', textOf('paid'), currency);
  if (!paid.ok) return paid;
  const due = readOptionalMoney('Balance due', textOf('due'), currency);
  if (!due.ok) return due;
  const status = textOf('status');

  const parsed = pageOrderRowSchema.safeParse({
    orderId: orderId.value,
    orderDate: orderDate.value,
    title: textOf('title') ?? '',
    totalMinor: total.value,
    paidMinor: paid.value,
    dueMinor: due.value,
    status: status === undefined || status === '' ? null : status,
  });
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  return { ok: true, value: parsed.data };
}

function findOrdersTable(root: ParentNode): { table: HTMLTableElement; headerRow: HTMLTableRowElement; positions: Map<OrderColumn, number> } | null {
  for (const table of Array.from(root.querySelectorAll('table'))) {
    const headerRow = headerRowOf(table);
    if (!headerRow) continue;
    const positions = columnPositions(headerRow);
    if (REQUIRED_COLUMNS.every((column) => positions.has(column))) return { table, headerRow, positions };
  }
  return null;
}

/** Finds and reads the contact's orders table under `root`; rows that do not read cleanly are rejected one by one. */
export function readOrdersTable(root: ParentNode, { currency = DEFAULT_CURRENCY }: ReadOrdersTableOptions = {}): OrdersTableReading {
  const located = findOrdersTable(root);
  if (!located) return { found: false };
  const { table, headerRow, positions } = located;

  const rows: PageOrderRow[] = [];
  const rejectedRows: RejectedOrderRow[] = [];
  bodyRowsOf(table, headerRow).forEach((row, index) => {
    const cells = cellsOf(row);
    // A single cell spanning the table is a message row such as "No orders", not an order.
    if (cells.length === 1 && positions.size > 1 && (cells[0]?.colSpan ?? 1) > 1) return;
    const reading = readRow(cellTextsByPosition(row), positions, currency);
    if (reading.ok) rows.push(reading.value);
    else rejectedRows.push({ index, reason: reading.reason });
  });
  return { found: true, table, rows, rejectedRows };
}

export interface WatchOrdersTableOptions extends ReadOrdersTableOptions {
  signal: AbortSignal;
}

function contentKey(reading: OrdersTableReading): string {
  if (!reading.found) return 'not-found';
  return JSON.stringify([reading.rows, reading.rejectedRows]);
}

/** Whether a batch of DOM changes can have touched a table: anything else is not worth a read. */
function touchesTables(records: readonly MutationRecord[]): boolean {
  const isOrHasTable = (node: Node) =>
    node.nodeType === Node.ELEMENT_NODE && ((node as Element).tagName === 'TABLE' || (node as Element).querySelector('table') !== null);
  return records.some((record) => {
    const target = record.target.nodeType === Node.ELEMENT_NODE ? (record.target as Element) : record.target.parentElement;
    if (target?.closest('table')) return true;
    return [...record.addedNodes, ...record.removedNodes].some(isOrHasTable);
  });
}

/**
 * Calls `onChange` with the current reading at the start and whenever the table appears, is
 * replaced with different content, or disappears. It reads in the MutationObserver's callback,
 * so the panel can show the rows in the same frame Keap draws them; the browser already folds a
 * task's DOM changes into one callback, changes that touch no table are skipped, and the same
 * content is never reported twice in a row.
 */
export function watchOrdersTable(
  root: ParentNode & Node,
  onChange: (reading: OrdersTableReading) => void,
  { signal, currency }: WatchOrdersTableOptions,
): void {
  if (signal.aborted) return;
  let lastKey: string | null = null;

  const readNow = () => {
    if (signal.aborted) return;
    const reading = readOrdersTable(root, { currency });
    const key = contentKey(reading);
    if (key === lastKey) return;
    lastKey = key;
    onChange(reading);
  };

  const observer = new MutationObserver((records) => {
    if (touchesTables(records)) readNow();
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  readNow();
}
