import { describe, expect, it } from 'vitest';
import type { OrderSummary } from '@/lib/keap/payment-facts';
import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { pagePaymentsTheApiLacks } from './page-payments';
import { contactOrderRow } from './test-fixtures';

function apiRow(orderId: number, orderDate: string | null, summary: Partial<OrderSummary> = {}): ContactOrderRow {
  return contactOrderRow(orderId, { totalMinor: 12000, ...summary }, { orderDate });
}

describe('pagePaymentsTheApiLacks', () => {
  it('finds nothing to say when every payment the page shows fits an order of the API', () => {
    const orders = [apiRow(5001, '2025-01-10', { refundedMinor: 2500 }), apiRow(5002, null, { totalMinor: 900, paidMinor: 900 })];
    const payments = [
      // The order's first instalment, a later one, a refund of it, and one a day early (time zones).
      { date: '2025-01-10', amountMinor: 6000 },
      { date: '2025-02-10', amountMinor: 6000 },
      { date: '2025-02-11', amountMinor: 2500 },
      { date: '2025-01-09', amountMinor: 6000 },
      // An order without a date may be any date's.
      { date: '2024-06-01', amountMinor: 900 },
    ];
    expect(pagePaymentsTheApiLacks(payments, orders)).toEqual([]);
  });

  it('names, once each, payments larger than any order dated in time, or made before every order', () => {
    const orders = [apiRow(5001, '2025-01-10')];
    const payments = [
      { date: '2025-03-01', amountMinor: 50000 },
      { date: '2025-03-01', amountMinor: 50000 },
      { date: '2025-01-08', amountMinor: 6000 },
    ];
    expect(pagePaymentsTheApiLacks(payments, orders)).toEqual([
      { date: '2025-03-01', amountMinor: 50000, currency: 'USD' },
      { date: '2025-01-08', amountMinor: 6000, currency: 'USD' },
    ]);
  });

  it('names every payment of a contact the API has no orders for, and nothing when the page shows none', () => {
    expect(pagePaymentsTheApiLacks([{ date: '2025-01-10', amountMinor: 6000 }], [])).toHaveLength(1);
    expect(pagePaymentsTheApiLacks([], [apiRow(5001, '2025-01-10')])).toEqual([]);
  });
});
