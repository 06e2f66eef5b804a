// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queue, QueueState } from '@/lib/batch/schema';
import { invalidRow, ranRow, readyRow } from '@/lib/batch/test-rows';
import { QueueRunControls, type QueueRunControlsProps } from './QueueRunControls';

afterEach(cleanup);

function queue(state: QueueState, pausedBecause?: Queue['pausedBecause']): Queue {
  return { id: 'queue-1', createdAt: 1, updatedAt: 2, appName: 'refunddemo', state, defaults: { reasonDetails: '', errorHandling: 'skip-payment' }, pausedBecause };
}

const ROWS = [
  ranRow(readyRow(0, [100]), 'done'),
  ranRow(readyRow(1, [100]), 'needs-you'),
  ranRow(readyRow(2, [100]), 'running'),
  ranRow(readyRow(3, [100]), 'waiting'),
  readyRow(4, [100]),
  invalidRow(5, 'No such order.'),
];

function props(overrides: Partial<QueueRunControlsProps> = {}): QueueRunControlsProps {
  return { queue: queue('running'), rows: ROWS, busy: false, onPause: vi.fn(), onResume: vi.fn(), onCancel: vi.fn(), onExport: vi.fn(), ...overrides };
}

function buttonNames(): string[] {
  return screen.getAllByRole('button').map((button) => button.textContent ?? '');
}

describe('QueueRunControls', () => {
  it('shows the progress of the ready rows', () => {
    render(<QueueRunControls {...props()} />);
    expect(screen.getByText('1 of 5 done · 1 refunding now · 1 needs you · 2 waiting')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Run progress' });
    expect(bar.getAttribute('value')).toBe('2');
    expect(bar.getAttribute('max')).toBe('5');
  });

  it('counts the rows that need the person, were not refunded or were cancelled', () => {
    const rows = [
      ranRow(readyRow(0, [100]), 'needs-you'),
      ranRow(readyRow(1, [100]), 'needs-you'),
      ranRow(readyRow(2, [100]), 'not-refunded'),
      ranRow(readyRow(3, [100]), 'cancelled'),
    ];
    render(<QueueRunControls {...props({ queue: queue('cancelled'), rows })} />);
    expect(screen.getByText('0 of 4 done · 2 need you · 1 not refunded · 1 cancelled')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Cancelled' })).toBeTruthy();
  });

  it.each<[QueueState, string[]]>([
    ['running', ['Pause', 'Cancel', 'Export report (CSV)']],
    ['paused', ['Resume', 'Cancel', 'Export report (CSV)']],
    ['cancelled', ['Export report (CSV)']],
    ['finished', ['Export report (CSV)']],
  ])('offers the buttons of a %s run', (state, names) => {
    render(<QueueRunControls {...props({ queue: queue(state) })} />);
    expect(buttonNames()).toEqual(names);
  });

  it('calls back on Pause, Resume, Cancel and Export', async () => {
    const callbacks = { onPause: vi.fn(), onResume: vi.fn(), onCancel: vi.fn(), onExport: vi.fn() };
    render(<QueueRunControls {...props(callbacks)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await userEvent.click(screen.getByRole('button', { name: 'Export report (CSV)' }));
    cleanup();
    render(<QueueRunControls {...props({ ...callbacks, queue: queue('paused') })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect([callbacks.onPause, callbacks.onCancel, callbacks.onExport, callbacks.onResume].map((callback) => callback.mock.calls.length)).toEqual([1, 1, 1, 1]);
  });

  it('says why Refund Desk paused the run, and when it goes on', () => {
    const resumeAt = Date.parse('2026-03-02T14:30:00Z');
    render(<QueueRunControls {...props({ queue: queue('paused', { message: "Keap's API asked Refund Desk to slow down.", resumeAt }) })} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toContain("Keap's API asked Refund Desk to slow down.");
    expect(status.textContent).toContain('Refund Desk goes on by itself at');
  });

  it('says a run paused by the person sends nothing until resumed', () => {
    render(<QueueRunControls {...props({ queue: queue('paused') })} />);
    expect(screen.getByRole('status').textContent).toBe('Paused: nothing more is sent until you resume.');
  });

  it('keeps the buttons waiting while busy', () => {
    render(<QueueRunControls {...props({ busy: true })} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Pause' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Cancel' }).disabled).toBe(true);
  });
});
