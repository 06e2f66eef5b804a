import { describe, expect, it } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { samplePlan } from '@/lib/audit/test-support';
import { settledRefunds } from './progress';

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

describe('settledRefunds', () => {
  it('waits while any refund is still moving', () => {
    expect(settledRefunds([])).toBeNull();
    expect(settledRefunds([record('submitting', [stripeLine(1, 100)])])).toBeNull();
    expect(settledRefunds([record('confirmed', [stripeLine(1, 100, 'refunded')]), record('unconfirmed', [stripeLine(2, 100, 'pending')])])).toBeNull();
  });

  it("reads each payment's outcome, and why one was skipped", () => {
    const settled = settledRefunds([record('confirmed', [stripeLine(1, 1000, 'refunded'), stripeLine(2, 1500, 'refunded'), stripeLine(3, 500, 'skipped', 'declined by gateway')])]);
    expect(settled).toEqual({
      currency: 'USD',
      lines: [
        { paymentId: 1, amountMinor: 1000, outcome: 'refunded' },
        { paymentId: 2, amountMinor: 1500, outcome: 'refunded' },
        { paymentId: 3, amountMinor: 500, outcome: 'skipped', detail: 'declined by gateway' },
      ],
    });
  });

  it('tells manual refunds apart from automatic refunds that failed and were recorded anyway', () => {
    const manual = record('recorded', [{ ...stripeLine(4, 2999, 'recorded'), channel: 'manual' }]);
    expect(settledRefunds([manual])?.lines).toEqual([{ paymentId: 4, amountMinor: 2999, outcome: 'manual-recorded' }]);
    const recordedAnyway = record('recorded', [stripeLine(5, 6000, 'recorded', 'declined')]);
    expect(settledRefunds([recordedAnyway])?.lines).toEqual([{ paymentId: 5, amountMinor: 6000, outcome: 'recorded-anyway' }]);
  });

  it('never reports a refund that needs a person as done', () => {
    const stopped = record('needs-manual', [stripeLine(6, 6000)], { kind: 'refund-screen-stopped', message: 'Could not find Next' });
    expect(settledRefunds([stopped])?.lines).toEqual([{ paymentId: 6, amountMinor: 6000, outcome: 'unconfirmed' }]);
    const failed = record('failed', [stripeLine(7, 6000)], { kind: 'not-refunded', message: 'No refund was made' });
    expect(settledRefunds([failed])?.lines).toEqual([{ paymentId: 7, amountMinor: 6000, outcome: 'failed' }]);
  });
});
