import { z } from 'zod';
import { isNewerAppOrigin } from '@/lib/keap-hosts';
import { orderPaymentSchema } from '@/lib/page/refund-screen/protocol';
import { refundErrorHandlingSchema } from '@/lib/refund/rules';
import { refundStateSchema } from './states';

const keapId = z.number().int().positive();
const minorUnits = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();

export const currencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code');

export const refundChannelSchema = z.enum(['keap-refund-screen', 'manual']);
export type RefundChannel = z.infer<typeof refundChannelSchema>;

export const lineOutcomeSchema = z.enum(['refunded', 'recorded', 'skipped', 'failed', 'voided', 'pending']);
export type LineOutcome = z.infer<typeof lineOutcomeSchema>;

const refundLineSchema = z.object({
  /** The invoice payment's `id` from `GET /v1/orders/{orderId}/payments`. */
  paymentId: keapId,
  amountMinor: minorUnits.refine((amount) => amount > 0, 'a refund line must be more than zero'),
  currency: currencyCodeSchema,
  channel: refundChannelSchema,
  outcome: lineOutcomeSchema.optional(),
  detail: z.string().optional(),
});

const refundErrorSchema = z.object({
  kind: z.string().min(1),
  message: z.string().min(1),
});

/** What Keap's API showed when it confirmed the refund. */
const refundEvidenceSchema = z.object({
  /** `id`s of the order's transactions of type `REFUND`. */
  refundTransactionIds: z.array(keapId),
  /** `id`s of the new invoice payments whose `refund_invoice_payment_id` points at a refunded payment. */
  refundInvoicePaymentIds: z.array(keapId),
  /** The order's `refund_total` after the refund, in minor units. */
  orderRefundTotalMinor: minorUnits,
  checkedAt: epochMs,
});
export type RefundEvidence = z.infer<typeof refundEvidenceSchema>;

const linesSchema = z
  .array(refundLineSchema)
  .min(1, 'a refund needs at least one payment')
  .refine((lines) => new Set(lines.map((line) => line.currency)).size === 1, 'all payments of one refund share a currency')
  .refine((lines) => new Set(lines.map((line) => line.paymentId)).size === lines.length, 'each payment appears once');

/** What the refund flow supplies when it plans a refund; the journal adds the rest. */
export const planRefundInputSchema = z.object({
  idempotencyKey: z.string().min(1),
  /** Keap app name, e.g. `ab123` in ab123.infusionsoft.com. */
  appName: z.string().regex(/^[a-z0-9-]+$/i, 'a Keap app name'),
  contact: z.object({ id: keapId, name: z.string(), email: z.string() }),
  orderId: keapId,
  lines: linesSchema,
  reason: z.object({ preset: z.string(), details: z.string() }),
  errorHandling: refundErrorHandlingSchema,
  amountOwedAfterMinor: minorUnits,
  /** The page of Keap's newer app the refund was started from (`https://keap.app`), when it was: "the app I am in". */
  newerAppOrigin: z.string().refine(isNewerAppOrigin, "an origin of Keap's newer app").optional(),
  /** The Keap user the API key belongs to, from `GET /v1/account/profile`. */
  actor: z.object({ name: z.string(), email: z.string() }),
  /**
   * What Keap's API showed for the order just before anything was sent: confirmation and
   * reconciliation compare against it, so an older refund is never taken for this one.
   */
  baseline: z
    .object({
      refundRowIds: z.array(keapId),
      refundTransactionIds: z.array(keapId),
      orderRefundTotalMinor: z.number().int(),
      /** The order's payments (refund rows left out): Keap's refund screen must list the same ones. */
      payments: z.array(orderPaymentSchema).optional(),
    })
    .optional(),
});
export type PlanRefundInput = z.input<typeof planRefundInputSchema>;

export const refundRecordSchema = planRefundInputSchema.extend({
  id: z.uuid(),
  createdAt: epochMs,
  updatedAt: epochMs,
  state: refundStateSchema,
  error: refundErrorSchema.optional(),
  evidence: refundEvidenceSchema.optional(),
  /** Sum of the lines' `amountMinor`, kept so totals need not walk the lines. */
  totalMinor: minorUnits,
  /** Lowercased, accent-free words of the contact's name and email and the order id, for prefix search. */
  searchTokens: z.array(z.string()),
  /**
   * A teammate's refund, read from Refund Desk's closing note on the contact by "Import from Keap".
   * Only refunds in a final state are imported, so nothing acts on them: they are history.
   */
  fromKeap: z.object({ noteId: keapId, importedAt: epochMs }).optional(),
});
export type RefundRecord = z.infer<typeof refundRecordSchema>;

/**
 * One row of the append-only events table: every state change, in the transaction that made it.
 * @public the definition its type is inferred from
 */
export const refundEventSchema = z.object({
  id: z.number().int().positive().optional(),
  refundId: z.uuid(),
  /** `null` for the event that created the record. */
  from: refundStateSchema.nullable(),
  to: refundStateSchema,
  at: epochMs,
  note: z.string().optional(),
});
export type RefundEvent = z.infer<typeof refundEventSchema>;

/** What a state change may add to the record besides the state. Amounts and parties never change. */
export const stateChangePatchSchema = z.object({
  lineOutcomes: z.array(z.object({ paymentId: keapId, outcome: lineOutcomeSchema, detail: z.string().optional() })).optional(),
  error: refundErrorSchema.optional(),
  evidence: refundEvidenceSchema.optional(),
  note: z.string().optional(),
});
export type StateChangePatch = z.infer<typeof stateChangePatchSchema>;

/** @public The definition its type is inferred from. */
export const journalFilterSchema = z.object({
  states: z.array(refundStateSchema).optional(),
  /** Inclusive bounds on `createdAt`, epoch ms. */
  from: epochMs.optional(),
  to: epochMs.optional(),
  /** Words matched as prefixes of the contact's name words, email and order id. */
  search: z.string().optional(),
  contactId: keapId.optional(),
  /** Who made the refund, as the history shows it: the actor's name, else their email. */
  madeBy: z.string().optional(),
});
export type JournalFilter = z.infer<typeof journalFilterSchema>;
