import { z } from 'zod';
import { classifyGateway } from '@/lib/refund/rules';
import type { KeapInvoicePayment, KeapMerchant, KeapMerchantList, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';
import { DEFAULT_CURRENCY } from '@/lib/money';

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

/**
 * The linking guess (docs/keap-screen-contract.md): v1 gives no gateway on an invoice payment, so
 * an invoice payment's `payment_id` is taken to be the `id` of the transaction that charged it.
 * This is the only place that guess is made; correct it here.
 */
export function transactionForPayment(
  payment: KeapInvoicePayment,
  transactionsById: ReadonlyMap<number, KeapTransaction>,
): KeapTransaction | undefined {
  return payment.payment_id == null ? undefined : transactionsById.get(payment.payment_id);
}

/** True for gateways Keap cannot refund or void through (the list lives in lib/refund/rules.ts). */
export function gatewayCannotRefundInKeap(gatewayName: string): boolean {
  return classifyGateway(gatewayName).kind === 'refunds-elsewhere';
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

function merchantFor(
  transaction: KeapTransaction | undefined,
  order: KeapOrder,
  merchants: KeapMerchantList,
): KeapMerchant | undefined {
  // A linked transaction is the authority: one without an account (cash, check) has no merchant,
  // and the order's payment plan would only name the account it would have been charged to.
  if (transaction !== undefined) {
    const accountName = transaction.gateway_account_name;
    return accountName ? merchants.merchant_accounts.find((merchant) => merchant.account_name === accountName) : undefined;
  }
  const merchantAccountId = order.payment_plan?.payment_gateway?.merchant_account_id;
  return merchantAccountId == null
    ? undefined
    : merchants.merchant_accounts.find((merchant) => merchant.id === merchantAccountId);
}

export interface PaymentFactsInput {
  order: KeapOrder;
  payments: KeapInvoicePayment[];
  /** The order's transactions, or all of the contact's: only those linked to a payment are used. */
  transactions: KeapTransaction[];
  merchants: KeapMerchantList;
  /** v1 orders carry no currency; used when no transaction says one. */
  defaultCurrency?: string;
}

/** One PaymentFacts per invoice payment of the order, in Keap's order. */
export function derivePaymentFacts(input: PaymentFactsInput): PaymentFacts[] {
  const { order, payments, merchants } = input;
  const transactionsById = new Map(input.transactions.map((transaction) => [transaction.id, transaction]));
  const refundedById = new Map<number, number>();
  for (const payment of payments) {
    const target = refundedPaymentId(payment);
    if (target !== undefined) refundedById.set(target, (refundedById.get(target) ?? 0) + Math.abs(payment.amount));
  }
  return payments.map((payment): PaymentFacts => {
    const transaction = transactionForPayment(payment, transactionsById);
    const merchant = merchantFor(transaction, order, merchants);
    const refundRow = isRefundRow(payment);
    const refundedMinor = refundRow ? 0 : (refundedById.get(payment.id) ?? 0);
    const collected = !refundRow && !NOT_COLLECTED_STATUSES.has(payment.pay_status);
    return paymentFactsSchema.parse({
      paymentId: payment.id,
      orderId: order.id,
      transactionId: transaction?.id ?? null,
      amountMinor: payment.amount,
      currency: transaction?.currency || (input.defaultCurrency ?? DEFAULT_CURRENCY),
      payDate: payment.pay_date,
      payStatus: payment.pay_status,
      refundedMinor,
      refundableMinor: collected ? Math.max(0, payment.amount - refundedMinor) : 0,
      gatewayName: transaction?.gateway || null,
      merchantAccountName: transaction?.gateway_account_name || merchant?.account_name || null,
      merchantType: merchant?.type || null,
      isTestMode: transaction?.test === true || merchant?.is_test === true,
      isManual: payment.pay_status === 'MANUAL_PAID' || transaction?.type === 'MANUAL' || transaction?.collection_method === 'MANUAL',
      isPending: payment.pay_status === 'PENDING' || transaction?.status === 'PENDING',
      isRefundRow: refundRow,
    });
  });
}

/** The order-level view the panel and the refund rules start from. */
export function summarizeOrder(order: KeapOrder, facts: PaymentFacts[], defaultCurrency = DEFAULT_CURRENCY): OrderSummary {
  const payments = facts.filter((fact) => !fact.isRefundRow);
  const collectedMinor = payments
    .filter((fact) => !NOT_COLLECTED_STATUSES.has(fact.payStatus))
    .reduce((sum, fact) => sum + fact.amountMinor, 0);
  const refundedMinor = payments.reduce((sum, fact) => sum + fact.refundedMinor, 0);
  const refundableNowMinor = payments
    .filter((fact) => !fact.isPending)
    .reduce((sum, fact) => sum + fact.refundableMinor, 0);
  const gateways = new Set(
    payments.flatMap((fact) => (fact.gatewayName !== null && gatewayCannotRefundInKeap(fact.gatewayName) ? [fact.gatewayName] : [])),
  );
  return orderSummarySchema.parse({
    orderId: order.id,
    currency: facts[0]?.currency ?? defaultCurrency,
    totalMinor: order.total,
    paidMinor: order.total_paid,
    refundedMinor,
    refundableNowMinor,
    hasPending: payments.some((fact) => fact.isPending),
    hasManual: payments.some((fact) => fact.isManual),
    gatewaysThatCannotRefundInKeap: [...gateways],
    partiallyRefunded: refundedMinor > 0 && refundedMinor < collectedMinor,
    fullyRefunded: collectedMinor > 0 && refundedMinor >= collectedMinor,
  });
}
