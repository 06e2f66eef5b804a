// zod/mini: the Refunds panel on Keap's page checks gateway limits in order summaries, and full zod is too big for it.
import { z } from 'zod/mini';
import { i18n } from '#i18n';

/**
 * What Refund Desk knows about payment gateways: which ones Keap's own Refund Payment screen can
 * refund through, and the one wording of what keeps it from refunding through the others. The
 * lists come from Keap's help centre (keap-facts.md). Used by the refund rules (./rules.ts) and
 * by the order summaries (lib/keap/payment-facts.ts) alike.
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
const GATEWAY_BY_MERCHANT_TYPE: Readonly<Record<string, string>> = {
  STRIPE: 'Stripe',
  AUTHORIZE: 'Authorize.Net',
  WEPAY: 'WePay',
  EWAY: 'eWAY',
};

function gatewayKey(name: string): string {
  return name.toLowerCase().replace(/[\s.\-_]/g, '');
}

/** The known gateways by their compared form, built once: the Refunds panel classifies every charge of a contact. */
const KNOWN_GATEWAYS = new Map<string, GatewayKind>([
  ...GATEWAYS_THAT_REFUND_IN_KEAP.map((name): [string, GatewayKind] => [gatewayKey(name), { kind: 'refunds-in-keap', name }]),
  ...(Object.entries(GATEWAYS_THAT_CANNOT_REFUND_IN_KEAP) as [string, string][]).map(([name, portal]): [string, GatewayKind] => [
    gatewayKey(name),
    { kind: 'refunds-elsewhere', name, portal },
  ]),
]);

export type GatewayKind = { kind: 'refunds-in-keap'; name: string } | { kind: 'refunds-elsewhere'; name: string; portal: string } | { kind: 'unknown'; name: string | null };

/** A payment's gateway, or the gateways it may have gone through when Refund Desk cannot tell which took it. */
export type PaymentGateway = GatewayKind | { kind: 'one-of'; names: readonly string[] };

/** What Refund Desk knows about a gateway name (case, spaces and dots ignored). */
export function classifyGateway(gatewayName: string | null, merchantType: string | null = null): GatewayKind {
  const name = gatewayName ?? (merchantType ? (GATEWAY_BY_MERCHANT_TYPE[merchantType.toUpperCase()] ?? null) : null);
  if (name === null || name.trim() === '') return { kind: 'unknown', name: null };
  return KNOWN_GATEWAYS.get(gatewayKey(name)) ?? { kind: 'unknown', name: name.trim() };
}

/** What a payment's gateway is read from: these fields of its `PaymentFacts` (lib/keap/payment-facts.ts). */
export type PaymentGatewayFields = { gatewayName: string | null; merchantType: string | null; possibleGatewayNames: readonly string[] };

/** A payment's gateway from its facts (lib/keap/payment-facts.ts links payments to charges). */
export function gatewayOfPayment(payment: PaymentGatewayFields): PaymentGateway {
  const gateway = classifyGateway(payment.gatewayName, payment.merchantType);
  if (gateway.kind === 'unknown' && gateway.name === null && payment.possibleGatewayNames.length > 0) {
    return { kind: 'one-of', names: payment.possibleGatewayNames };
  }
  return gateway;
}

/** "A", "A or B", "A, B or C". */
function eitherOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : i18n.t('problems.gateway.either', [names.slice(0, -1).join(', '), names[names.length - 1] ?? '']);
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
      return i18n.t('problems.gateway.elsewhere', [gateway.name, gateway.portal]);
    case 'one-of':
      return i18n.t('problems.gateway.oneOf', [eitherOf(gateway.names)]);
    case 'unknown':
      return gateway.name === null ? i18n.t('problems.gateway.unknown') : i18n.t('problems.gateway.unknownNamed', [gateway.name]);
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
export function gatewayLimitsOfPayment(payment: PaymentGatewayFields): GatewayLimit[] {
  const gateway = gatewayOfPayment(payment);
  const gateways = gateway.kind === 'one-of' ? gateway.names.map((name) => classifyGateway(name)) : [gateway];
  return gateways.flatMap((named) => gatewayLimitOf(named) ?? []);
}
