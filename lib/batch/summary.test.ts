import { describe, expect, it } from 'vitest';
import { formatCurrencyAmounts, reviewFigures, rowCheckState, rowProblem, runProgress } from './summary';
import { draftRow, invalidRow, ranRow, readyRow } from './test-rows';

describe('reviewFigures', () => {
  it('counts rows ready, invalid and unchecked, and payments as lines of the ready rows', () => {
    const rows = [readyRow(0, [6000, 6000]), readyRow(1, [2500]), invalidRow(2, 'Already fully refunded'), draftRow(3, { problem: '"x" is not an order ID.' }), draftRow(4)];
    expect(reviewFigures(rows)).toMatchObject({ total: 5, ready: 2, invalid: 2, unchecked: 1, payments: 3, totals: [{ currency: 'USD', amountMinor: 14500 }] });
  });

  it('keeps each currency apart, in the order they first appear', () => {
    const rows = [readyRow(0, [500], { currency: 'GBP' }), readyRow(1, [1000]), readyRow(2, [250], { currency: 'GBP' })];
    expect(reviewFigures(rows).totals).toEqual([
      { currency: 'GBP', amountMinor: 750 },
      { currency: 'USD', amountMinor: 1000 },
    ]);
  });

  it('totals each channel by its lines’ gateways, the busiest first', () => {
    const rows = [readyRow(0, [1000], { gateway: 'PayPal Express' }), readyRow(1, [2000, 3000], { gateway: 'Stripe' }), readyRow(2, [400], { gateway: 'Stripe', currency: 'EUR' })];
    expect(reviewFigures(rows).channels).toEqual([
      {
        gateway: 'Stripe',
        payments: 3,
        totals: [
          { currency: 'USD', amountMinor: 5000 },
          { currency: 'EUR', amountMinor: 400 },
        ],
      },
      { gateway: 'PayPal Express', payments: 1, totals: [{ currency: 'USD', amountMinor: 1000 }] },
    ]);
  });

  it('never counts a row whose own cells did not read as ready, even with a ready check', () => {
    const row = readyRow(0, [1000], { draft: { problem: 'The reason details are longer than 500 characters.' } });
    expect(rowCheckState(row)).toBe('invalid');
    expect(rowProblem(row)).toBe('The reason details are longer than 500 characters.');
    expect(reviewFigures([row])).toMatchObject({ ready: 0, invalid: 1, payments: 0, totals: [] });
  });
});

describe('formatCurrencyAmounts', () => {
  it('totals the payments of one currency with thousands', () => {
    const rows = Array.from({ length: 37 }, (_, index) => readyRow(index, [index === 0 ? 5050 : 11_375]));
    expect(formatCurrencyAmounts(reviewFigures(rows).totals)).toBe('$4,145.50');
  });

  it('puts currencies side by side, since they cannot be added', () => {
    expect(formatCurrencyAmounts(reviewFigures([readyRow(0, [600, 400]), readyRow(1, [500], { currency: 'GBP' })]).totals)).toBe('$10.00 + £5.00');
  });
});

describe('runProgress', () => {
  it('counts the ready rows by run status, a ready row not started as waiting, and leaves invalid rows out', () => {
    const rows = [
      ranRow(readyRow(0, [100]), 'done'),
      ranRow(readyRow(1, [100]), 'done'),
      ranRow(readyRow(2, [100]), 'needs-you', 'Keap’s screen changed'),
      ranRow(readyRow(3, [100]), 'not-refunded'),
      ranRow(readyRow(4, [100]), 'running'),
      ranRow(readyRow(5, [100]), 'waiting'),
      readyRow(6, [100]),
      ranRow(readyRow(7, [100]), 'cancelled'),
      invalidRow(8, 'No such order'),
    ];
    expect(runProgress(rows)).toEqual({ total: 8, done: 2, needsYou: 1, notRefunded: 1, cancelled: 1, running: 1, waiting: 2 });
  });
});
