import { type OrderSummary, gatewayCannotRefundInKeap } from '@/lib/keap/payment-facts';
import type { KeapOrderListing, KeapTransactionListing } from '@/lib/keap/schemas';
import type { ContactOrderRow } from '@/lib/messaging/protocol';
import { DEFAULT_CURRENCY } from '@/lib/money';

/** Transaction types that move money back or cancel a charge, as opposed to taking money. */
const NOT_A_CHARGE = new Set(['REFUND', 'VOID']);

/** The orders a transaction belongs to: Keap gives both `orders[]` and a comma-separated `order_ids`. */
export function orderIdsOf(transaction: KeapTransactionListing): number[] {
  const fromList = (transaction.orders ?? []).map((order) => order.id);
  const fromText = (transaction.order_ids ?? '')
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((id) => Number.isInteger(id) && id > 0);
  return [...new Set([...fromList, ...fromText])];
}

/**
 * An order's summary from the contact-wide lists alone (orders + transactions: O(pages) calls for
 * the whole contact). Per-payment detail comes later, when the order is opened for a refund.
 */
export function summarizeFromTransactions(order: KeapOrderListing, transactions: readonly KeapTransactionListing[]): OrderSummary {
  const charges = transactions.filter((transaction) => !NOT_A_CHARGE.has(transaction.type.toUpperCase()));
  const settledMinor = charges
    .filter((transaction) => transaction.status.toUpperCase() === 'APPROVED')
    .reduce((sum, transaction) => sum + transaction.amount, 0);
  const refundedMinor = Math.max(0, order.refund_total);
  const gateways = new Set(
    charges.flatMap((transaction) => (transaction.gateway && gatewayCannotRefundInKeap(transaction.gateway) ? [transaction.gateway] : [])),
  );
  const collectedMinor = Math.max(order.total_paid, settledMinor);
  return {
    orderId: order.id,
    currency: charges.find((transaction) => transaction.currency)?.currency ?? DEFAULT_CURRENCY,
    totalMinor: order.total,
    paidMinor: order.total_paid,
    refundedMinor,
    refundableNowMinor: Math.max(0, settledMinor - refundedMinor),
    hasPending: charges.some((transaction) => transaction.status.toUpperCase() === 'PENDING'),
    hasManual: charges.some((transaction) => transaction.type.toUpperCase() === 'MANUAL' || transaction.collection_method?.toUpperCase() === 'MANUAL'),
    gatewaysThatCannotRefundInKeap: [...gateways],
    partiallyRefunded: refundedMinor > 0 && refundedMinor < collectedMinor,
    fullyRefunded: collectedMinor > 0 && refundedMinor >= collectedMinor,
  };
}

/** The Refunds panel's rows for a contact: one per order, newest first; only the newest `newest` when given. */
export function contactOrderRows(
  orders: readonly KeapOrderListing[],
  transactions: readonly KeapTransactionListing[],
  newest: number = orders.length,
): ContactOrderRow[] {
  const byOrder = new Map<number, KeapTransactionListing[]>();
  for (const transaction of transactions) {
    for (const orderId of orderIdsOf(transaction)) {
      const list = byOrder.get(orderId);
      if (list) list.push(transaction);
      else byOrder.set(orderId, [transaction]);
    }
  }
  // Sorted before summing up, so a first page costs twenty summaries rather than a thousand.
  return orders
    .map((order) => ({ order, orderDate: order.order_date.slice(0, 10) }))
    .sort((a, b) => (a.orderDate === b.orderDate ? b.order.id - a.order.id : a.orderDate < b.orderDate ? 1 : -1))
    .slice(0, newest)
    .map(({ order, orderDate }) => ({
      orderId: order.id,
      title: order.title ?? '',
      orderDate,
      summary: summarizeFromTransactions(order, byOrder.get(order.id) ?? []),
    }));
}
