import { z } from 'zod';
import type { PaymentFacts } from '@/lib/keap/payment-facts';
import { formatMoney, toDecimalString } from '@/lib/money';

/**
 * Which way each payment can be refunded, and the rules for amounts, reasons and what the
 * client owes afterwards. Gateway lists come from Keap's help centre (keap-facts.md).
 */

/** Gateways whose payments Keap can refund (and void) from its own Refund Payment screen. */
export const GATEWAYS_THAT_REFUND_IN_KEAP = ['WePay', 'Authorize.Net', 'Nexus', 'PayPal Commerce', 'Stripe'] as const;
/** Gateways whose payments must be refunded in the processor's own account; where that is, for the message. */
export const GATEWAYS_THAT_CANNOT_REFUND_IN_KEAP = {
  eWAY: 'eWAY',
  'PayPal Express': 'PayPal',
  'PayPal Payflow Pro': 'PayPal',
} as const;
/** Merchant `type` (GET /v1/merchants) → gateway, for payments whose transaction names no gateway. PAYPAL is ambiguous. */
export const GATEWAY_BY_MERCHANT_TYPE: Readonly<Record<string, string>> = {
  STRIPE: 'Stripe',
  AUTHORIZE: 'Authorize.Net',
  WEPAY: 'WePay',
  EWAY: 'eWAY',
};

export const REFUND_REASON_PRESETS = [
  'Sent wrong size',
  "Customer wasn't happy with product",
  'Item misrepresented',
  'Customer did not want it',
  'Other',
] as const;
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

function gatewayKey(name: string): string {
  return name.toLowerCase().replace(/[\s.\-_]/g, '');
}

/** The known gateways by their compared form, built once: the Refunds panel classifies every charge of a contact. */
const KNOWN_GATEWAYS = new Map<string, GatewayKind>([
  ...GATEWAYS_THAT_REFUND_IN_KEAP.map((name): [string, GatewayKind] => [gatewayKey(name), { kind: 'refunds-in-keap', name }]),
  ...(Object.entries(GATEWAYS_THAT_CANNOT_REFUND_IN_KEAP) as [string, string][]).map(
    ([name, portal]): [string, GatewayKind] => [gatewayKey(name), { kind: 'refunds-elsewhere', name, portal }],
  ),
]);

export type GatewayKind =
  | { kind: 'refunds-in-keap'; name: string }
  | { kind: 'refunds-elsewhere'; name: string; portal: string }
  | { kind: 'unknown'; name: string | null };

/** A payment's gateway, or the gateways it may have gone through when Refund Desk cannot tell which took it. */
export type PaymentGateway = GatewayKind | { kind: 'one-of'; names: readonly string[] };

/** What Refund Desk knows about a gateway name (case, spaces and dots ignored). */
export function classifyGateway(gatewayName: string | null, merchantType: string | null = null): GatewayKind {
  const name = gatewayName ?? (merchantType ? (GATEWAY_BY_MERCHANT_TYPE[merchantType.toUpperCase()] ?? null) : null);
  if (name === null || name.trim() === '') return { kind: 'unknown', name: null };
  return KNOWN_GATEWAYS.get(gatewayKey(name)) ?? { kind: 'unknown', name: name.trim() };
}

/** A payment's gateway from its facts (lib/keap/payment-facts.ts links payments to charges). */
export function gatewayOfPayment(payment: Pick<PaymentFacts, 'gatewayName' | 'merchantType' | 'possibleGatewayNames'>): PaymentGateway {
  const gateway = classifyGateway(payment.gatewayName, payment.merchantType);
  if (gateway.kind === 'unknown' && gateway.name === null && payment.possibleGatewayNames.length > 0) {
    return { kind: 'one-of', names: payment.possibleGatewayNames };
  }
  return gateway;
}

/** "A", "A or B", "A, B or C". */
function eitherOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * The one wording of what keeps Refund Desk from refunding through a gateway with Keap's refund
 * screen, for the side panel's payments and the Refunds panel's badges alike; null when nothing does.
 */
export function gatewayLimitText(gateway: PaymentGateway): string | null {
  switch (gateway.kind) {
    case 'refunds-in-keap':
      return null;
    case 'refunds-elsewhere':
      return `${gateway.name} cannot refund from Keap: refund it in your ${gateway.portal} account, then record it here`;
    case 'one-of':
      return `Refund Desk cannot tell whether ${eitherOf(gateway.names)} took this payment: refund it in the merchant account that did, then record it here`;
    case 'unknown':
      return gateway.name === null
        ? 'The gateway of this payment is not known: refund it in your merchant account, then record it here'
        : `Refund Desk does not know whether ${gateway.name} can refund from Keap: refund it in your merchant account, then record it here`;
  }
}

/** A named gateway whose payments Refund Desk cannot refund with Keap's screen, and why, in the words of `gatewayLimitText`. */
export const gatewayLimitSchema = z.object({ gatewayName: z.string(), text: z.string() });
export type GatewayLimit = z.infer<typeof gatewayLimitSchema>;

/** The limit of a named gateway; null for gateways Keap's screen refunds and for no gateway at all. */
export function gatewayLimitOf(gateway: GatewayKind): GatewayLimit | null {
  const text = gatewayLimitText(gateway);
  return text === null || gateway.name === null ? null : { gatewayName: gateway.name, text };
}

/**
 * The limits of the named gateways a payment may have gone through: its own gateway's, or those of
 * each gateway it cannot be told apart from. What the order summaries list, so the side panel's
 * payments and the Refunds panel's badges name the same limits.
 */
export function gatewayLimitsOfPayment(payment: Pick<PaymentFacts, 'gatewayName' | 'merchantType' | 'possibleGatewayNames'>): GatewayLimit[] {
  const gateway = gatewayOfPayment(payment);
  const gateways = gateway.kind === 'one-of' ? gateway.names.map((name) => classifyGateway(name)) : [gateway];
  return gateways.flatMap((named) => gatewayLimitOf(named) ?? []);
}

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

export const DEFAULT_AMOUNT_OWED_AFTER_MINOR = 0;

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
