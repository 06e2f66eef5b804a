import { i18n } from '#i18n';
import type { z } from 'zod';
import {
  badKeyError,
  forbiddenError,
  forbiddenMessage,
  formatFieldPath,
  keapDownError,
  networkError,
  notFoundError,
  notFoundMessage,
  quotaExhaustedError,
  redirectedError,
  throttledError,
  timeoutError,
  unexpectedAnswerError,
  type KeapAction,
  type KeapError,
  type KeapResult,
  type KeapSubject,
  type KeapWrite,
} from '@/lib/keap/errors';
import { isQuotaSpent, quotaResetTime, type RateLimiter } from '@/lib/keap/rate-limiter';

/**
 * How Refund Desk sends one request to Keap's REST API, for v1 and v2 alike: the key in
 * `X-Keap-API-Key`, the shared rate limiter, a timeout, retries, the answer checked with its zod
 * schema, and every failure a typed KeapError. Nothing throws.
 */

export interface KeapRequestOptions {
  apiKey: string;
  /** e.g. https://api.infusionsoft.com/crm/rest */
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  limiter: RateLimiter;
  timeoutMs?: number;
  /** Defaults to the limiter's clock. */
  now?: () => number;
  /** Waits between retries; defaults to the limiter's clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt, for 429s and for failed reads. */
  maxRetries?: number;
}

export interface RequestSpec<T> {
  method: 'GET' | 'POST';
  url: URL;
  schema: z.ZodType<T>;
  /** What the request does, named if Keap refuses the key permission (403). */
  action: KeapAction;
  /** What the request looks for, named if Keap has no such thing (404). */
  subject: KeapSubject;
  body?: unknown;
  /** For writes: what may or may not have been saved if the answer is lost. */
  unsureWhetherSaved?: KeapWrite;
}

/** How one API version reads Keap's refusals. */
export interface RefusalReading {
  /** Server errors that are the account's settled answer rather than a passing fault: answered at once, never retried. */
  finalServerStatuses?: readonly number[];
  /** Keap's own words in a refusal's body, for a refusal Refund Desk did not expect. */
  refusalDetail?: (text: string) => string | undefined;
}

export interface KeapRequester {
  /** The base URL, without a trailing slash. */
  readonly base: URL;
  readonly apiUrl: (path: string, query?: Record<string, string | number>) => URL;
  /** "GET /v1/orders": the method and the path below the base, without the query. */
  readonly endpointLabel: (method: string, url: URL) => string;
  readonly send: <T>(spec: RequestSpec<T>) => Promise<KeapResult<T>>;
}

type Attempt = { kind: 'answered'; response: Response; text: string } | { kind: 'network' } | { kind: 'timeout' };

const FIRST_BACKOFF_MS = 500;

export function ok<T>(value: T): KeapResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: KeapError): KeapResult<T> {
  return { ok: false, error };
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(headers: Headers, now: number): number | undefined {
  const text = headers.get('retry-after');
  if (text === null || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createKeapRequester(options: KeapRequestOptions, reading: RefusalReading = {}): KeapRequester {
  const { apiKey, limiter } = options;
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? (() => limiter.clock.now());
  const sleep = options.sleep ?? ((ms: number) => limiter.clock.sleep(ms));
  const maxRetries = options.maxRetries ?? 3;
  const finalServerStatuses = new Set(reading.finalServerStatuses ?? []);
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const basePath = base.pathname;

  function apiUrl(path: string, query: Record<string, string | number> = {}): URL {
    const url = new URL(base.href);
    url.pathname = `${basePath}${path}`;
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url;
  }

  function endpointLabel(method: string, url: URL): string {
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    return `${method} ${path}`;
  }

  async function attempt(spec: RequestSpec<unknown>): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = { 'X-Keap-API-Key': apiKey, Accept: 'application/json' };
      if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetchFn(spec.url.href, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
        // A redirect is never followed, so the key never goes to another host: the browser answers
        // an opaque redirect, Node the 3xx itself, and send() turns either into an error.
        redirect: 'manual',
      });
      // The body is read under the same timeout: a stalled body is as bad as no answer.
      const text = await response.text();
      return { kind: 'answered', response, text };
    } catch {
      return controller.signal.aborted ? { kind: 'timeout' } : { kind: 'network' };
    } finally {
      clearTimeout(timer);
    }
  }

  function parseAnswer<T>(spec: RequestSpec<T>, label: string, text: string): KeapResult<T> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(unexpectedAnswerError(label, '', i18n.t('problems.keap.answer.notJson', [label])));
    }
    const parsed = spec.schema.safeParse(json);
    if (parsed.success) return ok(parsed.data);
    const issue = parsed.error.issues[0];
    return fail(unexpectedAnswerError(label, formatFieldPath(issue?.path ?? [])));
  }

  function unexpectedRefusal(label: string, status: number, text: string): KeapError {
    const detail = reading.refusalDetail?.(text);
    const message = detail ? i18n.t('problems.keap.answer.refusalSaying', [label, String(status), detail]) : i18n.t('problems.keap.answer.refusal', [label, String(status)]);
    return unexpectedAnswerError(label, '', message);
  }

  async function send<T>(spec: RequestSpec<T>): Promise<KeapResult<T>> {
    const label = endpointLabel(spec.method, spec.url);
    const isRead = spec.method === 'GET';
    for (let attemptNumber = 0; ; attemptNumber += 1) {
      const permission = await limiter.acquire();
      if (!permission.ok) {
        return fail(permission.reason === 'quota-exhausted' ? quotaExhaustedError(label, permission.retryAt) : throttledError(label, permission.retryAt, now()));
      }
      const mayRetry = attemptNumber < maxRetries;
      const backoffMs = FIRST_BACKOFF_MS * 2 ** attemptNumber;
      const outcome = await attempt(spec);
      if (outcome.kind !== 'answered') {
        // A write that got no answer may have been saved: repeating it could save it twice.
        if (isRead && mayRetry) {
          await sleep(backoffMs);
          continue;
        }
        return fail(outcome.kind === 'timeout' ? timeoutError(label, timeoutMs, spec.unsureWhetherSaved) : networkError(label, spec.unsureWhetherSaved));
      }
      const { response, text } = outcome;
      limiter.observeHeaders(response.headers);
      const status = response.status;
      if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
        return fail(redirectedError(label, spec.unsureWhetherSaved));
      }
      if (status === 429) {
        if (isQuotaSpent(response.headers)) return fail(quotaExhaustedError(label, quotaResetTime(response.headers, now())));
        const retryAt = now() + (retryAfterMs(response.headers, now()) ?? backoffMs * 2);
        limiter.noteThrottled(retryAt);
        // Keap's gateway turns a throttled request away before Keap handles it, so even a write
        // (POST) was not processed and may be sent again once the limiter lets it through.
        if (mayRetry) continue;
        return fail(throttledError(label, retryAt, now()));
      }
      if (status >= 500) {
        if (isRead && mayRetry && !finalServerStatuses.has(status)) {
          await sleep(backoffMs);
          continue;
        }
        return fail(keapDownError(label, status));
      }
      if (status === 401) return fail(badKeyError(label));
      if (status === 403) return fail(forbiddenError(label, forbiddenMessage(spec.action)));
      if (status === 404) return fail(notFoundError(label, notFoundMessage(spec.subject)));
      if (status < 200 || status >= 300) return fail(unexpectedRefusal(label, status, text));
      return parseAnswer(spec, label, text);
    }
  }

  return { base, apiUrl, endpointLabel, send };
}
