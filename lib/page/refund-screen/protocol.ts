import { z } from 'zod/mini';
import { refundErrorHandlingSchema } from '@/lib/refund/rules';
import { learnedWordsSchema, learnSlotSchema } from './words';

/*
 * What the background and the content script on Keap's refund screen say to each other. The
 * background checks every answer against these schemas: a malformed one is "unconfirmed" (the
 * refund may have been sent), never "failed". Written with zod/mini: full zod is too big for the
 * script on a Keap page.
 */

const keapId = z.int().check(z.positive());

const refundMethodSchema = z.enum(['refund', 'manual-refund', 'void']);
export type RefundMethod = z.infer<typeof refundMethodSchema>;

/** A payment of the order as Keap's API showed it when the refund was planned: how the screen's rows are recognised. */
export const orderPaymentSchema = z.object({
  paymentId: keapId,
  /** ISO date-time of the payment (`pay_date`). */
  payDate: z.string(),
  amountMinor: z.int(),
  refundableMinor: z.int().check(z.nonnegative()),
});
export type OrderPayment = z.infer<typeof orderPaymentSchema>;

export const refundScreenPlanSchema = z.object({
  orderId: keapId,
  lines: z.array(z.object({ paymentId: keapId, amountMinor: z.int().check(z.positive()) })).check(
    z.minLength(1),
    z.refine((lines) => new Set(lines.map((line) => line.paymentId)).size === lines.length, 'Each payment may appear once.'),
  ),
  /** Every payment of the order (refund rows left out): the screen must list the same ones. */
  orderPayments: z.array(orderPaymentSchema).check(z.minLength(1)),
  currency: z.string().check(z.minLength(3)),
  reason: z.string().check(z.trim(), z.minLength(1)),
  method: refundMethodSchema,
  errorHandling: refundErrorHandlingSchema,
  amountOwedMinor: z.int().check(z.nonnegative()),
});
export type RefundScreenPlan = z.infer<typeof refundScreenPlanSchema>;

/** The parts of Keap's screen, by what they contain. */
const screenSectionSchema = z.enum(['payments', 'method', 'error-handling', 'credit']);
export type ScreenSection = z.infer<typeof screenSectionSchema>;

/** Where a walk stopped: before the screen opened, on a step, or after the final click. */
const screenStepSchema = z.enum(['open', 'payments', 'options', 'credit', 'results']);
export type ScreenStep = z.infer<typeof screenStepSchema>;

/** How far a walk got; kept by the background so a walk picks up after Keap loads a new page. */
export const screenProgressSchema = z.object({
  opened: z.boolean(),
  submitted: z.array(screenSectionSchema),
  finalClicked: z.boolean(),
});
export type ScreenProgress = z.infer<typeof screenProgressSchema>;

export const NO_PROGRESS: ScreenProgress = { opened: false, submitted: [], finalClicked: false };

const screenOutcomeSchema = z.enum(['refunded', 'recorded-anyway', 'skipped', 'manual-recorded', 'voided', 'failed', 'unknown']);
export type ScreenOutcome = z.infer<typeof screenOutcomeSchema>;

const resultLineSchema = z.object({ paymentId: keapId, text: z.string().check(z.maxLength(2000)), outcome: screenOutcomeSchema });
export type ResultLine = z.infer<typeof resultLineSchema>;

/** What one walk on one page ends with. */
export const walkEndSchema = z.discriminatedUnion('kind', [
  /** The final button was clicked and Keap's results were read (what Keap claims; the API decides). */
  z.object({ kind: z.literal('results'), lines: z.array(resultLineSchema) }),
  /** The final button was clicked, but no results could be read on this page. */
  z.object({ kind: z.literal('sent-without-results'), problem: z.string().check(z.maxLength(2000)) }),
  /** Stopped before the final click: nothing was sent. */
  z.object({
    kind: z.literal('stopped'),
    step: screenStepSchema,
    problem: z.string().check(z.maxLength(2000)),
    /** A control whose word Refund Desk does not know, which the person can show it. */
    learnable: z.optional(learnSlotSchema),
  }),
  /** The background called the walk off (the screen moved to another window). */
  z.object({ kind: z.literal('called-off') }),
]);
export type WalkEnd = z.infer<typeof walkEndSchema>;

export const walkRequestSchema = z.object({
  attemptId: z.uuid(),
  plan: refundScreenPlanSchema,
  progress: screenProgressSchema,
  learned: learnedWordsSchema,
  stepTimeoutMs: z.optional(z.int().check(z.positive(), z.maximum(120_000))),
});
export type WalkRequest = z.infer<typeof walkRequestSchema>;

/** One line of the guided checklist: what the person does next on Keap's screen. */
export const checklistItemSchema = z.object({
  id: z.string(),
  text: z.string(),
  done: z.boolean(),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;
