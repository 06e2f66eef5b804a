// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueState } from '@/lib/batch/schema';
import { draftRow, invalidRow, ranRow, readyRow } from '@/lib/batch/test-rows';
import { QueueTable } from './QueueTable';

afterEach(cleanup);

function cellsOf(rowIndex: number): string[] {
  const rows = within(screen.getByRole('table', { name: 'Refund queue' })).getAllByRole('row');
  return within(rows[rowIndex + 1]!)
    .getAllByRole('cell')
    .map((cell) => cell.textContent ?? '');
}

describe('QueueTable', () => {
  it('shows each row in queue order: as given before the check, with amounts and contact once ready', () => {
    const rows = [readyRow(1, [6000, 2500], { currency: 'USD' }), draftRow(0, { paymentId: 7001, amount: '25.00' }), draftRow(2)];
    render(<QueueTable rows={rows} state="checked" onRemove={vi.fn()} onFinishInKeap={vi.fn()} />);
    expect(cellsOf(0)).toEqual(['1', '#5001', '#7001', '25.00', '—', 'Not checked', 'Remove']);
    expect(cellsOf(1)).toEqual(['2', '#5002', '#7011, #7012', '$85.00', 'Dana Whitfield', 'Ready', 'Remove']);
    expect(cellsOf(2)).toEqual(['3', '#5003', 'All', 'Full amount', '—', 'Not checked', 'Remove']);
  });

  it('shows what is wrong with a bad row, from its cells or from the check', () => {
    const rows = [draftRow(0, { orderId: undefined, problem: '"abc" is not an order ID.' }), invalidRow(1, 'Order #5002 has nothing to refund.')];
    render(<QueueTable rows={rows} state="checked" onRemove={vi.fn()} onFinishInKeap={vi.fn()} />);
    expect(cellsOf(0)[1]).toBe('—');
    expect(cellsOf(0)[5]).toBe('"abc" is not an order ID.');
    expect(cellsOf(1)[5]).toBe('Order #5002 has nothing to refund.');
  });

  it('shows how each row’s run went, with its message', () => {
    const rows = [
      ranRow(readyRow(0, [100]), 'done', "Keap's API shows the refund."),
      ranRow(readyRow(1, [100]), 'needs-you', 'Keap’s screen changed.'),
      ranRow(readyRow(2, [100]), 'waiting'),
    ];
    render(<QueueTable rows={rows} state="running" onRemove={vi.fn()} onFinishInKeap={vi.fn()} />);
    expect(cellsOf(0)[5]).toBe("Refunded Keap's API shows the refund.");
    expect(cellsOf(1)[5]).toBe('Needs you Keap’s screen changed.');
    expect(cellsOf(2)[5]).toBe('Waiting');
  });

  it('offers "Finish in Keap" on a row that needs the person, for its latest attempt', async () => {
    const onFinishInKeap = vi.fn();
    const rows = [
      ranRow(readyRow(0, [100]), 'needs-you', 'Nothing was sent.', ['first-attempt', 'latest-attempt']),
      ranRow(readyRow(1, [100]), 'done', undefined, ['done-attempt']),
    ];
    render(<QueueTable rows={rows} state="running" onRemove={vi.fn()} onFinishInKeap={onFinishInKeap} />);
    const buttons = screen.getAllByRole('button', { name: 'Finish in Keap' });
    expect(buttons).toHaveLength(1);
    await userEvent.click(buttons[0]!);
    expect(onFinishInKeap).toHaveBeenCalledExactlyOnceWith('latest-attempt');
  });

  it('removes a row by its button while the queue is a draft or checked', async () => {
    const onRemove = vi.fn();
    render(<QueueTable rows={[draftRow(0), draftRow(1)]} state="draft" onRemove={onRemove} onFinishInKeap={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Remove row 2 (order #5002)' }));
    expect(onRemove).toHaveBeenCalledWith('queue-1:1');
  });

  it.each<QueueState>(['checking', 'running', 'paused', 'cancelled', 'finished'])('offers no Remove button while the queue is %s', (state) => {
    render(<QueueTable rows={[readyRow(0, [100])]} state={state} onRemove={vi.fn()} onFinishInKeap={vi.fn()} />);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says how to add rows when there are none', () => {
    render(<QueueTable rows={[]} state="draft" onRemove={vi.fn()} onFinishInKeap={vi.fn()} />);
    expect(screen.getByText('No rows yet: choose a CSV file or paste order IDs.')).toBeTruthy();
  });
});
