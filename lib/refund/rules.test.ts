import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyGateway,
  GATEWAYS_THAT_CANNOT_REFUND_IN_KEAP,
  GATEWAYS_THAT_REFUND_IN_KEAP,
  gatewayLimitOf,
  gatewayLimitsOfPayment,
  gatewayLimitText,
} from '@/lib/refund/gateways';
import { checkAmountOwedAfter, checkRefundAmount, defaultAmountText, defaultRefundAmountMinor, reasonText, refundChannelFor } from '@/lib/refund/rules';
import { paymentFacts } from '@/lib/refund/test-payment-facts';

describe('refundChannelFor', () => {
  it.each(GATEWAYS_THAT_REFUND_IN_KEAP.map((gateway) => [gateway]))("sends settled %s payments through Keap's refund screen", (gateway) => {
    expect(refundChannelFor(paymentFacts({ gatewayName: gateway }))).toEqual({ kind: 'keap-refund-screen' });
  });

  it.each([['stripe'], ['  STRIPE '], ['authorize.net'], ['Authorize Net'], ['AuthorizeNet'], ['paypal commerce'], ['WEPAY'], ['nexus']])(
    'matches gateway name "%s" regardless of case, spaces and dots',
    (gateway) => {
      expect(refundChannelFor(paymentFacts({ gatewayName: gateway }))).toEqual({ kind: 'keap-refund-screen' });
    },
  );

  it.each([
    ['PayPal Express', 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here'],
    ['PayPal Payflow Pro', 'PayPal Payflow Pro cannot refund from Keap: refund it in your PayPal account, then record it here'],
    ['eWAY', 'eWAY cannot refund from Keap: refund it in your eWAY account, then record it here'],
    ['paypal  express', 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here'],
    ['EWAY', 'eWAY cannot refund from Keap: refund it in your eWAY account, then record it here'],
  ])('makes %s payments manual, saying where to refund', (gateway, reason) => {
    expect(refundChannelFor(paymentFacts({ gatewayName: gateway }))).toEqual({ kind: 'manual', reason });
  });

  it('covers every gateway that cannot refund in Keap', () => {
    for (const gateway of Object.keys(GATEWAYS_THAT_CANNOT_REFUND_IN_KEAP)) {
      expect(refundChannelFor(paymentFacts({ gatewayName: gateway })).kind).toBe('manual');
    }
  });

  it('makes cash and check payments manual', () => {
    expect(refundChannelFor(paymentFacts({ isManual: true, gatewayName: null, merchantType: null, payStatus: 'MANUAL_PAID' }))).toEqual({
      kind: 'manual',
      reason: 'This payment was recorded by hand (cash or check): give the money back yourself, then record it here',
    });
  });

  it('makes payments through unknown gateways manual, naming the gateway', () => {
    expect(refundChannelFor(paymentFacts({ gatewayName: 'Braintree', merchantType: 'UNSUPPORTED' }))).toEqual({
      kind: 'manual',
      reason: 'Refund Desk does not know whether Braintree can refund from Keap: refund it in your merchant account, then record it here',
    });
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: null }))).toEqual({
      kind: 'manual',
      reason: 'The gateway of this payment is not known: refund it in your merchant account, then record it here',
    });
  });

  it('falls back to the merchant type when the transaction names no gateway, except for ambiguous PayPal', () => {
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: 'AUTHORIZE' }))).toEqual({ kind: 'keap-refund-screen' });
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: 'EWAY' })).kind).toBe('manual');
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: 'PAYPAL' }))).toEqual({
      kind: 'manual',
      reason: 'The gateway of this payment is not known: refund it in your merchant account, then record it here',
    });
    expect(classifyGateway(null, 'KEAP_PAY')).toEqual({ kind: 'unknown', name: null });
  });

  it('makes payments Refund Desk cannot tell apart manual, naming the gateways they may have gone through', () => {
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: null, possibleGatewayNames: ['PayPal Express', 'Stripe'] }))).toEqual({
      kind: 'manual',
      reason: 'Refund Desk cannot tell whether PayPal Express or Stripe took this payment: refund it in the merchant account that did, then record it here',
    });
    expect(gatewayLimitText({ kind: 'one-of', names: ['eWAY', 'PayPal Express', 'Stripe'] })).toMatch(/^Refund Desk cannot tell whether eWAY, PayPal Express or Stripe took/);
    // A gateway the payment's charges agree on wins over the names of the ones they may be.
    expect(refundChannelFor(paymentFacts({ gatewayName: null, merchantType: 'STRIPE', possibleGatewayNames: ['Stripe'] }))).toEqual({ kind: 'keap-refund-screen' });
  });

  it('words each gateway limit once, for the side panel’s payments and the Refunds panel’s badges', () => {
    for (const gatewayName of ['PayPal Express', 'eWAY', 'Braintree', null]) {
      const fact = paymentFacts({ gatewayName, merchantType: null });
      const channel = refundChannelFor(fact);
      expect(channel.kind === 'manual' && channel.reason).toBe(gatewayLimitText(classifyGateway(gatewayName)));
      const limits = gatewayLimitsOfPayment(fact);
      expect(limits).toEqual(gatewayName === null ? [] : [{ gatewayName: classifyGateway(gatewayName).name, text: gatewayLimitText(classifyGateway(gatewayName)) }]);
    }
    expect(gatewayLimitOf(classifyGateway('Stripe'))).toBeNull();
    expect(gatewayLimitsOfPayment(paymentFacts({ gatewayName: null, merchantType: null, possibleGatewayNames: ['PayPal Express', 'Stripe', 'Braintree'] }))).toEqual([
      gatewayLimitOf(classifyGateway('PayPal Express')),
      gatewayLimitOf(classifyGateway('Braintree')),
    ]);
  });

  it('blocks pending payments, which must be voided', () => {
    expect(refundChannelFor(paymentFacts({ isPending: true, payStatus: 'PENDING' }))).toEqual({
      kind: 'blocked',
      reason: 'This payment has not settled yet: void it in Keap instead',
    });
  });

  it('treats test-mode payments like live ones', () => {
    expect(refundChannelFor(paymentFacts({ isTestMode: true }))).toEqual({ kind: 'keap-refund-screen' });
    expect(refundChannelFor(paymentFacts({ isTestMode: true, gatewayName: 'PayPal Express' })).kind).toBe('manual');
  });

  it('blocks fully refunded payments, whatever the gateway', () => {
    const fullyRefunded = { refundedMinor: 6000, refundableMinor: 0, payStatus: 'REFUNDED' };
    expect(refundChannelFor(paymentFacts(fullyRefunded))).toEqual({ kind: 'blocked', reason: 'Already fully refunded' });
    expect(refundChannelFor(paymentFacts({ ...fullyRefunded, gatewayName: 'PayPal Express' }))).toEqual({ kind: 'blocked', reason: 'Already fully refunded' });
    expect(refundChannelFor(paymentFacts({ ...fullyRefunded, isManual: true }))).toEqual({ kind: 'blocked', reason: 'Already fully refunded' });
  });

  it('lets partly refunded payments be refunded again', () => {
    expect(refundChannelFor(paymentFacts({ refundedMinor: 2000, refundableMinor: 4000 }))).toEqual({ kind: 'keap-refund-screen' });
  });

  it('blocks refund rows themselves', () => {
    expect(refundChannelFor(paymentFacts({ isRefundRow: true, amountMinor: -2000, refundableMinor: 0, payStatus: 'REFUNDED' }))).toEqual({
      kind: 'blocked',
      reason: 'This is a refund, not a payment: it cannot be refunded',
    });
  });

  it.each([
    ['VOIDED', 'This payment was voided: there is nothing to refund'],
    ['FAILED', 'This payment failed: there is nothing to refund'],
    ['ERROR', 'This payment did not go through: there is nothing to refund'],
  ])('blocks %s payments', (payStatus, reason) => {
    expect(refundChannelFor(paymentFacts({ payStatus }))).toEqual({ kind: 'blocked', reason });
  });
});

describe('refund amounts', () => {
  const refundableArbitrary = fc.integer({ min: 1, max: 10_000_000 });

  it('defaults to everything still refundable', () => {
    expect(defaultRefundAmountMinor(paymentFacts({ refundableMinor: 4000 }))).toBe(4000);
    expect(defaultAmountText(paymentFacts({ refundableMinor: 4000 }))).toBe('40.00');
  });

  it('accepts any whole amount more than 0 and at most the refundable amount', () => {
    fc.assert(
      fc.property(
        refundableArbitrary.chain((refundable) => fc.tuple(fc.constant(refundable), fc.integer({ min: 1, max: refundable }))),
        ([refundable, amount]) => {
          expect(checkRefundAmount(amount, paymentFacts({ refundableMinor: refundable }))).toEqual({ ok: true });
        },
      ),
    );
  });

  it('rejects 0 and negative amounts', () => {
    fc.assert(
      fc.property(refundableArbitrary, fc.integer({ min: -10_000_000, max: 0 }), (refundable, amount) => {
        expect(checkRefundAmount(amount, paymentFacts({ refundableMinor: refundable }))).toEqual({ ok: false, message: 'Enter an amount more than $0.00.' });
      }),
    );
  });

  it('rejects amounts over the refundable amount, saying how much is left', () => {
    fc.assert(
      fc.property(refundableArbitrary, fc.integer({ min: 1, max: 10_000_000 }), (refundable, excess) => {
        const check = checkRefundAmount(refundable + excess, paymentFacts({ refundableMinor: refundable }));
        expect(check.ok).toBe(false);
        expect(!check.ok && check.message).toMatch(/^At most \$[\d,]+\.\d\d can be refunded on this payment\.$/);
      }),
    );
    expect(checkRefundAmount(6001, paymentFacts())).toEqual({ ok: false, message: 'At most $60.00 can be refunded on this payment.' });
  });

  it('rejects amounts that are not whole minor units', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 5999, noNaN: true }).filter((amount) => !Number.isInteger(amount)),
        (amount) => {
          expect(checkRefundAmount(amount, paymentFacts())).toEqual({ ok: false, message: 'Enter the amount in whole cents.' });
        },
      ),
    );
    expect(checkRefundAmount(Number.NaN, paymentFacts()).ok).toBe(false);
    expect(checkRefundAmount(Number.POSITIVE_INFINITY, paymentFacts()).ok).toBe(false);
  });
});

describe('amount owed after the refund', () => {
  it('accepts anything from 0 to the order total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }).chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 0, max: total }))),
        ([total, owed]) => {
          expect(checkAmountOwedAfter(owed, total, 'USD')).toEqual({ ok: true });
        },
      ),
    );
  });

  it('rejects negative amounts and amounts over the order total', () => {
    expect(checkAmountOwedAfter(-1, 12000, 'USD')).toEqual({ ok: false, message: 'The amount owed cannot be negative.' });
    expect(checkAmountOwedAfter(12001, 12000, 'USD')).toEqual({ ok: false, message: 'The amount owed cannot be more than the order total of $120.00.' });
    expect(checkAmountOwedAfter(0.5, 12000, 'USD')).toEqual({ ok: false, message: 'Enter the amount in whole cents.' });
  });
});

describe('reasonText', () => {
  it('puts details after the preset, and uses the details alone for Other', () => {
    expect(reasonText({ preset: 'Sent wrong size', details: '' })).toBe('Sent wrong size');
    expect(reasonText({ preset: 'Sent wrong size', details: ' needed L ' })).toBe('Sent wrong size: needed L');
    expect(reasonText({ preset: 'Other', details: 'Duplicate order' })).toBe('Duplicate order');
  });
});
