import { describe, expect, it } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { samplePlan } from '@/lib/audit/test-support';
import { refundSummary, summarizeRefund } from './summary';

describe('summarizeRefund', () => {
  it.each([
    [[{ paymentId: 1, amountMinor: 2500, outcome: 'refunded' }], 'Refunded $25.00'],
    [
      [
        { paymentId: 1, amountMinor: 1000, outcome: 'refunded' },
        { paymentId: 2, amountMinor: 1500, outcome: 'refunded' },
        { paymentId: 3, amountMinor: 900, outcome: 'skipped', detail: 'gateway declined' },
      ],
      'Refunded $25.00 on 2 payments; 1 skipped: gateway declined',
    ],
    [[{ paymentId: 1, amountMinor: 2999, outcome: 'manual-recorded' }], 'Recorded a manual refund of $29.99'],
    [
      [
        { paymentId: 1, amountMinor: 2999, outcome: 'manual-recorded' },
        { paymentId: 2, amountMinor: 1, outcome: 'manual-recorded' },
      ],
      'Recorded manual refunds of $30.00 on 2 payments',
    ],
    [[{ paymentId: 1, amountMinor: 7500, outcome: 'voided' }], 'Voided $75.00'],
    [
      [
        { paymentId: 1, amountMinor: 6000, outcome: 'refunded' },
        { paymentId: 2, amountMinor: 4500, outcome: 'manual-recorded' },
      ],
      'Refunded $60.00; recorded a manual refund of $45.00',
    ],
    [
      [{ paymentId: 1, amountMinor: 4500, outcome: 'recorded-anyway', detail: 'gateway declined' }],
      'Recorded $45.00 as refunded on 1 payment though the automatic refund failed: gateway declined (return that money in your merchant account)',
    ],
    [
      [
        { paymentId: 1, amountMinor: 100, outcome: 'skipped', detail: 'gateway declined' },
        { paymentId: 2, amountMinor: 100, outcome: 'skipped', detail: 'gateway declined' },
      ],
      'Nothing was refunded: 2 skipped: gateway declined',
    ],
    [
      [
        { paymentId: 1, amountMinor: 100, outcome: 'failed', detail: "Keap's screen changed" },
        { paymentId: 2, amountMinor: 100, outcome: 'unconfirmed' },
      ],
      "Nothing was refunded: 1 failed: Keap's screen changed; 1 not confirmed yet: check it in Keap before trying again",
    ],
    [
      [
        { paymentId: 1, amountMinor: 100, outcome: 'refunded' },
        { paymentId: 2, amountMinor: 100, outcome: 'unconfirmed' },
        { paymentId: 3, amountMinor: 100, outcome: 'unconfirmed' },
      ],
      'Refunded $1.00; 2 not confirmed yet: check them in Keap before trying again',
    ],
    [[], 'Nothing was refunded: no payments were chosen'],
  ] as const)('%j → %s', (lines, sentence) => {
    expect(summarizeRefund(lines, 'USD')).toBe(sentence);
  });

  it("formats amounts in the refund's currency", () => {
    expect(summarizeRefund([{ paymentId: 1, amountMinor: 1500, outcome: 'refunded' }], 'JPY')).toBe('Refunded ¥1,500');
  });
});

function record(state: RefundRecord['state'], lines: RefundRecord['lines']): RefundRecord {
  return { ...buildPlannedRecord(samplePlan({ lines }), crypto.randomUUID(), Date.UTC(2026, 10, 27)), state };
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
  it('says nothing while any refund is still moving', () => {
    expect(refundSummary([record('submitting', [stripeLine(1, 100)])])).toBeNull();
  });

  it("sums up the journal's records once they have settled", () => {
    const summary = refundSummary([record('confirmed', [stripeLine(1, 1000, 'refunded'), stripeLine(2, 1500, 'refunded'), stripeLine(3, 500, 'skipped', 'declined by gateway')])]);
    expect(summary).toBe('Refunded $25.00 on 2 payments; 1 skipped: declined by gateway');
    expect(refundSummary([record('recorded', [{ ...stripeLine(4, 2999, 'recorded'), channel: 'manual' }])])).toBe('Recorded a manual refund of $29.99');
    expect(refundSummary([record('needs-manual', [stripeLine(6, 6000)])])).toBe('Nothing was refunded: 1 not confirmed yet: check it in Keap before trying again');
  });
});
