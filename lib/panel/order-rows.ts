import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { DEFAULT_CURRENCY } from '@/lib/money';
import type { PageOrderRow } from '@/lib/page/orders-table';

/** What is special about an order; the panel words each kind, except a gateway's limit, worded by gatewayLimitText. */
export type OrderBadge = { kind: 'gateway-cannot-refund'; text: string } | { kind: 'pending' | 'manual-payment' | 'partially-refunded' | 'fully-refunded' };

/** An amount the page shows otherwise than Keap's API, which the panel names. */
export interface AmountDisagreement {
  amount: 'total' | 'paid';
  pageMinor: number;
  apiMinor: number;
}

/** One row of the Refunds panel: what the page showed, corrected by what Keap's API says. */
export interface PanelOrderRow {
  orderId: number;
  title: string;
  orderDate: string | null;
  currency: string;
  totalMinor: number;
  paidMinor: number | null;
  refundedMinor: number | null;
  /** Known only once the API has answered: the page does not show refunds. */
  refundableNowMinor: number | null;
  /** Where the page and the API disagree (in the row's currency). */
  discrepancies: AmountDisagreement[];
  badges: OrderBadge[];
  fromApi: boolean;
}

function badgesFor(summary: ContactOrderRow['summary']): OrderBadge[] {
  const badges: OrderBadge[] = [];
  if (summary.hasPending) badges.push({ kind: 'pending' });
  // Worded by gatewayLimitText (lib/refund/gateways.ts), as the side panel words each payment's limit.
  for (const limit of summary.gatewayLimits) badges.push({ kind: 'gateway-cannot-refund', text: limit.text });
  if (summary.hasManual) badges.push({ kind: 'manual-payment' });
  if (summary.fullyRefunded) badges.push({ kind: 'fully-refunded' });
  else if (summary.partiallyRefunded) badges.push({ kind: 'partially-refunded' });
  return badges;
}

function disagreement(amount: AmountDisagreement['amount'], pageMinor: number | null, apiMinor: number): AmountDisagreement | null {
  return pageMinor === null || pageMinor === apiMinor ? null : { amount, pageMinor, apiMinor };
}

/**
 * Newest first; orders without a date after dated ones; then by id, newest first. The background
 * sorts Keap's lists with it too, so the panel's pages and the API's first page agree.
 */
export function byRecency(a: { orderDate: string | null; orderId: number }, b: { orderDate: string | null; orderId: number }): number {
  if (a.orderDate !== b.orderDate) {
    if (a.orderDate === null) return 1;
    if (b.orderDate === null) return -1;
    return a.orderDate < b.orderDate ? 1 : -1;
  }
  return b.orderId - a.orderId;
}

function fromPage(page: PageOrderRow): PanelOrderRow {
  return {
    orderId: page.orderId,
    title: page.title,
    orderDate: page.orderDate,
    currency: DEFAULT_CURRENCY,
    totalMinor: page.totalMinor,
    paidMinor: page.paidMinor,
    refundedMinor: null,
    refundableNowMinor: null,
    discrepancies: [],
    badges: [],
    fromApi: false,
  };
}

function fromApi(api: ContactOrderRow, page: PageOrderRow | undefined): PanelOrderRow {
  const { summary } = api;
  const discrepancies = page
    ? [disagreement('total', page.totalMinor, summary.totalMinor), disagreement('paid', page.paidMinor, summary.paidMinor)].filter((note) => note !== null)
    : [];
  return {
    orderId: api.orderId,
    title: api.title || page?.title || '',
    orderDate: api.orderDate ?? page?.orderDate ?? null,
    currency: summary.currency,
    totalMinor: summary.totalMinor,
    paidMinor: summary.paidMinor,
    refundedMinor: summary.refundedMinor,
    refundableNowMinor: summary.refundableNowMinor,
    discrepancies,
    badges: badgesFor(summary),
    fromApi: true,
  };
}

/**
 * Merges the page's Orders table with Keap's API. The API is the authority for amounts and
 * statuses; the page fills in until it answers and names any disagreement. Orders only one side
 * knows are kept, so nothing the user can see in Keap disappears from the panel.
 */
export function mergeOrderRows(pageRows: readonly PageOrderRow[], apiRows: readonly ContactOrderRow[] | null): PanelOrderRow[] {
  // One map by order id: the page's row, replaced by the API's where it has one (an id the page
  // shows twice counts once, as its last row).
  const pageById = new Map<number, PageOrderRow>();
  for (const page of pageRows) pageById.set(page.orderId, page);
  const merged = new Map<number, PanelOrderRow>();
  for (const api of apiRows ?? []) merged.set(api.orderId, fromApi(api, pageById.get(api.orderId)));
  for (const page of pageById.values()) {
    if (!merged.has(page.orderId)) merged.set(page.orderId, fromPage(page));
  }
  return [...merged.values()].sort(byRecency);
}

/** Case-insensitive match on order id, title or date, for the panel's filter box. */
export function filterOrderRows(rows: readonly PanelOrderRow[], query: string): PanelOrderRow[] {
  const wanted = query.trim().toLowerCase();
  if (wanted === '') return [...rows];
  // The panel shows ids as "#1042", so people type them that way too.
  const wantedId = wanted.replace(/^#\s*/, '');
  return rows.filter((row) => String(row.orderId).includes(wantedId) || row.title.toLowerCase().includes(wanted) || (row.orderDate ?? '').includes(wanted));
}
