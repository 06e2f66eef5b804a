import { z } from 'zod/mini';
import { orderSummarySchema } from '@/lib/keap/payment-facts';
import { appErrorSchema, keapIdSchema, keapPageOriginSchema, result } from './messages';

/**
 * What the Refunds panel on a Keap contact page sends the background, and what the background
 * sends it. zod/mini, like everything the content script carries (see messages.ts).
 */

const contactOrderRowSchema = z.object({
  orderId: keapIdSchema,
  title: z.string(),
  orderDate: z.nullable(z.string()),
  summary: orderSummarySchema,
});
export type ContactOrderRow = z.infer<typeof contactOrderRowSchema>;

export const CONTACT_PAGE_MESSAGES = {
  /** A contact's orders with amounts from Keap's API, from the key of the Keap app the page is on. */
  getContactOrders: {
    input: z.object({
      contactId: keapIdSchema,
      /** The Keap page asked about; a content script's own page is its tab's, whatever it says here. */
      appOrigin: z.optional(keapPageOriginSchema),
      refresh: z.optional(z.boolean()),
      /**
       * Only the newest this many orders: the Refunds panel asks for its first page, then for all.
       * The first page is answered before the rest of Keap's lists is checked, so asking for all
       * can still fail on an order or transaction the first page did not need.
       */
      newest: z.optional(z.int().check(z.positive(), z.maximum(1000))),
      /** The person clicked "Load amounts": past the per-tab limit of contacts a minute. */
      personAsked: z.optional(z.boolean()),
    }),
    output: z.discriminatedUnion('ok', [
      z.object({
        ok: z.literal(true),
        contactId: keapIdSchema,
        /** The contact's name as Keap's API has it: the page must show it before amounts are shown there. */
        contactName: z.string(),
        orders: z.array(contactOrderRowSchema),
        /** How many orders the contact has, however many `orders` holds. */
        orderCount: z.int().check(z.nonnegative()),
      }),
      z.object({
        ok: z.literal(false),
        error: appErrorSchema,
        /** For a key not yet bound to a Keap app: what its API says of this contact, for the page to match. */
        proof: z.optional(z.object({ contactName: z.string(), orderIds: z.array(keapIdSchema) })),
      }),
    ]),
  },
  /** The page showed the contact the unbound key's API has: the key belongs to this page's Keap app. */
  bindKeapApp: {
    input: z.object({ contactId: keapIdSchema, orderIds: z.array(keapIdSchema).check(z.maxLength(5000)) }),
    output: result({ appName: z.string() }),
  },
  /** Opens the side panel on one order of the sender tab's contact. */
  openRefundPanel: {
    input: z.object({ contactId: keapIdSchema, orderId: keapIdSchema }),
    output: result({}),
  },
  /** The panel's "Add to queue": the chosen orders of the sender tab's contact join the refund queue, and the queue's page opens. */
  addOrdersToQueue: {
    input: z.object({ contactId: keapIdSchema, orderIds: z.array(keapIdSchema).check(z.minLength(1), z.maxLength(1000)) }),
    output: result({ added: z.int() }),
  },
  /** Opens Refund Desk's options page (from the panel's "add your API key" link). */
  openOptions: { input: z.object({}), output: result({}) },
} as const;

/** Messages the background sends the Refunds panel; it checks them with these schemas. */
export const CONTACT_PAGE_TAB_MESSAGES = {
  /** The contact's money changed in Keap: the Refunds panel reloads it. */
  contactChanged: z.object({ contactId: z.int().check(z.positive()) }),
} as const;
