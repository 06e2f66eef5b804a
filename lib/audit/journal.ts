import { i18n } from '#i18n';
import { Dexie } from 'dexie';
import { forgetActorsWithoutRefunds, rememberActors } from './actors';
import type { JournalDb } from './db';
import { JournalError } from './errors';
import { refundIdFor } from './ids';
import { planRefundInputSchema, stateChangePatchSchema, type PlanRefundInput, type RefundEvent, type RefundEvidence, type RefundRecord, type StateChangePatch } from './schema';
import { searchTokensFor } from './search';
import { ACTIVE_STATES, FINAL_STATES, canTransition, type RefundState } from './states';
import { DAY_MS, addDayTotals, dayOf, removeFromDayTotals, updateDayTotals } from './totals';

type Clock = { now?: number };

function invalidInput(what: 'plan' | 'update', issues: string): JournalError {
  return new JournalError(
    { kind: 'invalid-input', issues },
    what === 'plan' ? i18n.t('refunding.journal.planIncomplete', [issues]) : i18n.t('refunding.journal.updateIncomplete', [issues]),
  );
}

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`).join('; ');
}

/** The `planned` record for `input`, with the derived fields filled in. */
export function buildPlannedRecord(input: PlanRefundInput, id: string, now: number): RefundRecord {
  const parsed = planRefundInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput('plan', describeIssues(parsed.error));
  const plan = parsed.data;
  return {
    ...plan,
    id,
    createdAt: now,
    updatedAt: now,
    state: 'planned',
    totalMinor: plan.lines.reduce((sum, line) => sum + line.amountMinor, 0),
    searchTokens: searchTokensFor(plan),
  };
}

/**
 * Writes a `planned` record ahead of any contact with Keap. Resolves only once the transaction has
 * committed, so a crash after this point still leaves the attempt on disk.
 */
export async function planRefund(db: JournalDb, input: PlanRefundInput, clock: Clock = {}): Promise<RefundRecord> {
  const now = clock.now ?? Date.now();
  const record = buildPlannedRecord(input, refundIdFor(now), now);
  try {
    await db.transaction('rw', db.refunds, db.events, db.dailyTotals, db.actors, async () => {
      const existing = await db.refunds.where('idempotencyKey').equals(record.idempotencyKey).first();
      if (existing !== undefined) throw duplicateKey(record.idempotencyKey, existing.id);
      await db.refunds.add(record);
      await db.events.add({ refundId: record.id, from: null, to: 'planned', at: record.createdAt });
      await updateDayTotals(db.dailyTotals, [], [record]);
      await rememberActors(db.actors, [record]);
    });
  } catch (error) {
    // The unique index is the last line of defence if two contexts plan the same key at once.
    if (error instanceof Dexie.ConstraintError) {
      const existing = await findByIdempotencyKey(db, record.idempotencyKey);
      throw duplicateKey(record.idempotencyKey, existing?.id ?? 'unknown');
    }
    throw error;
  }
  return record;
}

function duplicateKey(idempotencyKey: string, existingId: string): JournalError {
  return new JournalError({ kind: 'duplicate-idempotency-key', idempotencyKey, existingId }, i18n.t('refunding.journal.alreadyStarted'));
}

export type MarkStateOptions = Clock & {
  /** Only move the record if it is still in this state (a guard against a concurrent change). */
  from?: RefundState;
};

/**
 * Moves a refund to state `to`, applying `patch`, and appends the matching event in the same
 * transaction. Throws a `JournalError` for an unknown record, an illegal move, or a stale `from`.
 */
export async function markState(db: JournalDb, id: string, to: RefundState, patch: StateChangePatch = {}, options: MarkStateOptions = {}): Promise<RefundRecord> {
  const parsedPatch = stateChangePatchSchema.safeParse(patch);
  if (!parsedPatch.success) throw invalidInput('update', describeIssues(parsedPatch.error));
  const { lineOutcomes, error, evidence, note } = parsedPatch.data;
  const at = options.now ?? Date.now();
  return db.transaction('rw', db.refunds, db.events, db.dailyTotals, async () => {
    const record = await db.refunds.get(id);
    if (record === undefined) {
      throw new JournalError({ kind: 'not-found', refundId: id }, i18n.t('refunding.journal.notFound'));
    }
    if (options.from !== undefined && record.state !== options.from) {
      throw new JournalError({ kind: 'state-changed', refundId: id, expected: options.from, actual: record.state }, i18n.t('refunding.journal.changedElsewhere'));
    }
    if (!canTransition(record.state, to)) {
      throw new JournalError({ kind: 'illegal-transition', refundId: id, from: record.state, to }, i18n.t('refunding.journal.illegalTransition', [record.state, to]));
    }
    const lines = record.lines.map((line) => ({ ...line }));
    for (const change of lineOutcomes ?? []) {
      const line = lines.find((candidate) => candidate.paymentId === change.paymentId);
      if (line === undefined) {
        throw new JournalError({ kind: 'unknown-payment', refundId: id, paymentId: change.paymentId }, i18n.t('refunding.journal.unknownPayment', [String(change.paymentId)]));
      }
      line.outcome = change.outcome;
      if (change.detail !== undefined) line.detail = change.detail;
    }
    const updated: RefundRecord = {
      ...record,
      lines,
      state: to,
      updatedAt: at,
      ...(error !== undefined ? { error } : {}),
      ...(evidence !== undefined ? { evidence } : {}),
    };
    await db.refunds.put(updated);
    await updateDayTotals(db.dailyTotals, [record], [updated]);
    const event: RefundEvent = { refundId: id, from: record.state, to, at };
    if (note !== undefined) event.note = note;
    await db.events.add(event);
    return updated;
  });
}

/** The refund's state changes, oldest first. */
export function eventsFor(db: JournalDb, refundId: string): Promise<RefundEvent[]> {
  return db.events.where('refundId').equals(refundId).sortBy('id');
}

/** Refunds that may still touch `paymentId`; the executor must not start another while any exists. */
export function findActiveForPayment(db: JournalDb, paymentId: number): Promise<RefundRecord[]> {
  return db.refunds
    .where('state')
    .anyOf([...ACTIVE_STATES])
    .filter((record) => record.lines.some((line) => line.paymentId === paymentId))
    .toArray();
}

export function findByIdempotencyKey(db: JournalDb, idempotencyKey: string): Promise<RefundRecord | undefined> {
  return db.refunds.where('idempotencyKey').equals(idempotencyKey).first();
}

type CheckResult = { confirmed: true; evidence: RefundEvidence } | { confirmed: false; reason: string };

/** Asks Keap's API (read-only) whether the refund in `record` happened. Must never send a refund. */
export type CheckRecord = (record: RefundRecord) => Promise<CheckResult>;

/**
 * Settles a refund Keap's API shows, found by a later check rather than by the executor: confirmed,
 * or recorded when every line was made outside Keap (manual). Each line says so too, as the
 * executor's lines do. Returns the state set.
 */
export async function markConfirmedByApi(
  db: JournalDb,
  record: RefundRecord,
  evidence: RefundEvidence,
  note: string,
  options: MarkStateOptions,
): Promise<'confirmed' | 'recorded'> {
  const to = record.lines.every((line) => line.channel === 'manual') ? 'recorded' : 'confirmed';
  const lineOutcomes = record.lines.map((line) => ({ paymentId: line.paymentId, outcome: line.channel === 'manual' ? ('recorded' as const) : ('refunded' as const) }));
  await markState(db, record.id, to, { evidence, lineOutcomes, note }, options);
  return to;
}

export type ReconcileReport = {
  confirmed: string[];
  recorded: string[];
  needsManual: string[];
  notSent: string[];
  /** Records whose check could not be made (e.g. offline): left as they were, to be checked again. */
  unchecked: { id: string; message: string }[];
};

export const NOT_SENT_MESSAGE = i18n.t('refunding.journal.notSent');

/**
 * Run at background start. Settles refunds a previous run left half done (except those in
 * `watched`, which a watch on Keap's API settles), without re-sending anything: `planned` ones were never sent and become `failed`; `submitting`/`unconfirmed` ones
 * are checked through `checkRecord` and become confirmed (or recorded, for refunds made elsewhere)
 * or are handed to a person.
 */
export async function reconcileInterrupted(db: JournalDb, watched: ReadonlySet<string>, checkRecord: CheckRecord, clock: Clock = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { confirmed: [], recorded: [], needsManual: [], notSent: [], unchecked: [] };
  const interrupted = (await db.refunds.where('state').anyOf(['planned', 'submitting', 'unconfirmed']).toArray()).filter((record) => !watched.has(record.id));
  for (const record of interrupted) {
    const guard = { ...clock, from: record.state };
    try {
      if (record.state === 'planned') {
        await markState(db, record.id, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } }, guard);
        report.notSent.push(record.id);
        continue;
      }
      let result: CheckResult;
      try {
        result = await checkRecord(record);
      } catch (error) {
        report.unchecked.push({ id: record.id, message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (result.confirmed) {
        const to = await markConfirmedByApi(db, record, result.evidence, 'Confirmed after an interruption', guard);
        report[to].push(record.id);
      } else {
        await markState(db, record.id, 'needs-manual', { error: { kind: 'interrupted', message: result.reason }, note: 'Interrupted; not visible in Keap' }, guard);
        report.needsManual.push(record.id);
      }
    } catch (error) {
      // Another context moved the record while it was being checked: its newer state stands.
      if (error instanceof JournalError && error.kind === 'state-changed') continue;
      throw error;
    }
  }
  return report;
}

/** Ids of final refunds created in `[from, before)`. */
async function finalIdsCreatedBetween(db: JournalDb, from: number, before: number): Promise<string[]> {
  const ids: string[] = [];
  for (const state of FINAL_STATES) {
    const keys = await db.refunds.where('[state+createdAt+id]').between([state, from, Dexie.minKey], [state, before, Dexie.minKey], true, false).primaryKeys();
    ids.push(...keys);
  }
  return ids;
}

/** Deletes final refunds (and their events) matching `createdBefore`; in-flight ones always stay. */
async function deleteFinalRecords(db: JournalDb, createdBefore: number): Promise<number> {
  return db.transaction('rw', db.refunds, db.events, db.dailyTotals, db.actors, async () => {
    // Days wholly before the cut lose their final states outright; only the cut's own day is read.
    // (Clearing everything cuts at Infinity: that "day" starts at Infinity and holds nothing.)
    const cutDay = dayOf(createdBefore);
    const wholeDayIds = await finalIdsCreatedBetween(db, -Infinity, cutDay * DAY_MS);
    const cutDayIds = await finalIdsCreatedBetween(db, cutDay * DAY_MS, createdBefore);
    const ids = [...wholeDayIds, ...cutDayIds];
    const cutDayRecords = (await db.refunds.bulkGet(cutDayIds)).filter((record) => record !== undefined);
    await db.events.where('refundId').anyOf(ids).delete();
    await db.refunds.bulkDelete(ids);
    await removeFromDayTotals(db.dailyTotals, FINAL_STATES, cutDay, cutDayRecords);
    // Retention runs at every start of the background; with nothing deleted, nobody's last refund went.
    if (ids.length > 0) await forgetActorsWithoutRefunds(db);
    return ids.length;
  });
}

/** Deletes final refunds created more than `olderThanDays` days before `now`. Returns how many. */
export function applyRetention(db: JournalDb, options: { olderThanDays: number; now?: number }): Promise<number> {
  const now = options.now ?? Date.now();
  return deleteFinalRecords(db, now - options.olderThanDays * DAY_MS);
}

/** "Clear history": deletes every final refund; in-flight ones stay. Returns how many. */
export function clearHistory(db: JournalDb): Promise<number> {
  return deleteFinalRecords(db, Infinity);
}

/** How many refunds "Clear history" would delete. */
export async function countFinished(db: JournalDb): Promise<number> {
  const sum = { count: 0, refunded: new Map<string, number>() };
  addDayTotals(sum, await db.dailyTotals.toArray(), FINAL_STATES);
  return sum.count;
}

/** Asks the browser not to evict the journal under storage pressure. Resolves whether it is persistent. */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (storage?.persist === undefined) return false;
  if (await storage.persisted()) return true;
  return storage.persist();
}
