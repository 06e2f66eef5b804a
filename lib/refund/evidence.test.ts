import { describe, expect, it } from 'vitest';
import { invoicePaymentSchema, orderSchema, transactionSchema, type KeapInvoicePayment, type KeapOrder, type KeapTransaction } from '@/lib/keap/schemas';
import { invoicePaymentJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';
import { baselineOf, checkRefundEvidence, type RefundBaseline } from './evidence';

/** Keap's JSON (decimal dollars) read through the client's schemas, as the executor sees it. */
const order = (overrides: Record<string, unknown> = {}): KeapOrder => orderSchema.parse(orderJson(5001, { total: 120, total_paid: 120, ...overrides }));
const payment = (id: number, overrides: Record<string, unknown> = {}): KeapInvoicePayment => invoicePaymentSchema.parse(invoicePaymentJson(id, overrides));
const transaction = (id: number, overrides: Record<string, unknown> = {}): KeapTransaction => transactionSchema.parse(transactionJson(id, overrides));
/** A refund row Keap writes for `refundedPaymentId`: a negative amount pointing at the payment. */
const refundRow = (id: number, refundedPaymentId: number, dollars: number) =>
  payment(id, { amount: -dollars, pay_status: 'REFUNDED', refund_invoice_payment_id: refundedPaymentId });

const FIRST = 7001;
const SECOND = 7002;
const EARLIER_REFUND_ROW = 7101;
const EARLIER_REFUND_TRANSACTION = 8101;

/** Order 5001 before the refund: two $60 payments, $20 of the first refunded earlier. */
const before = {
  order: order({ refund_total: 20 }),
  payments: [payment(FIRST), payment(SECOND, { amount: 60, refund_invoice_payment_id: 0 }), refundRow(EARLIER_REFUND_ROW, FIRST, 20)],
  transactions: [transaction(9001), transaction(9002), transaction(EARLIER_REFUND_TRANSACTION, { type: 'REFUND', amount: 20 })],
};
const baseline: RefundBaseline = baselineOf(before.order, before.payments, before.transactions);

function after(newRows: KeapInvoicePayment[], newTransactions: KeapTransaction[], refundTotalDollars: number) {
  return {
    order: order({ refund_total: refundTotalDollars }),
    payments: [...before.payments, ...newRows],
    transactions: [...before.transactions, ...newTransactions],
  };
}

describe('baselineOf', () => {
  it('takes the refund rows, refund transactions and refund total Keap shows before anything is sent', () => {
    expect(baseline).toEqual({
      refundRowIds: [EARLIER_REFUND_ROW],
      refundTransactionIds: [EARLIER_REFUND_TRANSACTION],
      orderRefundTotalMinor: 2000,
    });
  });

  it('knows refund transactions whatever the case of their type', () => {
    expect(baselineOf(before.order, [], [transaction(8200, { type: 'refund' }), transaction(8201, { type: 'CAPTURE' })]).refundTransactionIds).toEqual([8200]);
  });
});

describe('checkRefundEvidence', () => {
  it('confirms a line from a new refund row of exactly its amount, and reports what the API shows', () => {
    const check = checkRefundEvidence(
      [{ paymentId: FIRST, amountMinor: 4000 }],
      baseline,
      after([refundRow(7102, FIRST, 40)], [transaction(8102, { type: 'REFUND', amount: 40 })], 60),
    );
    expect(check).toEqual({
      lines: [{ paymentId: FIRST, refundRowId: 7102 }],
      refundTransactionIds: [8102],
      refundInvoicePaymentIds: [7102],
      orderRefundTotalMinor: 6000,
      allConfirmed: true,
    });
  });

  it('never takes a refund row from before the refund for this one, even of the same amount', () => {
    const check = checkRefundEvidence([{ paymentId: FIRST, amountMinor: 2000 }], baseline, after([], [], 20));
    expect(check.lines).toEqual([{ paymentId: FIRST, refundRowId: null }]);
    expect(check.refundInvoicePaymentIds).toEqual([]);
    expect(check.refundTransactionIds).toEqual([]);
    expect(check.allConfirmed).toBe(false);
  });

  it('needs the exact amount: a cent more or less is not this refund', () => {
    for (const dollars of [39.99, 40.01]) {
      const check = checkRefundEvidence([{ paymentId: FIRST, amountMinor: 4000 }], baseline, after([refundRow(7102, FIRST, dollars)], [], 20 + dollars));
      expect(check.lines[0]!.refundRowId).toBeNull();
      expect(check.allConfirmed).toBe(false);
    }
  });

  it('needs the row to refund the line’s payment, not another one', () => {
    const check = checkRefundEvidence([{ paymentId: FIRST, amountMinor: 4000 }], baseline, after([refundRow(7102, SECOND, 40)], [], 60));
    expect(check.lines[0]!.refundRowId).toBeNull();
  });

  it('uses each refund row once', () => {
    const lines = [
      { paymentId: FIRST, amountMinor: 1000 },
      { paymentId: FIRST, amountMinor: 1000 },
    ];
    const oneRow = checkRefundEvidence(lines, baseline, after([refundRow(7102, FIRST, 10)], [], 30));
    expect(oneRow.lines.map((line) => line.refundRowId)).toEqual([7102, null]);
    expect(oneRow.allConfirmed).toBe(false);

    const twoRows = checkRefundEvidence(lines, baseline, after([refundRow(7102, FIRST, 10), refundRow(7103, FIRST, 10)], [], 40));
    expect(twoRows.lines.map((line) => line.refundRowId)).toEqual([7102, 7103]);
    expect(twoRows.refundInvoicePaymentIds).toEqual([7102, 7103]);
    expect(twoRows.allConfirmed).toBe(true);
  });

  it('confirms several lines only when every line has its row and the order’s refund total rose by their sum', () => {
    const lines = [
      { paymentId: FIRST, amountMinor: 2000 },
      { paymentId: SECOND, amountMinor: 3000 },
    ];
    const rows = [refundRow(7102, FIRST, 20), refundRow(7103, SECOND, 30)];
    expect(checkRefundEvidence(lines, baseline, after(rows, [], 70)).allConfirmed).toBe(true);
    expect(checkRefundEvidence(lines, baseline, after(rows, [], 69.99)).allConfirmed).toBe(false);

    const halfDone = checkRefundEvidence(lines, baseline, after([rows[0]!], [], 40));
    expect(halfDone.lines).toEqual([
      { paymentId: FIRST, refundRowId: 7102 },
      { paymentId: SECOND, refundRowId: null },
    ]);
    expect(halfDone.allConfirmed).toBe(false);
  });
});
