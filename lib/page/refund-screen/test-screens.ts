import type { RefundScreenPlan } from './protocol';

/*
 * Static markup of Keap's refund screen steps for the readers' unit tests, in the forms Keap's
 * public sources allow (docs/keap-screen-contract.md). Each tick box carries `data-truth`, the
 * payment its row really is: the readers never read data attributes, the tests check against it.
 */

export const PLAN: RefundScreenPlan = {
  orderId: 5001,
  lines: [{ paymentId: 7001, amountMinor: 6000 }],
  orderPayments: [
    { paymentId: 7001, payDate: '2026-07-01T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
    { paymentId: 7002, payDate: '2026-08-01T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
  ],
  currency: 'USD',
  reason: 'Sent wrong size',
  method: 'refund',
  errorHandling: 'skip-payment',
  amountOwedMinor: 0,
};

export interface RowMarkup {
  /** The payment the row really is (written to `data-truth`). */
  truth: number;
  date?: string;
  /** The payment id as text in its own cell. */
  idText?: string;
  /** Attributes of the tick box, e.g. `value="7001"`. */
  box?: string;
  type?: string;
  amount?: string;
  /** The refund amount field's cell; null leaves the row without one. */
  refundCell?: string | null;
}

export function paymentRow(row: RowMarkup): string {
  const refundCell = row.refundCell === undefined ? '<td><input type="text" value="60.00"></td>' : (row.refundCell ?? '<td></td>');
  return `<tr>
    <td><input type="checkbox" data-truth="${row.truth}" ${row.box ?? ''}></td>
    <td>${row.date ?? ''}</td>
    <td>${row.idText ?? ''}</td>
    <td>${row.type ?? 'Credit Card'}</td>
    <td>${row.amount ?? '$60.00'}</td>
    ${refundCell}
  </tr>`;
}

const HEADERS = ['', 'Date', 'Payment ID', 'Type', 'Amount', 'Refund Amount'];

export function paymentsTable(rows: readonly string[], headers: readonly string[] = HEADERS): string {
  return `<table class="payments">
    <thead><tr>${headers.map((header) => `<th>${header}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>`;
}

/** Keap's two payments of order 5001, each row showing its date, id and amount. */
export const STANDARD_ROWS = [paymentRow({ truth: 7001, date: '07/01/2026', idText: '7001' }), paymentRow({ truth: 7002, date: '08/01/2026', idText: '7002' })];

export const REASON_FIELD = '<p><label for="reason">Reason</label> <input id="reason" type="text"></p>';

/** The payments step as an ARIA dialog with headings, drawn into the order page. */
export function paymentsDialog({
  rows = STANDARD_ROWS,
  reason = REASON_FIELD,
  actions = '<input type="button" value="Next"> <input type="button" value="Cancel">',
  headers = HEADERS,
}: { rows?: readonly string[]; reason?: string; actions?: string; headers?: readonly string[] } = {}): string {
  return `${ORDER_PAGE_TOP}
    <div role="dialog" aria-labelledby="refund-title">
      <h2 id="refund-title">Refund Payment</h2>
      ${paymentsTable(rows, headers)}
      ${reason}
      <div class="buttons">${actions}</div>
    </div>`;
}

/** What the order page shows around the screen: its own payments table (no tick boxes) and Keap's opener. */
export const ORDER_PAGE_TOP = `
  <h1>Order #5001 — Summer order</h1>
  <table class="order-payments">
    <tr><th>Date</th><th>Payment ID</th><th>Amount</th></tr>
    <tr><td>07/01/2026</td><td>7001</td><td>$60.00</td></tr>
    <tr><td>08/01/2026</td><td>7002</td><td>$60.00</td></tr>
  </table>
  <input type="button" value="Refund Payment">`;

export const METHOD_RADIOS_IN_CELLS = `
  <table>
    <tr><td><input type="radio" name="method" value="1" data-choice="refund"></td><td>Refund</td></tr>
    <tr><td><input type="radio" name="method" value="2" data-choice="manual-refund"></td><td>Manual Refund</td></tr>
  </table>`;

export const ERROR_HANDLING_RADIOS_IN_CELLS = `
  <h3>Error Handling</h3>
  <table>
    <tr><td><input type="radio" name="onfail" value="r" data-choice="record-anyway"></td><td>If an automatic refund fails, record the refund anyway</td></tr>
    <tr><td><input type="radio" name="onfail" value="s" data-choice="skip-payment"></td><td>If an automatic refund fails, skip that payment</td></tr>
  </table>`;

/** Keap's options step as the seed article tells it: the method and Error Handling on one step, one Next. */
export function optionsDialog(parts: string = METHOD_RADIOS_IN_CELLS + ERROR_HANDLING_RADIOS_IN_CELLS, actions = '<button>Next</button><button>Cancel</button>'): string {
  return `${ORDER_PAGE_TOP}
    <div role="dialog"><h2>Refund Method</h2><form>${parts}<div>${actions}</div></form></div>`;
}

export const OWED_QUESTION = 'How much should the client owe you after this transaction is complete';

export function creditDialog(
  owed = `<label for="owed">${OWED_QUESTION}</label> <input id="owed" type="text" value="0.00">`,
  actions = '<button>Finish</button> <button>Cancel</button>',
): string {
  return `${ORDER_PAGE_TOP}
    <div role="dialog"><h2>Issuing a Credit</h2>${owed}<div>${actions}</div></div>`;
}
