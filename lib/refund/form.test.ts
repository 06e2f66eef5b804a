import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDecimalString } from '@/lib/money';
import { validateRefundForm, type RefundForm } from '@/lib/refund/form';
import { paymentFacts } from '@/lib/refund/test-payment-facts';

const ORDER_TOTAL_MINOR = 12000;
const stripeFirst = paymentFacts({ paymentId: 7001 });
const stripeSecond = paymentFacts({ paymentId: 7002 });
const paypalExpress = paymentFacts({ paymentId: 7006, gatewayName: 'PayPal Express', merchantType: 'PAYPAL' });
const pending = paymentFacts({ paymentId: 7005, isPending: true, payStatus: 'PENDING' });
const facts = [stripeFirst, stripeSecond, paypalExpress, pending];

function form(overrides: Partial<RefundForm> = {}): RefundForm {
  return {
    orderId: 5001,
    contactId: 1001,
    currency: 'USD',
    payments: [
      { paymentId: 7001, selected: true, amount: '60.00' },
      { paymentId: 7002, selected: false, amount: '60.00' },
    ],
    reasonPreset: 'Sent wrong size',
    reasonDetails: '',
    errorHandling: 'skip-payment',
    amountOwed: '0',
    ...overrides,
  };
}

describe('validateRefundForm', () => {
  it('turns a full refund of one payment into a plan', () => {
    expect(validateRefundForm(form(), facts, ORDER_TOTAL_MINOR)).toEqual({
      ok: true,
      plan: {
        orderId: 5001,
        contactId: 1001,
        currency: 'USD',
        lines: [{ paymentId: 7001, amountMinor: 6000, channel: { kind: 'keap-refund-screen' } }],
        reason: { preset: 'Sent wrong size', details: '' },
        errorHandling: 'skip-payment',
        amountOwedAfterMinor: 0,
        totalMinor: 6000,
      },
    });
  });

  it("reads typed amounts with symbols and separators, keeps each line's channel and totals the lines", () => {
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7001, selected: true, amount: '$12.50' },
          { paymentId: 7006, selected: true, amount: ' 45 ' },
        ],
        reasonPreset: 'Other',
        reasonDetails: '  Duplicate order ',
        amountOwed: '$100.00',
      }),
      facts,
      ORDER_TOTAL_MINOR,
    );
    expect(result.ok && result.plan.lines).toEqual([
      { paymentId: 7001, amountMinor: 1250, channel: { kind: 'keap-refund-screen' } },
      { paymentId: 7006, amountMinor: 4500, channel: { kind: 'manual', reason: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' } },
    ]);
    expect(result.ok && result.plan.totalMinor).toBe(5750);
    expect(result.ok && result.plan.reason).toEqual({ preset: 'Other', details: 'Duplicate order' });
    expect(result.ok && result.plan.amountOwedAfterMinor).toBe(10000);
  });

  it('asks for at least one payment', () => {
    const result = validateRefundForm(form({ payments: [{ paymentId: 7001, selected: false, amount: '60.00' }] }), facts, ORDER_TOTAL_MINOR);
    expect(result).toEqual({ ok: false, errors: { payments: 'Choose at least one payment to refund.' } });
  });

  it("says what is wrong with each amount, under that payment's field", () => {
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7001, selected: true, amount: '60.01' },
          { paymentId: 7002, selected: true, amount: '0' },
          { paymentId: 7006, selected: true, amount: 'abc' },
          { paymentId: 7005, selected: true, amount: '75.00' },
          { paymentId: 9999, selected: true, amount: '1.00' },
        ],
      }),
      facts,
      ORDER_TOTAL_MINOR,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        'amount:7001': 'At most $60.00 can be refunded on this payment.',
        'amount:7002': 'Enter an amount more than $0.00.',
        'amount:7006': '"abc" is not an amount. Write it like 1,234.56.',
        'amount:7005': 'This payment has not settled yet: void it in Keap instead.',
        'amount:9999': 'Payment 9999 is not on this order.',
      },
    });
  });

  it('rejects amounts with more decimals than the currency has, and empty amounts', () => {
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7001, selected: true, amount: '1.005' },
          { paymentId: 7002, selected: true, amount: '' },
        ],
      }),
      facts,
      ORDER_TOTAL_MINOR,
    );
    expect(result).toEqual({
      ok: false,
      errors: { 'amount:7001': 'Use at most 2 digits after the decimal point.', 'amount:7002': 'Enter an amount.' },
    });
  });

  it('ignores the amounts of payments that are not selected', () => {
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7001, selected: true, amount: '60' },
          { paymentId: 7002, selected: false, amount: 'nonsense' },
        ],
      }),
      facts,
      ORDER_TOTAL_MINOR,
    );
    expect(result.ok).toBe(true);
  });

  it('requires details for Other and limits their length', () => {
    expect(validateRefundForm(form({ reasonPreset: 'Other', reasonDetails: '   ' }), facts, ORDER_TOTAL_MINOR)).toEqual({
      ok: false,
      errors: { reasonDetails: 'Say what the other reason is.' },
    });
    expect(validateRefundForm(form({ reasonDetails: 'x'.repeat(501) }), facts, ORDER_TOTAL_MINOR)).toEqual({
      ok: false,
      errors: { reasonDetails: 'Keep the details to 500 characters or fewer.' },
    });
  });

  it("asks for a reason when the preset is not one of Keap's", () => {
    const badReason = { ...form(), reasonPreset: 'Because' } as unknown as RefundForm;
    expect(validateRefundForm(badReason, facts, ORDER_TOTAL_MINOR)).toEqual({ ok: false, errors: { reason: 'Choose a reason for the refund.' } });
  });

  it('checks the amount owed afterwards', () => {
    expect(validateRefundForm(form({ amountOwed: '-5' }), facts, ORDER_TOTAL_MINOR)).toEqual({
      ok: false,
      errors: { amountOwed: 'Enter the amount without a minus sign; it cannot be negative.' },
    });
    expect(validateRefundForm(form({ amountOwed: '120.01' }), facts, ORDER_TOTAL_MINOR)).toEqual({
      ok: false,
      errors: { amountOwed: 'The amount owed cannot be more than the order total of $120.00.' },
    });
    expect(validateRefundForm(form({ amountOwed: '' }), facts, ORDER_TOTAL_MINOR)).toEqual({ ok: false, errors: { amountOwed: 'Enter an amount.' } });
  });

  it('rejects a payment of another order or currency', () => {
    const otherOrder = paymentFacts({ paymentId: 7100, orderId: 5002 });
    const euro = paymentFacts({ paymentId: 7101, currency: 'EUR' });
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7100, selected: true, amount: '1' },
          { paymentId: 7101, selected: true, amount: '1' },
        ],
      }),
      [otherOrder, euro],
      ORDER_TOTAL_MINOR,
    );
    expect(result).toEqual({
      ok: false,
      errors: { 'amount:7100': 'Payment 7100 is not on this order.', 'amount:7101': 'Payment 7101 is in EUR, not USD.' },
    });
  });

  it('rejects a payment listed twice', () => {
    const result = validateRefundForm(
      form({
        payments: [
          { paymentId: 7001, selected: true, amount: '1' },
          { paymentId: 7001, selected: true, amount: '2' },
        ],
      }),
      facts,
      ORDER_TOTAL_MINOR,
    );
    expect(result).toEqual({ ok: false, errors: { payments: 'A payment is listed twice. Close the form and start the refund again.' } });
  });

  it('plans exactly the typed amounts, whose sum is the total', () => {
    const refundableArbitrary = fc.integer({ min: 1, max: 1_000_000 });
    fc.assert(
      fc.property(
        fc.array(
          refundableArbitrary.chain((refundable) => fc.tuple(fc.constant(refundable), fc.integer({ min: 1, max: refundable }))),
          { minLength: 1, maxLength: 6 },
        ),
        (paymentAmounts) => {
          const paymentsFacts = paymentAmounts.map(([refundable], index) => paymentFacts({ paymentId: 8000 + index, amountMinor: refundable, refundableMinor: refundable }));
          const result = validateRefundForm(
            form({ payments: paymentAmounts.map(([, amount], index) => ({ paymentId: 8000 + index, selected: true, amount: toDecimalString(amount) })) }),
            paymentsFacts,
            ORDER_TOTAL_MINOR,
          );
          if (!result.ok) throw new Error(JSON.stringify(result.errors));
          expect(result.plan.lines.map((line) => line.amountMinor)).toEqual(paymentAmounts.map(([, amount]) => amount));
          expect(result.plan.totalMinor).toBe(paymentAmounts.reduce((sum, [, amount]) => sum + amount, 0));
        },
      ),
    );
  });
});
