import { describe, expect, it } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { samplePlan } from '@/lib/audit/test-support';
import { refundSummary } from './progress';

function record(state: RefundRecord['state'], lines: RefundRecord['lines'], error?: RefundRecord['error']): RefundRecord {
  const planned = buildPlannedRecord(samplePlan({ lines }), crypto.randomUUID(), Date.UTC(2026, 10, 27));
  return { ...planned, state, ...(error ? { error } : {}) };
}

const stripeLine = (paymentId: number, amountMinor: number, outcome?: RefundRecord['lines'][number]['outcome'], detail?: string) => ({
  paymentId,
  amountMinor,
  currency: 'USD',
  channel: 'keap-refund-screen' as const,
  ...(outcome ? { outcome } : {}),
  ...(detail ? { detail } : {}),
});

describe('refundSummary', () => {
  it('waits while any refund is still moving', () => {
    expect(refundSummary([])).toBeNull();
    expect(refundSummary([record('submitting', [stripeLine(1, 100)])])).toBeNull();
    expect(refundSummary([record('confirmed', [stripeLine(1, 100, 'refunded')]), record('unconfirmed', [stripeLine(2, 100, 'pending')])])).toBeNull();
  });

  it('sums refunded lines and names why others were skipped', () => {
    const summary = refundSummary([record('confirmed', [stripeLine(1, 1000, 'refunded'), stripeLine(2, 1500, 'refunded'), stripeLine(3, 500, 'skipped', 'declined by gateway')])]);
    expect(summary).toBe('Refunded $25.00 on 2 payments; 1 skipped: declined by gateway');
  });

  it('tells manual refunds apart from automatic refunds that failed and were recorded anyway', () => {
    const manual = record('recorded', [{ ...stripeLine(4, 2999, 'recorded'), channel: 'manual' }]);
    expect(refundSummary([manual])).toBe('Recorded a manual refund of $29.99');
    const recordedAnyway = record('recorded', [stripeLine(5, 6000, 'recorded', 'declined')]);
    expect(refundSummary([recordedAnyway])).toMatch(/though the automatic refund failed/);
  });

  it('never reports a refund that needs a person as done', () => {
    const stopped = record('needs-manual', [stripeLine(6, 6000)], { kind: 'refund-screen-stopped', message: 'Could not find Next' });
    expect(refundSummary([stopped])).toMatch(/^Nothing was refunded: 1 not confirmed yet/);
    const failed = record('failed', [stripeLine(7, 6000)], { kind: 'not-refunded', message: 'No refund was made' });
    expect(refundSummary([failed])).toMatch(/^Nothing was refunded: 1 failed/);
  });
});
