import type { EntityTable } from 'dexie';
import { z } from 'zod';
import type { RefundRecord } from './schema';
import { refundStateSchema, type RefundState } from './states';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** States whose money has left (or been recorded as leaving) the merchant. */
const SETTLED_STATES: readonly RefundState[] = ['confirmed', 'recorded'];

const stateTotalSchema = z.object({
  count: z.number().int().positive(),
  /** Settled minor units per currency; currencies with nothing settled are left out. */
  refunded: z.record(z.string(), z.number().int().positive()),
});

/**
 * What the refunds created on one UTC day add up to, per state. Kept in the same transaction as
 * every write to `refunds`, so counts and totals over whole days need no record read.
 */
export const dayTotalsSchema = z.object({
  /** `Math.floor(createdAt / DAY_MS)`. */
  day: z.number().int(),
  states: z.partialRecord(refundStateSchema, stateTotalSchema),
});
export type DayTotals = z.infer<typeof dayTotalsSchema>;

/** The journal's `dailyTotals` table, the only one the day totals are written to. */
export type DailyTotalsTable = EntityTable<DayTotals, 'day'>;

/** The part of a refund that was refunded or recorded; zero unless the refund is settled. */
export function settledMinor(record: RefundRecord): number {
  if (!SETTLED_STATES.includes(record.state)) return 0;
  return record.lines.filter((line) => line.outcome === undefined || ['refunded', 'recorded', 'voided'].includes(line.outcome)).reduce((sum, line) => sum + line.amountMinor, 0);
}

export function dayOf(createdAt: number): number {
  return Math.floor(createdAt / DAY_MS);
}

function adjust(amounts: Record<string, number>, key: string, by: number): void {
  const next = (amounts[key] ?? 0) + by;
  if (next === 0) delete amounts[key];
  else amounts[key] = next;
}

/** Counts `record` into (`sign` 1) or out of (`sign` -1) its day in `days`, keyed by day. */
export function countRecord(days: Map<number, DayTotals>, record: RefundRecord, sign: 1 | -1 = 1): void {
  const day = dayOf(record.createdAt);
  const totals = days.get(day) ?? { day, states: {} };
  days.set(day, totals);
  const stateTotal = totals.states[record.state] ?? { count: 0, refunded: {} };
  stateTotal.count += sign;
  const amount = settledMinor(record);
  const currency = record.lines[0]?.currency;
  if (amount > 0 && currency !== undefined) adjust(stateTotal.refunded, currency, sign * amount);
  if (stateTotal.count === 0) delete totals.states[record.state];
  else totals.states[record.state] = stateTotal;
}

/**
 * Moves the stored day totals from `removed` to `added` (the same record before and after a
 * change, a new record, or deleted ones). Call inside the write's transaction, which must
 * include `dailyTotals`, so the totals never disagree with the records.
 */
export async function updateDayTotals(dailyTotals: DailyTotalsTable, removed: RefundRecord[], added: RefundRecord[]): Promise<void> {
  const touched = [...new Set([...removed, ...added].map((record) => dayOf(record.createdAt)))];
  const stored = await dailyTotals.bulkGet(touched);
  const days = new Map(touched.map((day, index) => [day, stored[index] ?? { day, states: {} }]));
  removed.forEach((record) => countRecord(days, record, -1));
  added.forEach((record) => countRecord(days, record, 1));
  const all = [...days.values()];
  await dailyTotals.bulkDelete(all.filter((totals) => Object.keys(totals.states).length === 0).map((totals) => totals.day));
  await dailyTotals.bulkPut(all.filter((totals) => Object.keys(totals.states).length > 0));
}

/**
 * Takes `states` out of every day before `beforeDay` outright, then `records` (deleted ones of
 * day `beforeDay`) one by one. Call inside the deleting transaction.
 */
export async function removeFromDayTotals(dailyTotals: DailyTotalsTable, states: readonly RefundState[], beforeDay: number, records: RefundRecord[]): Promise<void> {
  const emptied: number[] = [];
  await dailyTotals
    .where('day')
    .below(beforeDay)
    .modify((totals) => {
      for (const state of states) delete totals.states[state];
      if (Object.keys(totals.states).length === 0) emptied.push(totals.day);
    });
  await dailyTotals.bulkDelete(emptied);
  await updateDayTotals(dailyTotals, records, []);
}

export type StateSum = { count: number; refunded: Map<string, number> };

/** Adds up the `states` of `days` into `sum`. */
export function addDayTotals(sum: StateSum, days: DayTotals[], states: readonly RefundState[]): void {
  for (const totals of days) {
    for (const state of states) {
      const stateTotal = totals.states[state];
      if (stateTotal === undefined) continue;
      sum.count += stateTotal.count;
      for (const [currency, amount] of Object.entries(stateTotal.refunded)) {
        sum.refunded.set(currency, (sum.refunded.get(currency) ?? 0) + amount);
      }
    }
  }
}

/** Adds records read one by one into `sum` (where whole days do not cover a range). */
export function addRecords(sum: StateSum, records: RefundRecord[]): void {
  for (const record of records) {
    sum.count += 1;
    const amount = settledMinor(record);
    const currency = record.lines[0]?.currency;
    if (amount > 0 && currency !== undefined) sum.refunded.set(currency, (sum.refunded.get(currency) ?? 0) + amount);
  }
}
