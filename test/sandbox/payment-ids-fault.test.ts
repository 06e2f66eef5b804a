import { describe, expect, it } from 'vitest';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { invoicePaymentListSchema, merchantListSchema, orderListingSchema, orderSchema, transactionListingSchema, transactionListSchema } from '@/lib/keap/schemas';
import { contactOrderRows } from '@/lib/panel/contact-orders';
import { refundChannelFor } from '@/lib/refund/rules';
import { answerApi, type ApiRequest } from './api';
import { createSeedState, SEED } from './seed';

const state = createSeedState();

/** Keap's answer to a GET of `path` (with its query), straight from the sandbox's API. */
function get(path: string, faults: ApiRequest['faults'] = {}): unknown {
  const url = new URL(path, 'http://sandbox');
  const answer = answerApi(state, { method: 'GET', apiPath: url.pathname, query: url.searchParams, requestOrigin: url.origin, body: undefined, now: new Date(), faults });
  expect(answer.status).toBe(200);
  return answer.body;
}

const handWrittenOrders = Object.values(SEED.orders).filter((orderId) => orderId !== SEED.orders.hostile);
const merchants = merchantListSchema.parse(get('/v1/merchants'));
const transactionIds = new Set(state.transactions.map((transaction) => transaction.id));

/** The side panel's view of an order, as getOrderForRefund derives it. */
function sidePanelOf(orderId: number, faults: ApiRequest['faults']) {
  const order = orderSchema.parse(get(`/v1/orders/${orderId}`));
  const payments = invoicePaymentListSchema.parse(get(`/v1/orders/${orderId}/payments`, faults));
  const { transactions } = transactionListSchema.parse(get(`/v1/orders/${orderId}/transactions`));
  const facts = derivePaymentFacts({ order, payments, transactions, merchants });
  return { payments, facts, summary: summarizeOrder(order, facts) };
}

describe('fault paymentIdsAreNotTransactionIds', () => {
  const hidden = { paymentIdsAreNotTransactionIds: true };

  it('gives invoice payments a payment_id that is no transaction’s id', () => {
    for (const orderId of handWrittenOrders) {
      const { payments } = sidePanelOf(orderId, hidden);
      for (const payment of payments) expect(transactionIds.has(payment.payment_id ?? -1)).toBe(false);
    }
    // Without the fault, the contract's guess holds.
    const { payments } = sidePanelOf(SEED.orders.paypalExpress, {});
    expect(payments[0]?.payment_id).toBe(state.payments.find((payment) => payment.id === SEED.payments.paypalExpress)?.transactionId);
  });

  it('the side panel still finds every payment’s gateway, merchant and channel on every seeded order', () => {
    for (const orderId of handWrittenOrders) {
      const described = (faults: ApiRequest['faults']) =>
        // Which transaction took a payment may stay unknown (payments of one amount and day); what it tells may not.
        sidePanelOf(orderId, faults).facts.map(({ transactionId: _linkedTransaction, ...fact }) => ({ ...fact, channel: refundChannelFor({ ...fact, transactionId: null }) }));
      expect(described(hidden)).toEqual(described({}));
    }
    const [paypal] = sidePanelOf(SEED.orders.paypalExpress, hidden).facts;
    expect(paypal && refundChannelFor(paypal)).toEqual({
      kind: 'manual',
      reason: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here',
    });
  });

  it('the Refunds panel and the side panel name the same gateway limits for every order of the demo contact', () => {
    const orders = (get(`/v1/orders?contact_id=${SEED.contacts.demo}`) as { orders: unknown[] }).orders.map((order) => orderListingSchema.parse(order));
    const transactions = (get(`/v1/transactions?contact_id=${SEED.contacts.demo}`) as { transactions: unknown[] }).transactions.map((transaction) =>
      transactionListingSchema.parse(transaction),
    );
    const rows = contactOrderRows(orders, transactions, merchants);
    expect(rows).toHaveLength(handWrittenOrders.length);
    for (const row of rows) expect(sidePanelOf(row.orderId, hidden).summary.gatewayLimits).toEqual(row.summary.gatewayLimits);
    expect(rows.find((row) => row.orderId === SEED.orders.eway)?.summary.gatewayLimits.map((limit) => limit.gatewayName)).toEqual(['eWAY']);
  });
});
