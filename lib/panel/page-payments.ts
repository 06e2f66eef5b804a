import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { DEFAULT_CURRENCY } from '@/lib/money';
import type { PagePayment } from '@/lib/page/newer-app/payments-list';

const DAY_MS = 86_400_000;

/** Whether an order of the API's could have taken (or given back) `payment`: dated no later than it, and at least that large. */
function accountsFor(row: ContactOrderRow, payment: PagePayment): boolean {
  // A day's leeway: the page and the API may date the same moment in different time zones.
  const datedInTime = row.orderDate === null || Date.parse(row.orderDate) <= Date.parse(payment.date) + DAY_MS;
  const { totalMinor, paidMinor, refundedMinor } = row.summary;
  return datedInTime && Math.max(totalMinor, paidMinor, refundedMinor) >= payment.amountMinor;
}

/** A payment the page shows that none of the contact's orders in Keap's API accounts for. */
export interface UnaccountedPayment {
  date: string;
  amountMinor: number;
  currency: string;
}

/**
 * Where the newer app's payments list and Keap's API disagree, for the Refunds panel to name. The
 * page's payments name no order (nothing public says they do), so they cannot be merged with the
 * API's orders by id as the classic Orders table is (`mergeOrderRows`); instead each is checked
 * against the API's orders: a payment no order dated in time is large enough to have taken or
 * refunded is named, as the classic panel names a disagreeing amount. The API stays the authority:
 * its orders are the panel's rows either way. Call it with every order of the contact, not a first page.
 */
export function pagePaymentsTheApiLacks(payments: readonly PagePayment[], apiRows: readonly ContactOrderRow[]): UnaccountedPayment[] {
  const currency = apiRows[0]?.summary.currency ?? DEFAULT_CURRENCY;
  // Each amount and day once: the page may list two alike.
  const unaccounted = new Map<string, UnaccountedPayment>();
  for (const payment of payments) {
    if (apiRows.some((row) => accountsFor(row, payment))) continue;
    unaccounted.set(`${payment.amountMinor}@${payment.date}`, { date: payment.date, amountMinor: payment.amountMinor, currency });
  }
  return [...unaccounted.values()];
}
