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
  return {
    kind: 'bad-key',
    endpoint: endpointLabel,
    message: 'Keap did not accept the API key (it is wrong, expired or revoked). Create a new key in Keap under Settings → API Settings and save it in Refund Desk.',
  };
}

/** `action` completes "does not have permission to …", e.g. "read orders". */
export function forbiddenError(endpointLabel: string, action: string): KeapError {
  return {
    kind: 'forbidden',
    endpoint: endpointLabel,
    message: `This API key does not have permission to ${action}. Use a key created by a Keap user who can ${action}.`,
  };
}

export function throttledError(endpointLabel: string, retryAt: number, now: number): KeapError {
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return {
    kind: 'throttled',
    endpoint: endpointLabel,
    retryAt,
    retryAfterSeconds,
    message: `Keap is limiting requests; try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`,
  };
}

/** `subject` names what was looked for, e.g. "order 123". */
export function notFoundError(endpointLabel: string, subject: string): KeapError {
  return { kind: 'not-found', endpoint: endpointLabel, message: `Keap has no ${subject} (it may have been deleted).` };
}

export function keapDownError(endpointLabel: string, status: number): KeapError {
  return {
    kind: 'keap-down',
    endpoint: endpointLabel,
    status,
    message: `Keap's servers are having trouble (HTTP ${status}). Try again in a few minutes.`,
  };
}

/** A write that may have reached Keap must not be repeated blindly: the message says to check first. */
function uncertainWriteAdvice(unsure: string | undefined): string {
  return unsure === undefined ? 'Try again.' : `${unsure} Check in Keap before trying again.`;
}

/**
 * The API host answered with a redirect. It is never followed, so the key is not sent to the other
 * address. A write that met a redirect may still have been handled, so it says to check first.
 */
export function redirectedError(endpointLabel: string, unsureWhetherSaved?: string): KeapError {
  return {
    kind: 'redirected',
    endpoint: endpointLabel,
    message: `Keap's API answered from another address, so Refund Desk did not send your key there. ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

export function networkError(endpointLabel: string, unsureWhetherSaved?: string): KeapError {
  return {
    kind: 'network',
    endpoint: endpointLabel,
    message: `Could not reach Keap. Check the internet connection. ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

export function timeoutError(endpointLabel: string, timeoutMs: number, unsureWhetherSaved?: string): KeapError {
  const seconds = Math.round(timeoutMs / 1000);
  return {
    kind: 'timeout',
    endpoint: endpointLabel,
    timeoutMs,
    message: `Keap did not answer within ${seconds} ${seconds === 1 ? 'second' : 'seconds'}. ${uncertainWriteAdvice(unsureWhetherSaved)}`,
  };
}

export function unexpectedAnswerError(endpointLabel: string, fieldPath: string, problem?: string): KeapError {
  const where = fieldPath === '' ? 'had an unexpected shape' : `had an unexpected value at ${fieldPath}`;
  return {
    kind: 'unexpected-answer',
    endpoint: endpointLabel,
    fieldPath,
    message: `Keap's answer to ${endpointLabel} ${problem ?? where}.`,
  };
}

export function quotaExhaustedError(endpointLabel: string, resetAt: number): KeapError {
  const reset = new Date(resetAt).toISOString();
  return {
    kind: 'quota-exhausted',
    endpoint: endpointLabel,
    resetAt,
    message: `This API key has used up its daily allowance of Keap requests. It resets at ${reset.slice(11, 16)} UTC on ${reset.slice(0, 10)}.`,
  };
}

/** zod issue path → "orders[3].total" */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const name = String(segment);
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}
