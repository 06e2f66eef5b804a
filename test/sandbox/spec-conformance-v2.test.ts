import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiGet, apiPost, conformanceCheck, postRefund } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';
import { KEAP_V2_SPEC_PATH, loadSpecValidators } from './spec-validator';

const validators = loadSpecValidators(KEAP_V2_SPEC_PATH);
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

/** `urlPath` is below /crm/rest; the v2 file's `specPath` is below /crm. */
const expectConforms = conformanceCheck(validators, () => sandbox);

const filter = (expression: string) => `filter=${encodeURIComponent(expression)}`;

describe('REST v2 answers match keap-rest-v2.yml', () => {
  it('business profile and user info name the app and the user the full key belongs to', async () => {
    const profile = await expectConforms<{ name: string; currency_code: string }>('/rest/v2/businessProfile', '/v2/businessProfile');
    expect(profile).toMatchObject({ name: SEED.appName, currency_code: 'USD' });
    const user = await expectConforms('/rest/v2/oauth/connect/userinfo', '/v2/oauth/connect/userinfo');
    expect(user).toMatchObject({ email: sandbox.state.user.email, given_name: sandbox.state.user.givenName, tenant_id: SEED.appName, is_admin: true });
  });

  it('user info refused (fault userInfoUnavailable) answers 403 in the v2 error shape', async () => {
    sandbox.setFaults({ userInfoUnavailable: true });
    const error = await expectConforms<{ code: number }>('/rest/v2/oauth/connect/userinfo', '/v2/oauth/connect/userinfo', 403);
    expect(error.code).toBe(403);
  });

  it('users, filtered by email', async () => {
    const body = await expectConforms<{ users: { id: string }[] }>('/rest/v2/users', `/v2/users?page_size=100&${filter(`email==${sandbox.state.user.email}`)}`);
    expect(body.users.map((user) => user.id)).toEqual([String(SEED.userId)]);
    const none = await expectConforms<{ users: unknown[] }>('/rest/v2/users', `/v2/users?${filter('email==nobody@example.com')}`);
    expect(none.users).toEqual([]);
  });

  it.each(Object.entries(SEED.contacts))('contact %s, whole and with chosen fields', async (_name, contactId) => {
    await expectConforms('/rest/v2/contacts/{contact_id}', `/v2/contacts/${contactId}`);
    const some = await expectConforms<Record<string, unknown>>('/rest/v2/contacts/{contact_id}', `/v2/contacts/${contactId}?fields=given_name,family_name,email_addresses`);
    expect(Object.keys(some).sort()).toEqual(['email_addresses', 'family_name', 'given_name', 'id']);
  });

  it('merchants', async () => {
    const body = await expectConforms<{ merchant_accounts: { is_test: boolean }[]; default_merchant_account_id: string }>('/rest/v2/merchants', '/v2/merchants');
    expect(body.merchant_accounts.filter((merchant) => merchant.is_test)).toHaveLength(1);
    expect(body.default_merchant_account_id).toBe(String(SEED.merchants.stripe));
  });

  it("a contact's orders by filter, each order and its payments, and the order's transactions", async () => {
    const list = await expectConforms<{ orders: { id: string }[] }>('/rest/v2/orders', `/v2/orders?${filter(`contact_id==${SEED.contacts.demo}`)}`);
    expect(list.orders.map((order) => Number(order.id))).toEqual(Object.values(SEED.orders).filter((id) => id !== SEED.orders.hostile));
    for (const orderId of Object.values(SEED.orders)) {
      await expectConforms('/rest/v2/orders/{order_id}', `/v2/orders/${orderId}`);
      await expectConforms('/rest/v2/orders/{order_id}/payments', `/v2/orders/${orderId}/payments`);
      const transactions = await expectConforms<{ transactions: { order_ids: string[] }[] }>(
        '/rest/v2/sales/transactions',
        `/v2/sales/transactions?${filter(`order_id==${orderId}`)}`,
      );
      expect(transactions.transactions.length).toBeGreaterThan(0);
      expect(transactions.transactions.every((transaction) => transaction.order_ids.includes(String(orderId)))).toBe(true);
    }
  });

  it("a contact's transactions and payments", async () => {
    const transactions = await expectConforms<{ transactions: { contact_id: string }[] }>(
      '/rest/v2/sales/transactions',
      `/v2/sales/transactions?${filter(`contact_id==${SEED.contacts.demo}`)}`,
    );
    expect(new Set(transactions.transactions.map((transaction) => transaction.contact_id))).toEqual(new Set([String(SEED.contacts.demo)]));
    await expectConforms('/rest/v2/sales/payments', `/v2/sales/payments?${filter(`contact_id==${SEED.contacts.demo}`)}`);
  });

  it('pages of a thousand-order contact: page_size, next_page_token, and an empty token on the last page', async () => {
    const path = `/v2/orders?page_size=400&${filter(`contact_id==${SEED.contacts.thousandOrders}`)}`;
    const ids: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await expectConforms<{ orders: { id: string }[]; next_page_token: string }>('/rest/v2/orders', `${path}${token ? `&page_token=${token}` : ''}`);
      ids.push(...page.orders.map((order) => order.id));
      token = page.next_page_token;
      pages += 1;
    } while (token !== '');
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(SEED.generated.thousandOrders.count);
  });

  it('notes: created on a contact (201), listed per contact and in all', async () => {
    const created = await apiPost(sandbox, `/v2/contacts/${SEED.contacts.demo}/notes`, { title: 'Refund', text: 'Refunded $60.00', type: 'Other', user_id: String(SEED.userId) });
    expect(created.status).toBe(201);
    const validateCreated = validators.forResponse('post', '/rest/v2/contacts/{contact_id}/notes', 201);
    expect(validateCreated(created.body), JSON.stringify(validateCreated.errors)).toBe(true);
    const listed = await expectConforms<{ notes: { text: string }[] }>('/rest/v2/contacts/{contact_id}/notes', `/v2/contacts/${SEED.contacts.demo}/notes?order_by=id%20asc`);
    expect(listed.notes.at(-1)?.text).toBe('Refunded $60.00');
    await expectConforms('/rest/v2/notes', `/v2/notes?page_size=1`);
  });

  it('a note without a user, or of an unknown user, is refused in the v2 error shape', async () => {
    const validate = validators.forResponse('post', '/rest/v2/contacts/{contact_id}/notes', 400);
    for (const body of [{ title: 'Refund' }, { title: 'Refund', user_id: '999' }]) {
      const refused = await apiPost(sandbox, `/v2/contacts/${SEED.contacts.demo}/notes`, body);
      expect(refused.status).toBe(400);
      expect(validate(refused.body), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('answers after a refund and a void still conform, and show them as v1 does', async () => {
    await postRefund(sandbox, {
      orderId: SEED.orders.twoPayments,
      reason: 'Damaged',
      method: 'refund',
      onFailure: 'skip',
      amountOwed: '0.00',
      payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' }],
    });
    await postRefund(sandbox, {
      orderId: SEED.orders.pending,
      reason: 'Duplicate',
      method: 'void',
      amountOwed: '0.00',
      payments: [{ paymentId: SEED.payments.pending, amount: '75.00' }],
    });
    const order = await expectConforms<{ refund_total: { amount: number } }>('/rest/v2/orders/{order_id}', `/v2/orders/${SEED.orders.twoPayments}`);
    expect(order.refund_total.amount).toBe(6000);
    const payments = await expectConforms<{ invoice_order_payments: { refund_invoice_payment_id?: string; amount: number; pay_status: string }[] }>(
      '/rest/v2/orders/{order_id}/payments',
      `/v2/orders/${SEED.orders.twoPayments}/payments`,
    );
    expect(payments.invoice_order_payments.find((payment) => payment.refund_invoice_payment_id === String(SEED.payments.twoPaymentsFirst))).toMatchObject({ amount: -6000 });
    const refunds = await expectConforms<{ transactions: { amount: number }[] }>(
      '/rest/v2/sales/transactions',
      `/v2/sales/transactions?${filter(`order_id==${SEED.orders.twoPayments};transaction_method==REFUND`)}`,
    );
    expect(refunds.transactions.map((transaction) => transaction.amount)).toEqual([60]);
    await expectConforms('/rest/v2/orders/{order_id}/payments', `/v2/orders/${SEED.orders.pending}/payments`);
    await expectConforms('/rest/v2/sales/transactions', `/v2/sales/transactions?${filter(`order_id==${SEED.orders.pending}`)}`);
  });

  it('a missing order, a bad filter and a bad page token answer in the v2 error shape', async () => {
    await expectConforms('/rest/v2/orders/{order_id}', '/v2/orders/999999', 404);
    await expectConforms('/rest/v2/orders', `/v2/orders?${filter('colour==blue')}`, 400);
    await expectConforms('/rest/v2/orders', '/v2/orders?page_token=not-a-token', 400);
  });

  it.each([
    { v2: 'not-found', status: 404 },
    { v2: 'not-implemented', status: 501 },
  ] as const)('a "v1 only" account ($v2) answers every v2 route $status in the v2 error shape, and v1 as before', async ({ v2, status }) => {
    sandbox.setV2(v2);
    await expectConforms('/rest/v2/orders', `/v2/orders?${filter(`contact_id==${SEED.contacts.demo}`)}`, status);
    await expectConforms('/rest/v2/orders/{order_id}', `/v2/orders/${SEED.orders.twoPayments}`, status);
    await expectConforms('/rest/v2/businessProfile', '/v2/businessProfile', status);
    expect((await apiGet(sandbox, `/v1/orders/${SEED.orders.twoPayments}`)).status).toBe(200);
  });
});

describe('the v2 validator catches drift', () => {
  it('rejects an order whose total is a decimal rather than a CurrencyValue', async () => {
    const order = (await apiGet<Record<string, unknown>>(sandbox, `/v2/orders/${SEED.orders.twoPayments}`)).body;
    const validate = validators.forResponse('get', '/rest/v2/orders/{order_id}', 200);
    expect(validate(order)).toBe(true);
    expect(validate({ ...order, total: 120 })).toBe(false);
  });

  it('rejects a v1 field name on a v2 answer, and a numeric id where v2 has text', async () => {
    const payments = (await apiGet<{ invoice_order_payments: Record<string, unknown>[] }>(sandbox, `/v2/orders/${SEED.orders.twoPayments}/payments`)).body;
    const validate = validators.forResponse('get', '/rest/v2/orders/{order_id}/payments', 200);
    const [first] = payments.invoice_order_payments;
    expect(validate({ invoice_order_payments: [{ ...first, pay_date: first?.pay_time }] })).toBe(false);
    expect(validate({ invoice_order_payments: [{ ...first, id: 7001 }] })).toBe(false);
  });

  it('rejects a transaction method outside the enum', async () => {
    const body = (await apiGet<{ transactions: Record<string, unknown>[] }>(sandbox, `/v2/sales/transactions?${filter(`order_id==${SEED.orders.twoPayments}`)}`)).body;
    const validate = validators.forResponse('get', '/rest/v2/sales/transactions', 200);
    expect(validate({ transactions: [{ ...body.transactions[0], transaction_method: 'CHARGE' }] })).toBe(false);
  });
});
