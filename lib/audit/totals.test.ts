import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JournalDb } from './db';
import { refundIdFor } from './ids';
import { applyRetention, clearHistory, countFinished, markState, planRefund } from './journal';
import { countAndTotal } from './query';
import type { JournalFilter, RefundRecord } from './schema';
import { FINAL_STATES, type RefundState } from './states';
import { isRefundIdFor, openTestJournal, samplePlan } from './test-support';
import { DAY_MS, countRecord, dayTotalsSchema, settledMinor, type DayTotals } from './totals';

const START = Date.UTC(2025, 5, 1);
const HOUR = 60 * 60 * 1000;

/** The day totals the records add up to, computed from scratch. */
async function recomputed(db: JournalDb): Promise<DayTotals[]> {
  const days = new Map<number, DayTotals>();
  for (const record of await db.refunds.toArray()) countRecord(days, record);
  return [...days.values()].sort((a, b) => a.day - b.day);
}

/** What `countAndTotal` must say, computed the slow obvious way (no search). */
function expectedSummary(records: RefundRecord[], filter: JournalFilter) {
  const matching = records.filter(
    (record) =>
      (filter.states === undefined || filter.states.includes(record.state)) &&
      (filter.from === undefined || record.createdAt >= filter.from) &&
      (filter.to === undefined || record.createdAt <= filter.to),
  );
  const totals = new Map<string, number>();
  for (const record of matching) {
    const amount = settledMinor(record);
    if (amount > 0) totals.set(record.lines[0]!.currency, (totals.get(record.lines[0]!.currency) ?? 0) + amount);
  }
  return {
    count: matching.length,
    refunded: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amountMinor]) => ({ currency, amountMinor })),
  };
}

async function expectTotalsMatchRecords(db: JournalDb): Promise<void> {
  const stored = (await db.dailyTotals.toArray()).sort((a, b) => a.day - b.day);
  expect(stored).toEqual(await recomputed(db));
  for (const totals of stored) expect(dayTotalsSchema.safeParse(totals).success).toBe(true);
  const records = await db.refunds.toArray();
  const filters: JournalFilter[] = [
    {},
    { states: ['confirmed', 'recorded'] },
    { from: START + 30 * HOUR, to: START + 100 * HOUR },
    { states: ['failed'], from: START + 13 * HOUR },
    { to: START + 20 * HOUR },
  ];
  for (const filter of filters) expect(await countAndTotal(db, filter)).toEqual(expectedSummary(records, filter));
  expect(await countFinished(db)).toBe(records.filter((record) => FINAL_STATES.includes(record.state)).length);
}

/** Ways a planned refund can go; each ends in the state named last. */
const PATHS: RefundState[][] = [
  [],
  ['submitting'],
  ['submitting', 'confirmed'],
  ['submitting', 'recorded'],
  ['failed'],
  ['skipped'],
  ['submitting', 'unconfirmed', 'needs-manual', 'confirmed'],
  ['submitting', 'needs-manual', 'failed'],
];

describe('refundIdFor', () => {
  it('makes valid UUIDv7s that sort like (createdAt, id)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (a, b) => {
        const [idA, idB] = [refundIdFor(a), refundIdFor(b)];
        expect(z.uuid({ version: 'v7' }).safeParse(idA).success).toBe(true);
        expect(isRefundIdFor(idA, a)).toBe(true);
        if (a !== b) expect(idA < idB).toBe(a < b);
      }),
    );
  });

  it('tells time-ordered ids from random ones', () => {
    expect(isRefundIdFor(crypto.randomUUID(), START)).toBe(false);
    expect(isRefundIdFor(refundIdFor(START + 1), START)).toBe(false);
  });
});

describe('day totals', () => {
  it('stay equal to what the records add up to through plans, transitions, retention and clearing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            hour: fc.integer({ min: 0, max: 24 * 6 }),
            amounts: fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }),
            currency: fc.constantFrom('USD', 'EUR'),
            path: fc.constantFrom(...PATHS),
            skipFirstLine: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 24 * 7 }),
        async (refunds, retentionCutHour) => {
          const db = await openTestJournal();
          for (const [index, refund] of refunds.entries()) {
            const createdAt = START + refund.hour * HOUR + index;
            const lines = refund.amounts.map((amountMinor, line) => ({
              paymentId: index * 10 + line + 1,
              amountMinor,
              currency: refund.currency,
              channel: 'keap-refund-screen' as const,
            }));
            const planned = await planRefund(db, samplePlan({ idempotencyKey: `p-${index}`, lines }), { now: createdAt });
            for (const to of refund.path) {
              const settles = to === 'confirmed' || to === 'recorded';
              const lineOutcomes = settles
                ? lines.map((line, position) => ({
                    paymentId: line.paymentId,
                    outcome: position === 0 && refund.skipFirstLine ? ('skipped' as const) : ('refunded' as const),
                  }))
                : undefined;
              await markState(db, planned.id, to, lineOutcomes === undefined ? {} : { lineOutcomes });
            }
          }
          await expectTotalsMatchRecords(db);

          // The cut falls mid-day, so its day loses some records and keeps others.
          const cut = START + retentionCutHour * HOUR + 30 * 60 * 1000;
          await applyRetention(db, { olderThanDays: 1, now: cut + DAY_MS });
          await expectTotalsMatchRecords(db);

          await clearHistory(db);
          await expectTotalsMatchRecords(db);
          db.close();
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('keep no row for a day with nothing left in it', async () => {
    const db = await openTestJournal();
    const planned = await planRefund(db, samplePlan(), { now: START });
    await markState(db, planned.id, 'failed');
    expect(await db.dailyTotals.count()).toBe(1);
    await clearHistory(db);
    expect(await db.dailyTotals.count()).toBe(0);
    expect(await countAndTotal(db, {})).toEqual({ count: 0, refunded: [] });
  });
});
