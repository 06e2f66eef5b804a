/**
 * One limiter per API key, shared by every caller in the background, that keeps requests under
 * Keap's limits for a Personal Access Token: 10/s, 240/min and a daily quota (30,000, UTC day).
 * It adapts to Keap's `x-keap-product-throttle-*` and `x-keap-product-quota-*` headers and to 429s.
 * Callers are served first come, first served.
 *
 * Its state lives in memory on purpose: if the MV3 worker stops, the worst outcome is a 429,
 * which the client handles, and Keap's headers re-teach the limiter on the next answer.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimiterOptions {
  clock?: Clock;
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
  /**
   * Added to each window, because a request reaches Keap a variable time after it leaves: two
   * requests 1,000 ms apart here can land 990 ms apart there.
   */
  safetyMarginMs?: number;
  /** A wait longer than this is not waited out; the caller gets a refusal with the time to retry. */
  maxWaitMs?: number;
}

export type Permission = { ok: true; grantedAt: number } | { ok: false; reason: 'quota-exhausted' | 'throttled'; retryAt: number };

export interface RateLimiterCounters {
  requestsSent: number;
  throttledResponses: number;
  /** Times a caller had to wait for a free slot. */
  waits: number;
  waitedMs: number;
  refusals: number;
}

export interface RateLimiter {
  readonly clock: Clock;
  /** Resolves when the caller may send one request (FIFO), or with a refusal when it must not. */
  acquire(): Promise<Permission>;
  /** Learns from Keap's throttle and quota headers on any answer. */
  observeHeaders(headers: Headers): void;
  /** Keap answered 429: nobody sends before `retryAt`. */
  noteThrottled(retryAt: number): void;
  counters(): RateLimiterCounters;
  /** What is left of today's quota, as far as this limiter and Keap's headers tell, and when it resets. */
  dailyQuota(): { remaining: number; resetAt: number };
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

const TIME_UNIT_MS: Record<string, number> = {
  second: SECOND_MS,
  seconds: SECOND_MS,
  minute: MINUTE_MS,
  minutes: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  hours: 60 * MINUTE_MS,
  day: DAY_MS,
  days: DAY_MS,
};

interface SlidingWindow {
  windowMs: number;
  configuredLimit: number;
  /** The lower of ours and what Keap's headers announce. */
  limit: number;
}

function headerNumber(headers: Headers, name: string): number | undefined {
  const text = headers.get(name);
  if (text === null || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function headerWindowMs(headers: Headers, prefix: string): number | undefined {
  const unit = headers.get(`${prefix}-time-unit`)?.trim().toLowerCase();
  const unitMs = unit === undefined ? undefined : TIME_UNIT_MS[unit];
  if (unitMs === undefined) return undefined;
  return unitMs * (headerNumber(headers, `${prefix}-interval`) ?? 1);
}

/** Keap's quota expiry is seen as epoch milliseconds, epoch seconds or a date. */
function parseExpiryTime(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const numeric = Number(text);
  if (Number.isFinite(numeric)) return numeric > 1e11 ? numeric : numeric * 1000;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function nextUtcMidnight(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/** When the daily quota named in these headers resets: its expiry, else one quota window, else midnight UTC. */
export function quotaResetTime(headers: Headers, now: number): number {
  const expiry = parseExpiryTime(headers.get('x-keap-product-quota-expiry-time'));
  if (expiry !== undefined && expiry > now) return expiry;
  const quotaWindowMs = headerWindowMs(headers, 'x-keap-product-quota');
  return quotaWindowMs !== undefined ? now + quotaWindowMs : nextUtcMidnight(now);
}

/** Keap says the daily quota is used up. */
export function isQuotaSpent(headers: Headers): boolean {
  return headerNumber(headers, 'x-keap-product-quota-available') === 0;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? realClock;
  const safetyMarginMs = options.safetyMarginMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? 2 * MINUTE_MS;
  const windows: SlidingWindow[] = [
    { windowMs: SECOND_MS, configuredLimit: options.perSecond ?? 10, limit: options.perSecond ?? 10 },
    { windowMs: MINUTE_MS, configuredLimit: options.perMinute ?? 240, limit: options.perMinute ?? 240 },
  ];
  let dailyLimit = options.perDay ?? 30_000;
  let sentToday = 0;
  let currentDayEnd = nextUtcMidnight(clock.now());
  let quotaExhaustedUntil = 0;
  let pausedUntil = 0;
  /** Send times within the longest window, oldest first. */
  const sendLog: number[] = [];
  const queue: Array<(permission: Permission) => void> = [];
  let pumping = false;
  const counters: RateLimiterCounters = { requestsSent: 0, throttledResponses: 0, waits: 0, waitedMs: 0, refusals: 0 };

  function rollDay(now: number): void {
    if (now >= currentDayEnd) {
      sentToday = 0;
      currentDayEnd = nextUtcMidnight(now);
    }
  }

  function quotaResetAt(now: number): number | undefined {
    rollDay(now);
    if (now < quotaExhaustedUntil) return quotaExhaustedUntil;
    if (sentToday >= dailyLimit) return currentDayEnd;
    return undefined;
  }

  /** When the next request may go, given the windows and any pause; `now` if at once. */
  function earliestSendTime(now: number): number {
    let earliest = Math.max(now, pausedUntil);
    for (const window of windows) {
      const span = window.windowMs + safetyMarginMs;
      const blockingIndex = sendLog.length - window.limit;
      const blocking = blockingIndex >= 0 ? sendLog[blockingIndex] : undefined;
      if (blocking !== undefined && blocking > now - span) earliest = Math.max(earliest, blocking + span);
    }
    return earliest;
  }

  function recordSend(now: number): void {
    sendLog.push(now);
    const longest = Math.max(...windows.map((window) => window.windowMs)) + safetyMarginMs;
    while (sendLog.length > 0 && (sendLog[0] ?? now) <= now - longest) sendLog.shift();
    sentToday += 1;
    counters.requestsSent += 1;
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (let grant = queue[0]; grant !== undefined; grant = queue[0]) {
        const now = clock.now();
        const resetAt = quotaResetAt(now);
        if (resetAt !== undefined) {
          queue.shift();
          counters.refusals += 1;
          grant({ ok: false, reason: 'quota-exhausted', retryAt: resetAt });
          continue;
        }
        const sendAt = earliestSendTime(now);
        if (sendAt - now > maxWaitMs) {
          queue.shift();
          counters.refusals += 1;
          grant({ ok: false, reason: 'throttled', retryAt: sendAt });
          continue;
        }
        if (sendAt > now) {
          counters.waits += 1;
          counters.waitedMs += sendAt - now;
          // Re-check after waking: headers or a 429 may have changed the picture meanwhile.
          await clock.sleep(sendAt - now);
          continue;
        }
        queue.shift();
        recordSend(now);
        grant({ ok: true, grantedAt: now });
      }
    } finally {
      pumping = false;
    }
  }

  function adaptWindow(windowMs: number, serverLimit: number | undefined, available: number | undefined): void {
    let window = windows.find((candidate) => candidate.windowMs === windowMs);
    if (window === undefined && serverLimit !== undefined) {
      window = { windowMs, configuredLimit: serverLimit, limit: serverLimit };
      windows.push(window);
    }
    if (window === undefined) return;
    if (serverLimit !== undefined && serverLimit > 0) window.limit = Math.min(window.configuredLimit, serverLimit);
    if (available === 0) {
      const now = clock.now();
      const ownSendsInWindow = sendLog.filter((sentAt) => sentAt > now - windowMs).length;
      // If our own sends explain the exhaustion, the sliding window already waits the right time;
      // otherwise someone else uses this key too, and only a whole window is sure to be enough.
      if (ownSendsInWindow < window.limit) pausedUntil = Math.max(pausedUntil, now + windowMs + safetyMarginMs);
    }
  }

  return {
    clock,
    acquire() {
      const permission = new Promise<Permission>((resolve) => queue.push(resolve));
      void pump();
      return permission;
    },
    observeHeaders(headers) {
      const throttleWindowMs = headerWindowMs(headers, 'x-keap-product-throttle');
      if (throttleWindowMs !== undefined) {
        adaptWindow(throttleWindowMs, headerNumber(headers, 'x-keap-product-throttle-limit'), headerNumber(headers, 'x-keap-product-throttle-available'));
      }
      const quotaLimit = headerNumber(headers, 'x-keap-product-quota-limit');
      if (quotaLimit !== undefined && quotaLimit > 0) dailyLimit = Math.min(options.perDay ?? 30_000, quotaLimit);
      const now = clock.now();
      const quotaUsed = headerNumber(headers, 'x-keap-product-quota-used');
      if (quotaUsed !== undefined) {
        rollDay(now);
        sentToday = Math.max(sentToday, quotaUsed);
      }
      if (isQuotaSpent(headers)) quotaExhaustedUntil = Math.max(quotaExhaustedUntil, quotaResetTime(headers, now));
    },
    noteThrottled(retryAt) {
      counters.throttledResponses += 1;
      pausedUntil = Math.max(pausedUntil, retryAt);
    },
    counters: () => ({ ...counters }),
    dailyQuota() {
      const now = clock.now();
      const exhaustedUntil = quotaResetAt(now);
      return exhaustedUntil !== undefined ? { remaining: 0, resetAt: exhaustedUntil } : { remaining: dailyLimit - sentToday, resetAt: currentDayEnd };
    },
  };
}
