import { defineExtensionMessaging } from '@webext-core/messaging';
import { z } from 'zod';
import { orderSummarySchema, paymentFactsSchema } from '@/lib/keap/payment-facts';
import { refundFormSchema } from '@/lib/refund/form';
import { refundChannelSchema, refundErrorHandlingSchema } from '@/lib/refund/rules';
import { KEAP_API_HOSTS } from '@/lib/keap-hosts';
import { refundModeSchema, settingsSchema } from '@/lib/settings';
import { checklistItemSchema, screenProgressSchema } from '@/lib/page/refund-screen/protocol';
import { learnedWordsSchema, learnSlotSchema } from '@/lib/page/refund-screen/words';

/**
 * Every message between Refund Desk's contexts, with a zod schema for what goes in and what comes
 * out. Receivers validate on arrival; senders validate answers. Who may send what is in `POLICY`.
 */

export const keapIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** An error that crosses a message boundary: a kind to branch on and words for a person. */
export const appErrorSchema = z.looseObject({
  kind: z.string(),
  message: z.string(),
  retryAfterSeconds: z.number().optional(),
});
export type AppError = z.infer<typeof appErrorSchema>;

function result<T extends z.ZodRawShape>(shape: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), ...shape }),
    z.object({ ok: z.literal(false), error: appErrorSchema }),
  ]);
}

export const contactOrderRowSchema = z.object({
  orderId: keapIdSchema,
  title: z.string(),
  orderDate: z.string().nullable(),
  summary: orderSummarySchema,
});
export type ContactOrderRow = z.infer<typeof contactOrderRowSchema>;

/** For Refund Desk's own pages: one Keap connection, with a recognisable fragment of its key, never the key. */
export const connectionStatusSchema = z.object({
  /** The Keap app the key belongs to (acme of acme.infusionsoft.com); null until it is known. */
  appName: z.string().nullable(),
  boundBy: z.enum(['person', 'page']).nullable(),
  apiHost: z.enum(KEAP_API_HOSTS),
  maskedApiKey: z.string(),
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const paymentForRefundSchema = paymentFactsSchema.extend({ channel: refundChannelSchema });
export type PaymentForRefund = z.infer<typeof paymentForRefundSchema>;

export const orderForRefundSchema = z.object({
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
export const learnedWordsByAppSchema = z.record(z.string(), learnedWordsSchema);
export type LearnedWordsByApp = z.infer<typeof learnedWordsByAppSchema>;

/** A Keap app origin, e.g. https://ab123.infusionsoft.com: where the refund screen is driven. */
export const keapAppOriginSchema = z.string().regex(/^https:\/\/[a-z0-9-]+\.infusionsoft\.com$/i, 'a Keap app address');

export const MESSAGES = {
  /** A contact's orders with amounts from Keap's API, from the key of the Keap app the page is on. */
  getContactOrders: {
    input: z.object({
      contactId: keapIdSchema,
      /** The Keap app asked about; a content script's own app is its page's, whatever it says here. */
      appOrigin: keapAppOriginSchema.optional(),
      refresh: z.boolean().optional(),
      /**
       * Only the newest this many orders: the Refunds panel asks for its first page, then for all.
       * The first page is answered before the rest of Keap's lists is checked, so asking for all
       * can still fail on an order or transaction the first page did not need.
       */
      newest: z.number().int().positive().max(1000).optional(),
      /** The person clicked "Load amounts": past the per-tab limit of contacts a minute. */
      personAsked: z.boolean().optional(),
    }),
    output: z.discriminatedUnion('ok', [
      z.object({
        ok: z.literal(true),
        contactId: keapIdSchema,
        /** The contact's name as Keap's API has it: the page must show it before amounts are shown there. */
        contactName: z.string(),
        orders: z.array(contactOrderRowSchema),
        /** How many orders the contact has, however many `orders` holds. */
        orderCount: z.number().int().nonnegative(),
      }),
      z.object({
        ok: z.literal(false),
        error: appErrorSchema,
        /** For a key not yet bound to a Keap app: what its API says of this contact, for the page to match. */
        proof: z.object({ contactName: z.string(), orderIds: z.array(keapIdSchema) }).optional(),
      }),
    ]),
  },
  /** The page showed the contact the unbound key's API has: the key belongs to this page's Keap app. */
  bindKeapApp: {
    input: z.object({ contactId: keapIdSchema, orderIds: z.array(keapIdSchema).max(5000) }),
    output: result({ appName: z.string() }),
  },
  /** Opens the side panel on one order of the sender tab's contact. */
  openRefundPanel: {
    input: z.object({ contactId: keapIdSchema, orderId: keapIdSchema }),
    output: result({}),
  },
  /** Opens Refund Desk's options page (from the panel's "add your API key" link). */
  openOptions: { input: z.object({}), output: result({}) },
  /** Keap's refund screen: how far the walk got, saved before the click that depends on it. */
  refundScreenProgress: { input: z.object({ attemptId: z.uuid(), progress: screenProgressSchema }), output: result({}) },
  /** Keap's refund screen: may the final click be made? Only for the attempt that is live now. */
  approveFinalClick: { input: z.object({ attemptId: z.uuid() }), output: result({ go: z.boolean() }) },
  /** Keap's refund screen in guided mode: what the person has done so far. */
  refundScreenGuide: {
    input: z.object({ attemptId: z.uuid(), progress: screenProgressSchema, items: z.array(checklistItemSchema).max(40) }),
    output: result({}),
  },
  /** Everything the side panel needs to refund an order, fresh from Keap's API. */
  getOrderForRefund: {
    input: z.object({ orderId: keapIdSchema, contactId: keapIdSchema, appOrigin: keapAppOriginSchema }),
    output: result({ view: orderForRefundSchema }),
  },
  /** Checks the form against Keap now, journals the refund, and carries it out in the background. */
  startRefund: {
    input: z.object({
      idempotencyKey: z.uuid(),
      form: refundFormSchema,
      appOrigin: keapAppOriginSchema,
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
  /** Opens Keap's screen for a refund that needs the person, with the guided checklist following them. */
  continueInKeap: { input: z.object({ refundId: z.uuid() }), output: result({}) },
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
} as const;

export type MessageName = keyof typeof MESSAGES;
export type MessageInput<N extends MessageName> = z.input<(typeof MESSAGES)[N]['input']>;
export type MessageOutput<N extends MessageName> = z.infer<(typeof MESSAGES)[N]['output']>;

/**
 * Who may send each message. Content scripts may read the orders of the contact on their own tab
 * and open the side panel; the refund screen's script speaks only for the attempt its tab serves
 * (checked by the handler); only extension pages may start refunds or change settings.
 */
export const POLICY: Record<MessageName, 'any-sender' | 'own-contact-or-extension-page' | 'own-contact' | 'refund-screen' | 'extension-page'> = {
  getContactOrders: 'own-contact-or-extension-page',
  bindKeapApp: 'own-contact',
  openRefundPanel: 'own-contact',
  openOptions: 'any-sender',
  refundScreenProgress: 'refund-screen',
  approveFinalClick: 'refund-screen',
  refundScreenGuide: 'refund-screen',
  getOrderForRefund: 'extension-page',
  startRefund: 'extension-page',
  recheckRefund: 'extension-page',
  markNotRefunded: 'extension-page',
  continueInKeap: 'extension-page',
  learnControl: 'extension-page',
  forgetLearnedWord: 'extension-page',
  getSettings: 'extension-page',
  saveSettings: 'extension-page',
  saveConnection: 'extension-page',
  removeConnection: 'extension-page',
  testConnection: 'extension-page',
};

type ProtocolMap = { [N in MessageName]: (data: MessageInput<N>) => MessageOutput<N> };

export const messenger = defineExtensionMessaging<ProtocolMap>();

/** Sends a message to the background and validates its answer before anyone uses it. */
export async function callBackground<N extends MessageName>(name: N, data: MessageInput<N>): Promise<MessageOutput<N>> {
  const outputSchema = MESSAGES[name].output;
  let answer: unknown;
  try {
    answer = await messenger.sendMessage(name, data as never);
  } catch (cause) {
    return {
      ok: false,
      error: { kind: 'extension-unavailable', message: `Refund Desk's background service did not answer (${String(cause)}). Reload the page and try again.` },
    } as MessageOutput<N>;
  }
  const parsed = outputSchema.safeParse(answer);
  if (parsed.success) return parsed.data as MessageOutput<N>;
  return { ok: false, error: { kind: 'invalid-message', message: 'Refund Desk received an answer it could not understand.' } } as MessageOutput<N>;
}
