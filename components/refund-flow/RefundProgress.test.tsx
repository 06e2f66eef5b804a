// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import { samplePlan } from '@/lib/audit/test-support';
import type { GuidedRefund } from '@/lib/refund/guided';
import { RefundProgress, type RefundProgressProps } from './RefundProgress';

afterEach(cleanup);

const REFUND_ID = '0190a000-0000-7000-8000-000000000001';
const waiting = { ...buildPlannedRecord(samplePlan({ newerAppOrigin: 'https://keap.app' }), REFUND_ID, 0), state: 'needs-manual' as const };

function renderProgress(guide: GuidedRefund, records: RefundProgressProps['records'] = [waiting]) {
  const props: RefundProgressProps = {
    records,
    guided: { [REFUND_ID]: guide },
    summary: null,
    busyRecordId: null,
    actionError: null,
    learning: null,
    onRecheck: vi.fn(),
    onMarkNotRefunded: vi.fn(),
    onContinueInKeap: vi.fn(),
    onUseClassicScreen: vi.fn(),
    onLearn: vi.fn(),
    onStartOver: vi.fn(),
  };
  render(<RefundProgress {...props} />);
  return props;
}

describe("RefundProgress for a refund in Keap's newer app", () => {
  it("offers Keap's classic refund screen, and says why", async () => {
    const props = renderProgress({ items: [], classicScreen: true, watch: 'watching' });
    expect(screen.getByText(/may refund whole payments only/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: "Use Keap's classic refund screen" }));
    expect(props.onUseClassicScreen).toHaveBeenCalledExactlyOnceWith(REFUND_ID);
  });

  it('offers nothing of the kind on the classic screen', () => {
    renderProgress({ items: [], watch: 'watching' });
    expect(screen.queryByRole('button', { name: "Use Keap's classic refund screen" })).toBeNull();
  });
});

describe("RefundProgress's payment lines", () => {
  it('say which payment, how much, whether it was manual, and what happened with why', () => {
    const lines = [
      { paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' as const, outcome: 'skipped' as const, detail: 'gateway declined' },
      { paymentId: 7002, amountMinor: 2999, currency: 'USD', channel: 'manual' as const },
    ];
    const record = { ...buildPlannedRecord(samplePlan({ lines }), REFUND_ID, 0), state: 'submitting' as const };
    renderProgress({ items: [], watch: 'watching' }, [record]);
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Payment #7001: $60.00 — skipped (gateway declined)',
      'Payment #7002: $29.99 (manual refund) — in progress',
    ]);
    expect(screen.getByRole('article', { name: 'Refund of order #9001' }).textContent).toContain("Working in Keap's refund screen…");
  });
});
