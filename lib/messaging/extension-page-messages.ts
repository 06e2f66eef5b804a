import { z } from 'zod';
import { orderSummarySchema, paymentFactsSchema } from '@/lib/keap/payment-facts';
import { refundFormSchema } from '@/lib/refund/form';
import { refundChannelSchema, refundErrorHandlingSchema } from '@/lib/refund/rules';
import { KEAP_API_HOSTS } from '@/lib/keap-hosts';
import { refundModeSchema, settingsSchema } from '@/lib/settings';
import { learnedWordsSchema, learnSlotSchema } from '@/lib/page/refund-screen/words';
import { appErrorSchema, keapIdSchema, keapPageOriginSchema, result } from './messages';

/**
 * What Refund Desk's own pages (side panel, popup, options) send the background. Full zod: these
 * pages load it anyway. The side panel also sends `getContactOrders` (contact-page-messages.ts).
 */

/** For Refund Desk's own pages: one Keap connection, with a recognisable fragment of its key, never the key. */
const connectionStatusSchema = z.object({
  /** The Keap app the key belongs to (acme of acme.infusionsoft.com); null until it is known. */
  appName: z.string().nullable(),
  boundBy: z.enum(['person', 'page']).nullable(),
  apiHost: z.enum(KEAP_API_HOSTS),
  maskedApiKey: z.string(),
  /** The REST v2 endpoints this key's Keap account answered only in v1 (404 or 501), when there are any. */
  v1OnlyEndpoints: z.array(z.string()).optional(),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

const paymentForRefundSchema = z.object({ ...paymentFactsSchema.shape, channel: refundChannelSchema });

const orderForRefundSchema = z.object({
  contact: z.object({ id: keapIdSchema, name: z.string(), email: z.string() }),
  order: z.object({
    orderId: keapIdSchema,
    title: z.string(),
    orderDate: z.string().nullable(),
    totalMinor: z.number().int(),
    totalDueMinor: z.number().int(),
    summary: orderSummarySchema,
  }),
  payments: z.array(paymentForRefundSchema),
  defaultErrorHandling: refundErrorHandlingSchema,
  defaultRefundMode: refundModeSchema,
});
export type OrderForRefund = z.infer<typeof orderForRefundSchema>;

/** Words people showed Refund Desk on Keap's refund screen, per Keap app name. */
const learnedWordsByAppSchema = z.record(z.string(), learnedWordsSchema);
export type LearnedWordsByApp = z.infer<typeof learnedWordsByAppSchema>;

export const EXTENSION_PAGE_MESSAGES = {
  /** Everything the side panel needs to refund an order, fresh from Keap's API. */
  getOrderForRefund: {
    input: z.object({ orderId: keapIdSchema, contactId: keapIdSchema, appOrigin: keapPageOriginSchema }),
    output: result({ view: orderForRefundSchema }),
  },
  /** Checks the form against Keap now, journals the refund, and carries it out in the background. */
  startRefund: {
    input: z.object({
      idempotencyKey: z.uuid(),
      form: refundFormSchema,
      appOrigin: keapPageOriginSchema,
      manualRefundsDone: z.boolean(),
      /** Refund Desk works Keap's refund screen, or the person does and Refund Desk guides them. */
      mode: refundModeSchema,
    }),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), refundIds: z.array(z.uuid()) }),
      z.object({ ok: z.literal(false), error: appErrorSchema, fieldErrors: z.record(z.string(), z.string()).optional() }),
    ]),
  },
  /** A person asks Refund Desk to look in Keap again for a refund that needs them. */
  recheckRefund: { input: z.object({ refundId: z.uuid() }), output: result({ state: z.string() }) },
  /** A person checked in Keap and found that no refund happened. */
  markNotRefunded: { input: z.object({ refundId: z.uuid() }), output: result({}) },
  /**
   * Opens Keap's screen for a refund that needs the person, with the guided checklist following them;
   * `onClassicScreen`: on Keap's classic refund screen, for a refund started in the newer app.
   */
  continueInKeap: { input: z.object({ refundId: z.uuid(), onClassicScreen: z.boolean().optional() }), output: result({}) },
  /** "Show Refund Desk this control": the person clicks the control on Keap's screen; its word is remembered. */
  learnControl: { input: z.object({ refundId: z.uuid() }), output: result({ slot: learnSlotSchema, word: z.string() }) },
  getSettings: {
    input: z.object({}),
    output: result({ settings: settingsSchema, connections: z.array(connectionStatusSchema), learnedWords: learnedWordsByAppSchema }),
  },
  /** Options: forget a word Refund Desk was shown on Keap's screen. */
  forgetLearnedWord: {
    input: z.object({ appName: z.string(), slot: learnSlotSchema, word: z.string() }),
    output: result({ learnedWords: learnedWordsByAppSchema }),
  },
  saveSettings: {
    input: z.object({ settings: settingsSchema }),
    output: result({}),
  },
  /**
   * Adds a Keap connection, or changes connection `index`. An empty app name leaves the key to be
   * bound by the first Keap page that shows what its API shows; `apiKey` absent keeps the stored key.
   */
  saveConnection: {
    input: z.object({ index: z.number().int().nonnegative().optional(), appName: z.string().max(63), apiKey: z.string().optional(), apiHost: z.enum(KEAP_API_HOSTS) }),
    output: result({ connections: z.array(connectionStatusSchema) }),
  },
  removeConnection: { input: z.object({ index: z.number().int().nonnegative() }), output: result({ connections: z.array(connectionStatusSchema) }) },
  /** Calls GET /v1/account/profile with the typed key, or the stored key of connection `index`. */
  testConnection: {
    input: z.object({ apiKey: z.string().optional(), index: z.number().int().nonnegative().optional(), apiHost: z.enum(KEAP_API_HOSTS) }),
    output: result({ appName: z.string(), accountName: z.string().nullable() }),
  },
  /**
   * "Import from Keap": teammates' refunds from Refund Desk's notes, of one contact or all notes, of
   * the Keap app of `pageOrigin` (the popup's tab) or the one app with a key. Progress is in storage.
   */
  importHistoryFromKeap: {
    input: z.object({
      scope: z.discriminatedUnion('kind', [z.object({ kind: z.literal('all') }), z.object({ kind: z.literal('contact'), contactId: keapIdSchema })]),
      pageOrigin: z.nullable(keapPageOriginSchema),
    }),
    output: result({}),
  },
  /** Takes up the stored import where it stopped. */
  resumeHistoryImport: { input: z.object({}), output: result({}) },
  /** Stops the import before its next page; answers once it has stopped. */
  cancelHistoryImport: { input: z.object({}), output: result({}) },
} as const;
