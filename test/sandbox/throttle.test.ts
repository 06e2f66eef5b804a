import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';
import { Throttle } from './throttle';

describe('Throttle windows', () => {
  const second = Date.parse('2025-06-02T10:00:00.000Z');

  it('allows perSecond a second and frees the next second', () => {
    const throttle = new Throttle({ perSecond: 2, perMinute: 100, perDay: 1000 });
    expect([0, 100, 200].map((offset) => throttle.take('k', second + offset).allowed)).toEqual([true, true, false]);
    const denied = throttle.take('k', second + 900);
    expect(denied.retryAfterSeconds).toBe(1);
    expect(throttle.take('k', second + 1000).allowed).toBe(true);
  });

  it('limits a minute and says how long to wait', () => {
    const throttle = new Throttle({ perSecond: 100, perMinute: 3, perDay: 1000 });
    for (let index = 0; index < 3; index += 1) expect(throttle.take('k', second + index * 1000).allowed).toBe(true);
    const denied = throttle.take('k', second + 20_000);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterSeconds).toBe(40);
    expect(denied.headers['x-keap-product-throttle-available']).toBe('0');
    expect(throttle.take('k', second + 60_000).allowed).toBe(true);
  });

  it('limits a UTC day and reports the quota expiry as the next midnight', () => {
    const throttle = new Throttle({ perSecond: 100, perMinute: 100, perDay: 2 });
    throttle.take('k', second);
    const last = throttle.take('k', second + 61_000);
    expect(last.headers['x-keap-product-quota-used']).toBe('2');
    expect(last.headers['x-keap-product-quota-expiry-time']).toBe(String(Date.parse('2025-06-03T00:00:00.000Z')));
    expect(throttle.take('k', second + 122_000).allowed).toBe(false);
    expect(throttle.take('k', Date.parse('2025-06-03T00:00:00.000Z')).allowed).toBe(true);
  });

  it('counts each key apart', () => {
    const throttle = new Throttle({ perSecond: 1, perMinute: 100, perDay: 100 });
    expect(throttle.take('a', second).allowed).toBe(true);
    expect(throttle.take('b', second).allowed).toBe(true);
    expect(throttle.take('a', second).allowed).toBe(false);
  });
});

describe('throttling over HTTP', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // A small daily quota keeps the test quick and far from any window edge.
    sandbox = await startSandbox({ throttle: { perSecond: 100, perMinute: 100, perDay: 5 } });
  });
  afterAll(() => sandbox.close());

  it('sends Keap headers on every answer and 429 with Retry-After once the quota is used', async () => {
    for (let used = 1; used <= 5; used += 1) {
      const answer = await apiGet(sandbox, '/v1/account/profile');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-keap-product-quota-used')).toBe(String(used));
      expect(answer.headers.get('x-keap-product-quota-available')).toBe(String(5 - used));
      expect(answer.headers.get('x-keap-product-quota-limit')).toBe('5');
      expect(answer.headers.get('x-keap-product-quota-time-unit')).toBe('day');
      expect(answer.headers.get('x-keap-product-quota-interval')).toBe('1');
      expect(Number(answer.headers.get('x-keap-product-quota-expiry-time'))).toBeGreaterThan(Date.now());
      expect(answer.headers.get('x-keap-product-throttle-limit')).toBe('100');
      expect(answer.headers.get('x-keap-product-throttle-time-unit')).toBe('minute');
      expect(answer.headers.get('x-keap-product-throttle-interval')).toBe('1');
      // The minute window may roll over mid-test, so check its books balance rather than exact counts.
      const minuteUsed = Number(answer.headers.get('x-keap-product-throttle-used'));
      expect(minuteUsed).toBeGreaterThanOrEqual(1);
      expect(minuteUsed + Number(answer.headers.get('x-keap-product-throttle-available'))).toBe(100);
    }
    const throttled = await apiGet(sandbox, '/v1/orders');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual({ code: '429', message: 'Quota Exceeded', status: 'Request Throttled' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.headers.get('x-keap-product-quota-available')).toBe('0');

    expect((await apiGet(sandbox, '/v1/account/profile', SEED.readOnlyApiKey)).status).toBe(200);
    const stats = sandbox.stats();
    expect(stats.throttled).toBe(1);
    expect(stats.requests).toBe(7);
    expect(stats.byPath['/crm/rest/v1/account/profile']).toBe(6);
  });
});
