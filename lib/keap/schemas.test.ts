import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moneyFromDecimal, moneyFromDecimalIn, orderListingSchema, orderSchema, transactionListingSchema, transactionSchema } from '@/lib/keap/schemas';
import { orderJson, transactionJson } from '@/lib/keap/test-fixtures';

// Amounts as Keap's JSON may carry them: numbers, numeric text, absent or null where allowed.
const amount = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100),
  fc.integer({ min: 0, max: 99_999 }).map((cents) => (cents / 100).toFixed(2)),
);

describe('the bulk listings read what the full objects read', () => {
  it('property: an order listing holds the full order’s id, title, date and amounts', () => {
    fc.assert(
      fc.property(amount, amount, fc.option(amount, { nil: undefined }), (total, totalPaid, refundTotal) => {
        const json = orderJson(7, { total, total_paid: totalPaid, refund_total: refundTotal ?? null });
        const full = orderSchema.parse(json);
        expect(orderListingSchema.parse(json)).toEqual({
          id: full.id,
          title: full.title,
          total: full.total,
          total_paid: full.total_paid,
          refund_total: full.refund_total,
          order_date: full.order_date,
        });
      }),
    );
  });

  it('property: a transaction listing holds the full transaction’s amount and what the panel sums up', () => {
    fc.assert(
      fc.property(amount, (value) => {
        const json = transactionJson(9001, { amount: value });
        const { id: _id, errors: _errors, test: _test, transaction_date: _date, contact_id: _contact, ...listed } = transactionSchema.parse(json);
        expect(transactionListingSchema.parse(json)).toEqual(listed);
      }),
    );
  });

  it('a missing refund total is nothing refunded; a missing total fails the order at its field', () => {
    const { refund_total: _refundTotal, ...withoutRefundTotal } = orderJson(7);
    expect(orderListingSchema.parse(withoutRefundTotal).refund_total).toBe(0);
    const { total: _total, ...withoutTotal } = orderJson(7);
    expect(orderListingSchema.safeParse(withoutTotal).error?.issues.map((issue) => issue.path)).toEqual([['total']]);
  });

  it.each([
    ['text that is not a number', 'lots', '"lots" is not an amount of money.'],
    ['an object', { value: 60 }, 'Expected an amount (a number or numeric text).'],
    ['nothing at all', undefined, 'Expected an amount (a number or numeric text).'],
  ])('a total that is %s fails the order at its field', (_label, total, message) => {
    const parsed = orderListingSchema.safeParse(orderJson(7, { total }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([{ path: ['total'], message }]);
  });

  it('a transaction amount of the wrong type fails the transaction at its field', () => {
    const parsed = transactionListingSchema.safeParse(transactionJson(9001, { amount: [60] }));
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['amount']]);
  });
});

describe('zod helpers', () => {
  it('moneyFromDecimal turns a v1 decimal into minor units', () => {
    expect(moneyFromDecimal.parse(19.99)).toBe(1999);
    expect(moneyFromDecimalIn('JPY').parse(1500)).toBe(1500);
  });

  it('moneyFromDecimal reports a bad value as a zod issue', () => {
    const result = moneyFromDecimal.safeParse('lots');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"lots" is not an amount of money.');
  });
});
