import { describe, expect, it } from 'vitest';
import { isJournalError } from './errors';
import { buildPlannedRecord, eventsFor, findActiveForPayment, markState } from './journal';
import { ACTIVE_STATES, FINAL_STATES, LEGAL_TRANSITIONS, REFUND_STATES, canTransition, type RefundState } from './states';
import { openTestJournal, samplePlan } from './test-support';

describe('the transition table', () => {
  it('reaches every state from planned', () => {
    const reached = new Set<string>(['planned']);
    const queue: RefundState[] = ['planned'];
    for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
      for (const next of LEGAL_TRANSITIONS[state]) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect([...reached].sort()).toEqual([...REFUND_STATES].sort());
  });

  it('keeps final states final and treats every other state as active', () => {
    expect([...FINAL_STATES].sort()).toEqual(['confirmed', 'failed', 'recorded', 'skipped']);
    expect([...ACTIVE_STATES, ...FINAL_STATES].sort()).toEqual([...REFUND_STATES].sort());
  });

  it('is exactly this table', () => {
    expect(LEGAL_TRANSITIONS).toEqual({
      planned: ['submitting', 'failed', 'skipped'],
      submitting: ['confirmed', 'recorded', 'skipped', 'failed', 'needs-manual', 'unconfirmed'],
      unconfirmed: ['confirmed', 'recorded', 'skipped', 'needs-manual', 'unconfirmed'],
      'needs-manual': ['confirmed', 'recorded', 'failed'],
      confirmed: [],
      recorded: [],
      skipped: [],
      failed: [],
    });
  });

  it('lets an unconfirmed refund become skipped: Keap said it skipped the payments and the API showed no refund through the quiet period', () => {
    // Something was sent, so "skipped" is Keap's own word, not Refund Desk deciding it failed.
    expect(canTransition('unconfirmed', 'skipped')).toBe(true);
    expect(canTransition('unconfirmed', 'failed')).toBe(false);
    expect(canTransition('skipped', 'unconfirmed')).toBe(false);
    expect(canTransition('skipped', 'confirmed')).toBe(false);
  });

  it('never lets an unsent refund look confirmed, nor a sent one look failed without a person', () => {
    expect(canTransition('planned', 'confirmed')).toBe(false);
    expect(canTransition('planned', 'recorded')).toBe(false);
    expect(canTransition('unconfirmed', 'failed')).toBe(false);
    expect(canTransition('needs-manual', 'failed')).toBe(true);
  });
});

describe('unconfirmed → skipped', () => {
  it("records Keap's reason on the record, the skipped line and the trail, and frees the payment", async () => {
    const db = await openTestJournal();
    const record = { ...buildPlannedRecord(samplePlan(), crypto.randomUUID(), 1000), state: 'unconfirmed' as const };
    await db.refunds.add(record);
    const paymentId = record.lines[0]!.paymentId;

    const skipped = await markState(
      db,
      record.id,
      'skipped',
      {
        lineOutcomes: [{ paymentId, outcome: 'skipped', detail: 'declined by gateway' }],
        error: { kind: 'skipped', message: 'declined by gateway' },
        note: "Keap's screen said skipped; Keap's API showed no refund through the quiet period",
      },
      { from: 'unconfirmed', now: 2000 },
    );

    expect(skipped).toMatchObject({ state: 'skipped', updatedAt: 2000, error: { kind: 'skipped', message: 'declined by gateway' } });
    expect(skipped.lines[0]).toMatchObject({ paymentId, outcome: 'skipped', detail: 'declined by gateway' });
    expect(await eventsFor(db, record.id)).toEqual([
      {
        id: expect.any(Number),
        refundId: record.id,
        from: 'unconfirmed',
        to: 'skipped',
        at: 2000,
        note: "Keap's screen said skipped; Keap's API showed no refund through the quiet period",
      },
    ]);
    expect(await findActiveForPayment(db, paymentId)).toEqual([]);
    db.close();
  });
});

describe('markState over every pair of states', () => {
  const pairs = REFUND_STATES.flatMap((from) => REFUND_STATES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s follows the table', async (from, to) => {
    const db = await openTestJournal();
    const record = { ...buildPlannedRecord(samplePlan(), crypto.randomUUID(), 1000), state: from };
    await db.refunds.add(record);

    const move = markState(db, record.id, to, { note: 'test move' }, { now: 2000 });

    if (LEGAL_TRANSITIONS[from].includes(to)) {
      const updated = await move;
      expect(updated.state).toBe(to);
      expect(await db.refunds.get(record.id)).toEqual({ ...record, state: to, updatedAt: 2000 });
      expect(await eventsFor(db, record.id)).toEqual([{ id: expect.any(Number), refundId: record.id, from, to, at: 2000, note: 'test move' }]);
    } else {
      const error = await move.catch((caught: unknown) => caught);
      expect(isJournalError(error, 'illegal-transition')).toBe(true);
      expect((error as Error).message).toContain(`cannot become "${to}"`);
      expect(await db.refunds.get(record.id)).toEqual(record);
      expect(await eventsFor(db, record.id)).toEqual([]);
    }
    db.close();
  });
});
