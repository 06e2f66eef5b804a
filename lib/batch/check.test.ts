import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalDb } from '@/lib/audit/db';
import { markState, planRefund } from '@/lib/audit/journal';
import { openTestJournal, samplePlan } from '@/lib/audit/test-support';
import type { KeapClient } from '@/lib/keap/client';
import { type KeapError, type KeapResult, notFoundError, throttledError, unexpectedAnswerError } from '@/lib/keap/errors';
import { contactSchema, invoicePaymentListSchema, merchantListSchema, orderSchema, transactionSchema } from '@/lib/keap/schemas';
import { invoicePaymentJson, merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';
import type { OrderNow } from '@/lib/refund/executor';
import { checkQueueRows, formOfRow, type CheckOutcome } from './check';
import { type QueueDefaults, type QueueRow, type QueueRowCheck, queueRowCheckSchema } from './schema';
import { draftRow, readyRow } from './test-rows';

/*
 * The queue's check against a fake Keap client that answers from JSON as Keap's API sends it
 * (parsed through the real schemas) and counts every call, with the real journal in
 * fake-indexeddb.
 */

const APP_NAME = 'acme';
const CHECKED_AT = 1_750_000_000_000;
const DEFAULTS: QueueDefaults = { reasonPreset: 'Customer did not want it', reasonDetails: 'Event cancelled', errorHandling: 'skip-payment' };

interface PaymentSpec {
  id: number;
  /** Decimal dollars, as Keap's v1 sends them. */
  amount: number;
  payment?: Record<string, unknown>;
  transaction?: Record<string, unknown>;
}

interface FakeOrder {
  order: Record<string, unknown>;
  payments: Record<string, unknown>[];
  transactions: Record<string, unknown>[];
}

/** The transaction that charged invoice payment `id` (its `payment_id`). */
const chargeOf = (paymentId: number) => paymentId + 2000;

/** A paid order of contact 42 whose every payment was charged by its own linked transaction. */
function paidOrder(orderId: number, payments: PaymentSpec[], overrides: Record<string, unknown> = {}): FakeOrder {
  const total = payments.filter((payment) => payment.amount > 0).reduce((sum, payment) => sum + payment.amount, 0);
  return {
    order: orderJson(orderId, { total, total_paid: total, ...overrides }),
    payments: payments.map((payment) => invoicePaymentJson(payment.id, { amount: payment.amount, payment_id: chargeOf(payment.id), ...payment.payment })),
    transactions: payments.map((payment) => transactionJson(chargeOf(payment.id), { amount: Math.abs(payment.amount), order_ids: String(orderId), ...payment.transaction })),
  };
}

/** Keap's API for the orders given: each method answers from them, or with the error set for its call. */
function fakeKeap(orders: FakeOrder[]) {
  const calls: string[] = [];
  /** Errors by call, e.g. "order 5002"; the call answers with it instead. */
  const faults = new Map<string, KeapError>();
  const byId = new Map(orders.map((order) => [order.order.id as number, order]));
  function answer<T>(call: string, value: () => T): Promise<KeapResult<T>> {
    calls.push(call);
    const fault = faults.get(call);
    return Promise.resolve(fault ? { ok: false, error: fault } : { ok: true, value: value() });
  }
  function orderOf(orderId: number): FakeOrder {
    const found = byId.get(orderId);
    if (!found) throw new Error(`order ${orderId} is not in the fake Keap`);
    return found;
  }
  const missing = (orderId: number) => {
    faults.set(`order ${orderId}`, notFoundError(`GET /v1/orders/${orderId}`, `order ${orderId}`));
    faults.set(`payments ${orderId}`, notFoundError(`GET /v1/orders/${orderId}/payments`, `order ${orderId}`));
    faults.set(`transactions ${orderId}`, notFoundError(`GET /v1/orders/${orderId}/transactions`, `order ${orderId}`));
  };
  const notUsed = () => Promise.reject(new Error('the check must not call this'));
  const client: KeapClient = {
    getAccountProfile: notUsed,
    getUserInfo: notUsed,
    getContact: (contactId) =>
      answer(`contact ${contactId}`, () =>
        contactSchema.parse({ id: contactId, given_name: 'Ada', family_name: 'Lovelace', email_addresses: [{ email: 'ada@example.com', field: 'EMAIL1' }] }),
      ),
    listOrdersForContact: notUsed,
    getOrder: (orderId) => answer(`order ${orderId}`, () => orderSchema.parse(orderOf(orderId).order)),
    listOrderPayments: (orderId) => answer(`payments ${orderId}`, () => invoicePaymentListSchema.parse(orderOf(orderId).payments)),
    listOrderTransactions: (orderId) => answer(`transactions ${orderId}`, () => orderOf(orderId).transactions.map((transaction) => transactionSchema.parse(transaction))),
    listTransactionsForContact: notUsed,
    listMerchants: () => answer('merchants', () => merchantListSchema.parse(merchantsJson)),
    createNote: notUsed,
    listNotesForContact: notUsed,
    listNotesPage: notUsed,
  };
  return { client, calls, faults, missing };
}

/** Two $60.00 Stripe payments. */
const TWO_PAYMENTS = 5001;
/** One $60.00 Stripe payment. */
const ONE_PAYMENT = 5002;
const ORDERS = {
  twoPayments: () =>
    paidOrder(TWO_PAYMENTS, [
      { id: 7001, amount: 60 },
      { id: 7002, amount: 60 },
    ]),
  onePayment: () => paidOrder(ONE_PAYMENT, [{ id: 7003, amount: 60 }]),
};

let journal: JournalDb;
beforeEach(async () => {
  journal = await openTestJournal();
});
afterEach(() => journal.close());

/** Runs the check and keeps what it saved, in order. */
async function check(keap: ReturnType<typeof fakeKeap>, rows: QueueRow[], defaults: QueueDefaults = DEFAULTS): Promise<{ outcome: CheckOutcome; saved: QueueRow[] }> {
  const saved: QueueRow[] = [];
  const outcome = await checkQueueRows(rows, defaults, { client: keap.client, journal, appName: APP_NAME, now: () => CHECKED_AT }, (row) => {
    saved.push(row);
    return Promise.resolve();
  });
  return { outcome, saved };
}

function readyOf(row: QueueRow | undefined): Extract<QueueRowCheck, { status: 'ready' }> {
  if (row?.check?.status !== 'ready') throw new Error(`expected a ready row, got ${JSON.stringify(row?.check)}`);
  return row.check;
}

function problemOf(row: QueueRow | undefined): string {
  if (row?.check?.status !== 'invalid') throw new Error(`expected an invalid row, got ${JSON.stringify(row?.check)}`);
  return row.check.problem;
}

/** Checks one row that must come out ready or invalid. */
async function checkOne(orders: FakeOrder[], draft: Parameters<typeof draftRow>[1], defaults: QueueDefaults = DEFAULTS): Promise<QueueRow> {
  const { outcome, saved } = await check(fakeKeap(orders), [draftRow(0, draft)], defaults);
  expect(outcome).toEqual({ ok: true });
  expect(saved).toHaveLength(1);
  return saved[0]!;
}

describe('checkQueueRows: ready rows', () => {
  it('a whole order: every refundable payment in full, through its gateway, with the contact, total and currency, and the order as read', async () => {
    const keap = fakeKeap([ORDERS.twoPayments()]);
    const { outcome, saved } = await check(keap, [draftRow(0, { orderId: TWO_PAYMENTS })]);

    expect(outcome).toEqual({ ok: true });
    const ready = readyOf(saved[0]);
    expect(queueRowCheckSchema.parse(ready)).toEqual(ready);
    expect(ready).toEqual({
      status: 'ready',
      contact: { id: 42, name: 'Ada Lovelace', email: 'ada@example.com' },
      currency: 'USD',
      lines: [
        { paymentId: 7001, amountMinor: 6000, gateway: 'Stripe' },
        { paymentId: 7002, amountMinor: 6000, gateway: 'Stripe' },
      ],
      totalMinor: 12000,
      checkedAt: CHECKED_AT,
    });
    const checkedOrder = saved[0]!.checkedOrder as OrderNow;
    expect(checkedOrder.order.id).toBe(TWO_PAYMENTS);
    expect(checkedOrder.payments.map((payment) => payment.id)).toEqual([7001, 7002]);
    expect(checkedOrder.transactions.map((transaction) => transaction.id)).toEqual([chargeOf(7001), chargeOf(7002)]);
  });

  it('a named payment at a part amount, in the currency its charge names', async () => {
    const order = paidOrder(5003, [
      { id: 7004, amount: 80, transaction: { currency: 'CAD' } },
      { id: 7005, amount: 40, transaction: { currency: 'CAD' } },
    ]);
    const row = await checkOne([order], { orderId: 5003, paymentId: 7005, amount: '12.34' });
    expect(readyOf(row)).toMatchObject({ currency: 'CAD', lines: [{ paymentId: 7005, amountMinor: 1234, gateway: 'Stripe' }], totalMinor: 1234 });
  });

  it('a part amount without a payment id on an order with one payment left to refund', async () => {
    const row = await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT, amount: '25' });
    expect(readyOf(row)).toMatchObject({ lines: [{ paymentId: 7003, amountMinor: 2500 }], totalMinor: 2500 });
  });

  it('what is left of a partly refunded payment, not its whole amount', async () => {
    const order = paidOrder(5003, [
      { id: 7004, amount: 60 },
      { id: 7040, amount: -20, payment: { refund_invoice_payment_id: 7004, pay_status: 'REFUNDED' }, transaction: { type: 'REFUND' } },
    ]);
    const row = await checkOne([order], { orderId: 5003 });
    expect(readyOf(row)).toMatchObject({ lines: [{ paymentId: 7004, amountMinor: 4000 }], totalMinor: 4000 });
  });

  it('names the merchant account’s gateway when the charge names none', async () => {
    const order = paidOrder(5003, [{ id: 7004, amount: 60, transaction: { gateway: null, gateway_account_name: 'Stripe main' } }]);
    const row = await checkOne([order], { orderId: 5003 });
    expect(readyOf(row).lines).toEqual([{ paymentId: 7004, amountMinor: 6000, gateway: 'Stripe' }]);
  });
});

describe('checkQueueRows: each problem in plain words', () => {
  it('an order the key’s Keap app does not have', async () => {
    const keap = fakeKeap([]);
    keap.missing(5099);
    const { outcome, saved } = await check(keap, [draftRow(0, { orderId: 5099 })]);
    expect(outcome).toEqual({ ok: true });
    expect(problemOf(saved[0])).toBe('Order #5099 is not in the Keap app "acme" that this queue refunds in.');
    expect(saved[0]!.checkedOrder).toBeUndefined();
  });

  it('an order with nothing left to refund', async () => {
    const order = paidOrder(5003, [
      { id: 7004, amount: 60 },
      { id: 7040, amount: -60, payment: { refund_invoice_payment_id: 7004, pay_status: 'REFUNDED' }, transaction: { type: 'REFUND' } },
    ]);
    expect(problemOf(await checkOne([order], { orderId: 5003 }))).toBe('Order #5003 has nothing to refund: already fully refunded.');
  });

  it('an amount over what the payment has left to refund', async () => {
    const problem = problemOf(await checkOne([ORDERS.twoPayments()], { orderId: TWO_PAYMENTS, paymentId: 7001, amount: '60.01' }));
    expect(problem).toBe('At most $60.00 can be refunded on this payment.');
  });

  it('an amount that is not money', async () => {
    const problem = problemOf(await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT, amount: 'ten dollars' }));
    expect(problem).toBe('"ten dollars" is not an amount. Write it like 1,234.56.');
  });

  it('an amount without a payment id on an order with several payments to refund', async () => {
    const problem = problemOf(await checkOne([ORDERS.twoPayments()], { orderId: TWO_PAYMENTS, amount: '10.00' }));
    expect(problem).toBe('Order #5001 has 2 payments that can be refunded: give the payment id for a part refund, or leave the amount blank to refund them all.');
  });

  it('a payment id that is not on the order', async () => {
    expect(problemOf(await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT, paymentId: 7001 }))).toBe('Payment 7001 is not on order #5002.');
  });

  it('a payment recorded by hand: refunded on its own from the Refunds panel', async () => {
    const order = paidOrder(5003, [{ id: 7004, amount: 60, payment: { pay_status: 'MANUAL_PAID' }, transaction: { type: 'MANUAL', collection_method: 'MANUAL' } }]);
    expect(problemOf(await checkOne([order], { orderId: 5003 }))).toBe(
      'Payment 7004: This payment was recorded by hand (cash or check): give the money back yourself, then record it here. Refund it on its own from the Refunds panel.',
    );
  });

  it('a payment through a gateway Keap’s screen cannot refund', async () => {
    const order = paidOrder(5003, [{ id: 7004, amount: 45, transaction: { gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' } }]);
    const problem = problemOf(await checkOne([order], { orderId: 5003 }));
    expect(problem).toMatch(/^Payment 7004: .*PayPal.*\. Refund it on its own from the Refunds panel\.$/);
  });

  it('a named payment that cannot be refunded at all (not settled)', async () => {
    const order = paidOrder(5003, [
      { id: 7004, amount: 60 },
      { id: 7005, amount: 60, payment: { pay_status: 'PENDING' }, transaction: { status: 'PENDING' } },
    ]);
    expect(problemOf(await checkOne([order], { orderId: 5003, paymentId: 7005 }))).toBe('Payment 7005: this payment has not settled yet: void it in Keap instead.');
  });

  it('a whole order skips payments that cannot be refunded and refunds the rest', async () => {
    const order = paidOrder(5003, [
      { id: 7004, amount: 60 },
      { id: 7005, amount: 60, payment: { pay_status: 'PENDING' }, transaction: { status: 'PENDING' } },
    ]);
    expect(readyOf(await checkOne([order], { orderId: 5003 })).lines.map((line) => line.paymentId)).toEqual([7004]);
  });

  it('a payment another row of the queue already refunds, naming that row', async () => {
    const keap = fakeKeap([ORDERS.twoPayments()]);
    const { saved } = await check(keap, [draftRow(0, { orderId: TWO_PAYMENTS, paymentId: 7002 }), draftRow(1, { orderId: TWO_PAYMENTS })]);
    expect(readyOf(saved[0]).lines.map((line) => line.paymentId)).toEqual([7002]);
    expect(problemOf(saved[1])).toBe('Payment 7002 is already in row 1 of this queue.');
  });

  it('a payment a row ready from an earlier check refunds', async () => {
    const earlier = readyRow(0, [6000]);
    const claimedPayment = readyOf(earlier).lines[0]!.paymentId;
    const order = paidOrder(5003, [{ id: claimedPayment, amount: 60 }]);
    const { saved } = await check(fakeKeap([order]), [earlier, draftRow(1, { orderId: 5003 })]);
    expect(saved).toHaveLength(1);
    expect(problemOf(saved[0])).toBe(`Payment ${claimedPayment} is already in row 1 of this queue.`);
  });

  it('a payment with a refund in progress in Refund Desk’s journal', async () => {
    await planRefund(journal, samplePlan({ orderId: ONE_PAYMENT, lines: [{ paymentId: 7003, amountMinor: 1000, currency: 'USD', channel: 'keap-refund-screen' }] }));
    expect(problemOf(await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT }))).toBe(
      'Payment 7003 already has a refund in progress or waiting for you in Refund Desk. Finish that one first.',
    );
  });

  it('the same refund already confirmed in the journal (a file imported twice), but not a different amount of the same payment', async () => {
    const done = await planRefund(journal, samplePlan({ orderId: ONE_PAYMENT, lines: [{ paymentId: 7003, amountMinor: 2000, currency: 'USD', channel: 'keap-refund-screen' }] }));
    await markState(journal, done.id, 'submitting');
    await markState(journal, done.id, 'confirmed');
    const order = paidOrder(ONE_PAYMENT, [
      { id: 7003, amount: 60 },
      { id: 7030, amount: -20, payment: { refund_invoice_payment_id: 7003, pay_status: 'REFUNDED' }, transaction: { type: 'REFUND' } },
    ]);

    const again = problemOf(await checkOne([order], { orderId: ONE_PAYMENT, amount: '20.00' }));
    expect(again).toBe(
      `Refund Desk already refunded $20.00 of payment 7003 on ${new Date(done.createdAt).toLocaleDateString()}. Remove this row, or refund it from the Refunds panel if a second refund is meant.`,
    );
    expect(readyOf(await checkOne([order], { orderId: ONE_PAYMENT, amount: '15.00' })).totalMinor).toBe(1500);
  });

  it('a failed refund in the journal does not stand in the way', async () => {
    const failed = await planRefund(journal, samplePlan({ orderId: ONE_PAYMENT, lines: [{ paymentId: 7003, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' }] }));
    await markState(journal, failed.id, 'failed');
    expect(readyOf(await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT })).totalMinor).toBe(6000);
  });

  it('no reason on the row and none on the queue, listing the reasons to choose from, without asking Keap', async () => {
    const keap = fakeKeap([ORDERS.onePayment()]);
    const { saved } = await check(keap, [draftRow(0, { orderId: ONE_PAYMENT })], { ...DEFAULTS, reasonPreset: undefined });
    expect(problemOf(saved[0])).toBe(
      "This row gives no reason, and the queue has no default reason. Choose one of: Sent wrong size; Customer wasn't happy with product; Item misrepresented; Customer did not want it; Other.",
    );
    expect(keap.calls).toEqual([]);
  });

  it('"Other" without details', async () => {
    const problem = problemOf(await checkOne([ORDERS.onePayment()], { orderId: ONE_PAYMENT, reasonPreset: 'Other', reasonDetails: '  ' }));
    expect(problem).toBe('Say what the other reason is.');
  });

  it('a row whose cells did not read, or with no order id, without asking Keap', async () => {
    const keap = fakeKeap([]);
    const { saved } = await check(keap, [draftRow(0, { orderId: undefined, problem: 'Line 2: "abc" is not an order ID.' }), draftRow(1, { orderId: undefined })]);
    expect(saved.map(problemOf)).toEqual(['Line 2: "abc" is not an order ID.', 'This row has no order id.']);
    expect(keap.calls).toEqual([]);
  });

  it('a bad row never blocks the good ones after it', async () => {
    const keap = fakeKeap([ORDERS.onePayment(), ORDERS.twoPayments()]);
    keap.missing(5099);
    const { saved } = await check(keap, [draftRow(0, { orderId: 5099 }), draftRow(1, { orderId: ONE_PAYMENT, amount: '99' }), draftRow(2, { orderId: TWO_PAYMENTS })]);
    expect(saved.map((row) => row.check?.status)).toEqual(['invalid', 'invalid', 'ready']);
  });

  it('an order Keap answers in a form Refund Desk cannot read is that row’s problem, and the check goes on', async () => {
    const keap = fakeKeap([ORDERS.onePayment(), ORDERS.twoPayments()]);
    keap.faults.set('order 5002', unexpectedAnswerError('GET /v1/orders/5002', 'total', 'is not a number'));
    const { outcome, saved } = await check(keap, [draftRow(0, { orderId: ONE_PAYMENT }), draftRow(1, { orderId: TWO_PAYMENTS })]);
    expect(outcome).toEqual({ ok: true });
    expect(problemOf(saved[0])).toMatch(/^Keap's API could not read order #5002: /);
    expect(readyOf(saved[1]).totalMinor).toBe(12000);
  });
});

describe('checkQueueRows: calls to Keap', () => {
  it('reads the merchants once, each order once however many rows name it, and each contact once', async () => {
    const keap = fakeKeap([ORDERS.twoPayments(), ORDERS.onePayment()]);
    const rows = [draftRow(0, { orderId: TWO_PAYMENTS, paymentId: 7001 }), draftRow(1, { orderId: ONE_PAYMENT }), draftRow(2, { orderId: TWO_PAYMENTS, paymentId: 7002 })];
    const { saved } = await check(keap, rows);

    expect(saved.map((row) => row.check?.status)).toEqual(['ready', 'ready', 'ready']);
    expect([...keap.calls].sort()).toEqual(['contact 42', 'merchants', 'order 5001', 'order 5002', 'payments 5001', 'payments 5002', 'transactions 5001', 'transactions 5002']);
  });

  it('skips rows checked before, asking Keap nothing for them', async () => {
    const keap = fakeKeap([ORDERS.onePayment()]);
    const { saved } = await check(keap, [readyRow(0, [6000]), draftRow(1, { orderId: ONE_PAYMENT })]);
    expect(saved.map((row) => row.id)).toEqual(['queue-1:1']);
    expect(keap.calls).not.toContain('order 5001');
  });

  it('stops when Keap throttles, leaving the rows after it unchecked, and says when to try again', async () => {
    const keap = fakeKeap([ORDERS.twoPayments(), ORDERS.onePayment(), paidOrder(5003, [{ id: 7004, amount: 60 }])]);
    const throttled = throttledError('GET /v1/orders/5002', CHECKED_AT + 30_000, CHECKED_AT);
    keap.faults.set('order 5002', throttled);
    const rows = [draftRow(0, { orderId: TWO_PAYMENTS }), draftRow(1, { orderId: ONE_PAYMENT }), draftRow(2, { orderId: 5003 })];
    const { outcome, saved } = await check(keap, rows);

    expect(outcome).toEqual({ ok: false, error: throttled });
    expect(saved.map((row) => row.id)).toEqual(['queue-1:0']);
    expect(keap.calls.some((call) => call.endsWith('5003'))).toBe(false);
  });

  it('stops on a network failure reading the merchants, before any row is saved', async () => {
    const keap = fakeKeap([ORDERS.onePayment()]);
    keap.faults.set('merchants', { kind: 'network', message: 'Refund Desk could not reach Keap.', endpoint: 'GET /v1/merchants' });
    const { outcome, saved } = await check(keap, [draftRow(0, { orderId: ONE_PAYMENT })]);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'network' } });
    expect(saved).toEqual([]);
  });

  it('stops when the daily quota runs out reading a contact', async () => {
    const keap = fakeKeap([ORDERS.onePayment()]);
    keap.faults.set('contact 42', { kind: 'quota-exhausted', message: 'Keap’s daily quota is used up.', endpoint: 'GET /v1/contacts/42', resetAt: CHECKED_AT + 3_600_000 });
    const { outcome, saved } = await check(keap, [draftRow(0, { orderId: ONE_PAYMENT })]);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'quota-exhausted' } });
    expect(saved).toEqual([]);
  });
});

describe('formOfRow: the row’s own reason and choices, or the queue’s', () => {
  const ready = readyOf(readyRow(0, [1234, 500]));

  it('a row without a reason takes the queue’s reason, details and error handling; amounts as decimals in the row’s currency', () => {
    const row = readyRow(0, [1234, 500]);
    expect(formOfRow(row, DEFAULTS, ready)).toEqual({
      orderId: 5001,
      contactId: 1001,
      currency: 'USD',
      payments: [
        { paymentId: 7001, selected: true, amount: '12.34' },
        { paymentId: 7002, selected: true, amount: '5.00' },
      ],
      reasonPreset: 'Customer did not want it',
      reasonDetails: 'Event cancelled',
      errorHandling: 'skip-payment',
      amountOwed: '0',
    });
  });

  it('a row without a reason but with its own details keeps its details under the queue’s reason', () => {
    const row = readyRow(0, [1234], { draft: { reasonDetails: 'Double charge' } });
    expect(formOfRow(row, DEFAULTS, ready)).toMatchObject({ reasonPreset: 'Customer did not want it', reasonDetails: 'Double charge' });
  });

  it('a row with its own reason keeps its own details, even none, and its own choices', () => {
    const row = readyRow(0, [1234], { draft: { reasonPreset: 'Sent wrong size', reasonDetails: '', errorHandling: 'record-anyway', amountOwedAfter: '10.00' } });
    expect(formOfRow(row, DEFAULTS, ready)).toMatchObject({ reasonPreset: 'Sent wrong size', reasonDetails: '', errorHandling: 'record-anyway', amountOwed: '10.00' });
  });
});
