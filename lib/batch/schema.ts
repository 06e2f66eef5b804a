import { z } from 'zod';
import type { OrderNow } from '@/lib/refund/executor';
import { refundErrorHandlingSchema, refundReasonPresetSchema } from '@/lib/refund/rules';

/*
 * The refund queue: many refunds checked together and run one at a time in the background. It
 * lives in IndexedDB (./db.ts) so that a browser restart resumes it; every refund it sends is also
 * a journal record, keyed by the row, so a row is never refunded twice.
 */

const keapId = z.number().int().positive();
const epochMs = z.number().int().nonnegative();

/** How a row got into the queue. */
const queueRowSourceSchema = z.enum(['csv', 'pasted', 'panel']);

/**
 * A row as the person gave it, before Keap's API was asked anything. Amounts are the text given:
 * they are read as money only against the payment's currency, when the row is checked.
 */
export const queueRowDraftSchema = z.object({
  /** Absent only on a row with a `problem`: its order ID cell (or pasted word) is not an order ID. */
  orderId: keapId.optional(),
  /** The invoice payment to refund; absent: every refundable payment of the order. */
  paymentId: keapId.optional(),
  /** Decimal text in the payment's currency; absent: the whole refundable amount. */
  amount: z.string().optional(),
  /** Absent: the queue's default reason. */
  reasonPreset: z.optional(refundReasonPresetSchema),
  reasonDetails: z.string(),
  /** Absent: the queue's default (options). */
  errorHandling: z.optional(refundErrorHandlingSchema),
  /** Decimal text; absent: 0. */
  amountOwedAfter: z.string().optional(),
  source: queueRowSourceSchema,
  /** The CSV line the row came from (1 is the header), for messages. */
  csvLine: z.number().int().positive().optional(),
  /** What is wrong with the row as given (a CSV cell that does not read); such a row is never sent. */
  problem: z.string().optional(),
});
export type QueueRowDraft = z.infer<typeof queueRowDraftSchema>;

/** A refund channel as the review groups rows: Keap's refund screen through a gateway. */
const checkedLineSchema = z.object({
  paymentId: keapId,
  amountMinor: z.number().int().positive(),
  /** The gateway's name as Keap's merchants show it, e.g. "Keap Payments"; "Unknown gateway" when not shown. */
  gateway: z.string(),
});

/** A row checked against Keap's API with nothing sent: ready to refund, or why not. */
export const queueRowCheckSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ready'),
    contact: z.object({ id: keapId, name: z.string(), email: z.string() }),
    currency: z.string().regex(/^[A-Z]{3}$/),
    lines: z.array(checkedLineSchema).min(1),
    totalMinor: z.number().int().positive(),
    checkedAt: epochMs,
  }),
  z.object({ status: z.literal('invalid'), problem: z.string().min(1), checkedAt: epochMs }),
]);
export type QueueRowCheck = z.infer<typeof queueRowCheckSchema>;

/** Where a row is in the run. */
const queueRowRunStatusSchema = z.enum([
  /** Not started. */
  'waiting',
  /** Being refunded now. */
  'running',
  /** Keap's API shows the refund (or the manual refund recorded). */
  'done',
  /** Stopped before anything was sent, or sent but not confirmed: the person finishes it (guided). */
  'needs-you',
  /** Nothing was refunded: Keap skipped it, a teammate had it, or it could not start. */
  'not-refunded',
  /** Cancelled before it started. */
  'cancelled',
]);
export type QueueRowRunStatus = z.infer<typeof queueRowRunStatusSchema>;

/** @public The definition its type is inferred from. */
export const queueRowSchema = z.object({
  /** `${queueId}:${position}`. */
  id: z.string().min(1),
  queueId: z.string().min(1),
  /** Order in the queue, from 0. */
  position: z.number().int().nonnegative(),
  draft: queueRowDraftSchema,
  check: queueRowCheckSchema.optional(),
  /** The order as the check read it from Keap's API: the run reads only its payments again (see `prepareQueuedRefund`). */
  checkedOrder: z.custom<OrderNow>().optional(),
  run: z
    .object({
      status: queueRowRunStatusSchema,
      /** Journal records of this row's refund (one per channel). */
      refundIds: z.array(z.string()),
      /** Plain words on how it ended, for the row and the report. */
      message: z.string().optional(),
      /** Attempts that ended before anything was sent because Keap's API did not answer: each retry has a key of its own. */
      attempts: z.number().int().nonnegative().optional(),
      at: epochMs,
    })
    .optional(),
});
export type QueueRow = z.infer<typeof queueRowSchema>;

const queueStateSchema = z.enum([
  /** Rows being added; nothing checked yet (or rows changed since the check). */
  'draft',
  'checking',
  /** Every row checked: the review. */
  'checked',
  'running',
  /** Paused by the person, or by Refund Desk with `pausedBecause` (Keap's limits), between refunds. */
  'paused',
  /** Cancelled by the person between refunds: rows not started stay unsent. */
  'cancelled',
  /** Every ready row has run. */
  'finished',
]);
export type QueueState = z.infer<typeof queueStateSchema>;

/** What the queue uses for rows that do not say. */
export const queueDefaultsSchema = z.object({
  reasonPreset: z.optional(refundReasonPresetSchema),
  reasonDetails: z.string(),
  errorHandling: refundErrorHandlingSchema,
});
export type QueueDefaults = z.infer<typeof queueDefaultsSchema>;

/** @public The definition its type is inferred from. */
export const queueSchema = z.object({
  id: z.string().min(1),
  createdAt: epochMs,
  updatedAt: epochMs,
  /** The Keap app every row is refunded in (acme of acme.infusionsoft.com): its key reads and checks them. */
  appName: z.string().nullable(),
  state: queueStateSchema,
  defaults: queueDefaultsSchema,
  /** Why Refund Desk paused the run by itself, in plain words, and when it may go on. */
  pausedBecause: z.object({ message: z.string(), resumeAt: epochMs.optional() }).optional(),
});
export type Queue = z.infer<typeof queueSchema>;
