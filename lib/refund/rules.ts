// zod/mini: the refund screen's script on Keap's page checks a plan's error handling with these, and full zod is too big for it.
import { z } from 'zod/mini';
import type { PaymentFacts } from '@/lib/keap/payment-facts';
import { formatMoney, toDecimalString } from '@/lib/money';
import { gatewayLimitText, gatewayOfPayment } from './gateways';

/**
 * Which way each payment can be refunded, and the rules for amounts, reasons and what the
 * client owes afterwards. What each gateway allows is in ./gateways.ts.
 */

export const REFUND_REASON_PRESETS = ['Sent wrong size', "Customer wasn't happy with product", 'Item misrepresented', 'Customer did not want it', 'Other'] as const;
export const refundReasonPresetSchema = z.enum(REFUND_REASON_PRESETS);
export type RefundReasonPreset = z.infer<typeof refundReasonPresetSchema>;
export const MAX_REASON_DETAILS_LENGTH = 500;

export const refundErrorHandlingSchema = z.enum(['record-anyway', 'skip-payment']);
export type RefundErrorHandling = z.infer<typeof refundErrorHandlingSchema>;
/** Keap's own words for what happens when an automatic refund fails. */
export const ERROR_HANDLING_LABELS: Record<RefundErrorHandling, string> = {
  'record-anyway': 'Record the refund anyway',
  'skip-payment': 'Skip that payment',
};

export const refundChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keap-refund-screen') }),
  z.object({ kind: z.literal('manual'), reason: z.string() }),
  z.object({ kind: z.literal('blocked'), reason: z.string() }),
]);
export type RefundChannel = z.infer<typeof refundChannelSchema>;

const NOT_REFUNDABLE_PAY_STATUSES: Readonly<Record<string, string>> = {
  VOIDED: 'This payment was voided: there is nothing to refund',
  FAILED: 'This payment failed: there is nothing to refund',
  ERROR: 'This payment did not go through: there is nothing to refund',
};

/** How this payment can be refunded: through Keap's screen, by hand and then recorded, or not at all. */
export function refundChannelFor(payment: PaymentFacts): RefundChannel {
  if (payment.isRefundRow) return { kind: 'blocked', reason: 'This is a refund, not a payment: it cannot be refunded' };
  const statusReason = NOT_REFUNDABLE_PAY_STATUSES[payment.payStatus.toUpperCase()];
  if (statusReason) return { kind: 'blocked', reason: statusReason };
  if (payment.refundableMinor <= 0) return { kind: 'blocked', reason: 'Already fully refunded' };
  if (payment.isPending) return { kind: 'blocked', reason: 'This payment has not settled yet: void it in Keap instead' };
  if (payment.isManual) {
    return { kind: 'manual', reason: 'This payment was recorded by hand (cash or check): give the money back yourself, then record it here' };
  }
  const limit = gatewayLimitText(gatewayOfPayment(payment));
  return limit === null ? { kind: 'keap-refund-screen' } : { kind: 'manual', reason: limit };
}

export type RuleCheck = { ok: true } | { ok: false; message: string };

/** The amount a payment is refunded by unless the person lowers it: everything still refundable. */
export function defaultRefundAmountMinor(payment: Pick<PaymentFacts, 'refundableMinor'>): number {
  return payment.refundableMinor;
}

/** A refund of one payment: whole minor units, more than 0, at most what is left on the payment. */
export function checkRefundAmount(amountMinor: number, payment: Pick<PaymentFacts, 'refundableMinor' | 'currency'>): RuleCheck {
  if (!Number.isSafeInteger(amountMinor)) return { ok: false, message: 'Enter the amount in whole cents.' };
  if (amountMinor <= 0) return { ok: false, message: `Enter an amount more than ${formatMoney(0, payment.currency)}.` };
  if (amountMinor > payment.refundableMinor) {
    return { ok: false, message: `At most ${formatMoney(payment.refundableMinor, payment.currency)} can be refunded on this payment.` };
  }
  return { ok: true };
}

/** What the client owes after the refund: 0 by default, never negative, never more than the order total. */
export function checkAmountOwedAfter(amountOwedMinor: number, orderTotalMinor: number, currency: string): RuleCheck {
  if (!Number.isSafeInteger(amountOwedMinor)) return { ok: false, message: 'Enter the amount in whole cents.' };
  if (amountOwedMinor < 0) return { ok: false, message: 'The amount owed cannot be negative.' };
  if (amountOwedMinor > orderTotalMinor) {
    return { ok: false, message: `The amount owed cannot be more than the order total of ${formatMoney(orderTotalMinor, currency)}.` };
  }
  return { ok: true };
}

/** The reason as Keap's Reason field gets it: the preset, with the details after it; "Other" is the details alone. */
export function reasonText(reason: { preset: RefundReasonPreset; details: string }): string {
  const details = reason.details.trim();
  if (reason.preset === 'Other') return details;
  return details === '' ? reason.preset : `${reason.preset}: ${details}`;
}

/** Plain decimal text of a default amount, as the form's amount fields start. */
export function defaultAmountText(payment: Pick<PaymentFacts, 'refundableMinor' | 'currency'>): string {
  return toDecimalString(defaultRefundAmountMinor(payment), payment.currency);
}
