import { i18n } from '#i18n';
import type { RefundRecord } from '@/lib/audit/schema';
import type { KeapMerchantList } from '@/lib/keap/schemas';
import { executeRefund, type ExecutorDeps, prepareQueuedRefund } from '@/lib/refund/executor';
import type { RefundActor } from '@/lib/refund/actor';
import { formOfRow, STOPPING_ERRORS } from './check';
import { rowsOf, type QueueDb } from './db';
import type { Queue, QueueRow, QueueRowRunStatus } from './schema';

/*
 * A checked queue run one refund at a time, each through the executor with the same never-twice
 * rules as a single refund: the journal record is keyed by the row, so a row restarted after a
 * browser restart finds its refund instead of making another. Pause and Cancel take effect
 * between refunds; Keap's limits pause the run by themselves, with the reason.
 */

/**
 * API calls one queued refund makes in the usual case: the order's payments, the in-progress note
 * and the notes read after it, the confirming read (order and payments) and the closing note.
 */
export const CALLS_PER_QUEUED_REFUND = 6;

/** Why an attempt ended before its first click on Keap's screen because Keap's API did not answer (lib/refund/executor.ts). */
const NOT_ANNOUNCED: ReadonlySet<string> = new Set(['note-not-written', 'notes-unreadable']);

/** Requests of today's quota a run leaves for the person's own Keap pages and refunds. */
export const QUOTA_KEPT_FOR_THE_PERSON = 500;

export interface RunnerDeps {
  queues: QueueDb;
  /** The executor's deps for the queue's Keap app, with its refund screen in the queue's one tab. */
  executor: ExecutorDeps;
  /** The Keap app's origin, e.g. https://acme.infusionsoft.com. */
  appOrigin: string;
  merchants: KeapMerchantList;
  actor: RefundActor;
  dailyQuota: () => { remaining: number; resetAt: number };
  now: () => number;
}

export type RunEnd = { kind: 'finished' } | { kind: 'stopped'; state: Queue['state'] } | { kind: 'paused-by-limits'; resumeAt: number };

/** How a row's run ended, from its journal records. */
export function rowStatusOf(records: readonly RefundRecord[]): { status: QueueRowRunStatus; message?: string } {
  const states = records.map((record) => record.state);
  const message = records.find((record) => record.error)?.error?.message;
  const withMessage = (status: QueueRowRunStatus) => (message ? { status, message } : { status });
  if (states.length === 0 || states.some((state) => state === 'planned')) return { status: 'waiting' };
  if (states.some((state) => state === 'needs-manual' || state === 'unconfirmed' || state === 'submitting')) return withMessage('needs-you');
  if (states.every((state) => state === 'confirmed' || state === 'recorded')) return { status: 'done' };
  if (states.some((state) => state === 'confirmed' || state === 'recorded')) return withMessage('needs-you');
  return withMessage('not-refunded');
}

async function saveRun(deps: RunnerDeps, row: QueueRow, run: NonNullable<QueueRow['run']>): Promise<void> {
  await deps.queues.rows.put({ ...row, run });
}

async function pauseForLimits(deps: RunnerDeps, queueId: string, message: string, resumeAt: number): Promise<RunEnd> {
  await deps.queues.queues.update(queueId, { state: 'paused', pausedBecause: { message, resumeAt }, updatedAt: deps.now() });
  return { kind: 'paused-by-limits', resumeAt };
}

function timeWords(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** Runs the queue's ready rows that have not ended, while the queue stays `running`. */
export async function runQueue(queueId: string, deps: RunnerDeps): Promise<RunEnd> {
  const rows = await rowsOf(deps.queues, queueId);
  for (const listed of rows) {
    const queue = await deps.queues.queues.get(queueId);
    if (!queue || queue.state !== 'running') return { kind: 'stopped', state: queue?.state ?? 'cancelled' };
    const row = (await deps.queues.rows.get(listed.id)) ?? listed;
    const { check } = row;
    if (check?.status !== 'ready' || (row.run && row.run.status !== 'waiting' && row.run.status !== 'running')) continue;

    const quota = deps.dailyQuota();
    const started = row.run?.status === 'running';
    if (!started && quota.remaining < CALLS_PER_QUEUED_REFUND + QUOTA_KEPT_FOR_THE_PERSON) {
      return pauseForLimits(deps, queueId, i18n.t('queueRun.pause.quota', [String(Math.max(0, quota.remaining)), timeWords(quota.resetAt)]), quota.resetAt);
    }
    if (!row.checkedOrder) {
      await saveRun(deps, row, {
        status: 'not-refunded',
        refundIds: [],
        message: i18n.t('queueRun.run.checkLost'),
        at: deps.now(),
      });
      continue;
    }
    const earlierAttempts = row.run?.attempts ?? 0;
    await saveRun(deps, row, { status: 'running', refundIds: row.run?.refundIds ?? [], attempts: earlierAttempts, at: deps.now() });
    const prepared = await prepareQueuedRefund(
      {
        // A new key only for an attempt that ended before anything was sent (see below).
        idempotencyKey: earlierAttempts === 0 ? `queue:${queueId}:${row.position}` : `queue:${queueId}:${row.position}:${earlierAttempts}`,
        form: formOfRow(row, queue.defaults, check),
        appOrigin: deps.appOrigin,
        manualRefundsDone: false,
      },
      { orderNow: row.checkedOrder, merchants: deps.merchants, contact: { name: check.contact.name, email: check.contact.email }, actor: deps.actor },
      deps.executor,
    );
    if (!prepared.ok) {
      const { kind, message } = prepared.error;
      if (STOPPING_ERRORS.has(kind)) {
        // Nothing was planned: the row waits for the run to go on, and the rows after it are not failed one by one.
        await saveRun(deps, row, { status: 'waiting', refundIds: row.run?.refundIds ?? [], attempts: earlierAttempts, at: deps.now() });
        const resumeAt = prepared.error.retryAt ?? deps.now() + 60_000;
        const why =
          kind === 'throttled' || kind === 'quota-exhausted'
            ? i18n.t('queueRun.pause.slowDown', [message, timeWords(resumeAt)])
            : i18n.t('queueRun.pause.noAnswerRetrying', [message, timeWords(resumeAt)]);
        return pauseForLimits(deps, queueId, why, resumeAt);
      }
      const fields = prepared.fieldErrors ? Object.values(prepared.fieldErrors).join(' ') : '';
      await saveRun(deps, row, { status: 'not-refunded', refundIds: [], message: fields ? `${message} ${fields}` : message, at: deps.now() });
      continue;
    }
    const refundIds = [...new Set([...(row.run?.refundIds ?? []), ...prepared.refundIds])];
    await saveRun(deps, row, { status: 'running', refundIds, attempts: earlierAttempts, at: deps.now() });
    const records: RefundRecord[] = [];
    for (const refundId of prepared.refundIds) {
      const record = await deps.executor.db.refunds.get(refundId);
      if (!record) continue;
      records.push(record.state === 'planned' ? await executeRefund(refundId, deps.executor, 'automatic') : record);
    }
    if (records.length > 0 && records.every((record) => record.state === 'failed' && record.error?.kind === 'interrupted')) {
      // A stopped browser or worker cut this attempt short while it was only planned, and the
      // journal settled it as not sent: a new attempt goes now.
      await saveRun(deps, row, { status: 'waiting', refundIds, attempts: earlierAttempts + 1, at: deps.now() });
      return runQueue(queueId, deps);
    }
    if (records.length > 0 && records.every((record) => record.state === 'failed' && NOT_ANNOUNCED.has(record.error?.kind ?? ''))) {
      // Keap's API did not take the in-progress note, so nothing was sent: the row is tried again,
      // as a new attempt, once the queue goes on.
      await saveRun(deps, row, { status: 'waiting', refundIds, attempts: earlierAttempts + 1, at: deps.now() });
      const resumeAt = deps.now() + 60_000;
      return pauseForLimits(deps, queueId, i18n.t('queueRun.pause.noteNotTaken', [records[0]?.error?.message ?? '', timeWords(resumeAt)]), resumeAt);
    }
    await saveRun(deps, row, { ...rowStatusOf(records), refundIds, attempts: earlierAttempts, at: deps.now() });
  }
  const queue = await deps.queues.queues.get(queueId);
  if (!queue || queue.state !== 'running') return { kind: 'stopped', state: queue?.state ?? 'cancelled' };
  await deps.queues.queues.update(queueId, { state: 'finished', updatedAt: deps.now() });
  return { kind: 'finished' };
}
