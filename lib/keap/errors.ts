import { i18n } from '#i18n';
import { z } from 'zod';

/**
 * Everything that can go wrong talking to Keap, as plain serializable data (it crosses extension
 * messaging). `kind` is for code to branch on; `message` is for a Keap admin to read.
 */

/** e.g. "GET /v1/orders" */
const endpoint = z.string();

export const keapErrorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bad-key'), message: z.string(), endpoint }),
  z.object({ kind: z.literal('forbidden'), message: z.string(), endpoint }),
  z.object({
    kind: z.literal('throttled'),
    message: z.string(),
    endpoint,
    /** Epoch milliseconds after which Keap should accept requests again. */
    retryAt: z.number(),
    retryAfterSeconds: z.number().int().nonnegative(),
  }),
  z.object({ kind: z.literal('not-found'), message: z.string(), endpoint }),
  z.object({ kind: z.literal('keap-down'), message: z.string(), endpoint, status: z.number().int() }),
  z.object({ kind: z.literal('network'), message: z.string(), endpoint }),
  /** Keap's API host answered with a redirect (3xx, or an opaque redirect in the browser); it was not followed. */
  z.object({ kind: z.literal('redirected'), message: z.string(), endpoint }),
  z.object({ kind: z.literal('timeout'), message: z.string(), endpoint, timeoutMs: z.number() }),
  z.object({
    kind: z.literal('unexpected-answer'),
    message: z.string(),
    endpoint,
    /** Where in Keap's answer the problem is, e.g. "orders[3].total"; "" for the whole answer. */
    fieldPath: z.string(),
  }),
  z.object({
    kind: z.literal('quota-exhausted'),
    message: z.string(),
    endpoint,
    /** Epoch milliseconds when the daily quota resets. */
    resetAt: z.number(),
  }),
]);
export type KeapError = z.infer<typeof keapErrorSchema>;

export type KeapResult<T> = { ok: true; value: T } | { ok: false; error: KeapError };

export function badKeyError(endpointLabel: string): KeapError {
  return { kind: 'bad-key', endpoint: endpointLabel, message: i18n.t('problems.keap.badKey') };
}

/** What a request does, named when Keap refuses the key permission to do it. */
export type KeapAction =
  | 'readAccountProfile'
  | 'readBusinessProfile'
  | 'readUserInfo'
  | 'readUsers'
  | 'readContacts'
  | 'readOrders'
  | 'readOrderPayments'
  | 'readTransactions'
  | 'readMerchantAccounts'
  | 'readNotes'
  | 'addNotes';

/** "This API key does not have permission to read orders. …", one whole sentence per action. */
export function forbiddenMessage(action: KeapAction): string {
  switch (action) {
    case 'readAccountProfile':
      return i18n.t('problems.keap.forbidden.readAccountProfile');
    case 'readBusinessProfile':
      return i18n.t('problems.keap.forbidden.readBusinessProfile');
    case 'readUserInfo':
      return i18n.t('problems.keap.forbidden.readUserInfo');
    case 'readUsers':
      return i18n.t('problems.keap.forbidden.readUsers');
    case 'readContacts':
      return i18n.t('problems.keap.forbidden.readContacts');
    case 'readOrders':
      return i18n.t('problems.keap.forbidden.readOrders');
    case 'readOrderPayments':
      return i18n.t('problems.keap.forbidden.readOrderPayments');
    case 'readTransactions':
      return i18n.t('problems.keap.forbidden.readTransactions');
    case 'readMerchantAccounts':
      return i18n.t('problems.keap.forbidden.readMerchantAccounts');
    case 'readNotes':
      return i18n.t('problems.keap.forbidden.readNotes');
    case 'addNotes':
      return i18n.t('problems.keap.forbidden.addNotes');
  }
}

/** `message` says what the key may not do (see `forbiddenMessage`). */
export function forbiddenError(endpointLabel: string, message: string): KeapError {
  return { kind: 'forbidden', endpoint: endpointLabel, message };
}

export function throttledError(endpointLabel: string, retryAt: number, now: number): KeapError {
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return {
    kind: 'throttled',
    endpoint: endpointLabel,
    retryAt,
    retryAfterSeconds,
    message: i18n.t('problems.keap.throttled', retryAfterSeconds, [String(retryAfterSeconds)]),
  };
}

/** What a request looked for, named when Keap answers that it has no such thing. */
export type KeapSubject =
  | { what: 'accountProfile' | 'businessProfile' | 'userInfo' | 'users' | 'orders' | 'transactions' | 'merchantAccounts' | 'notes' }
  | { what: 'contact' | 'order' | 'ordersOfContact' | 'transactionsOfContact' | 'notesOfContact'; id: number };

/** "Keap has no order 123 (it may have been deleted).", one whole sentence per kind of thing. */
export function notFoundMessage(subject: KeapSubject): string {
  switch (subject.what) {
    case 'accountProfile':
      return i18n.t('problems.keap.notFound.accountProfile');
    case 'businessProfile':
      return i18n.t('problems.keap.notFound.businessProfile');
    case 'userInfo':
      return i18n.t('problems.keap.notFound.userInfo');
    case 'users':
      return i18n.t('problems.keap.notFound.users');
    case 'orders':
      return i18n.t('problems.keap.notFound.orders');
    case 'transactions':
      return i18n.t('problems.keap.notFound.transactions');
    case 'merchantAccounts':
      return i18n.t('problems.keap.notFound.merchantAccounts');
    case 'notes':
      return i18n.t('problems.keap.notFound.notes');
    case 'contact':
      return i18n.t('problems.keap.notFound.contact', [String(subject.id)]);
    case 'order':
      return i18n.t('problems.keap.notFound.order', [String(subject.id)]);
    case 'ordersOfContact':
      return i18n.t('problems.keap.notFound.ordersOfContact', [String(subject.id)]);
    case 'transactionsOfContact':
      return i18n.t('problems.keap.notFound.transactionsOfContact', [String(subject.id)]);
    case 'notesOfContact':
      return i18n.t('problems.keap.notFound.notesOfContact', [String(subject.id)]);
  }
}

/** `message` says what was not found (see `notFoundMessage`). */
export function notFoundError(endpointLabel: string, message: string): KeapError {
  return { kind: 'not-found', endpoint: endpointLabel, message };
}

export function keapDownError(endpointLabel: string, status: number): KeapError {
  return { kind: 'keap-down', endpoint: endpointLabel, status, message: i18n.t('problems.keap.keapDown', [String(status)]) };
}

/** What a write saves, named when its answer is lost and it may or may not have been saved. */
export type KeapWrite = 'note';

/** A write that may have reached Keap must not be repeated blindly: the message says to check first. */
function uncertainWriteAdvice(unsure: KeapWrite | undefined): string {
  return unsure === undefined ? i18n.t('problems.keap.tryAgain') : i18n.t('problems.keap.noteMaybeSaved');
}

/**
 * The API host answered with a redirect. It is never followed, so the key is not sent to the other
 * address. A write that met a redirect may still have been handled, so it says to check first.
 */
export function redirectedError(endpointLabel: string, unsureWhetherSaved?: KeapWrite): KeapError {
  return {
    kind: 'redirected',
    endpoint: endpointLabel,
    message: `${i18n.t('problems.keap.redirected')} ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

export function networkError(endpointLabel: string, unsureWhetherSaved?: KeapWrite): KeapError {
  return {
    kind: 'network',
    endpoint: endpointLabel,
    message: `${i18n.t('problems.keap.network')} ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

export function timeoutError(endpointLabel: string, timeoutMs: number, unsureWhetherSaved?: KeapWrite): KeapError {
  const seconds = Math.round(timeoutMs / 1000);
  return {
    kind: 'timeout',
    endpoint: endpointLabel,
    timeoutMs,
    message: `${i18n.t('problems.keap.timeout', seconds, [String(seconds)])} ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

/**
 * Keap's answer to `endpointLabel` did not read. `message` says how, when the caller knows (e.g.
 * `problems.keap.answer.notJson`); otherwise it names the field, or the whole answer for `fieldPath` "".
 */
export function unexpectedAnswerError(endpointLabel: string, fieldPath: string, message?: string): KeapError {
  return {
    kind: 'unexpected-answer',
    endpoint: endpointLabel,
    fieldPath,
    message: message ?? (fieldPath === '' ? i18n.t('problems.keap.answer.shape', [endpointLabel]) : i18n.t('problems.keap.answer.valueAt', [endpointLabel, fieldPath])),
  };
}

export function quotaExhaustedError(endpointLabel: string, resetAt: number): KeapError {
  const reset = new Date(resetAt).toISOString();
  return {
    kind: 'quota-exhausted',
    endpoint: endpointLabel,
    resetAt,
    message: i18n.t('problems.keap.quotaExhausted', [reset.slice(11, 16), reset.slice(0, 10)]),
  };
}

/** zod issue path → "orders[3].total" */
/** When Keap lets Refund Desk ask again after a throttled or quota-exhausted answer; undefined for any other error. */
export function retryAtOf(error: KeapError): number | undefined {
  return error.kind === 'throttled' ? error.retryAt : error.kind === 'quota-exhausted' ? error.resetAt : undefined;
}

export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
