// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { draftRow, invalidRow, readyRow } from '@/lib/batch/test-rows';
import { QueueReview, type QueueReviewProps } from './QueueReview';

afterEach(cleanup);

function props(overrides: Partial<QueueReviewProps> = {}): QueueReviewProps {
  return { state: 'checked', rows: [], busy: false, onCheck: vi.fn(), onRun: vi.fn(), ...overrides };
}

describe('QueueReview', () => {
  it('counts the rows, totals each currency and channel, and names the total on the run button', async () => {
    const onRun = vi.fn();
    const rows = [
      readyRow(0, [6000, 400], { gateway: 'Stripe' }),
      readyRow(1, [500], { currency: 'GBP', gateway: 'Authorize.Net' }),
      invalidRow(2, 'Order #5003 has nothing to refund.'),
    ];
    render(<QueueReview {...props({ rows, onRun })} />);
    expect(screen.getByText('3 rows · 2 ready · 1 cannot be refunded')).toBeTruthy();
    expect(screen.getByText('$64.00 + £5.00')).toBeTruthy();
    const channels = within(screen.getByRole('table', { name: 'By channel' }));
    expect(channels.getByRole('row', { name: 'Stripe 2 $64.00' })).toBeTruthy();
    expect(channels.getByRole('row', { name: 'Authorize.Net 1 £5.00' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Refund 3 payments: $64.00 + £5.00' }));
    expect(onRun).toHaveBeenCalledTimes(1);
  });

  it('counts in thousands, and says "row" for one', () => {
    const rows = Array.from({ length: 1204 }, (_, index) => readyRow(index, [100]));
    render(<QueueReview {...props({ rows })} />);
    expect(screen.getByText('1,204 rows · 1,204 ready')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Refund 1,204 payments: $1,204.00' })).toBeTruthy();
    cleanup();
    render(<QueueReview {...props({ rows: [readyRow(0, [100])] })} />);
    expect(screen.getByText('1 row · 1 ready')).toBeTruthy();
  });

  it('disables the run button when nothing is ready', () => {
    render(<QueueReview {...props({ rows: [invalidRow(0, 'No such order.')] })} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Nothing ready to refund' }).disabled).toBe(true);
  });

  it('disables the run button while busy', () => {
    render(<QueueReview {...props({ rows: [readyRow(0, [100])], busy: true })} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refund 1 payment: $1.00' }).disabled).toBe(true);
  });

  it('offers "Check rows" for a draft, and no run button', async () => {
    const onCheck = vi.fn();
    render(<QueueReview {...props({ state: 'draft', rows: [draftRow(0), draftRow(1)], onCheck })} />);
    expect(screen.getByText('2 rows · 0 ready · 2 not checked')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Check rows' }));
    expect(onCheck).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: /^Refund|Nothing ready/ })).toBeNull();
  });

  it('cannot check an empty draft, and has no buttons while checking', () => {
    render(<QueueReview {...props({ state: 'draft' })} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Check rows' }).disabled).toBe(true);
    cleanup();
    render(<QueueReview {...props({ state: 'checking', rows: [draftRow(0)] })} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('Checking rows with Keap…')).toBeTruthy();
  });
});
