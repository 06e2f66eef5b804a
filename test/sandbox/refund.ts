import { z } from 'zod';
import { formatPlainAmount, formatUsd, parseAmountInput } from './money';
import {
  findMerchant,
  findOrder,
  findTransaction,
  paymentsOfOrder,
  refundableMinor,
  RefundMethodSchema,
  type InvoicePayment,
  type Order,
  type RefundLogEntry,
  type RefundOutcome,
  type SandboxState,
} from './state';

/** What the refund dialog's Finish posts to `POST /Job/refundPayment.jsp`. Amounts are as typed. */
export const RefundSubmissionSchema = z.object({
  orderId: z.number().int(),
  reason: z.string(),
  method: RefundMethodSchema,
  onFailure: z.enum(['record', 'skip']).optional(),
  amountOwed: z.string(),
  payments: z.array(z.object({ paymentId: z.number().int(), amount: z.string() })),
});
export type RefundSubmission = z.infer<typeof RefundSubmissionSchema>;

export interface RefundLineResult {
  paymentId: number;
  outcome: RefundOutcome;
  /** The line the dialog's results step shows, e.g. `Payment 7001: Refunded $60.00`. */
  text: string;
  /** What the line refunded or voided, in cents; other screen forms word their lines from it. */
  amountMinor: number;
  /** Why the automatic refund failed, in Keap's words (recorded or skipped after a failure). */
  failure?: string;
}

/** A refund Keap refuses as a whole; `message` is shown in the dialog. */
interface RefundRejection {
  kind: 'refund-rejected';
  message: string;
}

export type RefundAnswer = { ok: true; results: RefundLineResult[] } | { ok: false; error: RefundRejection };

interface CheckedLine {
  payment: InvoicePayment;
  amountMinor: number;
}

function reject(message: string): RefundAnswer {
  return { ok: false, error: { kind: 'refund-rejected', message } };
}

/**
 * Processes a Finish of the Refund Payment dialog the way Keap keeps its books (contract
 * "Keap's bookkeeping after Finish"). Everything is checked before anything changes, so a
 * rejected or repeated submission cannot refund more than a payment has left.
 */
export interface ProcessOptions {
  declines: (paymentId: number) => boolean;
  now: Date;
  /**
   * The lateRefunds fault: an automatic refund the gateway takes is reported on the screen as
   * skipped, and lands in Keap's books this many milliseconds later.
   */
  lateRefundMs?: number | undefined;
}

export function processRefund(state: SandboxState, submission: RefundSubmission, options: ProcessOptions): RefundAnswer {
  const order = findOrder(state, submission.orderId);
  if (!order) return reject(`Order ${submission.orderId} was not found.`);
  if (submission.payments.length === 0) return reject('Select at least one payment to refund.');
  if (submission.reason.trim() === '') return reject('Enter a reason for the refund.');
  if (submission.method === 'refund' && submission.onFailure === undefined) {
    return reject('Choose what to do if an automatic refund fails.');
  }
  const amountOwedMinor = parseAmountInput(submission.amountOwed);
  if (amountOwedMinor === undefined) return reject('Enter how much the client should owe, 0.00 or more.');

  const lines: CheckedLine[] = [];
  const orderPayments = paymentsOfOrder(state, order.id);
  for (const line of submission.payments) {
    const payment = orderPayments.find((candidate) => candidate.id === line.paymentId && candidate.refundOfPaymentId === null);
    if (!payment) return reject(`Payment ${line.paymentId} is not a payment of this order.`);
    if (lines.some((checked) => checked.payment.id === payment.id)) return reject(`Payment ${payment.id} is listed twice.`);
    const left = refundableMinor(state, payment);
    if (submission.method === 'void') {
      if (payment.payStatus !== 'PENDING') return reject(`Payment ${payment.id} has settled and cannot be voided; refund it instead.`);
      lines.push({ payment, amountMinor: payment.amountMinor });
      continue;
    }
    const amountMinor = parseAmountInput(line.amount);
    if (amountMinor === undefined || amountMinor === 0) return reject(`Enter a refund amount for payment ${payment.id} between 0.01 and ${formatPlainAmount(left)}.`);
    if (left === 0) return reject(`Payment ${payment.id} has already been refunded in full.`);
    if (amountMinor > left) return reject(`Payment ${payment.id} has only ${formatUsd(left)} left to refund.`);
    lines.push({ payment, amountMinor });
  }

  const at = options.now.toISOString();
  const results = lines.map((line) => processLine(state, order, line, submission, options, at));
  if (results.some((result) => result.outcome !== 'skipped-after-failure')) {
    order.totalDueMinor = amountOwedMinor;
    order.modificationDate = at;
  }
  return { ok: true, results };
}

function processLine(state: SandboxState, order: Order, line: CheckedLine, submission: RefundSubmission, options: ProcessOptions, at: string): RefundLineResult {
  const { payment, amountMinor } = line;
  const log = (outcome: RefundOutcome): void => {
    const entry: RefundLogEntry = { orderId: order.id, paymentId: payment.id, amountMinor, method: submission.method, outcome, at };
    state.refundLog.push(entry);
  };
  const label = `Payment ${payment.id}:`;
  const facts = { paymentId: payment.id, amountMinor };

  if (submission.method === 'void') {
    voidPayment(state, order, payment, at);
    log('voided');
    return { ...facts, outcome: 'voided', text: `${label} Voided ${formatUsd(amountMinor)}` };
  }
  if (submission.method === 'manual') {
    recordRefund(state, order, payment, amountMinor, submission.reason, 'MANUAL', at);
    log('manual-refund-recorded');
    return { ...facts, outcome: 'manual-refund-recorded', text: `${label} Manual refund recorded ${formatUsd(amountMinor)}` };
  }
  const failure = automaticRefundFailure(state, payment, options.declines);
  if (failure === undefined && options.lateRefundMs !== undefined) {
    setTimeout(() => {
      const landedAt = new Date().toISOString();
      recordRefund(state, order, payment, amountMinor, submission.reason, 'AUTOMATIC', landedAt);
      order.totalDueMinor = parseAmountInput(submission.amountOwed) ?? order.totalDueMinor;
      state.refundLog.push({ orderId: order.id, paymentId: payment.id, amountMinor, method: submission.method, outcome: 'refunded', at: landedAt });
    }, options.lateRefundMs);
    const late = 'Gateway timeout';
    return { ...facts, failure: late, outcome: 'skipped-after-failure', text: `${label} Automatic refund failed (${late}); payment skipped` };
  }
  if (failure === undefined) {
    recordRefund(state, order, payment, amountMinor, submission.reason, 'AUTOMATIC', at);
    log('refunded');
    return { ...facts, outcome: 'refunded', text: `${label} Refunded ${formatUsd(amountMinor)}` };
  }
  if (submission.onFailure === 'record') {
    recordRefund(state, order, payment, amountMinor, submission.reason, 'AUTOMATIC', at);
    log('recorded-after-failure');
    return { ...facts, failure, outcome: 'recorded-after-failure', text: `${label} Automatic refund failed (${failure}); refund recorded anyway` };
  }
  log('skipped-after-failure');
  return { ...facts, failure, outcome: 'skipped-after-failure', text: `${label} Automatic refund failed (${failure}); payment skipped` };
}

/** Why the gateway cannot refund this payment now, in Keap's words; undefined when it can. */
function automaticRefundFailure(state: SandboxState, payment: InvoicePayment, declines: (paymentId: number) => boolean): string | undefined {
  const charge = findTransaction(state, payment.transactionId);
  const merchant = findMerchant(state, charge?.merchantAccountId ?? null);
  if (!merchant) return 'No merchant account processed this payment';
  if (!merchant.canRefundInKeap) return `${merchant.gatewayName} refunds must be made in the merchant account`;
  if (payment.payStatus === 'PENDING') return 'Payment has not settled';
  if (declines(payment.id)) return 'Declined by gateway';
  return undefined;
}

function recordRefund(state: SandboxState, order: Order, payment: InvoicePayment, amountMinor: number, reason: string, collectionMethod: 'AUTOMATIC' | 'MANUAL', at: string): void {
  const charge = findTransaction(state, payment.transactionId);
  const transactionId = state.nextIds.transaction++;
  state.transactions.push({
    id: transactionId,
    contactId: order.contactId,
    orderId: order.id,
    amountMinor,
    currency: charge?.currency ?? 'USD',
    status: 'APPROVED',
    type: 'REFUND',
    merchantAccountId: charge?.merchantAccountId ?? null,
    collectionMethod,
    errors: '',
    test: charge?.test ?? false,
    transactionDate: at,
  });
  state.payments.push({
    id: state.nextIds.payment++,
    orderId: order.id,
    invoiceId: payment.invoiceId,
    transactionId,
    amountMinor: -amountMinor,
    payDate: at,
    lastUpdated: at,
    payStatus: 'REFUNDED',
    note: `Refund: ${reason}`,
    refundOfPaymentId: payment.id,
  });
  order.refundTotalMinor += amountMinor;
  if (refundableMinor(state, payment) === 0) {
    payment.payStatus = 'REFUNDED';
    payment.lastUpdated = at;
  }
}

function voidPayment(state: SandboxState, order: Order, payment: InvoicePayment, at: string): void {
  const charge = findTransaction(state, payment.transactionId);
  state.transactions.push({
    id: state.nextIds.transaction++,
    contactId: order.contactId,
    orderId: order.id,
    amountMinor: payment.amountMinor,
    currency: charge?.currency ?? 'USD',
    status: 'APPROVED',
    type: 'VOID',
    merchantAccountId: charge?.merchantAccountId ?? null,
    collectionMethod: 'AUTOMATIC',
    errors: '',
    test: charge?.test ?? false,
    transactionDate: at,
  });
  payment.payStatus = 'VOIDED';
  payment.lastUpdated = at;
  // The voided money never moved, so the order no longer counts it as paid.
  order.totalPaidMinor -= payment.amountMinor;
}
