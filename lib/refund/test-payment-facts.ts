import type { PaymentFacts } from '@/lib/keap/payment-facts';

/** A settled $60.00 Stripe payment on order 5001; tests override what they are about. */
export function paymentFacts(overrides: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    paymentId: 7001,
    orderId: 5001,
    transactionId: 9001,
    amountMinor: 6000,
    currency: 'USD',
    payDate: '2025-04-23T00:00:00.000Z',
    payStatus: 'APPROVED',
    refundedMinor: 0,
    refundableMinor: 6000,
    gatewayName: 'Stripe',
    merchantAccountName: 'Stripe',
    merchantType: 'STRIPE',
    possibleGatewayNames: [],
    isTestMode: false,
    isManual: false,
    isPending: false,
    isRefundRow: false,
    ...overrides,
  };
}
