import { z } from 'zod';

/**
 * What the refund rules need to know about one invoice payment on a Keap order,
 * combined from the order, its invoice payments, its transactions and the merchant list.
 * Money is integer minor units (cents).
 */
export const paymentFactsSchema = z.object({
  /** The invoice payment's `id` (what Keap's Refund Payment screen lists as "Payment ID"). */
  paymentId: z.number().int(),
  orderId: z.number().int(),
  /** The transaction taken to have charged this payment, when one could be linked. */
  transactionId: z.number().int().nullable(),
  /** Signed: refund rows are negative. */
  amountMinor: z.number().int(),
  currency: z.string().min(3),
  payDate: z.string(),
  payStatus: z.string(),
  /** Sum of |amount| of the refund rows pointing at this payment. */
  refundedMinor: z.number().int().nonnegative(),
  /** amount − refunded, never below 0 (0 for refund rows). */
  refundableMinor: z.number().int().nonnegative(),
  /** The transaction's `gateway`, e.g. "Stripe" or "PayPal Express"; null when unknown. */
  gatewayName: z.string().nullable(),
  merchantAccountName: z.string().nullable(),
  /** Merchant `type` from GET /v1/merchants, e.g. STRIPE, PAYPAL, EWAY; null when unknown. */
  merchantType: z.string().nullable(),
  isTestMode: z.boolean(),
  /** Recorded by hand (cash, check): pay_status MANUAL_PAID or a MANUAL transaction. */
  isManual: z.boolean(),
  /** Not settled yet: PENDING on the payment or on its transaction. */
  isPending: z.boolean(),
  /** This row is itself a refund of another payment. */
  isRefundRow: z.boolean(),
});
export type PaymentFacts = z.infer<typeof paymentFactsSchema>;

export const orderSummarySchema = z.object({
  orderId: z.number().int(),
  currency: z.string().min(3),
  totalMinor: z.number().int(),
  paidMinor: z.number().int(),
  refundedMinor: z.number().int().nonnegative(),
  /** Sum of refundable amounts of settled payments that are not refund rows. */
  refundableNowMinor: z.number().int().nonnegative(),
  hasPending: z.boolean(),
  hasManual: z.boolean(),
  /** Gateways on this order's payments that Keap cannot refund through (e.g. "PayPal Express"). */
  gatewaysThatCannotRefundInKeap: z.array(z.string()),
  partiallyRefunded: z.boolean(),
  fullyRefunded: z.boolean(),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;
