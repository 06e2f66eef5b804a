// zod/mini: this runs on Keap's contact page, where full zod is too big.
import { z } from 'zod/mini';
import { i18n } from '#i18n';
import { CLASSIC_ORDER_LINK_SELECTOR, classicOrderIdOfHref } from '@/lib/keap-hosts';
import { DEFAULT_CURRENCY, parseMoneyInput } from '@/lib/money';
import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { bodyRowTextsOf, cellsAtPositions, headerRowOf } from '@/lib/page/table-layout';

/**
 * Reads the Orders tab of Keap's classic contact record. The table is found by its header
 * texts (Keap's exact wording is not documented, so synonyms are accepted) and columns are mapped
 * by header position; every cell is read as text, never as HTML. An order's id comes from an id
 * column, or from the link to the order's page (`manageJob.jsp?…ID=<order id>`), which public
 * sources describe on the order's name; when a row has both, they must agree.
 */

/** The columns the Refunds panel uses; Keap's other columns (Balance Due, Status) are not read. */
type OrderColumn = 'orderId' | 'orderDate' | 'title' | 'total' | 'paid';

/**
 * Header texts accepted for each column, most telling first: a table with both a "Title" and an
 * "Order" column takes its titles from "Title". Compared as `headerKey` leaves them.
 */
const ORDER_COLUMN_HEADERS: Record<OrderColumn, readonly string[]> = {
  orderId: ['Order ID', 'Order #', 'ID'],
  orderDate: ['Date', 'Order Date'],
  title: ['Title', 'Order Title', 'Order Name', 'Description', 'Order'],
  total: ['Total', 'Order Total', 'Amount'],
  paid: ['Paid', 'Amount Paid'],
};

/** Sort arrows and markers that sortable headers carry after (or before) their text. */
const SORT_MARKERS = /[\u2190-\u21ff\u25b2-\u25c1\u2b06\u2b07]/g;

/** A header text as compared: case, surrounding whitespace, sort markers and a trailing ":" ignored. */
function headerKey(text: string): string {
  return normaliseWhitespace(text.replace(SORT_MARKERS, ' ')).replace(/\s*:$/, '').toLowerCase();
}

const ORDER_COLUMN_KEYS = Object.entries(ORDER_COLUMN_HEADERS).map(([column, headers]) => [column as OrderColumn, headers.map(headerKey)] as const);

export const pageOrderRowSchema = z.object({
  orderId: z.int().check(z.positive()),
  orderDate: z.nullable(z.iso.date()),
  title: z.string(),
  totalMinor: z.int(),
  paidMinor: z.nullable(z.int()),
});
export type PageOrderRow = z.infer<typeof pageOrderRowSchema>;

interface RejectedOrderRow {
  /** Position of the row among the table's body rows, from 0. */
  index: number;
  reason: string;
}

export type OrdersTableReading =
  | { found: false }
  | {
      found: true;
      table: HTMLTableElement;
      rows: PageOrderRow[];
      rejectedRows: RejectedOrderRow[];
      /** False when `rowLimit` stopped the reading before the table's last row. */
      complete: boolean;
    };

export interface ReadOrdersTableOptions {
  currency?: string;
  /** Read at most this many body rows (all by default). */
  rowLimit?: number;
}

/** Column positions of the order columns in a header row. */
function columnPositions(headerRow: HTMLTableRowElement): Map<OrderColumn, number> {
  const headerKeys = cellsAtPositions(headerRow).map((cell) => headerKey(cell.textContent ?? ''));
  const positions = new Map<OrderColumn, number>();
  for (const [column, keys] of ORDER_COLUMN_KEYS) {
    const position = keys.map((key) => headerKeys.indexOf(key)).find((found) => found >= 0);
    if (position !== undefined) positions.set(column, position);
  }
  return positions;
}

type CellReading<T> = { ok: true; value: T } | { ok: false; reason: string };

function readOrderId(text: string): CellReading<number> {
  const match = /^#?\s*(\d+)$/.exec(text);
  const orderId = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(orderId) || orderId <= 0) return { ok: false, reason: i18n.t('keapScreen.ordersTable.notOrderNumber', [text]) };
  return { ok: true, value: orderId };
}

/**
 * The row's order id from its id cell, its link to the order's page, or both, which must then agree.
 * `checkLink` is false for a table with an id column and no order links at all, whose rows need no
 * link query each.
 */
function readRowOrderId(idText: string | undefined, row: HTMLTableRowElement, checkLink: boolean): CellReading<number> {
  const link = checkLink ? row.querySelector(CLASSIC_ORDER_LINK_SELECTOR) : null;
  const hasIdText = idText !== undefined && idText !== '';
  if (link === null) return hasIdText ? readOrderId(idText) : { ok: false, reason: i18n.t('keapScreen.ordersTable.noOrderIdOrLink') };
  const href = link.getAttribute('href') ?? '';
  const linkedId = classicOrderIdOfHref(href);
  if (linkedId === null) return { ok: false, reason: i18n.t('keapScreen.ordersTable.notOrderLink', [href]) };
  if (!hasIdText) return { ok: true, value: linkedId };
  const statedId = readOrderId(idText);
  if (statedId.ok && statedId.value !== linkedId) {
    return { ok: false, reason: i18n.t('keapScreen.ordersTable.idLinkMismatch', [String(statedId.value), String(linkedId)]) };
  }
  return statedId;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Keap shows dates as MM/DD/YYYY; an ISO date is accepted too. Empty cells read as null. */
function readDate(text: string): CellReading<string | null> {
  if (text === '') return { ok: true, value: null };
  const american = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = american ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [yearText, monthText, dayText] = american ? [american[3], american[1], american[2]] : iso ? [iso[1], iso[2], iso[3]] : [];
  const [year, month, day] = [Number(yearText), Number(monthText), Number(dayText)];
  // Arithmetic rather than a Date: the check runs for every row of a thousand-order table.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) {
    return { ok: false, reason: i18n.t('keapScreen.ordersTable.notDate', [text]) };
  }
  return { ok: true, value: `${yearText}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

/** Money cell text → minor units; accountants' "(5.00)" and "-$5.00" read as negative. */
function readMoney(column: 'total' | 'paid', text: string, currency: string): CellReading<number> {
  const negative = /^\(.*\)$/.test(text) || text.startsWith('-');
  const unsigned = negative ? text.replace(/^\((.*)\)$/, '$1').replace(/^-/, '') : text;
  const parsed = parseMoneyInput(unsigned, currency);
  if (!parsed.ok) return { ok: false, reason: i18n.t(`keapScreen.ordersTable.${column}NotAmount`, [text]) };
  return { ok: true, value: negative && parsed.minorUnits !== 0 ? -parsed.minorUnits : parsed.minorUnits };
}

function readOptionalMoney(column: 'total' | 'paid', text: string | undefined, currency: string): CellReading<number | null> {
  if (text === undefined || text === '') return { ok: true, value: null };
  return readMoney(column, text, currency);
}

/** The columns read from each row, in the order `bodyRowTextsOf` returns their texts. */
const READ_COLUMNS: readonly OrderColumn[] = ['orderId', 'orderDate', 'title', 'total', 'paid'];

/**
 * One body row → an order. Every field is checked as it is read, so the result matches
 * `pageOrderRowSchema` without a second pass over a thousand rows.
 */
function readRow(texts: readonly (string | undefined)[], row: HTMLTableRowElement, checkLink: boolean, currency: string): CellReading<PageOrderRow> {
  const [orderIdText, dateText, title, totalText, paidText] = texts;
  const orderId = readRowOrderId(orderIdText, row, checkLink);
  if (!orderId.ok) return orderId;
  const orderDate = readDate(dateText ?? '');
  if (!orderDate.ok) return orderDate;
  const total = readMoney('total', totalText ?? '', currency);
  if (!total.ok) return total;
  const paid = readOptionalMoney('paid', paidText, currency);
  if (!paid.ok) return paid;
  return {
    ok: true,
    value: {
      orderId: orderId.value,
      orderDate: orderDate.value,
      title: title ?? '',
      totalMinor: total.value,
      paidMinor: paid.value,
    },
  };
}

const hasOrderLinks = (table: HTMLTableElement) => table.querySelector(CLASSIC_ORDER_LINK_SELECTOR) !== null;

/**
 * The first table with a title-like and a total column that names its orders, by an id column or by
 * links to the orders' pages: a table of amounts that names no orders (an order page's payments, a
 * list of subscriptions) is never taken.
 */
function findOrdersTable(root: ParentNode): { table: HTMLTableElement; headerRow: HTMLTableRowElement; positions: Map<OrderColumn, number> } | null {
  for (const table of Array.from(root.querySelectorAll('table'))) {
    const headerRow = headerRowOf(table);
    if (!headerRow) continue;
    const positions = columnPositions(headerRow);
    if (!positions.has('title') || !positions.has('total')) continue;
    if (positions.has('orderId') || hasOrderLinks(table)) return { table, headerRow, positions };
  }
  return null;
}

/** Keap's Orders table under `root` (found by its headers), without reading it. */
export function ordersTableIn(root: ParentNode): HTMLTableElement | null {
  return findOrdersTable(root)?.table ?? null;
}

/** Finds and reads the contact's orders table under `root`; rows that do not read cleanly are rejected one by one. */
export function readOrdersTable(root: ParentNode, { currency = DEFAULT_CURRENCY, rowLimit = Number.POSITIVE_INFINITY }: ReadOrdersTableOptions = {}): OrdersTableReading {
  const located = findOrdersTable(root);
  if (!located) return { found: false };
  const { table, headerRow, positions } = located;

  // A column the table lacks reads as undefined: position -1 matches no cell.
  const readPositions = READ_COLUMNS.map((column) => positions.get(column) ?? -1);
  // A table without an id column was recognised by its order links. With one, a single query for
  // the whole table spares a thousand rows a query each when no row has a link to check.
  const checkLinks = !positions.has('orderId') || hasOrderLinks(table);
  const rows: PageOrderRow[] = [];
  const rejectedRows: RejectedOrderRow[] = [];
  const { bodyRows, complete } = bodyRowTextsOf(table, headerRow, readPositions, rowLimit);
  bodyRows.forEach((bodyRow, index) => {
    if (bodyRow.kind === 'message') return;
    const reading = readRow(bodyRow.texts, bodyRow.row, checkLinks, currency);
    if (reading.ok) rows.push(reading.value);
    else rejectedRows.push({ index, reason: reading.reason });
  });
  return { found: true, table, rows, rejectedRows, complete };
}

export interface WatchOrdersTableOptions {
  signal: AbortSignal;
  currency?: string;
  /**
   * When the table appears, read this many rows at once and the rest in the next task, so a
   * thousand-order table shows its first page in the frame Keap draws it (all rows at once by default).
   */
  firstRows?: number;
}

const NOT_FOUND_KEY = 'not-found';

function contentKey(reading: OrdersTableReading): string {
  if (!reading.found) return NOT_FOUND_KEY;
  return JSON.stringify([reading.rows, reading.rejectedRows, reading.complete]);
}

const isOrHasTable = (node: Node) => node.nodeType === Node.ELEMENT_NODE && ((node as Element).tagName === 'TABLE' || (node as Element).querySelector('table') !== null);

/** Whether a batch of DOM changes can have touched a table: anything else is not worth a read. */
function touchesTables(records: readonly MutationRecord[]): boolean {
  return records.some((record) => {
    const target = record.target.nodeType === Node.ELEMENT_NODE ? (record.target as Element) : record.target.parentElement;
    if (target?.closest('table')) return true;
    return [...record.addedNodes, ...record.removedNodes].some(isOrHasTable);
  });
}

/** Whether a batch of DOM changes put a table (or an element holding one) into the page. */
function addsTable(records: readonly MutationRecord[]): boolean {
  return records.some((record) => [...record.addedNodes].some(isOrHasTable));
}

/**
 * Calls `onChange` with the current reading at the start and whenever the table appears, is
 * replaced with different content, or disappears. A table that appears is read in the
 * MutationObserver's callback, so the panel shows it in the same frame Keap draws it: its first
 * `firstRows` rows there, the rest in the next task. Later changes are read in the next task, once
 * for a burst; changes that touch no table are skipped, and the same content is never reported
 * twice in a row.
 */
export function watchOrdersTable(
  root: ParentNode & Node,
  onChange: (reading: OrdersTableReading) => void,
  { signal, currency, firstRows = Number.POSITIVE_INFINITY }: WatchOrdersTableOptions,
): void {
  let lastKey: string | null = null;
  // The last report showed a table (rather than none, or nothing reported yet).
  const tableShown = () => lastKey !== null && lastKey !== NOT_FOUND_KEY;
  let pendingRead: ReturnType<typeof setTimeout> | undefined;

  const report = (reading: OrdersTableReading) => {
    const key = contentKey(reading);
    if (key === lastKey) return;
    lastKey = key;
    onChange(reading);
  };

  const readAll = () => {
    pendingRead = undefined;
    if (!signal.aborted) report(readOrdersTable(root, { currency }));
  };

  const readLater = () => {
    clearTimeout(pendingRead);
    pendingRead = setTimeout(readAll, 0);
  };

  const readNow = () => {
    if (signal.aborted) return;
    const reading = readOrdersTable(root, { currency, rowLimit: firstRows });
    report(reading);
    if (reading.found && !reading.complete) readLater();
    else clearTimeout(pendingRead);
  };

  const observer = new MutationObserver((records) => {
    if (!touchesTables(records)) return;
    // A table that appears is read while Keap draws it; any other change can wait a task.
    if (!tableShown() && addsTable(records)) readNow();
    else readLater();
  });
  if (!signal.aborted) {
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    signal.addEventListener(
      'abort',
      () => {
        observer.disconnect();
        clearTimeout(pendingRead);
      },
      { once: true },
    );
  }
  readNow();
}
