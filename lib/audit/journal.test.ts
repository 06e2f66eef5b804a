import { afterEach, describe, expect, it, vi } from 'vitest';
import { openJournal } from './db';
import { isJournalError } from './errors';
import { listMadeBy } from './query';
import { refundIdFor } from './ids';
import {
  NOT_SENT_MESSAGE,
  applyRetention,
  buildPlannedRecord,
  clearHistory,
  countFinished,
  eventsFor,
  findActiveForPayment,
  findByIdempotencyKey,
  markState,
  planRefund,
  reconcileInterrupted,
  requestPersistentStorage,
  type CheckRecord,
} from './journal';
import type { RefundEvidence, RefundRecord } from './schema';
import type { RefundState } from './states';
import { freshFactory, openTestJournal, samplePlan, storeRecords } from './test-support';

const evidence: RefundEvidence = {
  refundTransactionIds: [8801],
  refundInvoicePaymentIds: [7101],
  orderRefundTotalMinor: 6000,
  checkedAt: 5000,
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('openJournal', () => {
  it('refuses to open on a web page, where the database would belong to Keap', async () => {
    vi.stubGlobal('location', { protocol: 'https:' });
    const error = await rejection(openJournal());
    expect(isJournalError(error, 'not-extension-context')).toBe(true);
    expect((error as Error).message).toMatch(/only be opened inside the extension/);
  });

  it('opens on the IndexedDB it is given', async () => {
    const db = await openTestJournal();
    expect(db.verno).toBe(5);
    expect(db.tables.map((table) => table.name).sort()).toEqual(['actors', 'dailyTotals', 'events', 'refunds']);
  });
});

describe('planRefund', () => {
  it('has the record on disk, readable by another connection, by the time it resolves', async () => {
    const factory = freshFactory();
    const writer = await openJournal({ factory });
    const planned = await planRefund(writer, samplePlan({ idempotencyKey: 'k-1' }), { now: 1000 });

    const reader = await openJournal({ factory });
    expect(await reader.refunds.get(planned.id)).toEqual(planned);
    expect(planned).toMatchObject({ state: 'planned', createdAt: 1000, updatedAt: 1000, totalMinor: 6000 });
    expect(await eventsFor(reader, planned.id)).toEqual([{ id: expect.any(Number), refundId: planned.id, from: null, to: 'planned', at: 1000 }]);
  });

  it('refuses a second plan with the same idempotency key and keeps the first', async () => {
    const db = await openTestJournal();
    const first = await planRefund(db, samplePlan({ idempotencyKey: 'same' }));
    const error = await rejection(planRefund(db, samplePlan({ idempotencyKey: 'same', orderId: 5 })));
    expect(isJournalError(error, 'duplicate-idempotency-key')).toBe(true);
    expect((error as { detail: { existingId: string } }).detail.existingId).toBe(first.id);
    expect(await db.refunds.count()).toBe(1);
    expect(await db.events.count()).toBe(1);
  });

  it('enforces key uniqueness in the index itself, even for writes that bypass the check', async () => {
    const db = await openTestJournal();
    const record = buildPlannedRecord(samplePlan({ idempotencyKey: 'dup' }), crypto.randomUUID(), 1);
    await db.refunds.add(record);
    await expect(db.refunds.add({ ...record, id: crypto.randomUUID() })).rejects.toThrow();
  });

  it.each([
    ['a zero amount', { lines: [{ paymentId: 1, amountMinor: 0, currency: 'USD', channel: 'manual' as const }] }],
    ['a fractional amount', { lines: [{ paymentId: 1, amountMinor: 10.5, currency: 'USD', channel: 'manual' as const }] }],
    ['no payments', { lines: [] }],
    [
      'mixed currencies',
      {
        lines: [
          { paymentId: 1, amountMinor: 100, currency: 'USD', channel: 'manual' as const },
          { paymentId: 2, amountMinor: 100, currency: 'EUR', channel: 'manual' as const },
        ],
      },
    ],
  ])('rejects a plan with %s and writes nothing', async (_label, overrides) => {
    const db = await openTestJournal();
    const error = await rejection(planRefund(db, samplePlan(overrides)));
    expect(isJournalError(error, 'invalid-input')).toBe(true);
    expect(await db.refunds.count()).toBe(0);
  });
});

describe('markState', () => {
  it('records line outcomes, evidence and errors with the state', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan(), { now: 1 });
    await markState(db, planned.id, 'submitting', {}, { now: 2 });
    const confirmed = await markState(
      db,
      planned.id,
      'confirmed',
      { lineOutcomes: [{ paymentId: 7001, outcome: 'refunded', detail: 'Payment 7001: Refunded $60.00' }], evidence },
      { now: 3 },
    );
    expect(confirmed.lines[0]).toMatchObject({ outcome: 'refunded', detail: 'Payment 7001: Refunded $60.00', amountMinor: 6000 });
    expect(confirmed.evidence).toEqual(evidence);
    expect((await eventsFor(db, planned.id)).map((event) => [event.from, event.to, event.at])).toEqual([
      [null, 'planned', 1],
      ['planned', 'submitting', 2],
      ['submitting', 'confirmed', 3],
    ]);
  });

  it('rejects an outcome for a payment the refund does not include, changing nothing', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan());
    const error = await rejection(markState(db, planned.id, 'submitting', { lineOutcomes: [{ paymentId: 999, outcome: 'refunded' }] }));
    expect(isJournalError(error, 'unknown-payment')).toBe(true);
    expect(await db.refunds.get(planned.id)).toEqual(planned);
    expect(await db.events.count()).toBe(1);
  });

  it('rolls the record back when its event cannot be written: both land or neither', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan());
    db.events.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(markState(db, planned.id, 'submitting')).rejects.toThrow('disk full');
    expect((await db.refunds.get(planned.id))?.state).toBe('planned');
  });

  it('refuses to move a record that changed since the caller read it', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan());
    await markState(db, planned.id, 'submitting');
    const error = await rejection(markState(db, planned.id, 'failed', {}, { from: 'planned' }));
    expect(isJournalError(error, 'state-changed')).toBe(true);
    expect((await db.refunds.get(planned.id))?.state).toBe('submitting');
  });

  it('reports an unknown refund', async () => {
    const db = await openTestJournal();
    const error = await rejection(markState(db, crypto.randomUUID(), 'submitting'));
    expect(isJournalError(error, 'not-found')).toBe(true);
  });
});

async function addInState(db: Awaited<ReturnType<typeof openTestJournal>>, state: RefundState, overrides = {}, createdAt = 1000) {
  const record: RefundRecord = { ...buildPlannedRecord(samplePlan(overrides), refundIdFor(createdAt), createdAt), state };
  await storeRecords(db, [record]);
  return record;
}

describe('lookups', () => {
  it('findActiveForPayment returns only unfinished refunds that touch the payment', async () => {
    const db = await openTestJournal();
    const line = (paymentId: number) => ({ paymentId, amountMinor: 100, currency: 'USD', channel: 'keap-refund-screen' as const });
    const active = await Promise.all(
      (['planned', 'submitting', 'unconfirmed', 'needs-manual'] as const).map((state) => addInState(db, state, { lines: [line(7001), line(7002)] })),
    );
    for (const state of ['confirmed', 'recorded', 'skipped', 'failed'] as const) await addInState(db, state, { lines: [line(7001)] });
    await addInState(db, 'submitting', { lines: [line(7003)] });

    const found = await findActiveForPayment(db, 7001);
    expect(found.map((record) => record.id).sort()).toEqual(active.map((record) => record.id).sort());
    expect(await findActiveForPayment(db, 7999)).toEqual([]);
  });

  it('findByIdempotencyKey finds the one record with that key', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan({ idempotencyKey: 'order-9001-pay-7001' }));
    await planRefund(db, samplePlan({ idempotencyKey: 'other' }));
    expect(await findByIdempotencyKey(db, 'order-9001-pay-7001')).toEqual(planned);
    expect(await findByIdempotencyKey(db, 'missing')).toBeUndefined();
  });
});

describe('reconcileInterrupted', () => {
  it('settles every interrupted refund without re-sending, and leaves the rest alone', async () => {
    const db = await openTestJournal();
    const neverSent = await addInState(db, 'planned');
    const sentAndVisible = await addInState(db, 'submitting');
    const manualAndVisible = await addInState(db, 'unconfirmed', {
      lines: [{ paymentId: 7005, amountMinor: 500, currency: 'USD', channel: 'manual' }],
    });
    const sentNotVisible = await addInState(db, 'unconfirmed');
    const offline = await addInState(db, 'submitting');
    const finished = await addInState(db, 'confirmed');
    const waitingForPerson = await addInState(db, 'needs-manual');

    const checked: string[] = [];
    const checkRecord: CheckRecord = async (record) => {
      checked.push(record.id);
      if (record.id === offline.id) throw new Error('Keap could not be reached');
      if (record.id === sentNotVisible.id) return { confirmed: false, reason: 'No refund transaction on order 9001' };
      return { confirmed: true, evidence };
    };

    const report = await reconcileInterrupted(db, new Set(), checkRecord, { now: 9000 });

    expect(checked.sort()).toEqual([sentAndVisible.id, manualAndVisible.id, sentNotVisible.id, offline.id].sort());
    expect(report).toEqual({
      confirmed: [sentAndVisible.id],
      recorded: [manualAndVisible.id],
      needsManual: [sentNotVisible.id],
      notSent: [neverSent.id],
      unchecked: [{ id: offline.id, message: 'Keap could not be reached' }],
    });
    const state = async (id: string) => db.refunds.get(id);
    expect(await state(neverSent.id)).toMatchObject({ state: 'failed', error: { message: NOT_SENT_MESSAGE }, updatedAt: 9000 });
    expect(await state(sentAndVisible.id)).toMatchObject({ state: 'confirmed', evidence });
    expect(await state(manualAndVisible.id)).toMatchObject({ state: 'recorded', evidence });
    expect(await state(sentNotVisible.id)).toMatchObject({
      state: 'needs-manual',
      error: { message: 'No refund transaction on order 9001' },
    });
    expect(await state(offline.id)).toEqual(offline);
    expect(await state(finished.id)).toEqual(finished);
    expect(await state(waitingForPerson.id)).toEqual(waitingForPerson);
    expect((await eventsFor(db, sentNotVisible.id)).map((event) => [event.from, event.to])).toEqual([['unconfirmed', 'needs-manual']]);
  });

  it('a refund the API shows marks lines made through Keap refunded and manual lines recorded', async () => {
    const db = await openTestJournal();
    const mixed = await addInState(db, 'submitting', {
      lines: [
        { paymentId: 7001, amountMinor: 100, currency: 'USD', channel: 'keap-refund-screen' },
        { paymentId: 7002, amountMinor: 200, currency: 'USD', channel: 'manual' },
      ],
    });
    await reconcileInterrupted(db, new Set(), async () => ({ confirmed: true, evidence }));
    const settled = await db.refunds.get(mixed.id);
    expect(settled?.state).toBe('confirmed');
    expect(settled?.lines.map((line) => [line.paymentId, line.outcome])).toEqual([
      [7001, 'refunded'],
      [7002, 'recorded'],
    ]);
  });

  it('keeps a newer state set by another context while the check was running', async () => {
    const db = await openTestJournal();
    const record = await addInState(db, 'submitting');
    const report = await reconcileInterrupted(db, new Set(), async () => {
      await markState(db, record.id, 'confirmed', { evidence });
      return { confirmed: false, reason: 'not visible' };
    });
    expect(report.needsManual).toEqual([]);
    expect((await db.refunds.get(record.id))?.state).toBe('confirmed');
  });

  it('leaves refunds a watch is settling to their watch, and reconciles the others', async () => {
    const db = await openTestJournal();
    const watchedUnconfirmed = await addInState(db, 'unconfirmed');
    const unwatchedUnconfirmed = await addInState(db, 'unconfirmed');
    const watchedSubmitting = await addInState(db, 'submitting');
    const watchedPlanned = await addInState(db, 'planned');
    const watched = new Set([watchedUnconfirmed.id, watchedSubmitting.id, watchedPlanned.id]);

    const checked: string[] = [];
    const report = await reconcileInterrupted(
      db,
      watched,
      async (record) => {
        checked.push(record.id);
        return { confirmed: false, reason: 'No refund transaction on order 9001' };
      },
      { now: 9000 },
    );

    expect(checked).toEqual([unwatchedUnconfirmed.id]);
    expect(report).toEqual({ confirmed: [], recorded: [], needsManual: [unwatchedUnconfirmed.id], notSent: [], unchecked: [] });
    expect(await db.refunds.get(unwatchedUnconfirmed.id)).toMatchObject({ state: 'needs-manual', updatedAt: 9000 });
    for (const record of [watchedUnconfirmed, watchedSubmitting, watchedPlanned]) {
      expect(await db.refunds.get(record.id)).toEqual(record);
      expect(await eventsFor(db, record.id)).toEqual([]);
    }
  });

  it('a watched refund the API already shows is still left to its watch', async () => {
    const db = await openTestJournal();
    const watchedUnconfirmed = await addInState(db, 'unconfirmed');
    const checkRecord = vi.fn<CheckRecord>(async () => ({ confirmed: true, evidence }));
    const report = await reconcileInterrupted(db, new Set([watchedUnconfirmed.id]), checkRecord);
    expect(checkRecord).not.toHaveBeenCalled();
    expect(report).toEqual({ confirmed: [], recorded: [], needsManual: [], notSent: [], unchecked: [] });
    expect((await db.refunds.get(watchedUnconfirmed.id))?.state).toBe('unconfirmed');
  });
});

describe('retention and clearing', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const now = 100 * DAY;

  it('applyRetention deletes only final refunds older than the limit, with their events', async () => {
    const db = await openTestJournal();
    const oldFinal = await Promise.all((['confirmed', 'recorded', 'skipped', 'failed'] as const).map((state) => addInState(db, state, {}, now - 40 * DAY)));
    const oldInFlight = await Promise.all((['planned', 'submitting', 'unconfirmed', 'needs-manual'] as const).map((state) => addInState(db, state, {}, now - 40 * DAY)));
    const recentFinal = await addInState(db, 'confirmed', {}, now - 10 * DAY);
    await db.events.bulkAdd([...oldFinal, ...oldInFlight].map((record) => ({ refundId: record.id, from: null, to: record.state, at: 1 })));

    expect(await applyRetention(db, { olderThanDays: 30, now })).toBe(4);

    const left = (await db.refunds.toArray()).map((record) => record.id).sort();
    expect(left).toEqual([...oldInFlight, recentFinal].map((record) => record.id).sort());
    const eventOwners = (await db.events.toArray()).map((event) => event.refundId).sort();
    expect(eventOwners).toEqual(oldInFlight.map((record) => record.id).sort());
  });

  it('clearHistory deletes every finished refund and keeps in-flight ones', async () => {
    const db = await openTestJournal();
    for (const state of ['confirmed', 'recorded', 'skipped', 'failed'] as const) await addInState(db, state);
    const inFlight = await Promise.all((['planned', 'submitting', 'unconfirmed', 'needs-manual'] as const).map((state) => addInState(db, state)));
    expect(await countFinished(db)).toBe(4);
    expect(await clearHistory(db)).toBe(4);
    expect(await countFinished(db)).toBe(0);
    expect((await db.refunds.toArray()).map((record) => record.id).sort()).toEqual(inFlight.map((record) => record.id).sort());
  });
});

describe('who made the refunds', () => {
  it('lists each person once as refunds are planned, and forgets those none of whose refunds are left', async () => {
    const db = await openTestJournal();
    const kim = { actor: { name: 'Kim Lee', email: 'kim@example.com' } };
    await planRefund(db, samplePlan({ ...kim, idempotencyKey: 'first' }));
    await planRefund(db, samplePlan({ ...kim, idempotencyKey: 'second' }));
    await addInState(db, 'confirmed', { actor: { name: '', email: 'riley@example.com' } });
    expect(await listMadeBy(db)).toEqual(['Kim Lee', 'riley@example.com']);

    await clearHistory(db);

    // Kim's refunds are still planned, so they stay; Riley's only refund was finished and cleared.
    expect(await listMadeBy(db)).toEqual(['Kim Lee']);
  });
});

describe('requestPersistentStorage', () => {
  it('asks the browser to persist storage when it is not yet persistent', async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    expect(await requestPersistentStorage()).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
  });

  it('reports false where the storage API is missing', async () => {
    vi.stubGlobal('navigator', {});
    expect(await requestPersistentStorage()).toBe(false);
  });
});
