import { describe, expect, it, vi, type Mock } from 'vitest';
import type { KeapClient } from '@/lib/keap/client';
import { keapDownError, notFoundError, notFoundMessage, throttledError, type KeapError, type KeapResult } from '@/lib/keap/errors';
import { orderSchema, transactionSchema, type KeapNote } from '@/lib/keap/schemas';
import { orderJson, transactionJson } from '@/lib/keap/test-fixtures';
import type { KeapV2Client } from '@/lib/keap/v2/client';
import { contactSchema, invoiceOrderPaymentSchema, orderV2Schema } from '@/lib/keap/v2/schemas';
import { invoiceOrderPaymentJson, orderV2Json, transactionV2Json } from '@/lib/keap/v2/test-fixtures';
import { createVersionedKeapClient } from '@/lib/keap/versioned-client';

const ok = <T>(value: T): KeapResult<T> => ({ ok: true, value });
const fail = (error: KeapError): KeapResult<never> => ({ ok: false, error });

function valueOf<T>(result: KeapResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.message}`);
  return result.value;
}

const v1Note: KeapNote = { id: 77, contact_id: 42, title: 'Refund', body: 'Refunded', type: 'Other' };

/** A v1 client whose every method answers what `overrides` say, or fails the test when called unexpectedly. */
/** A client's methods as mocks, to read their calls (the clients' own methods are not to be taken off them). */
type Fake<Client> = Record<keyof Client, Mock>;

function v1Client(overrides: Partial<KeapClient> = {}): Fake<KeapClient> {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`v1 ${name} was not expected`)));
  return {
    getAccountProfile: vi.fn(async () => ok({ name: 'refunddemo', currency_code: 'USD' })),
    getUserInfo: unexpected('getUserInfo'),
    getContact: unexpected('getContact'),
    listOrdersForContact: unexpected('listOrdersForContact'),
    getOrder: unexpected('getOrder'),
    listOrderPayments: unexpected('listOrderPayments'),
    listOrderTransactions: unexpected('listOrderTransactions'),
    listTransactionsForContact: unexpected('listTransactionsForContact'),
    listMerchants: unexpected('listMerchants'),
    createNote: unexpected('createNote'),
    listNotesForContact: unexpected('listNotesForContact'),
    listNotesPage: unexpected('listNotesPage'),
    ...overrides,
  } as Fake<KeapClient>;
}

const merchants = {
  defaultMerchantAccountId: 1,
  merchantAccounts: [
    { id: 1, name: 'Stripe main', type: 'STRIPE', is_test: false },
    { id: 2, name: 'PayPal shop', type: 'PAYPAL', is_test: false },
    { id: 3, name: 'Stripe sandbox', type: 'STRIPE', is_test: true },
  ],
};

function v2Client(overrides: Partial<KeapV2Client> = {}): Fake<KeapV2Client> {
  return {
    getBusinessProfile: vi.fn(async () => ok({ name: 'refunddemo', currency_code: 'USD' })),
    getUserInfo: vi.fn(async () => ok({ email: 'riley@example.com', given_name: 'Riley', family_name: 'Admin', keap_id: 'riley@example.com' })),
    listUsersByEmail: vi.fn(async () => ok([{ id: 3, email_addresses: [{ email: 'Riley@example.com' }] }])),
    getContact: vi.fn(async (contactId: number) => ok(contactSchema.parse({ id: String(contactId), given_name: 'Ada', email_addresses: [{ email: 'ada@example.com' }] }))),
    listOrders: vi.fn(async () => ok([orderV2Json(1)])),
    getOrder: vi.fn(async (orderId: number) => ok(orderV2Schema.parse(orderV2Json(orderId)))),
    listOrderPayments: vi.fn(async () => ok([invoiceOrderPaymentSchema.parse(invoiceOrderPaymentJson(7001))])),
    listTransactions: vi.fn(async () => ok([transactionV2Json()])),
    listMerchants: vi.fn(async () => ok(merchants)),
    listContactNotes: vi.fn(async () => ok([])),
    createNote: vi.fn(async () => ok({ id: 88, contact_id: 42, title: 'Refund', text: 'Refunded' })),
    ...overrides,
  } as Fake<KeapV2Client>;
}

function setup(v2: Fake<KeapV2Client>, v1: Fake<KeapClient> = v1Client()) {
  const reported: string[] = [];
  const client = createVersionedKeapClient({ v1, v2, onV1Only: (endpoint) => reported.push(endpoint) });
  return { client, reported };
}

describe('v2 first, in the domain’s shapes', () => {
  it('answers an order from v2 with its Money totals as minor units, asking v1 nothing', async () => {
    const v2 = v2Client({ getOrder: vi.fn(async () => ok(orderV2Schema.parse(orderV2Json(5001, { refund_total: { amount: 2000, currency_code: 'USD' } })))) });
    const { client } = setup(v2);
    expect(valueOf(await client.getOrder(5001))).toMatchObject({
      id: 5001,
      total: 6000,
      total_paid: 6000,
      refund_total: 2000,
      order_date: '2025-01-10T15:00:00Z',
      contact: { id: 42 },
    });
  });

  it('passes on a v2 failure that is not a missing endpoint, without asking v1', async () => {
    const { client } = setup(v2Client({ getOrder: vi.fn(async () => fail(keapDownError('GET /v2/orders/1', 500))) }));
    expect(await client.getOrder(1)).toMatchObject({ ok: false, error: { kind: 'keap-down', status: 500 } });
    const throttled = setup(v2Client({ listMerchants: vi.fn(async () => fail(throttledError('GET /v2/merchants', 5000, 0))) }));
    expect(await throttled.client.listMerchants()).toMatchObject({ ok: false, error: { kind: 'throttled' } });
  });

  it('shares one read of the merchant accounts between callers asking at once', async () => {
    const v2 = v2Client();
    const { client } = setup(v2);
    const [first, second] = await Promise.all([client.listMerchants(), client.listMerchants()]);
    expect(valueOf(first)).toEqual(valueOf(second));
    expect(valueOf(first).merchant_accounts[0]).toEqual({ id: 1, account_name: 'Stripe main', type: 'STRIPE', is_test: false });
    expect(v2.listMerchants).toHaveBeenCalledTimes(1);
  });

  it('reads a page of notes by offset from v1: v2 pages by token and counts nothing', async () => {
    const v1 = v1Client({ listNotesPage: vi.fn(async () => ok({ count: 1, notes: [v1Note] })) });
    const { client } = setup(v2Client(), v1);
    expect(valueOf(await client.listNotesPage({ offset: 0, limit: 1000 })).count).toBe(1);
  });
});

describe('falling back to v1 when the account does not serve a v2 endpoint', () => {
  it('501: v1 answers, the endpoint stays on v1 for the session, and it is reported once', async () => {
    const v2 = v2Client({ getOrder: vi.fn(async () => fail(keapDownError('GET /v2/orders/5001', 501))) });
    const v1 = v1Client({ getOrder: vi.fn(async () => ok(orderSchema.parse(orderJson(5001)))) });
    const { client, reported } = setup(v2, v1);
    expect(valueOf(await client.getOrder(5001)).id).toBe(5001);
    expect(valueOf(await client.getOrder(5002)).id).toBe(5001);
    expect(v2.getOrder).toHaveBeenCalledTimes(1);
    expect(v1.getOrder).toHaveBeenCalledTimes(2);
    expect(reported).toEqual(['GET /v2/orders/{order_id}']);
  });

  it('404 on a list: the endpoint is missing', async () => {
    const v2 = v2Client({ listMerchants: vi.fn(async () => fail(notFoundError('GET /v2/merchants', notFoundMessage({ what: 'merchantAccounts' })))) });
    const v1 = v1Client({ listMerchants: vi.fn(async () => ok({ default_merchant_account: 1, merchant_accounts: [] })) });
    const { client, reported } = setup(v2, v1);
    expect(valueOf(await client.listMerchants()).default_merchant_account).toBe(1);
    expect(reported).toEqual(['GET /v2/merchants']);
  });

  it('404 on one thing that v1 has: v2 lacks the endpoint', async () => {
    const v2 = v2Client({ getContact: vi.fn(async () => fail(notFoundError('GET /v2/contacts/42', notFoundMessage({ what: 'contact', id: 42 })))) });
    const v1 = v1Client({ getContact: vi.fn(async () => ok({ id: 42, given_name: 'Ada' })) });
    const { client, reported } = setup(v2, v1);
    expect(valueOf(await client.getContact(42)).given_name).toBe('Ada');
    expect(reported).toEqual(['GET /v2/contacts/{contact_id}']);
  });

  it('404 on one thing v1 has not either: it is not there, v2 said so, and v2 stays', async () => {
    const v2 = v2Client({ getOrder: vi.fn(async () => fail(notFoundError('GET /v2/orders/9', notFoundMessage({ what: 'order', id: 9 })))) });
    const v1 = v1Client({ getOrder: vi.fn(async () => fail(notFoundError('GET /v1/orders/9', notFoundMessage({ what: 'order', id: 9 })))) });
    const { client, reported } = setup(v2, v1);
    expect(await client.getOrder(9)).toMatchObject({ ok: false, error: { kind: 'not-found', endpoint: 'GET /v2/orders/9' } });
    await client.getOrder(9);
    expect(v2.getOrder).toHaveBeenCalledTimes(2);
    expect(reported).toEqual([]);
  });
});

describe('a missing endpoint is told only by its own answer', () => {
  it('passes on a 404 of a read made on the endpoint’s behalf (v1’s PayPal gateway) without leaving v2', async () => {
    const paypal = transactionV2Json({ merchant_account_id: '2', merchant_account_type: 'PAYPAL', order_ids: ['5004'] });
    const v2 = v2Client({ listTransactions: vi.fn(async () => ok([paypal])) });
    const v1 = v1Client({ listOrderTransactions: vi.fn(async () => fail(notFoundError('GET /v1/orders/5004/transactions', notFoundMessage({ what: 'order', id: 5004 })))) });
    const { client, reported } = setup(v2, v1);
    expect(await client.listOrderTransactions(5004)).toMatchObject({ ok: false, error: { kind: 'not-found', endpoint: 'GET /v1/orders/5004/transactions' } });
    expect(v1.listOrderTransactions).toHaveBeenCalledTimes(1);
    expect(reported).toEqual([]);
  });
});

describe('plain amounts, read only in a unit their order’s Money totals confirm', () => {
  it('confirms order payments in minor units against the order’s total paid, once for the session', async () => {
    const v2 = v2Client({
      listOrderPayments: vi.fn(async () => ok([invoiceOrderPaymentSchema.parse(invoiceOrderPaymentJson(7001, { amount: 6000 }))])),
    });
    const { client } = setup(v2);
    expect(valueOf(await client.listOrderPayments(5001))).toEqual([
      expect.objectContaining({ id: 7001, amount: 6000, payment_id: 16001, pay_date: '2025-01-10T15:00:05Z', pay_status: 'APPROVED' }),
    ]);
    await client.listOrderPayments(5002);
    expect(v2.getOrder).toHaveBeenCalledTimes(1);
  });

  it('reads the payments from v1 when their sum does not tell the unit, and tries v2 again next time', async () => {
    const v2 = v2Client({ listOrderPayments: vi.fn(async () => ok([invoiceOrderPaymentSchema.parse(invoiceOrderPaymentJson(7001, { amount: 45 }))])) });
    const v1 = v1Client({ listOrderPayments: vi.fn(async () => ok([])) });
    const { client, reported } = setup(v2, v1);
    expect(valueOf(await client.listOrderPayments(5001))).toEqual([]);
    await client.listOrderPayments(5001);
    expect(v1.listOrderPayments).toHaveBeenCalledTimes(2);
    expect(v2.listOrderPayments).toHaveBeenCalledTimes(2);
    expect(reported).toEqual([]);
  });

  it('confirms transactions as decimals, and maps them with their merchant account, its test mode and the currency of the Money totals', async () => {
    const aud = (amount: number) => ({ amount, currency_code: 'AUD' });
    const v2 = v2Client({
      listTransactions: vi.fn(async () =>
        ok([transactionV2Json({ merchant_account_id: '3', payment_id: '9001' }), transactionV2Json({ payment_id: undefined, transaction_method: 'VOID', amount: 0 })]),
      ),
      getOrder: vi.fn(async () => ok(orderV2Schema.parse(orderV2Json(1, { total: aud(6000), total_paid: aud(6000), refund_total: aud(0) })))),
    });
    const { client } = setup(v2);
    expect(valueOf(await client.listOrderTransactions(1))).toEqual([
      transactionSchema.parse(
        transactionJson(9001, {
          amount: 60,
          currency: 'AUD',
          gateway: null,
          gateway_account_name: 'Stripe sandbox',
          collection_method: null,
          errors: undefined,
          test: true,
          order_ids: '1',
          orders: null,
          transaction_date: '2025-01-10T15:00:05Z',
        }),
      ),
    ]);
  });

  it('reads Money totals that name no currency in the account’s currency', async () => {
    const v2 = v2Client({
      getOrder: vi.fn(async () => ok(orderV2Schema.parse(orderV2Json(1, { total: { amount: 6000 }, total_paid: { amount: 6000 } })))),
      getBusinessProfile: vi.fn(async () => ok({ currency_code: 'JPY' })),
      listTransactions: vi.fn(async () => ok([transactionV2Json({ amount: 6000 })])),
    });
    const { client } = setup(v2);
    expect(valueOf(await client.listOrderTransactions(1))[0]).toMatchObject({ amount: 6000, currency: 'JPY' });
  });

  it('asks v1 once per PayPal account for its gateway, which v2 does not name', async () => {
    const paypal = transactionV2Json({ merchant_account_id: '2', merchant_account_type: 'PAYPAL', order_ids: ['5004'], payment_id: '9004' });
    const v2 = v2Client({ listTransactions: vi.fn(async () => ok([paypal])), getOrder: vi.fn(async () => ok(orderV2Schema.parse(orderV2Json(5004)))) });
    const v1 = v1Client({
      listOrderTransactions: vi.fn(async () => ok([transactionSchema.parse(transactionJson(9004, { gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' }))])),
    });
    const { client } = setup(v2, v1);
    expect(valueOf(await client.listOrderTransactions(5004))[0]).toMatchObject({ gateway: 'PayPal Express', gateway_account_name: 'PayPal shop', amount: 6000 });
    await client.listOrderTransactions(5004);
    expect(v1.listOrderTransactions).toHaveBeenCalledTimes(1);
    expect(v1.listOrderTransactions).toHaveBeenCalledWith(5004);
  });

  it('confirms a contact’s transactions on one of its orders, and lists them checked when read', async () => {
    const v2 = v2Client({
      listTransactions: vi.fn(async () => ok([transactionV2Json({ order_ids: ['1'] }), transactionV2Json({ order_ids: ['2'], amount: 'lots' })])),
    });
    const { client } = setup(v2);
    const listing = valueOf(await client.listTransactionsForContact(42));
    expect(v2.getOrder).toHaveBeenCalledWith(1);
    expect(valueOf(listing.some([0]))).toEqual([
      {
        currency: 'USD',
        status: 'APPROVED',
        type: 'CAPTURE',
        gateway: null,
        gateway_account_name: 'Stripe main',
        collection_method: null,
        order_ids: '1',
        orders: null,
        amount: 6000,
      },
    ]);
    const all = listing.all();
    expect(all.ok ? 'ok' : all.error.message).toBe("Keap's answer to GET /v2/sales/transactions had an unexpected value at transactions[1].amount.");
  });
});

describe('the Refunds panel’s contact load', () => {
  it('confirms the transactions’ unit on the orders listed with them, asking Keap nothing more than v1 would', async () => {
    const v2 = v2Client({ listTransactions: vi.fn(async () => ok([transactionV2Json({ order_ids: ['1'] })])) });
    const { client } = setup(v2);
    const [orders, transactions, accounts] = await Promise.all([client.listOrdersForContact(42), client.listTransactionsForContact(42), client.listMerchants()]);
    expect(valueOf(valueOf(orders).all())).toHaveLength(1);
    expect(valueOf(valueOf(transactions).all())[0]?.amount).toBe(6000);
    expect(valueOf(accounts).merchant_accounts).toHaveLength(3);
    expect(v2.getOrder).not.toHaveBeenCalled();
    expect(v2.getBusinessProfile).not.toHaveBeenCalled();
    expect(v2.listMerchants).toHaveBeenCalledTimes(1);
  });
});

describe('notes', () => {
  it('writes a note in v2 as the Keap user the key belongs to, found once by email', async () => {
    const v2 = v2Client();
    const { client } = setup(v2);
    const note = { contact_id: 42, title: 'Refund', body: 'Refunded $60.00', type: 'Other' as const };
    expect(valueOf(await client.createNote(note))).toMatchObject({ id: 88, contact_id: 42, body: 'Refunded' });
    await client.createNote(note);
    expect(v2.createNote).toHaveBeenCalledWith(42, { title: 'Refund', text: 'Refunded $60.00', type: 'Other', user_id: '3' });
    expect(v2.listUsersByEmail).toHaveBeenCalledTimes(1);
    expect(v2.listUsersByEmail).toHaveBeenCalledWith('riley@example.com');
  });

  it('writes it through v1 when v2 cannot name the user (user info refused)', async () => {
    const v2 = v2Client({
      getUserInfo: vi.fn(async () => ({ ok: false as const, error: { kind: 'forbidden' as const, endpoint: 'GET /v2/oauth/connect/userinfo', message: 'no' } })),
    });
    const v1 = v1Client({ createNote: vi.fn(async () => ok(v1Note)) });
    const { client, reported } = setup(v2, v1);
    expect(valueOf(await client.createNote({ contact_id: 42, title: 'Refund', body: 'Refunded' })).id).toBe(77);
    expect(v2.createNote).not.toHaveBeenCalled();
    expect(reported).toEqual([]);
  });

  it('writes notes through v1 for the session when the account has no v2 users, and says so', async () => {
    const v2 = v2Client({ listUsersByEmail: vi.fn(async () => fail(keapDownError('GET /v2/users', 501))) });
    const v1 = v1Client({ createNote: vi.fn(async () => ok(v1Note)) });
    const { client, reported } = setup(v2, v1);
    await client.createNote({ contact_id: 42, title: 'Refund', body: 'Refunded' });
    await client.createNote({ contact_id: 42, title: 'Refund', body: 'Refunded' });
    expect(v1.createNote).toHaveBeenCalledTimes(2);
    expect(v2.listUsersByEmail).toHaveBeenCalledTimes(1);
    expect(reported).toEqual(['POST /v2/contacts/{contact_id}/notes']);
  });

  it('passes on a failed look-up of the user rather than writing the note another way', async () => {
    const v2 = v2Client({ listUsersByEmail: vi.fn(async () => fail(throttledError('GET /v2/users', 5000, 0))) });
    const { client } = setup(v2);
    expect(await client.createNote({ contact_id: 42, title: 'Refund', body: 'Refunded' })).toMatchObject({ ok: false, error: { kind: 'throttled' } });
    expect(v2.createNote).not.toHaveBeenCalled();
  });
});
