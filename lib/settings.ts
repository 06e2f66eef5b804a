import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { i18n } from '#i18n';
import { refundErrorHandlingSchema } from './refund/rules';
import { type LearnedWords, learnedWordsSchema } from './page/refund-screen/words';

/** Refund Desk works Keap's refund screen itself, or the person does and Refund Desk guides them. */
export const refundModeSchema = z.enum(['automatic', 'guided']);
export type RefundMode = z.infer<typeof refundModeSchema>;

/**
 * Where Refund Desk makes a refund: in the app the refund was started from (the newer app's own
 * flow from a newer-app page, the classic screen from a classic page), or always on the classic screen.
 */
export const refundThroughSchema = z.enum(['app-in-use', 'classic']);
export type RefundThrough = z.infer<typeof refundThroughSchema>;

/** Settings a Keap admin changes on the options page. API keys are kept apart (see `lib/service/api-key.ts`). */
export const settingsSchema = z.object({
  // A zod/mini schema (see lib/refund/rules.ts), which has no .default method.
  defaultErrorHandling: z._default(refundErrorHandlingSchema, 'skip-payment'),
  /** Days to keep finished refunds in the history; 0 keeps them forever. */
  historyRetentionDays: z.number().int().min(0).max(3650).default(0),
  /** Whether the side panel's Confirm has Refund Desk work Keap's refund screen, or guide the person through it. */
  defaultRefundMode: refundModeSchema.default('automatic'),
  /** Whether a refund started in Keap's newer app is made through that app's flow, or on the classic screen. */
  refundThrough: refundThroughSchema.default('app-in-use'),
  /**
   * The name Refund Desk writes as who made a refund when Keap's API does not say (the key does not
   * answer `GET /v1/oauth/connect/userinfo`; see `lib/refund/actor.ts`). '' when not given.
   */
  yourName: z.string().trim().max(100).default(''),
  /**
   * How long Keap's API must go on not showing a refund that Keap's screen said it skipped (or
   * failed) before the payment is free for another refund.
   */
  quietPeriodSeconds: z.number().int().min(10).max(3600).default(120),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

/** A Personal Access Token or Service Account Key as pasted from Keap's API Settings. */
export const apiKeySchema = z
  .string()
  .trim()
  .min(12, { error: () => i18n.t('problems.apiKey.tooShort') })
  .max(512, { error: () => i18n.t('problems.apiKey.tooLong') })
  .regex(/^[\x21-\x7e]+$/, { error: () => i18n.t('problems.apiKey.badCharacters') });

export const settingsItem = storage.defineItem<Settings>('local:settings', { fallback: DEFAULT_SETTINGS });

export async function readSettings(): Promise<Settings> {
  const stored = settingsSchema.safeParse(await settingsItem.getValue());
  return stored.success ? stored.data : DEFAULT_SETTINGS;
}

/** Shows enough of a key to recognise it, and never more than half of it. */
export function maskApiKey(apiKey: string): string {
  if (apiKey.length >= 16) return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
  if (apiKey.length >= 8) return `…${apiKey.slice(-4)}`;
  return '••••';
}

/** Words people showed Refund Desk on Keap's refund screen, per Keap app name (options lists them, with Forget). */
export const learnedWordsItem = storage.defineItem<Record<string, LearnedWords>>('local:learnedWords', { fallback: {} });

/** The stored words, app by app: an app whose entry does not read is left out, not every app. */
export async function readLearnedWords(): Promise<Record<string, LearnedWords>> {
  const stored = z.record(z.string(), z.unknown()).safeParse(await learnedWordsItem.getValue());
  if (!stored.success) return {};
  const readable: Record<string, LearnedWords> = {};
  for (const [appName, words] of Object.entries(stored.data)) {
    const parsed = learnedWordsSchema.safeParse(words);
    if (parsed.success) readable[appName] = parsed.data;
  }
  return readable;
}
