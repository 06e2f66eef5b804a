import { describe, expect, it } from 'vitest';
import { chargesOfPayments, derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { invoicePaymentListSchema, merchantListSchema, orderSchema, transactionSchema } from '@/lib/keap/schemas';
import { invoicePaymentJson, merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';

const merchants = merchantListSchema.parse(merchantsJson);

function facts(options: { order?: Record<string, unknown>; payments: Record<string, unknown>[]; transactions: Record<string, unknown>[] }) {
  const order = orderSchema.parse(orderJson(1, options.order));
  const result = derivePaymentFacts({
    order,
    payments: invoicePaymentListSchema.parse(options.payments),
    transactions: options.transactions.map((transaction) => transactionSchema.parse(transaction)),
    merchants,
  });
  return { facts: result, summary: summarizeOrder(order, result) };
}

describe('payment facts', () => {
  it('a settled Stripe payment is fully refundable and linked to its transaction', () => {
    const {
      facts: [payment],
      summary,
    } = facts({
      payments: [invoicePaymentJson(7001, { payment_id: 9001 })],
      transactions: [transactionJson(9001)],
    });
    expect(payment).toEqual({
      paymentId: 7001,
      orderId: 1,
      transactionId: 9001,
      amountMinor: 6000,
      currency: 'USD',
      payDate: '2025-01-10T15:00:05.000Z',
      payStatus: 'APPROVED',
      refundedMinor: 0,
      refundableMinor: 6000,
      gatewayName: 'Stripe',
      merchantAccountName: 'Stripe main',
      merchantType: 'STRIPE',
      possibleGatewayNames: [],
      isTestMode: false,
      isManual: false,
      isPending: false,
      isRefundRow: false,
    });
    expect(summary).toEqual({
      orderId: 1,
      currency: 'USD',
      totalMinor: 6000,
      paidMinor: 6000,
      refundedMinor: 0,
      refundableNowMinor: 6000,
      hasPending: false,
      hasManual: false,
      gatewayLimits: [],
      partiallyRefunded: false,
      fullyRefunded: false,
    });
  });

  it('partial refund: the refund row reduces what is left to refund', () => {
    const {
      facts: [payment, refund],
      summary,
    } = facts({
      order: { refund_total: 25 },
      payments: [
        invoicePaymentJson(7001, { payment_id: 9001 }),
        invoicePaymentJson(7002, { amount: -25, pay_status: 'REFUNDED', refund_invoice_payment_id: 7001, payment_id: 9002 }),
      ],
      transactions: [transactionJson(9001), transactionJson(9002, { type: 'REFUND', amount: 25 })],
    });
    expect(payment).toMatchObject({ refundedMinor: 2500, refundableMinor: 3500, isRefundRow: false });
    expect(refund).toMatchObject({ amountMinor: -2500, refundedMinor: 0, refundableMinor: 0, isRefundRow: true });
    expect(summary).toMatchObject({ refundedMinor: 2500, refundableNowMinor: 3500, partiallyRefunded: true, fullyRefunded: false });
  });

  it('full refund in two parts: nothing left, the order is fully refunded', () => {
    const {
      facts: [payment],
      summary,
    } = facts({
      order: { refund_total: 60 },
      payments: [
        invoicePaymentJson(7001, { pay_status: 'REFUNDED', payment_id: 9001 }),
        invoicePaymentJson(7002, { amount: -20, pay_status: 'REFUNDED', refund_invoice_payment_id: 7001 }),
        invoicePaymentJson(7003, { amount: -40, pay_status: 'REFUNDED', refund_invoice_payment_id: 7001 }),
      ],
      transactions: [transactionJson(9001)],
    });
    expect(payment).toMatchObject({ refundedMinor: 6000, refundableMinor: 0 });
    expect(summary).toMatchObject({ refundedMinor: 6000, refundableNowMinor: 0, partiallyRefunded: false, fullyRefunded: true });
  });

  it('refund rows whose target is 0 or null refund nothing', () => {
    const {
      facts: [payment],
    } = facts({
      payments: [invoicePaymentJson(7001, { refund_invoice_payment_id: 0 })],
      transactions: [],
    });
    expect(payment).toMatchObject({ isRefundRow: false, refundableMinor: 6000 });
  });

  it('pending: on the payment or only on its transaction, not refundable now', () => {
    const { facts: found, summary } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [invoicePaymentJson(7001, { pay_status: 'PENDING', payment_id: 9001 }), invoicePaymentJson(7002, { pay_status: 'APPROVED', payment_id: 9002 })],
      transactions: [transactionJson(9001), transactionJson(9002, { status: 'PENDING' })],
    });
    expect(found.map((fact) => fact.isPending)).toEqual([true, true]);
    expect(summary).toMatchObject({ hasPending: true, refundableNowMinor: 0 });
  });

  it('manual: MANUAL_PAID status or a MANUAL transaction', () => {
    const { facts: found, summary } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [invoicePaymentJson(7001, { pay_status: 'MANUAL_PAID', payment_id: null }), invoicePaymentJson(7002, { payment_id: 9002 })],
      transactions: [transactionJson(9002, { type: 'MANUAL', collection_method: 'MANUAL', gateway: null, gateway_account_name: null })],
    });
    expect(found.map((fact) => fact.isManual)).toEqual([true, true]);
    expect(found[0]).toMatchObject({ gatewayName: null, transactionId: null, refundableMinor: 6000 });
    expect(summary).toMatchObject({ hasManual: true, refundableNowMinor: 12000 });
  });

  it('PayPal Express is flagged as a gateway Keap cannot refund through', () => {
    const {
      facts: [payment],
      summary,
    } = facts({
      payments: [invoicePaymentJson(7001, { payment_id: 9001, pay_status: 'PAYPAL_PAID' })],
      transactions: [transactionJson(9001, { gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' })],
    });
    expect(payment).toMatchObject({ gatewayName: 'PayPal Express', merchantAccountName: 'PayPal shop', merchantType: 'PAYPAL' });
    expect(summary.gatewayLimits).toEqual([
      { gatewayName: 'PayPal Express', text: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' },
    ]);
  });

  it('test mode from the transaction or the merchant account', () => {
    const { facts: found } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [invoicePaymentJson(7001, { payment_id: 9001 }), invoicePaymentJson(7002, { payment_id: 9002 })],
      transactions: [transactionJson(9001, { test: true }), transactionJson(9002, { gateway_account_name: 'Stripe sandbox' })],
    });
    expect(found.map((fact) => fact.isTestMode)).toEqual([true, true]);
    expect(found[1]?.merchantType).toBe('STRIPE');
  });

  it('with no charge to link to, the gateway is not known: the payment plan names only where it would be charged', () => {
    const {
      facts: [payment],
    } = facts({
      order: { payment_plan: { payment_gateway: { merchant_account_id: 3, merchant_account_name: 'Stripe sandbox' } } },
      payments: [invoicePaymentJson(7001, { payment_id: 12345 })],
      transactions: [],
    });
    expect(payment).toMatchObject({ transactionId: null, gatewayName: null, merchantAccountName: null, merchantType: null, possibleGatewayNames: [], isTestMode: false });
  });

  it('voided and failed payments have nothing to refund', () => {
    const { facts: found, summary } = facts({
      payments: [invoicePaymentJson(7001, { pay_status: 'VOIDED' }), invoicePaymentJson(7002, { pay_status: 'FAILED' })],
      transactions: [],
    });
    expect(found.map((fact) => fact.refundableMinor)).toEqual([0, 0]);
    expect(summary).toMatchObject({ refundableNowMinor: 0, fullyRefunded: false, partiallyRefunded: false });
  });

  it('gateway names are compared without case or spacing', () => {
    const { summary } = facts({
      order: { total: 180, total_paid: 180 },
      payments: [invoicePaymentJson(7001, { payment_id: 9001 }), invoicePaymentJson(7002, { payment_id: 9002 }), invoicePaymentJson(7003, { payment_id: 9003 })],
      transactions: [
        transactionJson(9001, { gateway: 'paypal express' }),
        transactionJson(9002, { gateway: 'PayPal Payflow-Pro' }),
        transactionJson(9003, { gateway: 'PAYPAL COMMERCE' }),
      ],
    });
    expect(summary.gatewayLimits.map((limit) => limit.gatewayName)).toEqual(['PayPal Express', 'PayPal Payflow Pro']);
  });
});

/** Payments whose `payment_id` is no transaction's id, as on accounts where the linking guess is wrong. */
const unlinked = (id: number, overrides: Record<string, unknown> = {}) => invoicePaymentJson(id, { payment_id: 555_000 + id, ...overrides });

describe('linking payments to charges (the guess)', () => {
  const parsed = (payments: Record<string, unknown>[], transactions: Record<string, unknown>[]) => ({
    payments: invoicePaymentListSchema.parse(payments),
    transactions: transactions.map((transaction) => transactionSchema.parse(transaction)),
  });
  const linkedIds = (payments: Record<string, unknown>[], transactions: Record<string, unknown>[]) => {
    const input = parsed(payments, transactions);
    return chargesOfPayments(input.payments, input.transactions).map(({ linked, possible }) => ({
      linked: linked?.id ?? null,
      possible: possible.map((charge) => charge.id),
    }));
  };

  it('takes the transaction whose id is the payment_id first, even when another charge has the same amount and day', () => {
    expect(linkedIds([invoicePaymentJson(7001, { payment_id: 9002 })], [transactionJson(9001), transactionJson(9002)])).toEqual([{ linked: 9002, possible: [9002] }]);
  });

  it('else the only charge of the payment’s amount on its pay date’s UTC day, not one already linked by id', () => {
    const links = linkedIds(
      [invoicePaymentJson(7001, { payment_id: 9001 }), unlinked(7002, { amount: 60, pay_date: '2025-01-10T23:30:00.000-0500' })],
      [
        transactionJson(9001),
        transactionJson(9002, { transaction_date: '2025-01-11T04:30:00.000Z' }),
        transactionJson(9003, { amount: 45, transaction_date: '2025-01-11T04:30:00.000Z' }),
        transactionJson(9004, { type: 'REFUND', transaction_date: '2025-01-11T04:30:00.000Z' }),
      ],
    );
    expect(links[1]).toEqual({ linked: 9002, possible: [9002] });
  });

  it('charges of the same amount and day cannot be told apart: each such payment may be any of them', () => {
    const links = linkedIds(
      [unlinked(7001), unlinked(7002)],
      [transactionJson(9001, { gateway: 'PayPal Express' }), transactionJson(9002, { transaction_date: '2025-01-10T18:00:00.000Z' })],
    );
    expect(links).toEqual([
      { linked: null, possible: [9001, 9002] },
      { linked: null, possible: [9001, 9002] },
    ]);
  });

  it('two payments of one amount and day with a single such charge: neither is linked to it', () => {
    expect(linkedIds([unlinked(7001), unlinked(7002)], [transactionJson(9001)])).toEqual([
      { linked: null, possible: [9001] },
      { linked: null, possible: [9001] },
    ]);
  });

  it('with no charge of its amount and day, a payment may be any of the order’s charges', () => {
    expect(linkedIds([unlinked(7001, { amount: 12.5 })], [transactionJson(9001), transactionJson(9002, { amount: 30 })])).toEqual([{ linked: null, possible: [9001, 9002] }]);
  });

  it('a payment that cannot be told apart takes the gateway its possible charges share', () => {
    const { facts: found } = facts({
      order: { total: 170, total_paid: 170 },
      payments: [unlinked(7001, { amount: 30 }), unlinked(7002, { amount: 30 }), unlinked(7003, { amount: 110 })],
      transactions: [
        transactionJson(9001, { amount: 30, gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' }),
        transactionJson(9002, { amount: 30, gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' }),
        transactionJson(9003, { amount: 110 }),
      ],
    });
    expect(found.map(({ transactionId, gatewayName, merchantType, possibleGatewayNames }) => ({ transactionId, gatewayName, merchantType, possibleGatewayNames }))).toEqual([
      { transactionId: null, gatewayName: 'PayPal Express', merchantType: 'PAYPAL', possibleGatewayNames: [] },
      { transactionId: null, gatewayName: 'PayPal Express', merchantType: 'PAYPAL', possibleGatewayNames: [] },
      { transactionId: 9003, gatewayName: 'Stripe', merchantType: 'STRIPE', possibleGatewayNames: [] },
    ]);
  });

  it('when every charge of the order names one gateway, an unmatched payment has that gateway', () => {
    const {
      facts: [payment],
    } = facts({
      payments: [unlinked(7001, { amount: 60, pay_date: '2025-02-01T10:00:00.000Z' })],
      transactions: [transactionJson(9001, { gateway: 'eWAY', gateway_account_name: null, amount: 59.5 })],
    });
    expect(payment).toMatchObject({ transactionId: null, gatewayName: 'eWAY', merchantAccountName: null, possibleGatewayNames: [] });
  });

  it('when the charges it may be name different gateways, the payment names them all and no gateway', () => {
    const {
      facts: [payment],
    } = facts({
      payments: [unlinked(7001, { amount: 60 }), unlinked(7002, { amount: 60 })],
      transactions: [transactionJson(9001, { gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' }), transactionJson(9002)],
    });
    expect(payment).toMatchObject({ transactionId: null, gatewayName: null, merchantAccountName: null, possibleGatewayNames: ['PayPal Express', 'Stripe'] });
  });

  it('a manual charge names no gateway and makes its payment manual', () => {
    const {
      facts: [payment],
    } = facts({
      payments: [unlinked(7001, { amount: 150, pay_status: 'APPROVED' })],
      transactions: [transactionJson(9001, { amount: 150, type: 'MANUAL', collection_method: 'MANUAL', gateway: null, gateway_account_name: null })],
    });
    expect(payment).toMatchObject({ transactionId: 9001, isManual: true, gatewayName: null, possibleGatewayNames: [] });
  });

  it('currency, test mode and pending come from what every possible charge says', () => {
    const {
      facts: [payment],
    } = facts({
      payments: [unlinked(7001), unlinked(7002)],
      transactions: [transactionJson(9001, { currency: 'EUR', test: true, status: 'PENDING' }), transactionJson(9002, { currency: 'EUR', test: false, status: 'APPROVED' })],
    });
    expect(payment).toMatchObject({ currency: 'EUR', isTestMode: false, isPending: false });
  });
});
