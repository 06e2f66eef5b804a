import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiPost, conformanceCheck, postRefund } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';
import { loadSpecValidators } from './spec-validator';

const validators = loadSpecValidators();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());

const expectConforms = conformanceCheck(validators, () => sandbox);

describe('REST v1 answers match keap-rest-v1.json', () => {
  it('account profile names the app', async () => {
    const profile = await expectConforms<{ name: string }>('/v1/account/profile', '/v1/account/profile');
    expect(profile.name).toBe(SEED.appName);
  });

  it('user info names the user the full key belongs to', async () => {
    const user = await expectConforms('/v1/oauth/connect/userinfo', '/v1/oauth/connect/userinfo');
    expect(user).toMatchObject({
      given_name: sandbox.state.user.givenName,
      family_name: sandbox.state.user.familyName,
      email: sandbox.state.user.email,
      is_admin: true,
    });
  });

  it('user info refused (fault userInfoUnavailable) answers 403 in the spec error shape', async () => {
    sandbox.setFaults({ userInfoUnavailable: true });
    try {
      await expectConforms('/v1/oauth/connect/userinfo', '/v1/oauth/connect/userinfo', 403);
    } finally {
      sandbox.setFaults({});
    }
  });

  it.each(Object.entries(SEED.contacts))('contact %s', async (_name, contactId) => {
    await expectConforms('/v1/contacts/{id}', `/v1/contacts/${contactId}`);
  });

  it('merchants', async () => {
    const body = await expectConforms<{ merchant_accounts: { is_test: boolean }[] }>('/v1/merchants', '/v1/merchants');
    expect(body.merchant_accounts.filter((merchant) => merchant.is_test)).toHaveLength(1);
  });

  it('order list of every seeded kind of order, and each order, its payments and its transactions', async () => {
    const list = await expectConforms<{ orders: { id: number }[] }>('/v1/orders', `/v1/orders?contact_id=${SEED.contacts.demo}`);
    expect(list.orders.map((order) => order.id)).toEqual(Object.values(SEED.orders).filter((id) => id !== SEED.orders.hostile));
    for (const orderId of Object.values(SEED.orders)) {
      await expectConforms('/v1/orders/{orderId}', `/v1/orders/${orderId}`);
      await expectConforms('/v1/orders/{orderId}/payments', `/v1/orders/${orderId}/payments`);
      await expectConforms('/v1/orders/{orderId}/transactions', `/v1/orders/${orderId}/transactions`);
    }
  });

  it('transactions of a contact, and one transaction', async () => {
    const list = await expectConforms<{ transactions: { id: number }[] }>('/v1/transactions', `/v1/transactions?contact_id=${SEED.contacts.demo}`);
    const first = list.transactions[0];
    expect(first).toBeDefined();
    await expectConforms('/v1/transactions/{transactionId}', `/v1/transactions/${first?.id}`);
  });

  it('notes: created (201) and listed', async () => {
    const created = await apiPost(sandbox, '/v1/notes', { contact_id: SEED.contacts.demo, title: 'Refund', body: 'Refunded $60.00', type: 'Other' });
    expect(created.status).toBe(201);
    const validateCreated = validators.forResponse('post', '/v1/notes', 201);
    expect(validateCreated(created.body), JSON.stringify(validateCreated.errors)).toBe(true);
    await expectConforms('/v1/notes', `/v1/notes?contact_id=${SEED.contacts.demo}`);
  });

  it('answers after a refund still conform (refund payments, REFUND and VOID transactions)', async () => {
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
    for (const orderId of [SEED.orders.twoPayments, SEED.orders.pending]) {
      await expectConforms('/v1/orders/{orderId}/payments', `/v1/orders/${orderId}/payments`);
      await expectConforms('/v1/orders/{orderId}/transactions', `/v1/orders/${orderId}/transactions`);
    }
  });

  it('a missing order answers 404 with the spec error shape', async () => {
    await expectConforms('/v1/orders/{orderId}', '/v1/orders/999999', 404);
  });
});

describe('the validator catches drift', () => {
  it('rejects an order whose amount is a string', async () => {
    const order = (await apiGet<Record<string, unknown>>(sandbox, `/v1/orders/${SEED.orders.twoPayments}`)).body;
    const validate = validators.forResponse('get', '/v1/orders/{orderId}', 200);
    expect(validate({ ...order, total: '120.00' })).toBe(false);
  });

  it('rejects a field the spec does not have (a misspelt name)', async () => {
    const { total_due: totalDue, ...order } = (await apiGet<Record<string, unknown>>(sandbox, `/v1/orders/${SEED.orders.twoPayments}`)).body;
    const validate = validators.forResponse('get', '/v1/orders/{orderId}', 200);
    expect(validate({ ...order, totalDue })).toBe(false);
  });

  it('rejects user info without the spec’s required `sub`, or with a name that is not text', async () => {
    const { sub: _sub, ...user } = (await apiGet<Record<string, unknown>>(sandbox, '/v1/oauth/connect/userinfo')).body;
    const validate = validators.forResponse('get', '/v1/oauth/connect/userinfo', 200);
    expect(validate({ ...user, sub: _sub })).toBe(true);
    expect(validate(user)).toBe(false);
    expect(validate({ ...user, sub: _sub, given_name: 7 })).toBe(false);
  });

  it('rejects a payment list that is an object instead of an array', () => {
    const validate = validators.forResponse('get', '/v1/orders/{orderId}/payments', 200);
    expect(validate({ payments: [] })).toBe(false);
  });

  it('rejects a note whose type is outside the enum', () => {
    const validate = validators.forResponse('post', '/v1/notes', 201);
    expect(validate({ id: 1, contact_id: 1, type: 'Refund' })).toBe(false);
  });
});
