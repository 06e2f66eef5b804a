import { amountsInText, DEFAULT_CURRENCY } from '@/lib/money';
import { readableText } from '@/lib/page/accessible-name';
import { datesShownIn } from './shown-dates';

/*
 * The payments list of Keap's newer app's contact record, where the page shows one. Nothing public
 * shows it (keap-facts.md: "Not documented: any markup"; help.keap.com only says "Click on the
 * payment you want to refund" after opening the Money card), so a list is recognised by what its
 * rows hold, a date and an amount each, whatever draws it: a table, a list, or ARIA rows.
 */

/** One payment as the page shows it. */
export interface PagePayment {
  /** The day the page gives it, as an ISO date. */
  date: string;
  /** Its amount in minor units, as written (a refund's sign is not read). */
  amountMinor: number;
}

export type PaymentsListReading = { found: false } | { found: true; list: Element; payments: PagePayment[] };

/** What can hold rows, in the forms a page draws lists. */
const LISTS = 'table, ul, ol, [role="list"], [role="table"], [role="grid"], [role="treegrid"]';

/** The list's own rows: not those of a list nested in one of them, not header rows. */
function rowsOf(list: Element): Element[] {
  if (list.tagName === 'TABLE') {
    return Array.from((list as HTMLTableElement).rows).filter((row) => row.closest('table') === list && row.querySelector('td') !== null);
  }
  if (list.matches('ul, ol')) return Array.from(list.children).filter((child) => child.tagName === 'LI');
  if (list.matches('[role="list"]')) return Array.from(list.querySelectorAll('[role="listitem"]')).filter((item) => item.parentElement?.closest(LISTS) === list);
  return Array.from(list.querySelectorAll('[role="row"]')).filter((row) => row.parentElement?.closest(LISTS) === list && row.querySelector('[role="columnheader"]') === null);
}

type RowReading = { kind: 'payment'; payment: PagePayment } | { kind: 'no-money' } | { kind: 'unclear' };

/**
 * A row with one date and one amount is a payment; a row with neither (a header, "Show more", an
 * empty-list message) is skipped; any other row (two dates, an amount without a date, a date
 * without an amount) makes the list one this reader does not recognise.
 */
function readRow(row: Element, currency: string): RowReading {
  const text = readableText(row);
  const dates = datesShownIn(row, text);
  const amounts = [...new Set(amountsInText(text, currency))];
  if (dates.length === 0 && amounts.length === 0) return { kind: 'no-money' };
  const [date] = dates;
  const [amountMinor] = amounts;
  if (dates.length !== 1 || amounts.length !== 1 || date === undefined || amountMinor === undefined) return { kind: 'unclear' };
  return { kind: 'payment', payment: { date, amountMinor } };
}

function readList(list: Element, currency: string): PagePayment[] | null {
  const payments: PagePayment[] = [];
  for (const row of rowsOf(list)) {
    const reading = readRow(row, currency);
    if (reading.kind === 'unclear') return null;
    if (reading.kind === 'payment') payments.push(reading.payment);
  }
  return payments.length > 0 ? payments : null;
}

/** The first list under `root` whose every row is a payment (rows without money aside), with its payments in the page's order. */
export function readPaymentsList(root: ParentNode, currency: string = DEFAULT_CURRENCY): PaymentsListReading {
  for (const list of Array.from(root.querySelectorAll(LISTS))) {
    const payments = readList(list, currency);
    if (payments) return { found: true, list, payments };
  }
  return { found: false };
}

export interface WatchPaymentsListOptions {
  signal: AbortSignal;
  /** Where the list is looked for, asked at each reading: the app may replace its main content. */
  scope: () => ParentNode;
  currency?: string;
  /** How long a burst of DOM changes is let settle before the list is read again. */
  settleMs?: number;
}

/**
 * Calls `onChange` with the reading at once and whenever it changes: the app draws its lists late
 * and redraws them at will. DOM changes under `observed` are let settle for `settleMs` and read
 * once, so a busy page costs a timer per burst; the same reading is never reported twice in a row.
 */
export function watchPaymentsList(observed: Node, onChange: (reading: PaymentsListReading) => void, { signal, scope, currency, settleMs = 100 }: WatchPaymentsListOptions): void {
  if (signal.aborted) return;
  let lastKey: string | null = null;
  let pendingRead: ReturnType<typeof setTimeout> | undefined;
  const read = () => {
    pendingRead = undefined;
    const reading = readPaymentsList(scope(), currency);
    const key = reading.found ? JSON.stringify(reading.payments) : '';
    if (key === lastKey) return;
    lastKey = key;
    onChange(reading);
  };
  const observer = new MutationObserver(() => {
    pendingRead ??= setTimeout(read, settleMs);
  });
  observer.observe(observed, { childList: true, subtree: true, characterData: true });
  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      clearTimeout(pendingRead);
    },
    { once: true },
  );
  read();
}
