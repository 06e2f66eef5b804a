import { describe, expect, it } from 'vitest';
import { planGroupsByChannel, refundPlanSchema, type RefundPlan } from '@/lib/refund/plan';

const manualChannel = { kind: 'manual', reason: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' } as const;

function plan(overrides: Partial<RefundPlan> = {}): RefundPlan {
  return {
    orderId: 5001,
    contactId: 1001,
    currency: 'USD',
    lines: [
      { paymentId: 7001, amountMinor: 6000, channel: { kind: 'keap-refund-screen' } },
      { paymentId: 7006, amountMinor: 4500, channel: manualChannel },
      { paymentId: 7002, amountMinor: 100, channel: { kind: 'keap-refund-screen' } },
    ],
    reason: { preset: 'Item misrepresented', details: '' },
    errorHandling: 'record-anyway',
    amountOwedAfterMinor: 0,
    totalMinor: 10600,
    ...overrides,
  };
}

describe('refundPlanSchema', () => {
  it('accepts a plan whose total is the sum of its lines', () => {
    expect(refundPlanSchema.safeParse(plan()).success).toBe(true);
  });

  it('rejects a total that is not the sum of the lines', () => {
    const parsed = refundPlanSchema.safeParse(plan({ totalMinor: 10599 }));
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['The total must be the sum of the lines.']);
  });

  it('rejects blocked lines, repeated payments, empty plans and non-positive amounts', () => {
    const blockedLine = { paymentId: 7001, amountMinor: 6000, channel: { kind: 'blocked', reason: 'Already fully refunded' } };
    expect(refundPlanSchema.safeParse({ ...plan(), lines: [blockedLine], totalMinor: 6000 }).success).toBe(false);
    expect(
      refundPlanSchema.safeParse(
        plan({
          lines: [
            { paymentId: 7001, amountMinor: 1, channel: { kind: 'keap-refund-screen' } },
            { paymentId: 7001, amountMinor: 1, channel: { kind: 'keap-refund-screen' } },
          ],
          totalMinor: 2,
        }),
      ).success,
    ).toBe(false);
    expect(refundPlanSchema.safeParse(plan({ lines: [], totalMinor: 0 })).success).toBe(false);
    expect(refundPlanSchema.safeParse(plan({ lines: [{ paymentId: 7001, amountMinor: 0, channel: { kind: 'keap-refund-screen' } }], totalMinor: 0 })).success).toBe(false);
  });
});

describe('planGroupsByChannel', () => {
  it('splits Keap-screen lines from manual ones, keeping their order', () => {
    expect(planGroupsByChannel(plan())).toEqual({
      keapScreen: [
        { paymentId: 7001, amountMinor: 6000, channel: { kind: 'keap-refund-screen' } },
        { paymentId: 7002, amountMinor: 100, channel: { kind: 'keap-refund-screen' } },
      ],
      manual: [{ paymentId: 7006, amountMinor: 4500, channel: manualChannel }],
    });
  });
});
