import { describe, expect, it } from 'vitest';
import { createRateLimiter, type Clock, type Permission } from '@/lib/keap/rate-limiter';

const NOON_UTC = Date.UTC(2025, 0, 15, 12, 0, 0);

/** Time moves only when the limiter sleeps, so tests are exact and instant. */
function fakeClock(start = NOON_UTC): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function grantTimes(permissions: Permission[]): number[] {
  return permissions.map((permission) => {
    if (!permission.ok) throw new Error(`refused: ${permission.reason}`);
    return permission.grantedAt;
  });
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('rate limiter', () => {
  it('spaces a burst of 500 within 10 per second and 240 per minute, without over-waiting', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const times = grantTimes(await Promise.all(Array.from({ length: 500 }, () => limiter.acquire())));

    expect(maxInAnyWindow(times, 1000 + 100)).toBeLessThanOrEqual(10);
    expect(maxInAnyWindow(times, 60_000 + 100)).toBeLessThanOrEqual(240);
    // Two full minutes of 240, then 20 more: a little over two minutes, not much more.
    const span = (times[499] ?? 0) - (times[0] ?? 0);
    expect(span).toBeGreaterThanOrEqual(120_000);
    expect(span).toBeLessThan(125_000);
    expect(limiter.counters()).toMatchObject({ requestsSent: 500, throttledResponses: 0, refusals: 0 });
    expect(limiter.counters().waits).toBeGreaterThan(0);
  });

  it('serves callers first come, first served', async () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, index) => limiter.acquire().then(() => order.push(index))));
    expect(order).toEqual(Array.from({ length: 30 }, (_, index) => index));
  });

  it('lets the first 10 go at once', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const times = grantTimes(await Promise.all(Array.from({ length: 10 }, () => limiter.acquire())));
    expect(new Set(times)).toEqual(new Set([NOON_UTC]));
    expect(clock.sleeps).toEqual([]);
  });

  it('uses a lower per-second limit announced by Keap', async () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    limiter.observeHeaders(
      new Headers({
        'x-keap-product-throttle-limit': '5',
        'x-keap-product-throttle-time-unit': 'second',
        'x-keap-product-throttle-interval': '1',
        'x-keap-product-throttle-available': '5',
      }),
    );
    const times = grantTimes(await Promise.all(Array.from({ length: 20 }, () => limiter.acquire())));
    expect(maxInAnyWindow(times, 1100)).toBe(5);
  });

  it('ignores a higher limit announced by Keap', async () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    limiter.observeHeaders(new Headers({ 'x-keap-product-throttle-limit': '1500', 'x-keap-product-throttle-time-unit': 'minute', 'x-keap-product-throttle-interval': '1' }));
    const times = grantTimes(await Promise.all(Array.from({ length: 300 }, () => limiter.acquire())));
    expect(maxInAnyWindow(times, 60_100)).toBe(240);
  });

  it('waits a whole window when Keap says none are available though we sent few (another app shares the key)', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    await limiter.acquire();
    limiter.observeHeaders(
      new Headers({
        'x-keap-product-throttle-limit': '240',
        'x-keap-product-throttle-time-unit': 'minute',
        'x-keap-product-throttle-interval': '1',
        'x-keap-product-throttle-available': '0',
      }),
    );
    const next = await limiter.acquire();
    expect(next).toEqual({ ok: true, grantedAt: NOON_UTC + 60_100 });
  });

  it('refuses at once, with the reset time, when the daily quota is used up', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const expiry = NOON_UTC + 12 * 3600_000;
    limiter.observeHeaders(
      new Headers({
        'x-keap-product-quota-limit': '30000',
        'x-keap-product-quota-time-unit': 'day',
        'x-keap-product-quota-interval': '1',
        'x-keap-product-quota-available': '0',
        'x-keap-product-quota-used': '30000',
        'x-keap-product-quota-expiry-time': String(expiry),
      }),
    );
    expect(await limiter.acquire()).toEqual({ ok: false, reason: 'quota-exhausted', retryAt: expiry });
    expect(clock.sleeps).toEqual([]);
    expect(limiter.counters().refusals).toBe(1);
  });

  it('counts its own requests against a lower daily quota and resets at midnight UTC', async () => {
    const clock = fakeClock(Date.UTC(2025, 0, 15, 23, 59, 0));
    const limiter = createRateLimiter({ clock, perDay: 3 });
    grantTimes(await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]));
    expect(await limiter.acquire()).toEqual({ ok: false, reason: 'quota-exhausted', retryAt: Date.UTC(2025, 0, 16) });
    await clock.sleep(60_000);
    expect((await limiter.acquire()).ok).toBe(true);
  });

  it("tells what is left of today's quota, from its own count and from Keap's headers", async () => {
    const clock = fakeClock(Date.UTC(2025, 0, 15, 20, 0, 0));
    const limiter = createRateLimiter({ clock, perDay: 100 });
    await Promise.all([limiter.acquire(), limiter.acquire()]);
    expect(limiter.dailyQuota()).toEqual({ remaining: 98, resetAt: Date.UTC(2025, 0, 16) });
    limiter.observeHeaders(new Headers({ 'x-keap-product-quota-limit': '100', 'x-keap-product-quota-used': '90' }));
    expect(limiter.dailyQuota().remaining).toBe(10);
    limiter.observeHeaders(new Headers({ 'x-keap-product-quota-available': '0', 'x-keap-product-quota-expiry-time': String(Date.UTC(2025, 0, 16, 1)) }));
    expect(limiter.dailyQuota()).toEqual({ remaining: 0, resetAt: Date.UTC(2025, 0, 16, 1) });
  });

  it('after a 429 nobody sends before the retry time', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    await limiter.acquire();
    limiter.noteThrottled(NOON_UTC + 12_000);
    expect(await limiter.acquire()).toEqual({ ok: true, grantedAt: NOON_UTC + 12_000 });
    expect(limiter.counters().throttledResponses).toBe(1);
  });

  it('refuses rather than wait longer than its maximum', async () => {
    const limiter = createRateLimiter({ clock: fakeClock(), maxWaitMs: 30_000 });
    limiter.noteThrottled(NOON_UTC + 3600_000);
    expect(await limiter.acquire()).toEqual({ ok: false, reason: 'throttled', retryAt: NOON_UTC + 3600_000 });
  });
});
