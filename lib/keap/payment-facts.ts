// zod/mini: the Refunds panel on Keap's page checks order summaries, and full zod is too big for it.
import { z } from 'zod/mini';
import { classifyGateway, gatewayLimitOf, gatewayLimitSchema, gatewayLimitsOfPayment, type GatewayKind, type GatewayLimit } from '@/lib/refund/gateways';
import type { KeapInvoicePayment, KeapMerchant, KeapMerchantList, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';
import { DEFAULT_CURRENCY } from '@/lib/money';

/**
 * What the refund rules need to know about one invoice payment on a Keap order,
 * combined from the order, its invoice payments, its transactions and the merchant list.
 * Money is integer minor units (cents).
 */
export const paymentFactsSchema = z.object({
  /** The invoice payment's `id` (what Keap's Refund Payment screen lists as "Payment ID"). */
  paymentId: z.int(),
  orderId: z.int(),
  /** The transaction taken to have charged this payment, when one could be told apart (see `chargesOfPayments`). */
  transactionId: z.nullable(z.int()),
  /** Signed: refund rows are negative. */
  amountMinor: z.int(),
  currency: z.string().check(z.minLength(3)),
  payDate: z.string(),
  payStatus: z.string(),
  /** Sum of |amount| of the refund rows pointing at this payment. */
  refundedMinor: z.int().check(z.nonnegative()),
  /** amount − refunded, never below 0 (0 for refund rows). */
  refundableMinor: z.int().check(z.nonnegative()),
  /** The gateway its charge names, e.g. "Stripe" or "PayPal Express"; null when unknown. */
  gatewayName: z.nullable(z.string()),
  merchantAccountName: z.nullable(z.string()),
  /** Merchant `type` from GET /v1/merchants, e.g. STRIPE, PAYPAL, EWAY; null when unknown. */
  merchantType: z.nullable(z.string()),
  /**
   * When the charges this payment may be name different gateways (Refund Desk cannot tell which took
   * it): those gateways, each once. Empty otherwise.
   */
  possibleGatewayNames: z.array(z.string()),
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
  orderId: z.int(),
  currency: z.string().check(z.minLength(3)),
  totalMinor: z.int(),
  paidMinor: z.int(),
  refundedMinor: z.int().check(z.nonnegative()),
  /** Sum of refundable amounts of settled payments that are not refund rows. */
  refundableNowMinor: z.int().check(z.nonnegative()),
  hasPending: z.boolean(),
  hasManual: z.boolean(),
  /**
   * The named gateways of this order's payments that Refund Desk cannot refund through with Keap's
   * screen, each once with its limit in the words of `gatewayLimitText` (lib/refund/gateways.ts).
   */
  gatewayLimits: z.array(gatewayLimitSchema),
  partiallyRefunded: z.boolean(),
  fullyRefunded: z.boolean(),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

/** Transaction types that move money back or cancel a charge, as opposed to taking money. */
const NOT_A_CHARGE = new Set(['REFUND', 'VOID']);

/** A transaction that took money (not a refund or a void), read without regard to case. */
export function isCharge(transaction: Pick<KeapTransaction, 'type'>): boolean {
  return !NOT_A_CHARGE.has(transaction.type.toUpperCase());
}

/** Money recorded by hand (cash, check) rather than taken through a merchant account. */
export function isManualCharge(transaction: Pick<KeapTransaction, 'type' | 'collection_method'>): boolean {
  return transaction.type.toUpperCase() === 'MANUAL' || transaction.collection_method?.toUpperCase() === 'MANUAL';
}

/** What a charge's gateway is read from, in the full transaction and in the contact-wide listing alike. */
export type ChargeGatewayFields = Pick<KeapTransaction, 'type' | 'collection_method' | 'gateway' | 'gateway_account_name'>;

/** The merchant account a charge names, when the merchant list has it. */
function merchantOfCharge(charge: Pick<KeapTransaction, 'gateway_account_name'>, merchants: KeapMerchantList): KeapMerchant | undefined {
  const accountName = charge.gateway_account_name;
  return accountName ? merchants.merchant_accounts.find((account) => account.account_name === accountName) : undefined;
}

/**
 * The gateway a charge went through: the name it shows, else its merchant account's type; a
 * manual charge went through none. Both the Refunds panel and the side panel read gateways here.
 */
function gatewayOfCharge(charge: ChargeGatewayFields, merchants: KeapMerchantList): GatewayKind {
  if (isManualCharge(charge)) return { kind: 'unknown', name: null };
  // The account is looked up only when needed: the Refunds panel classifies every charge of a contact.
  return charge.gateway ? classifyGateway(charge.gateway) : classifyGateway(null, merchantOfCharge(charge, merchants)?.type || null);
}

/** The limits of the named gateways an order's charges went through, each once, in the order first met: the Refunds panel's gateway badges. */
export function gatewayLimitsOfCharges(charges: readonly ChargeGatewayFields[], merchants: KeapMerchantList): GatewayLimit[] {
  const limits: GatewayLimit[] = [];
  for (const charge of charges) {
    const limit = gatewayLimitOf(gatewayOfCharge(charge, merchants));
    if (limit !== null && !limits.some((known) => known.gatewayName === limit.gatewayName)) limits.push(limit);
  }
  return limits;
}

/** The charges an invoice payment may have been taken by. */
export interface ChargesOfPayment {
  payment: KeapInvoicePayment;
  /** The one transaction that took it, when it can be told apart. */
  linked: KeapTransaction | undefined;
  /**
   * Every charge it may be: `[linked]` when linked; else the unlinked charges of its amount and
   * day; else all of the order's charges (none when the order has none).
   */
  possible: readonly KeapTransaction[];
}

const ZONED_DATE_TIME = /(?:z|[+-]\d{2}:?\d{2})$/i;

/** The calendar day (UTC) of a Keap date; a date without a zone is taken as UTC. */
function utcDay(keapDate: string): string {
  const time = ZONED_DATE_TIME.test(keapDate) ? Date.parse(keapDate) : Number.NaN;
  return Number.isNaN(time) ? keapDate.slice(0, 10) : new Date(time).toISOString().slice(0, 10);
}

/**
 * The linking guess (docs/keap-screen-contract.md, "Linking payments to transactions"): v1 gives no
 * gateway on an invoice payment, so each payment is linked to the transaction that charged it —
 * 1. the transaction whose `id` is the payment's `payment_id`;
 * 2. else the one charge (not a refund or void) not linked in 1 with the payment's amount on its
 *    pay date's UTC day, when it is the only payment of that amount and day left: several such
 *    payments or charges cannot be told apart, and each such payment may be any of those charges;
 * 3. else it may be any of the order's charges.
 * A payment that may be several charges takes what they all agree on (`derivePaymentFacts`), so
 * when every charge of the order names one gateway, that is the payment's gateway. This is the only
 * place payments are linked to transactions; correct the guess here.
 */
export function chargesOfPayments(payments: readonly KeapInvoicePayment[], transactions: readonly KeapTransaction[]): ChargesOfPayment[] {
  const transactionsById = new Map(transactions.map((transaction) => [transaction.id, transaction]));
  const linkedById = payments.map((payment) => (payment.payment_id == null ? undefined : transactionsById.get(payment.payment_id)));
  const takenIds = new Set(linkedById.flatMap((transaction) => (transaction === undefined ? [] : [transaction.id])));
  const charges = transactions.filter(isCharge);
  const amountAndDayKey = (amountMinor: number, keapDate: string) => `${amountMinor}@${utcDay(keapDate)}`;
  const unlinkedChargesByKey = new Map<string, KeapTransaction[]>();
  for (const charge of charges) {
    if (takenIds.has(charge.id)) continue;
    const key = amountAndDayKey(charge.amount, charge.transaction_date);
    const sameKey = unlinkedChargesByKey.get(key);
    if (sameKey === undefined) unlinkedChargesByKey.set(key, [charge]);
    else sameKey.push(charge);
  }
  const paymentKey = (payment: KeapInvoicePayment) => amountAndDayKey(payment.amount, payment.pay_date);
  const unlinkedPaymentsByKey = new Map<string, number>();
  payments.forEach((payment, index) => {
    if (linkedById[index] !== undefined) return;
    const key = paymentKey(payment);
    unlinkedPaymentsByKey.set(key, (unlinkedPaymentsByKey.get(key) ?? 0) + 1);
  });
  return payments.map((payment, index): ChargesOfPayment => {
    const byId = linkedById[index];
    if (byId !== undefined) return { payment, linked: byId, possible: [byId] };
    const key = paymentKey(payment);
    const candidates = unlinkedChargesByKey.get(key) ?? [];
    if (candidates.length === 1 && unlinkedPaymentsByKey.get(key) === 1) return { payment, linked: candidates[0], possible: candidates };
    return { payment, linked: undefined, possible: candidates.length > 0 ? candidates : charges };
  });
}

/** The one value every item gives, or undefined when they give different ones or there are none. */
function sharedValue<Item, Value>(items: readonly Item[], read: (item: Item) => Value): Value | undefined {
  const [first, ...rest] = items;
  if (first === undefined) return undefined;
  const value = read(first);
  return rest.every((item) => read(item) === value) ? value : undefined;
}

/**
 * What the charges a payment may be agree on: the gateway they all name, the merchant account they
 * all name; where they name different gateways, those gateways (Refund Desk cannot tell which).
 */
function gatewayOfCharges(possible: readonly KeapTransaction[], merchants: KeapMerchantList) {
  const gateways = possible.map((charge) => gatewayOfCharge(charge, merchants));
  const sharedName = sharedValue(gateways, (gateway) => gateway.name) ?? null;
  // A manual charge names no account, however Keap fills the field.
  const accountName = sharedValue(possible, (charge) => (isManualCharge(charge) ? null : charge.gateway_account_name || null)) ?? null;
  const names = sharedName === null ? gateways.flatMap((gateway) => (gateway.name === null ? [] : [gateway.name])) : [];
  return {
    // As the charges show the name, else as their accounts' type tells it.
    gatewayName: sharedName === null ? null : (possible.find((charge) => charge.gateway)?.gateway ?? sharedName),
    merchant: accountName === null || possible[0] === undefined ? undefined : merchantOfCharge(possible[0], merchants),
    merchantAccountName: accountName,
    possibleGatewayNames: [...new Set(names)],
  };
}

/** Payment statuses under which no money was collected, so nothing can be refunded. */
const NOT_COLLECTED_STATUSES = new Set(['VOIDED', 'FAILED', 'ERROR']);

/** Keap sends 0 or null for "refunds nothing"; only a real id that is not the row's own links it. */
function refundedPaymentId(payment: KeapInvoicePayment): number | undefined {
  const target = payment.refund_invoice_payment_id;
  return target != null && target > 0 && target !== payment.id ? target : undefined;
}

function isRefundRow(payment: KeapInvoicePayment): boolean {
  return payment.amount < 0 || refundedPaymentId(payment) !== undefined;
}

export interface PaymentFactsInput {
  order: KeapOrder;
  payments: KeapInvoicePayment[];
  /** The order's transactions (GET /v1/orders/{id}/transactions): a payment may be any of its charges. */
  transactions: KeapTransaction[];
  merchants: KeapMerchantList;
  /** v1 orders carry no currency; used when no transaction says one. */
  defaultCurrency?: string;
}

/** One PaymentFacts per invoice payment of the order, in Keap's order. */
export function derivePaymentFacts(input: PaymentFactsInput): PaymentFacts[] {
  const { order, payments, merchants } = input;
  const refundedById = new Map<number, number>();
  for (const payment of payments) {
    const target = refundedPaymentId(payment);
    if (target !== undefined) refundedById.set(target, (refundedById.get(target) ?? 0) + Math.abs(payment.amount));
  }
  return chargesOfPayments(payments, input.transactions).map(({ payment, linked, possible }): PaymentFacts => {
    const gateway = gatewayOfCharges(possible, merchants);
    // What every charge the payment may be says holds for the payment; one charge when linked.
    const everyCharge = (holds: (charge: KeapTransaction) => boolean) => possible.length > 0 && possible.every(holds);
    const refundRow = isRefundRow(payment);
    const refundedMinor = refundRow ? 0 : (refundedById.get(payment.id) ?? 0);
    const collected = !refundRow && !NOT_COLLECTED_STATUSES.has(payment.pay_status);
    return paymentFactsSchema.parse({
      paymentId: payment.id,
      orderId: order.id,
      transactionId: linked?.id ?? null,
      amountMinor: payment.amount,
      currency: sharedValue(possible, (charge) => charge.currency) || (input.defaultCurrency ?? DEFAULT_CURRENCY),
      payDate: payment.pay_date,
      payStatus: payment.pay_status,
      refundedMinor,
      refundableMinor: collected ? Math.max(0, payment.amount - refundedMinor) : 0,
      gatewayName: gateway.gatewayName,
      merchantAccountName: gateway.merchantAccountName,
      merchantType: gateway.merchant?.type || null,
      possibleGatewayNames: gateway.possibleGatewayNames,
      isTestMode: everyCharge((charge) => charge.test === true) || gateway.merchant?.is_test === true,
      isManual: payment.pay_status === 'MANUAL_PAID' || everyCharge(isManualCharge),
      isPending: payment.pay_status === 'PENDING' || everyCharge((charge) => charge.status === 'PENDING'),
      isRefundRow: refundRow,
    });
  });
}

/** The order-level view the panel and the refund rules start from. */
export function summarizeOrder(order: KeapOrder, facts: PaymentFacts[], defaultCurrency = DEFAULT_CURRENCY): OrderSummary {
  const payments = facts.filter((fact) => !fact.isRefundRow);
  const collectedMinor = payments.filter((fact) => !NOT_COLLECTED_STATUSES.has(fact.payStatus)).reduce((sum, fact) => sum + fact.amountMinor, 0);
  const refundedMinor = payments.reduce((sum, fact) => sum + fact.refundedMinor, 0);
  const refundableNowMinor = payments.filter((fact) => !fact.isPending).reduce((sum, fact) => sum + fact.refundableMinor, 0);
  // Manual payments went through no gateway, as manual charges do on the Refunds panel.
  const limits = new Map<string, GatewayLimit>();
  for (const fact of payments) {
    if (fact.isManual) continue;
    for (const limit of gatewayLimitsOfPayment(fact)) limits.set(limit.gatewayName, limit);
  }
  return orderSummarySchema.parse({
    orderId: order.id,
    currency: facts[0]?.currency ?? defaultCurrency,
    totalMinor: order.total,
    paidMinor: order.total_paid,
    refundedMinor,
    refundableNowMinor,
    hasPending: payments.some((fact) => fact.isPending),
    hasManual: payments.some((fact) => fact.isManual),
    gatewayLimits: [...limits.values()],
    partiallyRefunded: refundedMinor > 0 && refundedMinor < collectedMinor,
    fullyRefunded: collectedMinor > 0 && refundedMinor >= collectedMinor,
  });
}
