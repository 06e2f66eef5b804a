import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, apiGet } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function status(path: string): Promise<number> {
  const response = await fetch(`${sandbox.apiBase}${path}`, { headers: { 'X-Keap-API-Key': sandbox.apiKey } });
  await response.arrayBuffer();
  return response.status;
}

async function contactPageStatus(): Promise<number> {
  const response = await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`);
  await response.text();
  return response.status;
}

describe('fault switches', () => {
  it('serverErrors: 500 for the next N API requests under a path prefix, pages untouched', async () => {
    sandbox.setFaults({ serverErrors: { count: 2, pathPrefix: '/v1/orders' } });
    expect(await status('/v1/account/profile')).toBe(200);
    expect(await contactPageStatus()).toBe(200);
    expect(await status('/v1/orders/5001')).toBe(500);
    expect(await status('/v1/orders?contact_id=1001')).toBe(500);
    expect(await status('/v1/orders/5001')).toBe(200);
  });

  it('rateLimitStorm: 429 with Retry-After for the next N, counted as throttled', async () => {
    sandbox.setFaults({ rateLimitStorm: { count: 2, retryAfterSeconds: 3 } });
    const first = await apiGet(sandbox, '/v1/merchants');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toEqual({ code: '429', message: 'Quota Exceeded', status: 'Request Throttled' });
    expect(await status('/v1/merchants')).toBe(429);
    expect(await status('/v1/merchants')).toBe(200);
    expect(sandbox.stats().throttled).toBe(2);
  });

  it('slowResponses with a count: the next answer outlasts a client timeout, the one after is quick', async () => {
    sandbox.setFaults({ slowResponses: { delayMs: 1500, count: 1 } });
    const timedOut = fetch(`${sandbox.apiBase}/v1/merchants`, { headers: { 'X-Keap-API-Key': sandbox.apiKey }, signal: AbortSignal.timeout(200) });
    await expect(timedOut).rejects.toThrow(/timeout|aborted/i);
    const started = performance.now();
    expect(await status('/v1/merchants')).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('slowResponses without a count: every API answer is late, pages are not', async () => {
    sandbox.setFaults({ slowResponses: { delayMs: 250 } });
    for (let index = 0; index < 2; index += 1) {
      const started = performance.now();
      expect(await status('/v1/merchants')).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    }
    const pageStarted = performance.now();
    expect(await contactPageStatus()).toBe(200);
    expect(performance.now() - pageStarted).toBeLessThan(240);
  });

  it('malformedJson: the next answer is not JSON', async () => {
    sandbox.setFaults({ malformedJson: { count: 1 } });
    const response = await fetch(`${sandbox.apiBase}/v1/orders/5001`, { headers: { 'X-Keap-API-Key': sandbox.apiKey } });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
    expect((await apiGet(sandbox, '/v1/orders/5001')).status).toBe(200);
  });

  it('droppedConnections: the next API request gets no answer at all; pages and admin unaffected', async () => {
    await admin(sandbox, 'POST', 'faults', { droppedConnections: { count: 1 } });
    expect(await contactPageStatus()).toBe(200);
    expect((await admin(sandbox, 'GET', 'stats')).status).toBe(200);
    await expect(fetch(`${sandbox.apiBase}/v1/merchants`, { headers: { 'X-Keap-API-Key': sandbox.apiKey } })).rejects.toThrow(/fetch failed/);
    expect(await status('/v1/merchants')).toBe(200);
  });

  it('alteredContactMarkup: orders come as a div grid with no table; alteredRefundScreen renames the button that sends the refund', async () => {
    sandbox.setFaults({ alteredContactMarkup: true, alteredRefundScreen: true });
    const contactHtml = await (await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`)).text();
    expect(contactHtml).toContain('purchase-grid');
    expect(contactHtml).not.toContain('<table class="list orders-table"');
    const orderHtml = await (await fetch(`${sandbox.appBase}/Job/manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`)).text();
    expect(orderHtml).toContain('"finalButtons":["Make it so"]');
    sandbox.setFaults({});
    const plainHtml = await (await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`)).text();
    expect(plainHtml).toContain('<table class="list orders-table"');
  });

  it('userInfoUnavailable: user info answers 403 for the full key; other answers are untouched', async () => {
    expect(await status('/v1/oauth/connect/userinfo')).toBe(200);
    sandbox.setFaults({ userInfoUnavailable: true });
    const refused = await apiGet(sandbox, '/v1/oauth/connect/userinfo');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ message: expect.any(String) });
    expect(await status('/v1/account/profile')).toBe(200);
    expect(await status('/v1/oauth/connect/userinfo')).toBe(403);
  });

  it('redirectApiTo: every API request answers 302 to the other host, before the key is looked at; pages untouched', async () => {
    sandbox.setFaults({ redirectApiTo: 'https://evil.example/steal' });
    for (const key of [sandbox.apiKey, 'KeapAK-wrong']) {
      const response = await fetch(`${sandbox.apiBase}/v1/orders/5001`, { headers: { 'X-Keap-API-Key': key }, redirect: 'manual' });
      await response.arrayBuffer();
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://evil.example/steal');
    }
    expect(await contactPageStatus()).toBe(200);
    expect((await admin(sandbox, 'POST', 'faults', { redirectApiTo: 'not a url' })).status).toBe(400);
    sandbox.setFaults({});
    expect(await status('/v1/orders/5001')).toBe(200);
  });

  it('setFaults replaces the previous faults and reset clears them', async () => {
    sandbox.setFaults({ serverErrors: { count: 5 } });
    sandbox.setFaults({ rateLimitStorm: { count: 1 } });
    expect(await status('/v1/merchants')).toBe(429);
    expect(await status('/v1/merchants')).toBe(200);
    sandbox.setFaults({ serverErrors: { count: 5 } });
    sandbox.reset();
    expect(await status('/v1/merchants')).toBe(200);
  });
});

describe('latencyMs', () => {
  it('delays every API answer', async () => {
    const slow = await startSandbox({ latencyMs: 200 });
    try {
      const started = performance.now();
      const response = await fetch(`${slow.apiBase}/v1/account/profile`, { headers: { 'X-Keap-API-Key': slow.apiKey } });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      await slow.close();
    }
  });
});
