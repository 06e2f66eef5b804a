import type { OrderSummary } from '@/lib/keap/payment-facts';
import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';

/** A $60.00 order paid in full and not refunded, as the background sends it to the Refunds panel; tests change what they need. */
export function contactOrderRow(orderId: number, summary: Partial<OrderSummary> = {}, overrides: Partial<Omit<ContactOrderRow, 'summary'>> = {}): ContactOrderRow {
  return {
    orderId,
    title: `Order ${orderId}`,
    orderDate: '2025-01-10',
    summary: {
      orderId,
      currency: 'USD',
      totalMinor: 6000,
      paidMinor: 6000,
      refundedMinor: 0,
      refundableNowMinor: 6000,
      hasPending: false,
      hasManual: false,
      gatewayLimits: [],
      partiallyRefunded: false,
      fullyRefunded: false,
      ...summary,
    },
    ...overrides,
  };
}
