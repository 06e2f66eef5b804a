import { z } from 'zod';
import { queueDefaultsSchema, queueRowDraftSchema } from '@/lib/batch/schema';
import { MAX_QUEUE_ROWS } from '@/lib/batch/csv';
import { result } from './messages';

/**
 * What the refund queue page sends the background. The page reads the queue itself from
 * IndexedDB (lib/batch/db.ts); every change goes through the background, which runs the queue.
 */
export const QUEUE_MESSAGES = {
  /** Adds rows to the queue being made (a new one when the newest has run or is running). */
  queueAddRows: { input: z.object({ rows: z.array(queueRowDraftSchema).max(MAX_QUEUE_ROWS) }), output: result({ added: z.number().int() }) },
  queueRemoveRow: { input: z.object({ rowId: z.string().min(1) }), output: result({}) },
  /** The queue's defaults and the Keap app it refunds in; rows are checked again after a change. */
  queueUpdate: { input: z.object({ defaults: queueDefaultsSchema.optional(), appName: z.string().min(1).optional() }), output: result({}) },
  /** Starts checking the rows not yet checked; the page follows progress in IndexedDB. */
  queueCheck: { input: z.object({}), output: result({}) },
  /** Starts the run of a checked queue, or resumes a paused one. */
  queueRun: { input: z.object({}), output: result({}) },
  /** Pauses the run after the refund in progress. */
  queuePause: { input: z.object({}), output: result({}) },
  /** Cancels the rows not started yet; the refund in progress finishes. */
  queueCancel: { input: z.object({}), output: result({}) },
  /** Starts an empty queue. */
  queueNew: { input: z.object({}), output: result({}) },
} as const;
