import { describe, expect, it } from 'vitest';
import { isJournalError } from './errors';
import { buildPlannedRecord, eventsFor, markState } from './journal';
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

  it('never lets an unsent refund look confirmed, nor a sent one look failed without a person', () => {
    expect(canTransition('planned', 'confirmed')).toBe(false);
    expect(canTransition('planned', 'recorded')).toBe(false);
    expect(canTransition('unconfirmed', 'failed')).toBe(false);
    expect(canTransition('needs-manual', 'failed')).toBe(true);
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
      expect(await eventsFor(db, record.id)).toEqual([
        { id: expect.any(Number), refundId: record.id, from, to, at: 2000, note: 'test move' },
      ]);
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
