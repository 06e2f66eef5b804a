import { describe, expect, it } from 'vitest';
import { createKeapClient, type KeapClientOptions } from '@/lib/keap/client';
import { keapErrorSchema, type KeapResult } from '@/lib/keap/errors';
import type { KeapListing } from '@/lib/keap/listing';
import { createRateLimiter, type Clock } from '@/lib/keap/rate-limiter';
import { invoicePaymentJson, merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';

const BASE = 'https://api.infusionsoft.com/crm/rest';
const START = Date.UTC(2025, 0, 15, 12);

interface Call {
  url: URL;
  method: string;
  headers: Headers;
  redirect: RequestRedirect | undefined;
  body: string | null;
  at: number;
}

type Handler = (request: Call, callIndex: number, signal: AbortSignal) => Response | Promise<Response>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function setup(handler: Handler, options: Partial<KeapClientOptions> = {}) {
  let now = START;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const limiter = createRateLimiter({ clock });
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call: Call = {
      url: new URL(input instanceof Request ? input.url : input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      redirect: init?.redirect,
      body: typeof init?.body === 'string' ? init.body : null,
      at: now,
    };
    calls.push(call);
    return handler(call, calls.length - 1, init?.signal ?? new AbortController().signal);
  };
  const client = createKeapClient({ apiKey: 'KeapAK-secret', baseUrl: BASE, fetch, limiter, ...options });
  return { client, calls, limiter };
}

function errorOf<T>(result: KeapResult<T>) {
  if (result.ok) throw new Error('expected an error');
  // Errors cross extension messaging: they must survive structured cloning and match the schema.
  expect(keapErrorSchema.parse(structuredClone(result.error))).toEqual(result.error);
  return result.error;
}

function valueOf<T>(result: KeapResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.message}`);
  return result.value;
}

/** A contact list's items, every one checked. */
function itemsOf<T>(result: KeapResult<KeapListing<T>>): readonly T[] {
  return valueOf(valueOf(result).all());
}

/** Serves `total` orders in pages honouring limit/offset, with Keap's absolute `next`. */
function orderPages(total: number, options: { count?: boolean; nextOrigin?: string } = {}): Handler {
  return ({ url }) => {
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset'));
    const orders = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, index) => orderJson(offset + index + 1));
    const next = new URL(url.href.replace(url.origin, options.nextOrigin ?? url.origin));
    next.searchParams.set('offset', String(offset + limit));
    return json({ count: options.count === false ? undefined : total, next: next.href, previous: null, orders });
  };
}

describe('Keap client requests', () => {
  it('sends the key and Accept header to the right URL and returns the parsed answer', async () => {
    const { client, calls } = setup(() => json({ name: 'Acme Courses', currency_code: 'USD', extra: true }));
    const profile = valueOf(await client.getAccountProfile());
    expect(profile.name).toBe('Acme Courses');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url.href).toBe(`${BASE}/v1/account/profile`);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.headers.get('X-Keap-API-Key')).toBe('KeapAK-secret');
    expect(calls[0]?.headers.get('Accept')).toBe('application/json');
    // Redirects are never followed (see 'Keap client redirects').
    expect(calls[0]?.redirect).toBe('manual');
  });

  it('reads the user the key belongs to at /v1/oauth/connect/userinfo, whatever the answer leaves out', async () => {
    const { client, calls } = setup((_, index) =>
      index === 0
        ? json({ given_name: 'Riley', family_name: 'Admin', email: 'riley@x.com', infusionsoft_id: 'riley@x.com', is_admin: true, sub: '1', global_user_id: 1 })
        : json({ email: null }),
    );
    expect(valueOf(await client.getUserInfo())).toMatchObject({ given_name: 'Riley', family_name: 'Admin', email: 'riley@x.com', is_admin: true, sub: '1' });
    expect(valueOf(await client.getUserInfo())).toEqual({ email: null });
    expect(calls.map((call) => `${call.method} ${call.url.pathname}`)).toEqual(['GET /crm/rest/v1/oauth/connect/userinfo', 'GET /crm/rest/v1/oauth/connect/userinfo']);
  });

  it('user info that is not an object, or a name that is not text, is an unexpected answer', async () => {
    const { client } = setup((_, index) => (index === 0 ? json(['Riley']) : json({ given_name: 7 })));
    expect(errorOf(await client.getUserInfo())).toMatchObject({ kind: 'unexpected-answer', endpoint: 'GET /v1/oauth/connect/userinfo' });
    expect(errorOf(await client.getUserInfo())).toMatchObject({ kind: 'unexpected-answer', fieldPath: 'given_name' });
  });

  it('turns v1 decimals into minor units', async () => {
    const { client } = setup(() => json(orderJson(7, { total: 19.99, total_paid: 0.1 + 0.2, total_due: 19.69, refund_total: null })));
    const order = valueOf(await client.getOrder(7));
    expect(order).toMatchObject({ id: 7, total: 1999, total_paid: 30, total_due: 1969, refund_total: 0 });
  });

  it('reads each endpoint at its v1 path', async () => {
    const { client, calls } = setup(({ url, method }) => {
      const path = url.pathname.replace('/crm/rest', '');
      if (method === 'POST') return json({ id: 77, contact_id: 42, title: 'Refund', body: 'b', type: 'Other' }, 201);
      if (path === '/v1/contacts/42') return json({ id: 42, given_name: 'Ada', email_addresses: [{ email: 'a@x.com', field: 'EMAIL1' }] });
      if (path === '/v1/orders/7/payments') return json([invoicePaymentJson(1)]);
      if (path === '/v1/merchants') return json(merchantsJson);
      if (path.endsWith('/transactions')) return json({ count: 1, transactions: [transactionJson(9001)] });
      return json({ error: 'unexpected path' }, 404);
    });
    expect(valueOf(await client.getContact(42)).given_name).toBe('Ada');
    expect(valueOf(await client.listOrderPayments(7))[0]?.amount).toBe(6000);
    expect(valueOf(await client.listOrderTransactions(7))[0]?.id).toBe(9001);
    expect(itemsOf(await client.listTransactionsForContact(42))[0]?.amount).toBe(6000);
    expect(valueOf(await client.listMerchants()).merchant_accounts).toHaveLength(3);
    expect(valueOf(await client.createNote({ contact_id: 42, title: 'Refund', body: 'b', type: 'Other' })).id).toBe(77);
    expect(calls.map((call) => `${call.method} ${call.url.pathname}${call.url.search}`)).toEqual([
      'GET /crm/rest/v1/contacts/42',
      'GET /crm/rest/v1/orders/7/payments',
      'GET /crm/rest/v1/orders/7/transactions?limit=1000&offset=0',
      'GET /crm/rest/v1/transactions?contact_id=42&limit=1000&offset=0',
      'GET /crm/rest/v1/merchants',
      'POST /crm/rest/v1/notes',
    ]);
    const post = calls[5];
    expect(post?.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ contact_id: 42, title: 'Refund', body: 'b', type: 'Other' });
  });
});

describe('Keap client errors', () => {
  it('401 with Keap’s fault body → bad-key, not retried', async () => {
    const { client, calls } = setup(() => json({ fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } }, 401));
    const error = errorOf(await client.getAccountProfile());
    expect(error.kind).toBe('bad-key');
    expect(error.message).toContain('Keap did not accept the API key');
    expect(calls).toHaveLength(1);
  });

  it('403 → forbidden naming what the key may not do', async () => {
    const { client } = setup(() => json({ message: 'Forbidden' }, 403));
    const error = errorOf(await client.listOrdersForContact(42));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/^This API key does not have permission to read orders\./);
  });

  it('404 → not-found naming the thing', async () => {
    const { client } = setup(() => json({ message: 'Not found' }, 404));
    const error = errorOf(await client.getOrder(123));
    expect(error).toMatchObject({ kind: 'not-found', endpoint: 'GET /v1/orders/123', message: 'Keap has no order 123 (it may have been deleted).' });
  });

  it('5xx on a read is retried with growing waits, then keap-down', async () => {
    const { client, calls } = setup(() => json({ message: 'oops' }, 503), { maxRetries: 3 });
    const error = errorOf(await client.getContact(42));
    expect(error).toMatchObject({ kind: 'keap-down', status: 503 });
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    expect(gaps).toEqual([500, 1000, 2000]);
  });

  it('a read that fails once and then succeeds returns the value', async () => {
    const { client, calls } = setup((_, index) => (index === 0 ? json({}, 502) : json({ id: 42 })));
    expect(valueOf(await client.getContact(42)).id).toBe(42);
    expect(calls).toHaveLength(2);
  });

  it('network failure on a read is retried, then network', async () => {
    const { client, calls } = setup(() => Promise.reject(new TypeError('Failed to fetch')), { maxRetries: 2 });
    const error = errorOf(await client.getContact(42));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('Could not reach Keap');
    expect(calls).toHaveLength(3);
  });

  it('times out through AbortController', async () => {
    let sawAbort = false;
    const { client, calls } = setup(
      (_, __, signal) =>
        new Promise<Response>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new DOMException('aborted', 'AbortError'));
          });
        }),
      { timeoutMs: 20, maxRetries: 0 },
    );
    const error = errorOf(await client.getOrder(7));
    expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 20 });
    expect(sawAbort).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('429 on a read waits for Retry-After and tries again', async () => {
    const { client, calls, limiter } = setup((_, index) =>
      index === 0 ? json({ code: '429', message: 'Quota Exceeded', status: 'Request Throttled' }, 429, { 'retry-after': '12' }) : json({ id: 42 }),
    );
    expect(valueOf(await client.getContact(42)).id).toBe(42);
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBe(12_000);
    expect(limiter.counters().throttledResponses).toBe(1);
  });

  it('429 that persists ends as throttled with the wait in words', async () => {
    const { client, calls } = setup(() => json({ code: '429' }, 429, { 'retry-after': '12' }), { maxRetries: 2 });
    const error = errorOf(await client.getContact(42));
    expect(error).toMatchObject({ kind: 'throttled', retryAfterSeconds: 12, message: 'Keap is limiting requests; try again in 12 seconds.' });
    expect(calls).toHaveLength(3);
  });

  it('429 with the daily quota spent → quota-exhausted at once', async () => {
    const resetAt = START + 6 * 3600_000;
    const { client, calls } = setup(() => json({ code: '429' }, 429, { 'x-keap-product-quota-available': '0', 'x-keap-product-quota-expiry-time': String(resetAt) }));
    const error = errorOf(await client.getContact(42));
    expect(error).toMatchObject({ kind: 'quota-exhausted', resetAt });
    expect(error.message).toContain('18:00 UTC on 2025-01-15');
    expect(calls).toHaveLength(1);
    expect((await client.getContact(42)).ok).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('a POST is not retried after a 5xx, a network failure or a timeout', async () => {
    const note = { contact_id: 42, title: 'Refund', body: 'Refunded $60.00' };
    for (const failure of [() => json({}, 500), () => Promise.reject(new TypeError('Failed to fetch'))]) {
      const { client, calls } = setup(failure);
      const error = errorOf(await client.createNote(note));
      expect(['keap-down', 'network']).toContain(error.kind);
      expect(calls).toHaveLength(1);
    }
    const { client, calls } = setup((_, __, signal) => new Promise<Response>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))), {
      timeoutMs: 20,
    });
    const error = errorOf(await client.createNote(note));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('may or may not have been saved');
    expect(calls).toHaveLength(1);
  });

  it('a POST turned away with 429 (not processed by Keap) is sent again after the wait', async () => {
    const { client, calls } = setup((_, index) => (index === 0 ? json({ code: '429' }, 429, { 'retry-after': '2' }) : json({ id: 5, contact_id: 42 }, 201)));
    expect(valueOf(await client.createNote({ contact_id: 42, title: 'Refund', body: '' })).id).toBe(5);
    expect(calls).toHaveLength(2);
  });

  it('malformed JSON → unexpected-answer naming the endpoint', async () => {
    const { client } = setup(() => new Response('{"id": 7, "total":', { status: 200 }));
    const error = errorOf(await client.getOrder(7));
    expect(error).toMatchObject({ kind: 'unexpected-answer', message: "Keap's answer to GET /v1/orders/7 was not valid JSON.", fieldPath: '' });
  });

  it('a schema mismatch names the endpoint and the field path', async () => {
    const { client } = setup(() => json({ count: 5, orders: [1, 2, 3, 4, 5].map((id) => orderJson(id, id === 4 ? { total: 'lots' } : {})) }));
    // A contact's list is checked when read: the page came back fine, its fourth order does not.
    const error = errorOf(valueOf(await client.listOrdersForContact(42)).all());
    expect(error).toMatchObject({
      kind: 'unexpected-answer',
      fieldPath: 'orders[3].total',
      message: "Keap's answer to GET /v1/orders had an unexpected value at orders[3].total.",
    });
  });

  it('a contact list page whose list is not a list fails at that field', async () => {
    const { client } = setup(() => json({ count: 1, transactions: { 0: transactionJson(9001) } }));
    const error = errorOf(await client.listTransactionsForContact(42));
    expect(error).toMatchObject({
      kind: 'unexpected-answer',
      fieldPath: 'transactions',
      message: "Keap's answer to GET /v1/transactions had an unexpected value at transactions.",
    });
  });
});

/** What a browser's fetch answers for `redirect: 'manual'`: type "opaqueredirect", status 0, no headers, no body. */
function opaqueRedirect(): Response {
  const response = new Response(null, { status: 200 });
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
  Object.defineProperty(response, 'status', { value: 0 });
  return response;
}

describe('Keap client redirects', () => {
  const REDIRECTED = "Keap's API answered from another address, so Refund Desk did not send your key there.";

  it.each([301, 302, 303, 307, 308])('a %i to another host → redirected, not retried', async (status) => {
    const { client, calls } = setup(() => json({}, status, { location: 'https://evil.example/steal' }));
    const error = errorOf(await client.getContact(42));
    expect(error).toEqual({ kind: 'redirected', endpoint: 'GET /v1/contacts/42', message: `${REDIRECTED} Try again.` });
    expect(calls).toHaveLength(1);
  });

  it('the browser’s opaque redirect (type "opaqueredirect", status 0) → redirected, not retried', async () => {
    const { client, calls } = setup(() => opaqueRedirect());
    expect(errorOf(await client.getOrder(7))).toMatchObject({ kind: 'redirected', endpoint: 'GET /v1/orders/7' });
    expect(calls).toHaveLength(1);
  });

  it('a redirected write says it may have been saved and to check in Keap', async () => {
    const { client, calls } = setup(() => opaqueRedirect());
    const error = errorOf(await client.createNote({ contact_id: 42, title: 'Refund', body: '' }));
    expect(error).toMatchObject({ kind: 'redirected', endpoint: 'POST /v1/notes' });
    expect(error.message).toBe(`${REDIRECTED} The note may or may not have been saved on the contact. Check in Keap before trying again.`);
    expect(calls).toHaveLength(1);
  });

  it('a redirect on a later page of a list ends the list with redirected', async () => {
    const pages = orderPages(1500);
    const { client, calls } = setup((call, index) => (index === 0 ? pages(call, index, new AbortController().signal) : opaqueRedirect()));
    expect(errorOf(await client.listOrdersForContact(42)).kind).toBe('redirected');
    expect(calls).toHaveLength(2);
  });
});

describe('Keap client pagination', () => {
  it('follows same-origin `next` pages: one request per page', async () => {
    const { client, calls } = setup(orderPages(2500));
    const orders = itemsOf(await client.listOrdersForContact(42));
    expect(orders).toHaveLength(2500);
    expect(new Set(orders.map((order) => order.id)).size).toBe(2500);
    expect(calls.map((call) => call.url.searchParams.get('offset'))).toEqual(['0', '1000', '2000']);
    expect(calls.every((call) => call.url.searchParams.get('contact_id') === '42')).toBe(true);
  });

  it('stops on the announced count without asking for an empty page', async () => {
    const { client, calls } = setup(orderPages(1000));
    expect(itemsOf(await client.listOrdersForContact(42))).toHaveLength(1000);
    expect(calls).toHaveLength(1);
  });

  it('without a count, a short page ends the list', async () => {
    const { client, calls } = setup(orderPages(1000, { count: false }));
    expect(itemsOf(await client.listOrdersForContact(42))).toHaveLength(1000);
    expect(calls).toHaveLength(2);
  });

  it('never follows `next` to another origin: the key stays with Keap', async () => {
    const { client, calls } = setup(orderPages(1500, { nextOrigin: 'https://collector.example' }));
    const orders = itemsOf(await client.listOrdersForContact(42));
    expect(orders).toHaveLength(1500);
    expect(calls.map((call) => call.url.origin)).toEqual(['https://api.infusionsoft.com', 'https://api.infusionsoft.com']);
    expect(calls[1]?.url.searchParams.get('offset')).toBe('1000');
  });

  it('pages transactions the same way', async () => {
    const { client, calls } = setup(({ url }) => {
      const offset = Number(url.searchParams.get('offset'));
      const size = offset === 0 ? 1000 : 3;
      return json({ transactions: Array.from({ length: size }, (_, index) => transactionJson(offset + index + 1)) });
    });
    expect(itemsOf(await client.listTransactionsForContact(42))).toHaveLength(1003);
    expect(calls).toHaveLength(2);
  });
});
