import { formatMoney } from '@/lib/money';
import type { QueueRow, QueueRowRunStatus } from './schema';

/** A count of rows or payments as the queue shows it: "1,204". */
export const formatCount = (value: number) => value.toLocaleString('en-US');

/** The review's figures and the run's progress, from the queue's rows. */

export type CurrencyAmount = { currency: string; amountMinor: number };

/** One refund channel of the review: the gateway Keap's refund screen goes through. */
type ChannelFigures = { gateway: string; payments: number; totals: CurrencyAmount[] };

export type QueueReviewFigures = {
  /** Every row in the queue. */
  total: number;
  /** Rows checked and ready to refund. */
  ready: number;
  /** Rows that will not be refunded as given: a cell that did not read, or a check that said no. */
  invalid: number;
  /** Rows not checked yet. */
  unchecked: number;
  /** Payments the ready rows refund: one refund each on Keap's screen. */
  payments: number;
  /** What the ready rows refund, per currency, in the order the currencies first appear. */
  totals: CurrencyAmount[];
  /** The same per channel, the busiest first. */
  channels: ChannelFigures[];
};

export type QueueRowCheckState = 'unchecked' | 'ready' | 'invalid';

/** Whether a row is ready, not refundable as given (its own problem, or the check's), or not checked yet. */
export function rowCheckState(row: QueueRow): QueueRowCheckState {
  if (row.draft.problem !== undefined || row.check?.status === 'invalid') return 'invalid';
  return row.check?.status === 'ready' ? 'ready' : 'unchecked';
}

/** Why a row will not be refunded, in plain words; undefined when nothing is wrong with it. */
export function rowProblem(row: QueueRow): string | undefined {
  return row.draft.problem ?? (row.check?.status === 'invalid' ? row.check.problem : undefined);
}

function addTo(totals: CurrencyAmount[], currency: string, amountMinor: number): void {
  const total = totals.find((candidate) => candidate.currency === currency);
  if (total === undefined) totals.push({ currency, amountMinor });
  else total.amountMinor += amountMinor;
}

export function reviewFigures(rows: readonly QueueRow[]): QueueReviewFigures {
  const figures: QueueReviewFigures = { total: rows.length, ready: 0, invalid: 0, unchecked: 0, payments: 0, totals: [], channels: [] };
  for (const row of rows) {
    const state = rowCheckState(row);
    figures[state] += 1;
    if (state !== 'ready' || row.check?.status !== 'ready') continue;
    const { currency, lines, totalMinor } = row.check;
    figures.payments += lines.length;
    addTo(figures.totals, currency, totalMinor);
    for (const line of lines) {
      let channel = figures.channels.find((candidate) => candidate.gateway === line.gateway);
      if (channel === undefined) {
        channel = { gateway: line.gateway, payments: 0, totals: [] };
        figures.channels.push(channel);
      }
      channel.payments += 1;
      addTo(channel.totals, currency, line.amountMinor);
    }
  }
  figures.channels.sort((a, b) => b.payments - a.payments || a.gateway.localeCompare(b.gateway));
  return figures;
}

/** Amounts in several currencies cannot be added up, so each is shown: "$10.00 + £5.00". */
export function formatCurrencyAmounts(totals: readonly CurrencyAmount[]): string {
  return totals.map((total) => formatMoney(total.amountMinor, total.currency)).join(' + ');
}

export type QueueProgress = {
  /** Rows in the run: the ready ones. */
  total: number;
  done: number;
  needsYou: number;
  notRefunded: number;
  cancelled: number;
  running: number;
  waiting: number;
};

/** Where the run is: each ready row counted by its run status (a ready row not started yet is waiting). */
export function runProgress(rows: readonly QueueRow[]): QueueProgress {
  const byStatus: Record<QueueRowRunStatus, number> = { waiting: 0, running: 0, done: 0, 'needs-you': 0, 'not-refunded': 0, cancelled: 0 };
  let total = 0;
  for (const row of rows) {
    if (rowCheckState(row) !== 'ready') continue;
    total += 1;
    byStatus[row.run?.status ?? 'waiting'] += 1;
  }
  return {
    total,
    done: byStatus.done,
    needsYou: byStatus['needs-you'],
    notRefunded: byStatus['not-refunded'],
    cancelled: byStatus.cancelled,
    running: byStatus.running,
    waiting: byStatus.waiting,
  };
}
