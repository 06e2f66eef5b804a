import { describe, expect, it } from 'vitest';
import { keapErrorSchema, type KeapResult } from '@/lib/keap/errors';
import { createRateLimiter, type Clock } from '@/lib/keap/rate-limiter';
import { createKeapV2Client, type KeapV2ClientOptions } from '@/lib/keap/v2/client';
import { invoiceOrderPaymentJson, merchantsV2Json, orderV2Json, transactionV2Json } from '@/lib/keap/v2/test-fixtures';

const BASE = 'https://api.keap.com/crm/rest';
const START = Date.UTC(2025, 0, 15, 12);

interface Call {
  url: URL;
  method: string;
  headers: Headers;
  body: string | null;
}

type Handler = (request: Call, callIndex: number) => Response | Promise<Response>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function setup(handler: Handler, options: Partial<KeapV2ClientOptions> = {}) {
  let now = START;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const limiter = createRateLimiter({ clock });
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call: Call = {
      url: new URL(input instanceof Request ? input.url : input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : null,
    };
    calls.push(call);
    return handler(call, calls.length - 1);
  };
  const client = createKeapV2Client({ apiKey: 'KeapAK-secret', baseUrl: BASE, fetch, limiter, ...options });
  return { client, calls, limiter };
}

function valueOf<T>(result: KeapResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: KeapResult<T>) {
  if (result.ok) throw new Error('expected an error');
  expect(keapErrorSchema.parse(structuredClone(result.error))).toEqual(result.error);
  return result.error;
}

/** Serves `total` orders in pages of `page_size`, the page token being the offset, and '' after the last. */
function orderPages(total: number): Handler {
  return ({ url }) => {
    const size = Number(url.searchParams.get('page_size'));
    const offset = Number(url.searchParams.get('page_token') ?? '0');
    const orders = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, index) => orderV2Json(offset + index + 1));
    return json({ orders, next_page_token: offset + size < total ? String(offset + size) : '' });
  };
}

describe('Keap v2 client requests', () => {
  it('sends the key to the v2 path and reads ids as numbers', async () => {
    const { client, calls } = setup(() => json(orderV2Json(5001)));
    const order = valueOf(await client.getOrder(5001));
    expect(order).toMatchObject({ id: 5001, total: { amount: 6000, currency_code: 'USD' }, contact: { id: 42 } });
    expect(calls[0]?.url.href).toBe(`${BASE}/v2/orders/5001`);
    expect(calls[0]?.headers.get('x-keap-api-key')).toBe('KeapAK-secret');
    expect(calls[0]?.headers.get('accept')).toBe('application/json');
  });

  it('filters with v2’s encoded `field==value` and asks a contact for the fields Refund Desk reads', async () => {
    const { client, calls } = setup(({ url }) =>
      url.pathname.endsWith('/v2/contacts/7') ? json({ id: '7', given_name: 'Ada' }) : json({ transactions: [], next_page_token: '' }),
    );
    valueOf(await client.listTransactions({ contact_id: 42 }));
    valueOf(await client.getContact(7));
    expect(calls[0]?.url.search).toBe('?filter=contact_id%3D%3D42&page_size=1000');
    expect(calls[1]?.url.searchParams.get('fields')).toBe('given_name,family_name,email_addresses,company');
  });

  it('reads a list page by page with page_size and page_token until the token is empty', async () => {
    const { client, calls } = setup(orderPages(2500));
    const orders = valueOf(await client.listOrders({ contact_id: 42 }));
    expect(orders).toHaveLength(2500);
    expect(calls.map((call) => [call.url.searchParams.get('page_size'), call.url.searchParams.get('page_token')])).toEqual([
      ['1000', null],
      ['1000', '1000'],
      ['1000', '2000'],
    ]);
    expect(calls.every((call) => call.url.searchParams.get('filter') === 'contact_id==42')).toBe(true);
  });

  it('stops at an empty page even when Keap sends a token with it', async () => {
    const { client, calls } = setup((_call, index) => json({ orders: index === 0 ? [orderV2Json(1)] : [], next_page_token: `t${index}` }));
    expect(valueOf(await client.listOrders({}))).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it('refuses a token chain that repeats itself', async () => {
    const { client } = setup(() => json({ orders: [orderV2Json(1)], next_page_token: 'again' }));
    expect(errorOf(await client.listOrders({}))).toMatchObject({
      kind: 'unexpected-answer',
      fieldPath: 'next_page_token',
      message: "Keap's answer to GET /v2/orders sent the same page token twice.",
    });
  });

  it('reads users a hundred at a time (the largest page /users allows), by email', async () => {
    const { client, calls } = setup(() => json({ users: [{ id: '3', email_addresses: [{ email: 'riley@example.com' }] }], next_page_token: '' }));
    expect(valueOf(await client.listUsersByEmail('riley@example.com')).map((user) => user.id)).toEqual([3]);
    expect(calls[0]?.url.searchParams.get('page_size')).toBe('100');
    expect(calls[0]?.url.searchParams.get('filter')).toBe('email==riley@example.com');
  });

  it('gives the default merchant account and every account across pages', async () => {
    const { client } = setup((_call, index) =>
      json(
        index === 0
          ? { ...merchantsV2Json, merchant_accounts: merchantsV2Json.merchant_accounts.slice(0, 2), next_page_token: 'p2' }
          : { merchant_accounts: merchantsV2Json.merchant_accounts.slice(2), next_page_token: '' },
      ),
    );
    const merchants = valueOf(await client.listMerchants());
    expect(merchants.defaultMerchantAccountId).toBe(1);
    expect(merchants.merchantAccounts.map((account) => account.id)).toEqual([1, 2, 3]);
  });

  it('keeps plain amounts as sent, for their unit to be confirmed', async () => {
    const { client } = setup(() => json({ invoice_order_payments: [invoiceOrderPaymentJson(7001, { amount: 60.5 })], next_page_token: '' }));
    expect(valueOf(await client.listOrderPayments(5001))[0]?.amount).toBe(60.5);
  });

  it('writes a note on the contact with the user writing it, and does not repeat a write that got no answer', async () => {
    const { client, calls } = setup((_call, index) => (index === 0 ? Promise.reject(new TypeError('network')) : json({ id: '9', contact_id: '42', text: 'x' }, 201)));
    const note = { title: 'Refund', text: 'Refunded $60.00', type: 'Other' as const, user_id: '3' };
    expect(errorOf(await client.createNote(42, note)).message).toContain('The note may or may not have been saved on the contact.');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST' });
    expect(calls[0]?.url.pathname).toBe('/crm/rest/v2/contacts/42/notes');
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(note);
    expect(valueOf(await client.createNote(42, note))).toMatchObject({ id: 9, contact_id: 42 });
  });
});

describe('Keap v2 refusals as typed errors', () => {
  it('501 "Method Not Implemented" is the account’s answer: no retry', async () => {
    const { client, calls } = setup(() => json({ code: 501, message: 'Method Not Implemented', status: 'UNIMPLEMENTED' }, 501));
    expect(errorOf(await client.getOrder(5001))).toMatchObject({ kind: 'keap-down', status: 501, endpoint: 'GET /v2/orders/5001' });
    expect(calls).toHaveLength(1);
  });

  it('500 is retried as for v1, then keap-down', async () => {
    const { client, calls } = setup(() => json({ code: 500, message: 'boom' }, 500));
    expect(errorOf(await client.getBusinessProfile())).toMatchObject({ kind: 'keap-down', status: 500 });
    expect(calls).toHaveLength(4);
  });

  it('404 is not-found, 403 forbidden, 401 a bad key', async () => {
    const statuses = [404, 403, 401];
    const { client } = setup((_call, index) => json({ code: statuses[index], message: 'no' }, statuses[index]));
    expect(errorOf(await client.getOrder(1)).kind).toBe('not-found');
    expect(errorOf(await client.getOrder(1)).kind).toBe('forbidden');
    expect(errorOf(await client.getOrder(1)).kind).toBe('bad-key');
  });

  it('an unexpected refusal carries Keap’s own words from v2’s Error body', async () => {
    const { client } = setup(() =>
      json({ code: 400, message: 'Invalid filter field: colour', status: 'INVALID_ARGUMENT', details: [{ domain: 'crm', resource: '/v2/orders' }] }, 400),
    );
    expect(errorOf(await client.listOrders({ colour: 'blue' })).message).toBe(
      "Keap's answer to GET /v2/orders was a refusal Refund Desk did not expect (HTTP 400: Invalid filter field: colour).",
    );
  });

  it('an answer of the wrong shape names the v2 field', async () => {
    const { client } = setup(() => json({ transactions: [transactionV2Json()], next_page_token: 7 }));
    expect(errorOf(await client.listTransactions({ order_id: 1 }))).toMatchObject({ kind: 'unexpected-answer', fieldPath: 'next_page_token' });
  });
});
