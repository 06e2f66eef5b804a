export interface ThrottleLimits {
  perSecond: number;
  perMinute: number;
  perDay: number;
}

export const KEAP_PAT_LIMITS: ThrottleLimits = { perSecond: 10, perMinute: 240, perDay: 30_000 };

export interface ThrottleDecision {
  allowed: boolean;
  /** Seconds until the exhausted window resets (only meaningful when not allowed). */
  retryAfterSeconds: number;
  /** Keap's `x-keap-product-throttle-*` (per minute) and `x-keap-product-quota-*` (per UTC day) headers. */
  headers: Record<string, string>;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface Window {
  start: number;
  used: number;
}

interface KeyUsage {
  second: Window;
  minute: Window;
  day: Window;
}

/** Fixed windows per key: second, minute and UTC day, as Keap limits personal access tokens. */
export class Throttle {
  private readonly usage = new Map<string, KeyUsage>();

  constructor(private readonly limits: ThrottleLimits) {}

  reset(): void {
    this.usage.clear();
  }

  take(key: string, nowMs: number): ThrottleDecision {
    const usage = this.usage.get(key) ?? { second: { start: 0, used: 0 }, minute: { start: 0, used: 0 }, day: { start: 0, used: 0 } };
    this.usage.set(key, usage);
    roll(usage.second, nowMs, SECOND_MS);
    roll(usage.minute, nowMs, MINUTE_MS);
    roll(usage.day, nowMs, DAY_MS);

    const exhausted = [
      { window: usage.day, limit: this.limits.perDay, length: DAY_MS },
      { window: usage.minute, limit: this.limits.perMinute, length: MINUTE_MS },
      { window: usage.second, limit: this.limits.perSecond, length: SECOND_MS },
    ].find(({ window, limit }) => window.used >= limit);
    if (!exhausted) {
      usage.second.used += 1;
      usage.minute.used += 1;
      usage.day.used += 1;
    }
    const retryAfterSeconds = exhausted ? Math.max(1, Math.ceil((exhausted.window.start + exhausted.length - nowMs) / SECOND_MS)) : 0;
    return { allowed: !exhausted, retryAfterSeconds, headers: this.headers(usage) };
  }

  private headers(usage: KeyUsage): Record<string, string> {
    const { perMinute, perDay } = this.limits;
    return {
      'x-keap-product-throttle-limit': String(perMinute),
      'x-keap-product-throttle-time-unit': 'minute',
      'x-keap-product-throttle-interval': '1',
      'x-keap-product-throttle-available': String(Math.max(0, perMinute - usage.minute.used)),
      'x-keap-product-throttle-used': String(usage.minute.used),
      'x-keap-product-quota-limit': String(perDay),
      'x-keap-product-quota-time-unit': 'day',
      'x-keap-product-quota-interval': '1',
      'x-keap-product-quota-available': String(Math.max(0, perDay - usage.day.used)),
      'x-keap-product-quota-used': String(usage.day.used),
      'x-keap-product-quota-expiry-time': String(usage.day.start + DAY_MS),
    };
  }
}

function roll(window: Window, nowMs: number, lengthMs: number): void {
  const start = Math.floor(nowMs / lengthMs) * lengthMs;
  if (window.start !== start) {
    window.start = start;
    window.used = 0;
  }
}
