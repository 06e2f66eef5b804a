import type { z } from 'zod';
import {
  badKeyError,
  forbiddenError,
  formatFieldPath,
  keapDownError,
  networkError,
  notFoundError,
  quotaExhaustedError,
  redirectedError,
  throttledError,
  timeoutError,
  unexpectedAnswerError,
  type KeapError,
  type KeapResult,
} from '@/lib/keap/errors';
import { type KeapListing, keapListing } from '@/lib/keap/listing';
import { isQuotaSpent, quotaResetTime, type RateLimiter } from '@/lib/keap/rate-limiter';
import {
  accountProfileSchema,
  contactSchema,
  invoicePaymentListSchema,
  merchantListSchema,
  noteListSchema,
  noteSchema,
  orderListingPageSchema,
  orderListingSchema,
  transactionListingPageSchema,
  transactionListingSchema,
  orderSchema,
  transactionListSchema,
  userInfoSchema,
  type KeapAccountProfile,
  type KeapContact,
  type KeapCreateNoteRequest,
  type KeapInvoicePayment,
  type KeapMerchantList,
  type KeapNote,
  type KeapOrder,
  type KeapOrderListing,
  type KeapTransaction,
  type KeapTransactionListing,
  type KeapUserInfo,
} from '@/lib/keap/schemas';

/**
 * Keap REST v1 client for the background service worker. Every request carries the key, goes
 * through the shared rate limiter, has a timeout, and is validated; nothing throws: each method
 * answers a KeapResult.
 */

export interface KeapClientOptions {
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
  /** Keap v1's largest page. */
  pageSize?: number;
}

export interface KeapClient {
  getAccountProfile(): Promise<KeapResult<KeapAccountProfile>>;
  /**
   * The Keap user the key belongs to (`GET /v1/oauth/connect/userinfo`). Keap does not document
   * whether every kind of key answers it: a refusal is an error like any other.
   */
  getUserInfo(): Promise<KeapResult<KeapUserInfo>>;
  getContact(contactId: number): Promise<KeapResult<KeapContact>>;
  /** Checked page by page; the orders themselves when read (see KeapListing). */
  listOrdersForContact(contactId: number): Promise<KeapResult<KeapListing<KeapOrderListing>>>;
  getOrder(orderId: number): Promise<KeapResult<KeapOrder>>;
  listOrderPayments(orderId: number): Promise<KeapResult<KeapInvoicePayment[]>>;
  listOrderTransactions(orderId: number): Promise<KeapResult<KeapTransaction[]>>;
  /** Checked page by page; the transactions themselves when read (see KeapListing). */
  listTransactionsForContact(contactId: number): Promise<KeapResult<KeapListing<KeapTransactionListing>>>;
  listMerchants(): Promise<KeapResult<KeapMerchantList>>;
  createNote(note: KeapCreateNoteRequest): Promise<KeapResult<KeapNote>>;
  /** Every note on a contact, all pages. */
  listNotesForContact(contactId: number): Promise<KeapResult<KeapNote[]>>;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST';
  url: URL;
  schema: z.ZodType<T>;
  /** Completes "This API key does not have permission to …". */
  action: string;
  /** Names what a 404 did not find, e.g. "order 123". */
  subject: string;
  body?: unknown;
  /** For writes: what may or may not have happened if the answer is lost. */
  unsureWhetherSaved?: string;
}

type Attempt = { kind: 'answered'; response: Response; text: string } | { kind: 'network' } | { kind: 'timeout' };

/** A runaway `next` chain must end; 1,000 pages of 1,000 is far beyond any contact. */
const MAX_PAGES = 1000;
const FIRST_BACKOFF_MS = 500;

function ok<T>(value: T): KeapResult<T> {
  return { ok: true, value };
}

function fail<T>(error: KeapError): KeapResult<T> {
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

export function createKeapClient(options: KeapClientOptions): KeapClient {
  const { apiKey, limiter } = options;
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? (() => limiter.clock.now());
  const sleep = options.sleep ?? ((ms: number) => limiter.clock.sleep(ms));
  const maxRetries = options.maxRetries ?? 3;
  const pageSize = options.pageSize ?? 1000;
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const basePath = base.pathname;

  function apiUrl(path: string, query: Record<string, string | number> = {}): URL {
    const url = new URL(base.href);
    url.pathname = `${basePath}${path}`;
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    return url;
  }

  /** "GET /v1/orders": the method and the path below the base, without the query. */
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
      return fail(unexpectedAnswerError(label, '', 'was not valid JSON'));
    }
    const parsed = spec.schema.safeParse(json);
    if (parsed.success) return ok(parsed.data);
    const issue = parsed.error.issues[0];
    return fail(unexpectedAnswerError(label, formatFieldPath(issue?.path ?? [])));
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
        if (isRead && mayRetry) {
          await sleep(backoffMs);
          continue;
        }
        return fail(keapDownError(label, status));
      }
      if (status === 401) return fail(badKeyError(label));
      if (status === 403) return fail(forbiddenError(label, spec.action));
      if (status === 404) return fail(notFoundError(label, spec.subject));
      if (status < 200 || status >= 300) {
        return fail(unexpectedAnswerError(label, '', `was a refusal Refund Desk did not expect (HTTP ${status})`));
      }
      return parseAnswer(spec, label, text);
    }
  }

  /** Keap's `next` is followed only on our own origin, so the key never goes anywhere else. */
  function nextPageUrl(next: string | null | undefined, current: URL, offset: number): URL {
    if (next) {
      try {
        const candidate = new URL(next);
        if (candidate.origin === base.origin && candidate.href !== current.href) return candidate;
      } catch {
        // An unreadable `next` is ignored; the offset below reaches the same page.
      }
    }
    const byOffset = new URL(current.href);
    byOffset.searchParams.set('limit', String(pageSize));
    byOffset.searchParams.set('offset', String(offset));
    return byOffset;
  }

  async function collectPages<Page extends { count?: number | null; next?: string | null }, Item>(
    spec: RequestSpec<Page>,
    itemsOf: (page: Page) => Item[],
  ): Promise<KeapResult<Item[]>> {
    const items: Item[] = [];
    let url = spec.url;
    for (let pageNumber = 0; pageNumber < MAX_PAGES; pageNumber += 1) {
      const page = await send({ ...spec, url });
      if (!page.ok) return page;
      const pageItems = itemsOf(page.value);
      items.push(...pageItems);
      const total = page.value.count;
      // Keap sends `next` even after the last page, so a short page (or the announced total) ends it.
      if (pageItems.length < pageSize || (typeof total === 'number' && items.length >= total)) return ok(items);
      url = nextPageUrl(page.value.next, url, items.length);
    }
    return fail(unexpectedAnswerError(endpointLabel(spec.method, spec.url), '', `kept sending pages beyond ${MAX_PAGES}`));
  }

  /** A list whose pages are checked as they come and whose items are checked when read. */
  async function collectListing<Field extends string, Item>(
    spec: RequestSpec<{ [key in Field]: unknown[] } & { count?: number | null; next?: string | null }>,
    field: Field,
    itemSchema: z.ZodType<Item>,
  ): Promise<KeapResult<KeapListing<Item>>> {
    const items = await collectPages(spec, (page) => page[field]);
    return items.ok ? ok(keapListing(endpointLabel(spec.method, spec.url), field, items.value, itemSchema)) : items;
  }

  function firstPage(path: string, query: Record<string, number>): URL {
    return apiUrl(path, { ...query, limit: pageSize, offset: 0 });
  }

  return {
    getAccountProfile: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/account/profile'),
        schema: accountProfileSchema,
        action: 'read the account profile',
        subject: 'account profile',
      }),
    getUserInfo: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/oauth/connect/userinfo'),
        schema: userInfoSchema,
        action: 'read user info',
        subject: 'user info for this key',
      }),
    getContact: (contactId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/contacts/${contactId}`),
        schema: contactSchema,
        action: 'read contacts',
        subject: `contact ${contactId}`,
      }),
    listOrdersForContact: (contactId) =>
      collectListing(
        {
          method: 'GET',
          url: firstPage('/v1/orders', { contact_id: contactId }),
          schema: orderListingPageSchema,
          action: 'read orders',
          subject: `orders of contact ${contactId}`,
        },
        'orders',
        orderListingSchema,
      ),
    getOrder: (orderId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/orders/${orderId}`),
        schema: orderSchema,
        action: 'read orders',
        subject: `order ${orderId}`,
      }),
    listOrderPayments: (orderId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/orders/${orderId}/payments`),
        schema: invoicePaymentListSchema,
        action: 'read order payments',
        subject: `order ${orderId}`,
      }),
    listOrderTransactions: (orderId) =>
      collectPages(
        {
          method: 'GET',
          url: firstPage(`/v1/orders/${orderId}/transactions`, {}),
          schema: transactionListSchema,
          action: 'read transactions',
          subject: `order ${orderId}`,
        },
        (page) => page.transactions,
      ),
    listTransactionsForContact: (contactId) =>
      collectListing(
        {
          method: 'GET',
          url: firstPage('/v1/transactions', { contact_id: contactId }),
          schema: transactionListingPageSchema,
          action: 'read transactions',
          subject: `transactions of contact ${contactId}`,
        },
        'transactions',
        transactionListingSchema,
      ),
    listMerchants: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/merchants'),
        schema: merchantListSchema,
        action: 'read merchant accounts',
        subject: 'merchant accounts',
      }),
    listNotesForContact: (contactId) =>
      collectPages(
        {
          method: 'GET',
          url: firstPage('/v1/notes', { contact_id: contactId }),
          schema: noteListSchema,
          action: 'read notes',
          subject: `notes of contact ${contactId}`,
        },
        (page) => page.notes,
      ),
    createNote: (note) =>
      send({
        method: 'POST',
        url: apiUrl('/v1/notes'),
        schema: noteSchema,
        body: note,
        action: 'add notes to contacts',
        subject: `contact ${note.contact_id}`,
        unsureWhetherSaved: 'The note may or may not have been saved on the contact.',
      }),
  };
}
