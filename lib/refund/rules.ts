// zod/mini: the refund screen's script on Keap's page checks a plan's error handling with these, and full zod is too big for it.
import { z } from 'zod/mini';
import { i18n } from '#i18n';
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

/** Why a payment of a status under which no money was collected cannot be refunded; undefined for other statuses. */
function notCollectedReason(payStatus: string): string | undefined {
  switch (payStatus.toUpperCase()) {
    case 'VOIDED':
      return i18n.t('problems.payment.voided');
    case 'FAILED':
      return i18n.t('problems.payment.failed');
    case 'ERROR':
      return i18n.t('problems.payment.notThrough');
    default:
      return undefined;
  }
}

/** How this payment can be refunded: through Keap's screen, by hand and then recorded, or not at all. */
export function refundChannelFor(payment: PaymentFacts): RefundChannel {
  if (payment.isRefundRow) return { kind: 'blocked', reason: i18n.t('problems.payment.refundRow') };
  const statusReason = notCollectedReason(payment.payStatus);
  if (statusReason) return { kind: 'blocked', reason: statusReason };
  if (payment.refundableMinor <= 0) return { kind: 'blocked', reason: i18n.t('problems.payment.fullyRefunded') };
  if (payment.isPending) return { kind: 'blocked', reason: i18n.t('problems.payment.pending') };
  if (payment.isManual) return { kind: 'manual', reason: i18n.t('problems.payment.manual') };
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
  if (!Number.isSafeInteger(amountMinor)) return { ok: false, message: i18n.t('problems.amount.wholeCents') };
  if (amountMinor <= 0) return { ok: false, message: i18n.t('problems.amount.moreThan', [formatMoney(0, payment.currency)]) };
  if (amountMinor > payment.refundableMinor) {
    return { ok: false, message: i18n.t('problems.amount.atMost', [formatMoney(payment.refundableMinor, payment.currency)]) };
  }
  return { ok: true };
}

/** What the client owes after the refund: 0 by default, never negative, never more than the order total. */
export function checkAmountOwedAfter(amountOwedMinor: number, orderTotalMinor: number, currency: string): RuleCheck {
  if (!Number.isSafeInteger(amountOwedMinor)) return { ok: false, message: i18n.t('problems.amount.wholeCents') };
  if (amountOwedMinor < 0) return { ok: false, message: i18n.t('problems.amount.owedNegative') };
  if (amountOwedMinor > orderTotalMinor) {
    return { ok: false, message: i18n.t('problems.amount.owedAboveTotal', [formatMoney(orderTotalMinor, currency)]) };
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
