import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeapClient, type KeapClientOptions } from '@/lib/keap/client';
import type { KeapResult } from '@/lib/keap/errors';
import type { KeapListing } from '@/lib/keap/listing';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import { SEED } from '@/test/sandbox/seed';

/** The Keap client over real HTTP against the sandbox CRM (test/sandbox). */

function valueOf<T>(result: KeapResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

/** A contact list's items, every one checked. */
function itemsOf<T>(result: KeapResult<KeapListing<T>>): readonly T[] {
  return valueOf(valueOf(result).all());
}

function errorOf<T>(result: KeapResult<T>) {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('Keap client against the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  function clientFor(options: Partial<KeapClientOptions> = {}) {
    return createKeapClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.apiBase, limiter: createRateLimiter(), ...options });
  }

  it('reads every endpoint and writes a note', async () => {
    const client = clientFor();
    expect(valueOf(await client.getAccountProfile()).name).toEqual(expect.any(String));
    expect(valueOf(await client.getContact(SEED.contacts.demo)).id).toBe(SEED.contacts.demo);

    const orders = itemsOf(await client.listOrdersForContact(SEED.contacts.demo));
    expect(orders.map((order) => order.id)).toEqual(expect.arrayContaining([SEED.orders.twoPayments, SEED.orders.fullyRefunded]));
    // The contact's list keeps only what the Refunds panel lists; a refund reads its order in full.
    expect(Object.keys(orders[0] ?? {}).sort()).toEqual(['id', 'order_date', 'refund_total', 'title', 'total', 'total_paid']);
    const otherContactsOrders = itemsOf(await client.listOrdersForContact(SEED.contacts.fiftyOrders)).map((order) => order.id);
    expect(orders.some((order) => otherContactsOrders.includes(order.id))).toBe(false);

    const order = valueOf(await client.getOrder(SEED.orders.twoPayments));
    expect(order).toMatchObject({ id: SEED.orders.twoPayments, total: 12000, total_paid: 12000 });
    const payments = valueOf(await client.listOrderPayments(SEED.orders.twoPayments));
    expect(payments.map((payment) => payment.id)).toEqual([SEED.payments.twoPaymentsFirst, SEED.payments.twoPaymentsSecond]);
    const orderTransactions = valueOf(await client.listOrderTransactions(SEED.orders.twoPayments));
    expect(orderTransactions).toHaveLength(2);
    const contactTransactions = itemsOf(await client.listTransactionsForContact(SEED.contacts.demo));
    expect(contactTransactions.length).toBeGreaterThan(orderTransactions.length);
    const merchants = valueOf(await client.listMerchants());
    expect(merchants.merchant_accounts.map((merchant) => merchant.id)).toContain(SEED.merchants.paypalExpress);

    const note = valueOf(await client.createNote({ contact_id: SEED.contacts.demo, title: 'Refund issued', body: 'Refunded $60.00 (payment 7001).', type: 'Other' }));
    expect(note).toMatchObject({ contact_id: SEED.contacts.demo, title: 'Refund issued' });
    expect(sandbox.state.notes.some((stored) => stored.id === note.id)).toBe(true);
  });

  it('derives payment facts from the sandbox’s orders as the contract links them', async () => {
    const client = clientFor();
    const merchants = valueOf(await client.listMerchants());
    async function factsOf(orderId: number) {
      const order = valueOf(await client.getOrder(orderId));
      const facts = derivePaymentFacts({
        order,
        payments: valueOf(await client.listOrderPayments(orderId)),
        transactions: valueOf(await client.listOrderTransactions(orderId)),
        merchants,
      });
      return { facts, summary: summarizeOrder(order, facts) };
    }
    const partial = await factsOf(SEED.orders.partiallyRefunded);
    expect(partial.facts.find((fact) => fact.paymentId === SEED.payments.authorizeNet)).toMatchObject({
      refundedMinor: 2000,
      refundableMinor: 6000,
      gatewayName: 'Authorize.Net',
    });
    expect(partial.summary).toMatchObject({ partiallyRefunded: true, refundableNowMinor: 6000 });
    expect((await factsOf(SEED.orders.fullyRefunded)).summary).toMatchObject({ fullyRefunded: true, refundableNowMinor: 0 });
    expect((await factsOf(SEED.orders.pending)).summary).toMatchObject({ hasPending: true, refundableNowMinor: 0 });
    expect((await factsOf(SEED.orders.paypalExpress)).summary.gatewayLimits.map((limit) => limit.gatewayName)).toEqual(['PayPal Express']);
    expect((await factsOf(SEED.orders.check)).facts[0]).toMatchObject({ isManual: true, gatewayName: null, merchantType: null });
    expect((await factsOf(SEED.orders.stripeTest)).facts[0]).toMatchObject({ isTestMode: true, merchantType: 'STRIPE' });
  });

  it('reads the 1,000-order contact in one request per page', async () => {
    const orders = itemsOf(await clientFor().listOrdersForContact(SEED.contacts.thousandOrders));
    expect(orders).toHaveLength(SEED.generated.thousandOrders.count);
    expect(new Set(orders.map((order) => order.id)).size).toBe(1000);
    expect(sandbox.stats().byPath['/crm/rest/v1/orders']).toBe(1);
  });

  it('follows Keap’s `next` links page by page with a smaller page size', async () => {
    const orders = itemsOf(await clientFor({ pageSize: 100 }).listOrdersForContact(SEED.contacts.thousandOrders));
    expect(new Set(orders.map((order) => order.id)).size).toBe(1000);
    // Keap's `next` may end the path with a slash: count both spellings.
    const orderListRequests = Object.entries(sandbox.stats().byPath)
      .filter(([path]) => /^\/crm\/rest\/v1\/orders\/?$/.test(path))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(orderListRequests).toBe(10);
  });

  it('reads the user the key belongs to; a key that is not answered gets forbidden', async () => {
    expect(valueOf(await clientFor().getUserInfo())).toMatchObject({
      given_name: 'Riley',
      family_name: 'Admin',
      email: 'riley.admin@refunddemo.example.com',
      is_admin: true,
    });
    expect(sandbox.stats().byPath['/crm/rest/v1/oauth/connect/userinfo']).toBe(1);
    sandbox.setFaults({ userInfoUnavailable: true });
    expect(errorOf(await clientFor().getUserInfo())).toMatchObject({ kind: 'forbidden', endpoint: 'GET /v1/oauth/connect/userinfo' });
    sandbox.setFaults({});
    expect(errorOf(await clientFor({ apiKey: SEED.readOnlyApiKey }).getUserInfo()).kind).toBe('forbidden');
    expect(errorOf(await clientFor({ apiKey: 'KeapAK-wrong' }).getUserInfo()).kind).toBe('bad-key');
  });

  describe('an API host that redirects elsewhere', () => {
    /** "evil": another host the sandbox redirects to; it records every request it gets. */
    let evil: http.Server;
    let evilOrigin: string;
    const evilRequests: { url: string; key: string | string[] | undefined }[] = [];

    beforeAll(async () => {
      evil = http.createServer((request, response) => {
        evilRequests.push({ url: request.url ?? '', key: request.headers['x-keap-api-key'] });
        response.writeHead(200, { 'content-type': 'application/json' });
        // Shaped like a contact and a note, so a client that followed the redirect would take it for Keap's answer.
        response.end(JSON.stringify({ id: SEED.contacts.demo, contact_id: SEED.contacts.demo, given_name: 'Evil' }));
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      // Another host name as well as another port: "localhost", not the sandbox's 127.0.0.1.
      evilOrigin = `http://localhost:${(evil.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      evil.closeAllConnections();
      await new Promise<void>((resolve, reject) => evil.close((error) => (error ? reject(error) : resolve())));
    });
    beforeEach(() => {
      evilRequests.length = 0;
    });

    it('a read gets the redirected error, is not retried, and the other host gets nothing', async () => {
      sandbox.setFaults({ redirectApiTo: `${evilOrigin}/steal` });
      const result = await clientFor().getContact(SEED.contacts.demo);
      // Nothing reached the other host (checked first: a client that followed would send it the key).
      expect(evilRequests).toEqual([]);
      expect(errorOf(result)).toEqual({
        kind: 'redirected',
        endpoint: `GET /v1/contacts/${SEED.contacts.demo}`,
        message: "Keap's API answered from another address, so Refund Desk did not send your key there. Try again.",
      });
      // The sandbox (Keap's host) was asked once, answered the 302, and was not asked again.
      expect(sandbox.stats().byPath[`/crm/rest/v1/contacts/${SEED.contacts.demo}`]).toBe(1);
    });

    it('a write gets the redirected error saying to check in Keap, and the other host gets nothing', async () => {
      sandbox.setFaults({ redirectApiTo: `${evilOrigin}/steal` });
      const result = await clientFor().createNote({ contact_id: SEED.contacts.demo, title: 'Refund', body: 'b' });
      expect(evilRequests).toEqual([]);
      const error = errorOf(result);
      expect(error.kind).toBe('redirected');
      expect(error.message).toContain('Check in Keap before trying again.');
      expect(sandbox.stats().byPath['/crm/rest/v1/notes']).toBe(1);
    });

    it('the other host is reachable, so an empty list above means the client did not go there', async () => {
      const response = await fetch(`${evilOrigin}/probe`);
      await response.arrayBuffer();
      expect(evilRequests).toEqual([{ url: '/probe', key: undefined }]);
    });
  });

  it('malformed JSON → unexpected-answer', async () => {
    sandbox.setFaults({ malformedJson: { count: 1 } });
    const error = errorOf(await clientFor().getOrder(SEED.orders.twoPayments));
    expect(error).toMatchObject({ kind: 'unexpected-answer', message: `Keap's answer to GET /v1/orders/${SEED.orders.twoPayments} was not valid JSON.` });
  });

  it('500 → retried on a read, keap-down when it persists', async () => {
    sandbox.setFaults({ serverErrors: { count: 1 } });
    expect(valueOf(await clientFor().getContact(SEED.contacts.demo)).id).toBe(SEED.contacts.demo);
    sandbox.setFaults({ serverErrors: { count: 2 } });
    expect(errorOf(await clientFor({ maxRetries: 1 }).getContact(SEED.contacts.demo))).toMatchObject({ kind: 'keap-down', status: 500 });
  });

  it('500 on a POST is not retried', async () => {
    sandbox.setFaults({ serverErrors: { count: 1 } });
    const notesBefore = sandbox.state.notes.length;
    const error = errorOf(await clientFor().createNote({ contact_id: SEED.contacts.demo, title: 'Refund', body: '' }));
    expect(error.kind).toBe('keap-down');
    expect(sandbox.stats().byPath['/crm/rest/v1/notes']).toBe(1);
    expect(sandbox.state.notes).toHaveLength(notesBefore);
  });

  it('401 → bad-key; 403 → forbidden', async () => {
    expect(errorOf(await clientFor({ apiKey: 'KeapAK-wrong' }).getAccountProfile()).kind).toBe('bad-key');
    const error = errorOf(await clientFor({ apiKey: SEED.readOnlyApiKey }).listOrdersForContact(SEED.contacts.demo));
    expect(error).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^This API key does not have permission to read orders/) });
  });

  it('429 → waited out and retried; throttled when it persists', async () => {
    sandbox.setFaults({ rateLimitStorm: { count: 1, retryAfterSeconds: 1 } });
    const limiter = createRateLimiter();
    expect(valueOf(await clientFor({ limiter }).getContact(SEED.contacts.demo)).id).toBe(SEED.contacts.demo);
    expect(limiter.counters().throttledResponses).toBe(1);
    sandbox.setFaults({ rateLimitStorm: { count: 2, retryAfterSeconds: 0 } });
    expect(errorOf(await clientFor({ maxRetries: 1 }).getContact(SEED.contacts.demo)).kind).toBe('throttled');
  });

  it('a dropped connection → network; a slow answer → timeout', async () => {
    sandbox.setFaults({ droppedConnections: { count: 1 } });
    expect(errorOf(await clientFor({ maxRetries: 0 }).getContact(SEED.contacts.demo)).kind).toBe('network');
    sandbox.setFaults({ slowResponses: { delayMs: 2_000, count: 1 } });
    expect(errorOf(await clientFor({ maxRetries: 0, timeoutMs: 200 }).getContact(SEED.contacts.demo))).toMatchObject({ kind: 'timeout', timeoutMs: 200 });
  });
});

describe('a burst of reads through the limiter', () => {
  // Keap's shape (per second, per minute) at 100/s and 500/min so the test takes seconds, not minutes.
  const limits = { perSecond: 100, perMinute: 500, perDay: 30_000 };
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, throttle: limits });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('500 reads finish with no 429 from Keap and none reaching the caller', { timeout: 120_000 }, async () => {
    const limiter = createRateLimiter({ perSecond: limits.perSecond, perMinute: limits.perMinute, safetyMarginMs: 250 });
    const client = createKeapClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.apiBase, limiter });
    const results = await Promise.all(Array.from({ length: 500 }, () => client.getContact(SEED.contacts.demo)));
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(sandbox.stats()).toMatchObject({ throttled: 0, byPath: { [`/crm/rest/v1/contacts/${SEED.contacts.demo}`]: 500 } });
    expect(limiter.counters()).toMatchObject({ requestsSent: 500, throttledResponses: 0, refusals: 0 });
  });
});
