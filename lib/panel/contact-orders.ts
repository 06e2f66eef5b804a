import { type OrderSummary, gatewayCannotRefundInKeap } from '@/lib/keap/payment-facts';
import type { KeapOrderListing, KeapTransactionListing } from '@/lib/keap/schemas';
import type { ContactOrderRow } from '@/lib/messaging/protocol';
import { DEFAULT_CURRENCY } from '@/lib/money';

/** Transaction types that move money back or cancel a charge, as opposed to taking money. */
const NOT_A_CHARGE = new Set(['REFUND', 'VOID']);

/**
 * A contact's transactions by the orders they belong to. Keap links a transaction both through
 * `orders[]` and through a comma-separated `order_ids`; each link counts once. Plain loops: this
 * runs over every transaction of a thousand-order contact before its first page can be shown.
 */
export function transactionsByOrder(transactions: readonly KeapTransactionListing[]): Map<number, KeapTransactionListing[]> {
  const byOrder = new Map<number, KeapTransactionListing[]>();
  const link = (orderId: number, transaction: KeapTransactionListing) => {
    const list = byOrder.get(orderId);
    if (list === undefined) byOrder.set(orderId, [transaction]);
    // One transaction's links are added one after another, so a repeat is the list's last entry.
    else if (list[list.length - 1] !== transaction) list.push(transaction);
  };
  for (const transaction of transactions) {
    const listed = transaction.orders;
    if (listed) for (const order of listed) link(order.id, transaction);
    if (!transaction.order_ids) continue;
    for (const part of transaction.order_ids.split(',')) {
      // Number() ignores surrounding spaces and reads an empty part as 0, which is no order id.
      const orderId = Number(part);
      if (Number.isInteger(orderId) && orderId > 0) link(orderId, transaction);
    }
  }
  return byOrder;
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
  const byOrder = transactionsByOrder(transactions);
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
