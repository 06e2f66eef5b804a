import { z } from 'zod/mini';
import { isNewerAppOrigin } from '@/lib/keap-hosts';

/**
 * What every message to the background has in common. Each context has a module of its own
 * messages (contact-page-messages.ts, refund-screen-messages.ts, extension-page-messages.ts), so
 * that a content script carries only its own schemas; the background serves them all (protocol.ts)
 * and each context sends through `backgroundCaller` (call-background.ts). Written with zod/mini,
 * which the content scripts use: full zod is too big for a Keap page.
 */

export const keapIdSchema = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));

/** An error that crosses a message boundary: a kind to branch on and words for a person. */
export const appErrorSchema = z.looseObject({
  kind: z.string(),
  message: z.string(),
  retryAfterSeconds: z.optional(z.number()),
});
export type AppError = z.infer<typeof appErrorSchema>;

/** A Keap app origin, e.g. https://ab123.infusionsoft.com: where the refund screen is driven. */
const keapAppOriginSchema = z.string().check(z.regex(/^https:\/\/[a-z0-9-]+\.infusionsoft\.com$/i, 'a Keap app address'));

/** Where a Keap page is: a classic app's address, or the newer app's (`https://keap.app`), which names no app. */
export const keapPageOriginSchema = z.union([keapAppOriginSchema, z.string().check(z.refine(isNewerAppOrigin, "an address of Keap's newer app"))]);

/** An answer that is either `{ ok: true, ...shape }` or an error. */
export function result<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...shape }), z.object({ ok: z.literal(false), error: appErrorSchema })]);
}

/** One message: a schema for what goes in and one for what comes out. */
export interface MessageSchema {
  input: z.core.$ZodType;
  output: z.core.$ZodType;
}
