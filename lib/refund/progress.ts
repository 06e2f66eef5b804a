import type { RefundRecord } from '@/lib/audit/schema';
import { type RefundLineOutcome, summarizeRefund } from './summary';

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

/** The sentence for the side panel's status line, or null while any refund is still moving. */
export function refundSummary(records: readonly RefundRecord[]): string | null {
  if (records.length === 0 || !records.every((record) => SETTLED.has(record.state))) return null;
  const lines = records.flatMap((record) =>
    record.lines.map((line): RefundLineOutcome => ({
      paymentId: line.paymentId,
      amountMinor: line.amountMinor,
      outcome: lineOutcome(record, line),
      ...(line.outcome === 'skipped' && line.detail ? { detail: line.detail } : {}),
    })),
  );
  return summarizeRefund(lines, records[0]?.lines[0]?.currency ?? 'USD');
}
