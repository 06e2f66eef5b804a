import { z } from 'zod';
import type { RefundRecord } from '@/lib/audit/schema';

/** One payment's outcome, as the side panel's closing sentence reads it. @public the definition its type is inferred from */
export const refundLineOutcomeSchema = z.object({
  paymentId: z.number().int().positive(),
  amountMinor: z.number().int().nonnegative(),
  outcome: z.enum(['refunded', 'recorded-anyway', 'skipped', 'manual-recorded', 'voided', 'failed', 'unconfirmed']),
  /** Why, in plain words, for skipped, failed and recorded-anyway lines, e.g. "gateway declined". */
  detail: z.string().optional(),
});
export type RefundLineOutcome = z.infer<typeof refundLineOutcomeSchema>;

/** Every payment's outcome once the refunds have settled, in the currency they were refunded in. */
export interface SettledRefunds {
  lines: RefundLineOutcome[];
  currency: string;
}

/** Records in these states have nothing more coming without a person: the flow can sum up. */
const SETTLED = new Set<RefundRecord['state']>(['confirmed', 'recorded', 'skipped', 'failed', 'needs-manual']);

function lineOutcome(record: RefundRecord, line: RefundRecord['lines'][number]): RefundLineOutcome['outcome'] {
  switch (line.outcome) {
    case 'refunded':
      return 'refunded';
    case 'recorded':
      return line.channel === 'manual' ? 'manual-recorded' : 'recorded-anyway';
    case 'skipped':
      return 'skipped';
    case 'voided':
      return 'voided';
    case 'failed':
      return 'failed';
    default:
      return record.state === 'failed' ? 'failed' : 'unconfirmed';
  }
}

/** What the side panel's status line sums up, or null while any refund is still moving. */
export function settledRefunds(records: readonly RefundRecord[]): SettledRefunds | null {
  if (records.length === 0 || !records.every((record) => SETTLED.has(record.state))) return null;
  const lines = records.flatMap((record) =>
    record.lines.map((line): RefundLineOutcome => ({
      paymentId: line.paymentId,
      amountMinor: line.amountMinor,
      outcome: lineOutcome(record, line),
      ...(line.outcome === 'skipped' && line.detail ? { detail: line.detail } : {}),
    })),
  );
  return { lines, currency: records[0]?.lines[0]?.currency ?? 'USD' };
}
