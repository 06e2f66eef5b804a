import { describe, expect, it } from 'vitest';
import { derivePaymentFacts, gatewayCannotRefundInKeap, summarizeOrder } from '@/lib/keap/payment-facts';
import { invoicePaymentListSchema, merchantListSchema, orderSchema, transactionSchema } from '@/lib/keap/schemas';
import { invoicePaymentJson, merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';

const merchants = merchantListSchema.parse(merchantsJson);

function facts(options: {
  order?: Record<string, unknown>;
  payments: Record<string, unknown>[];
  transactions: Record<string, unknown>[];
}) {
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
    const { facts: [payment], summary } = facts({
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
      gatewaysThatCannotRefundInKeap: [],
      partiallyRefunded: false,
      fullyRefunded: false,
    });
  });

  it('partial refund: the refund row reduces what is left to refund', () => {
    const { facts: [payment, refund], summary } = facts({
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
    const { facts: [payment], summary } = facts({
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
    const { facts: [payment] } = facts({
      payments: [invoicePaymentJson(7001, { refund_invoice_payment_id: 0 })],
      transactions: [],
    });
    expect(payment).toMatchObject({ isRefundRow: false, refundableMinor: 6000 });
  });

  it('pending: on the payment or only on its transaction, not refundable now', () => {
    const { facts: found, summary } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [
        invoicePaymentJson(7001, { pay_status: 'PENDING', payment_id: 9001 }),
        invoicePaymentJson(7002, { pay_status: 'APPROVED', payment_id: 9002 }),
      ],
      transactions: [transactionJson(9001), transactionJson(9002, { status: 'PENDING' })],
    });
    expect(found.map((fact) => fact.isPending)).toEqual([true, true]);
    expect(summary).toMatchObject({ hasPending: true, refundableNowMinor: 0 });
  });

  it('manual: MANUAL_PAID status or a MANUAL transaction', () => {
    const { facts: found, summary } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [
        invoicePaymentJson(7001, { pay_status: 'MANUAL_PAID', payment_id: null }),
        invoicePaymentJson(7002, { payment_id: 9002 }),
      ],
      transactions: [transactionJson(9002, { type: 'MANUAL', collection_method: 'MANUAL', gateway: null, gateway_account_name: null })],
    });
    expect(found.map((fact) => fact.isManual)).toEqual([true, true]);
    expect(found[0]).toMatchObject({ gatewayName: null, transactionId: null, refundableMinor: 6000 });
    expect(summary).toMatchObject({ hasManual: true, refundableNowMinor: 12000 });
  });

  it('PayPal Express is flagged as a gateway Keap cannot refund through', () => {
    const { facts: [payment], summary } = facts({
      payments: [invoicePaymentJson(7001, { payment_id: 9001, pay_status: 'PAYPAL_PAID' })],
      transactions: [transactionJson(9001, { gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' })],
    });
    expect(payment).toMatchObject({ gatewayName: 'PayPal Express', merchantAccountName: 'PayPal shop', merchantType: 'PAYPAL' });
    expect(summary.gatewaysThatCannotRefundInKeap).toEqual(['PayPal Express']);
  });

  it('test mode from the transaction or the merchant account', () => {
    const { facts: found } = facts({
      order: { total: 120, total_paid: 120 },
      payments: [invoicePaymentJson(7001, { payment_id: 9001 }), invoicePaymentJson(7002, { payment_id: 9002 })],
      transactions: [
        transactionJson(9001, { test: true }),
        transactionJson(9002, { gateway_account_name: 'Stripe sandbox' }),
      ],
    });
    expect(found.map((fact) => fact.isTestMode)).toEqual([true, true]);
    expect(found[1]?.merchantType).toBe('STRIPE');
  });

  it('without a linked transaction, the merchant comes from the order’s payment plan', () => {
    const { facts: [payment] } = facts({
      order: { payment_plan: { payment_gateway: { merchant_account_id: 3, merchant_account_name: 'Stripe sandbox' } } },
      payments: [invoicePaymentJson(7001, { payment_id: 12345 })],
      transactions: [],
    });
    expect(payment).toMatchObject({ transactionId: null, gatewayName: null, merchantAccountName: 'Stripe sandbox', isTestMode: true });
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
    expect(gatewayCannotRefundInKeap('paypal express')).toBe(true);
    expect(gatewayCannotRefundInKeap('EWAY')).toBe(true);
    expect(gatewayCannotRefundInKeap('PayPal Payflow-Pro')).toBe(true);
    expect(gatewayCannotRefundInKeap('PayPal Commerce')).toBe(false);
    expect(gatewayCannotRefundInKeap('Stripe')).toBe(false);
  });
});
