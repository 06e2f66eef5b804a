import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiGet, postRefund } from './http-helpers';
import type { RefundSubmission } from './refund';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';

interface OrderBody {
  total: number;
  total_paid: number;
  total_due: number;
  refund_total: number;
  status: string;
}
interface PaymentBody {
  id: number;
  amount: number;
  pay_status: string;
  payment_id: number;
  refund_invoice_payment_id: number;
}
interface TransactionBody {
  id: number;
  amount: number;
  type: string;
  status: string;
  gateway: string;
  collection_method: string;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

/** The API's view of an order after Finish. */
async function apiView(orderId: number) {
  const order = (await apiGet<OrderBody>(sandbox, `/v1/orders/${orderId}`)).body;
  const payments = (await apiGet<PaymentBody[]>(sandbox, `/v1/orders/${orderId}/payments`)).body;
  const transactions = (await apiGet<{ count: number; transactions: TransactionBody[] }>(sandbox, `/v1/orders/${orderId}/transactions`)).body.transactions;
  const refundsOf = (paymentId: number) => payments.filter((payment) => payment.refund_invoice_payment_id === paymentId);
  return { order, payments, transactions, refundsOf, payment: (id: number) => payments.find((payment) => payment.id === id) };
}

function submission(overrides: Partial<RefundSubmission> & Pick<RefundSubmission, 'orderId' | 'payments'>): RefundSubmission {
  return { reason: 'Customer asked', method: 'refund', onFailure: 'skip', amountOwed: '0.00', ...overrides };
}

describe('Finish of the Refund Payment dialog, over HTTP', () => {
  it('a full refund of both payments of an order', async () => {
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.twoPayments,
        payments: [
          { paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' },
          { paymentId: SEED.payments.twoPaymentsSecond, amount: '60.00' },
        ],
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.results?.map((line) => line.text)).toEqual(['Payment 7001: Refunded $60.00', 'Payment 7002: Refunded $60.00']);

    const view = await apiView(SEED.orders.twoPayments);
    expect(view.order).toMatchObject({ refund_total: 120, total_due: 0, total_paid: 120 });
    for (const paymentId of [SEED.payments.twoPaymentsFirst, SEED.payments.twoPaymentsSecond]) {
      expect(view.payment(paymentId)?.pay_status).toBe('REFUNDED');
      const refunds = view.refundsOf(paymentId);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ amount: -60, pay_status: 'REFUNDED' });
      const refundTransaction = view.transactions.find((transaction) => transaction.id === refunds[0]?.payment_id);
      expect(refundTransaction).toMatchObject({ type: 'REFUND', status: 'APPROVED', amount: 60, gateway: 'Stripe', collection_method: 'AUTOMATIC' });
    }
    expect(sandbox.state.refundLog.map((entry) => [entry.paymentId, entry.amountMinor, entry.outcome])).toEqual([
      [SEED.payments.twoPaymentsFirst, 6000, 'refunded'],
      [SEED.payments.twoPaymentsSecond, 6000, 'refunded'],
    ]);
  });

  it('a partial refund that leaves an amount owed', async () => {
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.partiallyRefunded,
        payments: [{ paymentId: SEED.payments.authorizeNet, amount: '25.00' }],
        amountOwed: '25.00',
      }),
    );
    expect(answer.body.results?.[0]?.text).toBe('Payment 7003: Refunded $25.00');
    const view = await apiView(SEED.orders.partiallyRefunded);
    expect(view.order).toMatchObject({ refund_total: 45, total_due: 25, status: 'SENT' });
    expect(view.payment(SEED.payments.authorizeNet)?.pay_status).toBe('APPROVED');
    expect(view.refundsOf(SEED.payments.authorizeNet).map((refund) => refund.amount)).toEqual([-20, -25]);
    expect(view.transactions.filter((transaction) => transaction.type === 'REFUND').map((transaction) => transaction.amount)).toEqual([20, 25]);
  });

  it('a gateway decline with "record the refund anyway" records it', async () => {
    sandbox.setFaults({ declinePayments: [SEED.payments.twoPaymentsFirst] });
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.twoPayments,
        onFailure: 'record',
        payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' }],
      }),
    );
    expect(answer.body.results?.[0]?.text).toBe('Payment 7001: Automatic refund failed (Declined by gateway); refund recorded anyway');
    const view = await apiView(SEED.orders.twoPayments);
    expect(view.order.refund_total).toBe(60);
    expect(view.refundsOf(SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['recorded-after-failure']);
  });

  it('a gateway decline with "skip that payment" changes nothing', async () => {
    sandbox.setFaults({ declinePayments: 'all' });
    const before = await apiView(SEED.orders.twoPayments);
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.twoPayments,
        onFailure: 'skip',
        amountOwed: '10.00',
        payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' }],
      }),
    );
    expect(answer.body.results?.[0]?.text).toBe('Payment 7001: Automatic refund failed (Declined by gateway); payment skipped');
    const after = await apiView(SEED.orders.twoPayments);
    expect(after.order).toEqual(before.order);
    expect(after.payments).toEqual(before.payments);
    expect(after.transactions).toEqual(before.transactions);
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['skipped-after-failure']);
  });

  it('PayPal Express cannot refund automatically: skipped, or recorded when asked', async () => {
    const paypal = { orderId: SEED.orders.paypalExpress, payments: [{ paymentId: SEED.payments.paypalExpress, amount: '45.00' }] };
    const skipped = await postRefund(sandbox, submission({ ...paypal, onFailure: 'skip' }));
    expect(skipped.body.results?.[0]?.text).toBe('Payment 7006: Automatic refund failed (PayPal Express refunds must be made in the merchant account); payment skipped');
    expect((await apiView(SEED.orders.paypalExpress)).order.refund_total).toBe(0);

    const recorded = await postRefund(sandbox, submission({ ...paypal, onFailure: 'record' }));
    expect(recorded.body.results?.[0]?.outcome).toBe('recorded-after-failure');
    const view = await apiView(SEED.orders.paypalExpress);
    expect(view.order.refund_total).toBe(45);
    expect(view.payment(SEED.payments.paypalExpress)?.pay_status).toBe('REFUNDED');
  });

  it('eWAY fails the same way', async () => {
    const answer = await postRefund(sandbox, submission({ orderId: SEED.orders.eway, payments: [{ paymentId: SEED.payments.eway, amount: '99.95' }] }));
    expect(answer.body.results?.[0]?.outcome).toBe('skipped-after-failure');
  });

  it('a manual refund of a check payment', async () => {
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.check,
        method: 'manual',
        onFailure: undefined,
        payments: [{ paymentId: SEED.payments.check, amount: '150.00' }],
      }),
    );
    expect(answer.body.results?.[0]?.text).toBe('Payment 7007: Manual refund recorded $150.00');
    const view = await apiView(SEED.orders.check);
    expect(view.order.refund_total).toBe(150);
    expect(view.payment(SEED.payments.check)?.pay_status).toBe('REFUNDED');
    expect(view.transactions.find((transaction) => transaction.type === 'REFUND')).toMatchObject({ amount: 150, collection_method: 'MANUAL', status: 'APPROVED' });
  });

  it('a void of a pending payment', async () => {
    const answer = await postRefund(
      sandbox,
      submission({
        orderId: SEED.orders.pending,
        method: 'void',
        onFailure: undefined,
        payments: [{ paymentId: SEED.payments.pending, amount: '75.00' }],
      }),
    );
    expect(answer.body.results?.[0]?.text).toBe('Payment 7005: Voided $75.00');
    const view = await apiView(SEED.orders.pending);
    expect(view.payment(SEED.payments.pending)?.pay_status).toBe('VOIDED');
    expect(view.order).toMatchObject({ refund_total: 0, total_paid: 0, total_due: 0 });
    expect(view.transactions.map((transaction) => [transaction.type, transaction.amount])).toEqual([
      ['CAPTURE', 75],
      ['VOID', 75],
    ]);
  });

  it('refuses to void a settled payment, and a pending payment cannot be refunded automatically', async () => {
    const voidSettled = await postRefund(
      sandbox,
      submission({ orderId: SEED.orders.twoPayments, method: 'void', payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' }] }),
    );
    expect(voidSettled.status).toBe(400);
    expect(voidSettled.body.message).toBe('Payment 7001 has settled and cannot be voided; refund it instead.');
    const refundPending = await postRefund(sandbox, submission({ orderId: SEED.orders.pending, payments: [{ paymentId: SEED.payments.pending, amount: '75.00' }] }));
    expect(refundPending.body.results?.[0]?.text).toBe('Payment 7005: Automatic refund failed (Payment has not settled); payment skipped');
  });

  it('rejects an over-refund with a message and changes nothing', async () => {
    const before = await apiView(SEED.orders.partiallyRefunded);
    const answer = await postRefund(sandbox, submission({ orderId: SEED.orders.partiallyRefunded, payments: [{ paymentId: SEED.payments.authorizeNet, amount: '60.01' }] }));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('Payment 7003 has only $60.00 left to refund.');
    expect(await apiView(SEED.orders.partiallyRefunded)).toMatchObject({ order: before.order, payments: before.payments });
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('a double submit refunds exactly once', async () => {
    const finish = submission({ orderId: SEED.orders.stripeTest, payments: [{ paymentId: SEED.payments.stripeTest, amount: '10.00' }] });
    const answers = await Promise.all([postRefund(sandbox, finish), postRefund(sandbox, finish)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(answers.find((answer) => answer.status === 400)?.body.message).toBe('Payment 7008 has already been refunded in full.');
    expect(sandbox.state.refundLog.filter((entry) => entry.paymentId === SEED.payments.stripeTest)).toHaveLength(1);
    expect((await apiView(SEED.orders.stripeTest)).order.refund_total).toBe(10);
  });

  it('refuses a fully refunded order, a refund payment, and incomplete submissions', async () => {
    const cases: [RefundSubmission, string][] = [
      [
        submission({ orderId: SEED.orders.fullyRefunded, payments: [{ paymentId: SEED.payments.fullyRefunded, amount: '1.00' }] }),
        'Payment 7015 has already been refunded in full.',
      ],
      [
        submission({ orderId: SEED.orders.fullyRefunded, payments: [{ paymentId: SEED.payments.fullyRefundedRefund, amount: '1.00' }] }),
        'Payment 7016 is not a payment of this order.',
      ],
      [submission({ orderId: SEED.orders.twoPayments, payments: [] }), 'Select at least one payment to refund.'],
      [submission({ orderId: SEED.orders.twoPayments, reason: ' ', payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '1.00' }] }), 'Enter a reason for the refund.'],
      [
        submission({ orderId: SEED.orders.twoPayments, onFailure: undefined, payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '1.00' }] }),
        'Choose what to do if an automatic refund fails.',
      ],
      [
        submission({ orderId: SEED.orders.twoPayments, payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: 'ten' }] }),
        'Enter a refund amount for payment 7001 between 0.01 and 60.00.',
      ],
      [
        submission({ orderId: SEED.orders.twoPayments, amountOwed: '-5', payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '1.00' }] }),
        'Enter how much the client should owe, 0.00 or more.',
      ],
    ];
    for (const [finish, message] of cases) {
      const answer = await postRefund(sandbox, finish);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe(message);
    }
    expect(sandbox.state.refundLog).toEqual([]);
  });
});
