import type { KeapInvoicePayment, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';

/** What Keap showed for an order just before a refund was sent: the yardstick for "did it happen". */
export interface RefundBaseline {
  refundRowIds: number[];
  refundTransactionIds: number[];
  orderRefundTotalMinor: number;
}

export interface LineToConfirm {
  paymentId: number;
  amountMinor: number;
}

interface LineEvidence {
  paymentId: number;
  /** The refund invoice payment Keap created for this line, if the API shows one. */
  refundRowId: number | null;
}

export interface RefundEvidenceCheck {
  lines: LineEvidence[];
  refundTransactionIds: number[];
  refundInvoicePaymentIds: number[];
  orderRefundTotalMinor: number;
  /** Every line has a new refund row of exactly its amount, and the order's refund total rose by their sum. */
  allConfirmed: boolean;
}

const isRefundTransaction = (transaction: KeapTransaction) => transaction.type.toUpperCase() === 'REFUND';

export function baselineOf(order: KeapOrder, payments: readonly KeapInvoicePayment[], transactions: readonly KeapTransaction[]): RefundBaseline {
  return {
    refundRowIds: payments.filter((payment) => payment.refund_invoice_payment_id != null && payment.refund_invoice_payment_id > 0).map((payment) => payment.id),
    refundTransactionIds: transactions.filter(isRefundTransaction).map((transaction) => transaction.id),
    orderRefundTotalMinor: order.refund_total,
  };
}

/**
 * Matches each line to a refund row Keap created after the baseline: same payment, exactly the
 * line's amount, each row used once. Only what the API shows counts; a results screen does not.
 */
export function checkRefundEvidence(
  lines: readonly LineToConfirm[],
  baseline: RefundBaseline,
  now: { order: KeapOrder; payments: readonly KeapInvoicePayment[]; transactions: readonly KeapTransaction[] },
): RefundEvidenceCheck {
  const known = new Set(baseline.refundRowIds);
  const used = new Set<number>();
  const matched = lines.map((line): LineEvidence => {
    const row = now.payments.find(
      (payment) => !known.has(payment.id) && !used.has(payment.id) && payment.refund_invoice_payment_id === line.paymentId && Math.abs(payment.amount) === line.amountMinor,
    );
    if (row) used.add(row.id);
    return { paymentId: line.paymentId, refundRowId: row?.id ?? null };
  });
  const confirmedMinor = lines.reduce((sum, line, index) => sum + (matched[index]?.refundRowId !== null ? line.amountMinor : 0), 0);
  const knownTransactions = new Set(baseline.refundTransactionIds);
  const refundTransactionIds = now.transactions
    .filter((transaction) => isRefundTransaction(transaction) && !knownTransactions.has(transaction.id))
    .map((transaction) => transaction.id);
  const totalRose = now.order.refund_total - baseline.orderRefundTotalMinor >= confirmedMinor;
  return {
    lines: matched,
    refundTransactionIds,
    refundInvoicePaymentIds: [...used],
    orderRefundTotalMinor: now.order.refund_total,
    allConfirmed: matched.every((line) => line.refundRowId !== null) && totalRose,
  };
}

/**
 * Refund rows of `paymentIds` that Keap's API shows now and did not show in the baseline: a refund
 * made after the plan was written (by this attempt, a retry, or someone else).
 */
export function refundsSince(
  baseline: RefundBaseline,
  payments: readonly KeapInvoicePayment[],
  paymentIds: readonly number[],
): { refundRowId: number; refundedPaymentId: number }[] {
  const known = new Set(baseline.refundRowIds);
  return payments.flatMap((payment) => {
    const refunded = payment.refund_invoice_payment_id;
    return !known.has(payment.id) && refunded != null && paymentIds.includes(refunded) ? [{ refundRowId: payment.id, refundedPaymentId: refunded }] : [];
  });
}
