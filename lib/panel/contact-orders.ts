import type { ContactOrders } from '@/lib/keap/contact-cache';
import type { KeapResult } from '@/lib/keap/errors';
import { forEachLinkedOrderId, sentOrderSortKey, sentTransactionLinks } from '@/lib/keap/listing';
import { type OrderSummary, gatewayLimitsOfCharges, isCharge, isManualCharge } from '@/lib/keap/payment-facts';
import type { KeapMerchantList, KeapOrderListing, KeapTransactionListing } from '@/lib/keap/schemas';
import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { byRecency } from '@/lib/panel/order-rows';
import { DEFAULT_CURRENCY } from '@/lib/money';

/**
 * A contact's transactions by the orders they belong to, each link once. Plain loops: this runs
 * over every transaction of a thousand-order contact.
 */
function transactionsByOrder(transactions: readonly KeapTransactionListing[]): Map<number, KeapTransactionListing[]> {
  const byOrder = new Map<number, KeapTransactionListing[]>();
  for (const transaction of transactions) {
    forEachLinkedOrderId(transaction, (orderId) => {
      const list = byOrder.get(orderId);
      if (list === undefined) byOrder.set(orderId, [transaction]);
      // One transaction's links are visited one after another, so a repeat is the list's last entry.
      else if (list[list.length - 1] !== transaction) list.push(transaction);
    });
  }
  return byOrder;
}

/**
 * An order's summary from the contact-wide lists alone (orders + transactions: O(pages) calls for
 * the whole contact). Per-payment detail comes later, when the order is opened for a refund; the
 * gateways are read and their limits worded as the side panel's payments read and word them.
 */
export function summarizeFromTransactions(order: KeapOrderListing, transactions: readonly KeapTransactionListing[], merchants: KeapMerchantList): OrderSummary {
  const charges = transactions.filter(isCharge);
  const settledMinor = charges.filter((transaction) => transaction.status.toUpperCase() === 'APPROVED').reduce((sum, transaction) => sum + transaction.amount, 0);
  const refundedMinor = Math.max(0, order.refund_total);
  const collectedMinor = Math.max(order.total_paid, settledMinor);
  return {
    orderId: order.id,
    currency: charges.find((transaction) => transaction.currency)?.currency ?? DEFAULT_CURRENCY,
    totalMinor: order.total,
    paidMinor: order.total_paid,
    refundedMinor,
    refundableNowMinor: Math.max(0, settledMinor - refundedMinor),
    hasPending: charges.some((transaction) => transaction.status.toUpperCase() === 'PENDING'),
    hasManual: charges.some(isManualCharge),
    gatewayLimits: gatewayLimitsOfCharges(charges, merchants),
    partiallyRefunded: refundedMinor > 0 && refundedMinor < collectedMinor,
    fullyRefunded: collectedMinor > 0 && refundedMinor >= collectedMinor,
  };
}

/** The Refunds panel's rows for a contact: one per order, newest first; only the newest `newest` when given. */
export function contactOrderRows(
  orders: readonly KeapOrderListing[],
  transactions: readonly KeapTransactionListing[],
  merchants: KeapMerchantList,
  newest: number = orders.length,
): ContactOrderRow[] {
  const byOrder = transactionsByOrder(transactions);
  // Sorted before summing up, so a first page costs twenty summaries rather than a thousand.
  return orders
    .map((order) => ({ order, orderId: order.id, orderDate: order.order_date.slice(0, 10) }))
    .sort(byRecency)
    .slice(0, newest)
    .map(({ order, orderDate }) => ({
      orderId: order.id,
      title: order.title ?? '',
      orderDate,
      summary: summarizeFromTransactions(order, byOrder.get(order.id) ?? [], merchants),
    }));
}

/**
 * The newest `newest` orders' rows, checking only what they need: every order's id and date and
 * every transaction's links are read as Keap sent them, then the chosen orders and the transactions
 * linked to them are checked in full. The rows are those of `contactOrderRows` over the whole
 * checked lists. Null when that cannot be vouched for (a list already checked and let go, or an
 * order or link not plainly well-formed): the caller checks everything instead. When several items
 * are bad, the one named may differ from the full check's (chosen orders go newest first).
 */
function newestOrderRowsAsSent(
  { orders, transactions, merchants }: Pick<ContactOrders, 'orders' | 'transactions' | 'merchants'>,
  newest: number,
): KeapResult<ContactOrderRow[]> | null {
  const sentOrders = orders.sent;
  const sentTransactions = transactions.sent;
  if (sentOrders === undefined || sentTransactions === undefined) return null;
  const keys: Array<{ index: number; orderId: number; orderDate: string }> = [];
  for (let index = 0; index < sentOrders.length; index += 1) {
    const key = sentOrderSortKey(sentOrders[index]);
    if (key === null) return null;
    keys.push({ index, orderId: key.id, orderDate: key.orderDate });
  }
  const chosen = keys.sort(byRecency).slice(0, newest);
  const chosenIds = new Set(chosen.map((key) => key.orderId));
  const linkedIndices: number[] = [];
  for (let index = 0; index < sentTransactions.length; index += 1) {
    const links = sentTransactionLinks(sentTransactions[index]);
    if (links === null) return null;
    let linked = false;
    forEachLinkedOrderId(links, (orderId) => {
      linked ||= chosenIds.has(orderId);
    });
    if (linked) linkedIndices.push(index);
  }
  const chosenOrders = orders.some(chosen.map((key) => key.index));
  if (!chosenOrders.ok) return chosenOrders;
  const linkedTransactions = transactions.some(linkedIndices);
  if (!linkedTransactions.ok) return linkedTransactions;
  return { ok: true, value: contactOrderRows(chosenOrders.value, linkedTransactions.value, merchants, newest) };
}

/**
 * A contact's rows from the background's copy of Keap's lists. A first page (`newest` fewer than
 * the contact's orders) is answered before the rest is checked; asking for all checks everything,
 * so a bad order outside the first page still fails the whole list then.
 */
export function contactOrderRowsOf(lists: Pick<ContactOrders, 'orders' | 'transactions' | 'merchants'>, newest?: number): KeapResult<ContactOrderRow[]> {
  if (newest !== undefined && newest < lists.orders.length) {
    const firstPage = newestOrderRowsAsSent(lists, newest);
    if (firstPage !== null) return firstPage;
  }
  const orders = lists.orders.all();
  if (!orders.ok) return orders;
  const transactions = lists.transactions.all();
  if (!transactions.ok) return transactions;
  return { ok: true, value: contactOrderRows(orders.value, transactions.value, lists.merchants, newest) };
}
