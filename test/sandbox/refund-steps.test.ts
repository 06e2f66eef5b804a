import { Window } from 'happy-dom';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiGet } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';

/**
 * The server-drawn refund screen forms over HTTP: each step is read from the server's answer and
 * its form is posted the way a browser posts it (the form's own fields, form-encoded), so the
 * hidden fields the server wrote are what carries the choices from step to step.
 */

interface PaymentBody {
  id: number;
  amount: number;
  pay_status: string;
  refund_invoice_payment_id: number;
}
interface OrderBody {
  total_due: number;
  refund_total: number;
}

let sandbox: Sandbox;
const parser = new new Window().DOMParser();
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

interface Answer {
  status: number;
  html: string;
  document: Document;
}

function parse(html: string): Document {
  return parser.parseFromString(html, 'text/html') as unknown as Document;
}

async function answerOf(response: Response): Promise<Answer> {
  const html = await response.text();
  return { status: response.status, html, document: parse(html) };
}

async function openSteps(query: string, headers: Record<string, string> = {}): Promise<Answer> {
  return answerOf(await fetch(`${sandbox.appBase}/Job/refundPayment.jsp?${query}`, { headers }));
}

/** Posts the step's form as a browser would, after `fill` has set its fields. */
async function submit(step: Answer, fill: (document: Document) => void = () => undefined, extra: Record<string, string> = {}): Promise<Answer> {
  fill(step.document);
  const form = step.document.querySelector('form');
  if (!form) throw new Error(`no form in:\n${step.html}`);
  const window = step.document.defaultView as unknown as { FormData: typeof FormData };
  const fields = new URLSearchParams([...new window.FormData(form).entries()] as [string, string][]);
  for (const [name, value] of Object.entries(extra)) fields.set(name, value);
  expect(form.getAttribute('action')).toBe('refundPayment.jsp');
  return answerOf(await fetch(`${sandbox.appBase}/Job/refundPayment.jsp`, { method: 'POST', body: fields }));
}

function tick(document: Document, paymentId: number, amount?: string): void {
  (document.querySelector(`input[type="checkbox"][name="paymentIds"][value="${paymentId}"]`) as HTMLInputElement).checked = true;
  if (amount !== undefined) (document.querySelector(`input[name="refundAmount_${paymentId}"]`) as HTMLInputElement).value = amount;
}

function setText(document: Document, name: string, value: string): void {
  (document.querySelector(`input[name="${name}"]`) as HTMLInputElement).value = value;
}

function choose(document: Document, name: string, value: string): void {
  (document.querySelector(`input[type="radio"][name="${name}"][value="${value}"]`) as HTMLInputElement).checked = true;
}

function texts(document: Document, selector: string): string[] {
  return [...document.querySelectorAll(selector)].map((node) => node.textContent?.trim() ?? '');
}

async function apiView(orderId: number) {
  const payments = (await apiGet<PaymentBody[]>(sandbox, `/v1/orders/${orderId}/payments`)).body;
  const order = (await apiGet<OrderBody>(sandbox, `/v1/orders/${orderId}`)).body;
  return { order, payments, refundsOf: (paymentId: number) => payments.filter((payment) => payment.refund_invoice_payment_id === paymentId) };
}

interface Walk {
  orderId: number;
  lines: [paymentId: number, amount?: string][];
  reason?: string;
  method: 'refund' | 'manual' | 'void';
  onFailure?: 'record' | 'skip';
  amountOwed?: string;
}

/** Walks the page-per-step form from its first page to its results page. */
async function walkPages(query: string, walk: Walk, finalButton: string): Promise<Answer> {
  const payments = await openSteps(`orderId=${walk.orderId}${query}`);
  expect(texts(payments.document, 'h3')).toEqual(['Refund Payment']);
  const method = await submit(payments, (document) => {
    for (const [paymentId, amount] of walk.lines) tick(document, paymentId, amount);
    setText(document, 'refundReason', walk.reason ?? 'Customer asked');
  });
  expect(texts(method.document, 'h3')).toEqual(['Refund Method', 'Error Handling']);
  const credit = await submit(method, (document) => {
    choose(document, 'refundMethod', walk.method);
    if (walk.onFailure) choose(document, 'onFailure', walk.onFailure);
  });
  expect(texts(credit.document, 'h3')).toEqual(['Issuing a Credit']);
  expect(credit.document.querySelector('button[type="submit"]')?.textContent).toBe(finalButton);
  return submit(credit, (document) => walk.amountOwed !== undefined && setText(document, 'amountOwed', walk.amountOwed));
}

describe('pages form: one page per step, native form posts', () => {
  it('draws the first step with labels, the refundable payments prefilled, Next and a Cancel link back to the order', async () => {
    const step = await openSteps(`orderId=${SEED.orders.partiallyRefunded}`);
    expect(step.status).toBe(200);
    const { document } = step;
    expect(document.title).toBe('Refund Payment');
    expect(document.querySelector('form')?.getAttribute('method')).toBe('post');
    expect(texts(document, 'thead th')).toEqual(['', 'Date', 'Payment ID', 'Type', 'Amount', 'Refund Amount']);
    expect(texts(document, 'tbody tr')).toHaveLength(1);
    const cells = texts(document, 'tbody td');
    expect(cells.slice(1, 5)).toEqual(['04/28/2025', '7003', 'Credit Card (Authorize.Net)', '$80.00']);
    expect((document.querySelector('input[name="refundAmount_7003"]') as HTMLInputElement).value).toBe('60.00');
    expect(document.querySelector('label[for="refundReason"]')?.textContent).toBe('Reason');
    expect(document.querySelector('button[type="submit"]')?.textContent).toBe('Next');
    const cancel = [...document.querySelectorAll('a')].find((link) => link.textContent === 'Cancel');
    expect(cancel?.getAttribute('href')).toBe(`manageJob.jsp?view=edit&ID=${SEED.orders.partiallyRefunded}`);
  });

  it('a full refund lands in the API', async () => {
    const results = await walkPages('', { orderId: SEED.orders.twoPayments, lines: [[SEED.payments.twoPaymentsFirst]], method: 'refund', onFailure: 'skip' }, 'Complete Refund');
    expect(texts(results.document, 'h3')).toEqual(['Refund Results']);
    expect(texts(results.document, 'ul.refund-results li')).toEqual(['Payment 7001: Refunded $60.00']);
    expect([...results.document.querySelectorAll('a')].map((link) => [link.textContent, link.getAttribute('href')])).toContainEqual([
      'Back to Order',
      `manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`,
    ]);
    const view = await apiView(SEED.orders.twoPayments);
    expect(view.refundsOf(SEED.payments.twoPaymentsFirst)).toMatchObject([{ amount: -60, pay_status: 'REFUNDED' }]);
    expect(view.payments.find((payment) => payment.id === SEED.payments.twoPaymentsFirst)?.pay_status).toBe('REFUNDED');
  });

  it('a partial refund of two payments leaves the amount owed that was entered', async () => {
    const results = await walkPages(
      '',
      {
        orderId: SEED.orders.twoPayments,
        lines: [
          [SEED.payments.twoPaymentsFirst, '10.00'],
          [SEED.payments.twoPaymentsSecond, '12.50'],
        ],
        method: 'refund',
        onFailure: 'record',
        amountOwed: '22.50',
      },
      'Complete Refund',
    );
    expect(texts(results.document, 'li')).toEqual(['Payment 7001: Refunded $10.00', 'Payment 7002: Refunded $12.50']);
    const view = await apiView(SEED.orders.twoPayments);
    expect(view.order).toMatchObject({ refund_total: 22.5, total_due: 22.5 });
    expect(view.refundsOf(SEED.payments.twoPaymentsFirst).map((refund) => refund.amount)).toEqual([-10]);
    expect(view.refundsOf(SEED.payments.twoPaymentsSecond).map((refund) => refund.amount)).toEqual([-12.5]);
  });

  it('a gateway decline with "skip that payment" changes nothing; with "record the refund anyway" it is recorded', async () => {
    sandbox.setFaults({ declinePayments: [SEED.payments.twoPaymentsFirst] });
    const walk: Walk = { orderId: SEED.orders.twoPayments, lines: [[SEED.payments.twoPaymentsFirst]], method: 'refund', onFailure: 'skip' };
    const skipped = await walkPages('', walk, 'Complete Refund');
    expect(texts(skipped.document, 'li')).toEqual(['Payment 7001: Automatic refund failed (Declined by gateway); payment skipped']);
    expect((await apiView(SEED.orders.twoPayments)).refundsOf(SEED.payments.twoPaymentsFirst)).toEqual([]);

    const recorded = await walkPages('', { ...walk, onFailure: 'record' }, 'Complete Refund');
    expect(texts(recorded.document, 'li')).toEqual(['Payment 7001: Automatic refund failed (Declined by gateway); refund recorded anyway']);
    expect((await apiView(SEED.orders.twoPayments)).refundsOf(SEED.payments.twoPaymentsFirst)).toMatchObject([{ amount: -60 }]);
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['skipped-after-failure', 'recorded-after-failure']);
  });

  it('a manual refund of a PayPal Express payment needs no error handling', async () => {
    const results = await walkPages('', { orderId: SEED.orders.paypalExpress, lines: [[SEED.payments.paypalExpress]], method: 'manual' }, 'Complete Refund');
    expect(texts(results.document, 'li')).toEqual(['Payment 7006: Manual refund recorded $45.00']);
    expect((await apiView(SEED.orders.paypalExpress)).refundsOf(SEED.payments.paypalExpress)).toMatchObject([{ amount: -45, pay_status: 'REFUNDED' }]);
  });

  it('offers Void only when every ticked payment is pending, and voids it', async () => {
    const settled = await submit(await openSteps(`orderId=${SEED.orders.twoPayments}`), (document) => {
      tick(document, SEED.payments.twoPaymentsFirst);
      setText(document, 'refundReason', 'Duplicate');
    });
    expect(texts(settled.document, 'label[for^="refundMethod_"]')).toEqual(['Refund', 'Manual Refund']);

    const results = await walkPages('', { orderId: SEED.orders.pending, lines: [[SEED.payments.pending]], method: 'void' }, 'Complete Refund');
    expect(texts(results.document, 'li')).toEqual(['Payment 7005: Voided $75.00']);
    expect((await apiView(SEED.orders.pending)).payments[0]?.pay_status).toBe('VOIDED');
  });

  it('shows the same step again with the error, keeping what was entered, and changes nothing', async () => {
    const before = await apiView(SEED.orders.twoPayments);
    const first = await openSteps(`orderId=${SEED.orders.twoPayments}`);

    const nothingTicked = await submit(first, (document) => setText(document, 'refundReason', 'Late'));
    expect(texts(nothingTicked.document, 'h3')).toEqual(['Refund Payment']);
    expect(texts(nothingTicked.document, '.error')).toEqual(['Select at least one payment to refund.']);

    const badAmount = await submit(nothingTicked, (document) => tick(document, SEED.payments.twoPaymentsSecond, '60.01'));
    expect(texts(badAmount.document, '.error')).toEqual(['Enter a refund amount between 0.01 and 60.00 for payment 7002.']);
    expect((badAmount.document.querySelector('input[value="7002"]') as HTMLInputElement).checked).toBe(true);
    expect((badAmount.document.querySelector('input[name="refundAmount_7002"]') as HTMLInputElement).value).toBe('60.01');
    expect((badAmount.document.querySelector('input[name="refundReason"]') as HTMLInputElement).value).toBe('Late');

    const noReason = await submit(badAmount, (document) => {
      setText(document, 'refundAmount_7002', '5.00');
      setText(document, 'refundReason', ' ');
    });
    expect(texts(noReason.document, '.error')).toEqual(['Enter a reason for the refund.']);

    const method = await submit(noReason, (document) => setText(document, 'refundReason', 'Late'));
    expect(texts((await submit(method)).document, '.error')).toEqual(['Choose a refund method.']);
    const noErrorHandling = await submit(method, (document) => choose(document, 'refundMethod', 'refund'));
    expect(texts(noErrorHandling.document, 'h3')).toEqual(['Refund Method', 'Error Handling']);
    expect(texts(noErrorHandling.document, '.error')).toEqual(['Choose what to do if an automatic refund fails.']);
    expect((noErrorHandling.document.querySelector('input[value="refund"]') as HTMLInputElement).checked).toBe(true);

    const credit = await submit(noErrorHandling, (document) => choose(document, 'onFailure', 'skip'));
    const badOwed = await submit(credit, (document) => setText(document, 'amountOwed', '-5'));
    expect(texts(badOwed.document, 'h3')).toEqual(['Issuing a Credit']);
    expect(texts(badOwed.document, '.error')).toEqual(['Enter how much the client should owe, 0.00 or more.']);

    const after = await apiView(SEED.orders.twoPayments);
    expect(after).toMatchObject({ order: before.order, payments: before.payments });
    expect(sandbox.state.refundLog).toEqual([]);

    const results = await submit(badOwed, (document) => setText(document, 'amountOwed', '0.00'));
    expect(texts(results.document, 'li')).toEqual(['Payment 7002: Refunded $5.00']);
  });

  it("shows Keap's refusal on the last step when the payment was refunded meanwhile", async () => {
    const method = await submit(await openSteps(`orderId=${SEED.orders.stripeTest}`), (document) => {
      tick(document, SEED.payments.stripeTest);
      setText(document, 'refundReason', 'Test');
    });
    const credit = await submit(method, (document) => {
      choose(document, 'refundMethod', 'refund');
      choose(document, 'onFailure', 'skip');
    });
    await walkPages('', { orderId: SEED.orders.stripeTest, lines: [[SEED.payments.stripeTest]], method: 'manual' }, 'Complete Refund');
    const refused = await submit(credit);
    expect(texts(refused.document, 'h3')).toEqual(['Issuing a Credit']);
    expect(texts(refused.document, '.error')).toEqual(['Payment 7008 has already been refunded in full.']);
    expect(sandbox.state.refundLog).toHaveLength(1);
  });

  it('shows typed and seeded markup as text', async () => {
    const step = await openSteps(`orderId=${SEED.orders.hostile}`);
    const again = await submit(step, (document) => setText(document, 'refundReason', '<img src=x onerror=alert(1)>'));
    expect(again.document.querySelector('img')).toBeNull();
    expect((again.document.querySelector('input[name="refundReason"]') as HTMLInputElement).value).toBe('<img src=x onerror=alert(1)>');
  });

  it('names the last button "Make it so" under the alteredRefundScreen fault', async () => {
    sandbox.setFaults({ alteredRefundScreen: true });
    const results = await walkPages('', { orderId: SEED.orders.twoPayments, lines: [[SEED.payments.twoPaymentsFirst]], method: 'manual' }, 'Make it so');
    expect(texts(results.document, 'li')).toEqual(['Payment 7001: Manual refund recorded $60.00']);
  });

  it('answers an unknown order with 404 and an unreadable post with 400, changing nothing', async () => {
    expect((await openSteps('orderId=999999')).status).toBe(404);
    const response = await fetch(`${sandbox.appBase}/Job/refundPayment.jsp`, { method: 'POST', body: new URLSearchParams({ screen: 'dialog', step: 'credit', orderId: '5001' }) });
    expect(response.status).toBe(400);
    expect(sandbox.state.refundLog).toEqual([]);
  });
});

describe('window and iframe forms: the same pages in a popup window or a frame', () => {
  it.each([
    { query: '&window=1', finalButton: 'Finish', cancel: 'close-window', closeAfter: ['Close Window'] },
    { query: '&frame=1', finalButton: 'Submit Refund', cancel: 'close-frame', closeAfter: [] },
  ])('$query: cancel and close act on the $cancel, the last button reads "$finalButton"', async ({ query, finalButton, cancel, closeAfter }) => {
    const first = await openSteps(`orderId=${SEED.orders.twoPayments}${query}`);
    expect(first.document.querySelector('input[value="Cancel"]')?.getAttribute('data-action')).toBe(cancel);
    expect([...first.document.querySelectorAll('a')].some((link) => link.textContent === 'Cancel')).toBe(false);
    const results = await walkPages(
      query,
      { orderId: SEED.orders.twoPayments, lines: [[SEED.payments.twoPaymentsSecond, '20.00']], method: 'refund', onFailure: 'skip' },
      finalButton,
    );
    expect(texts(results.document, 'li')).toEqual(['Payment 7002: Refunded $20.00']);
    expect([...results.document.querySelectorAll('input[type="button"]')].map((button) => (button as HTMLInputElement).value)).toEqual(closeAfter);
    expect((await apiView(SEED.orders.twoPayments)).refundsOf(SEED.payments.twoPaymentsSecond)).toMatchObject([{ amount: -20 }]);
  });
});

describe('jquery form: server-drawn fragments for a plain div dialog', () => {
  const fragmentRequest = { 'X-Requested-With': 'XMLHttpRequest' };

  function expectJqueryMarkup(answer: Answer): void {
    expect(answer.html).not.toMatch(/<html|<body|<h[1-6]|<label|role=|aria-/i);
    expect(answer.document.querySelector('.dlgTitle')?.textContent).toBe('Refund Payment');
  }

  function buttons(document: Document): string[] {
    return [...document.querySelectorAll('input[type="button"], input[type="submit"]')].map((input) => `${(input as HTMLInputElement).type}:${(input as HTMLInputElement).value}`);
  }

  it('walks payments, then method and error handling on one step, then the credit, to <p> results', async () => {
    const payments = await openSteps(`orderId=${SEED.orders.twoPayments}&fragment=1`);
    expectJqueryMarkup(payments);
    expect(texts(payments.document, 'table.dlgGrid th')).toEqual(['', 'Date', 'Payment #', 'Type', 'Amount', 'Refund']);
    expect(texts(payments.document, 'table.dlgFields td')[0]).toBe('Reason:');
    expect(buttons(payments.document)).toEqual(['submit:Next', 'button:Cancel']);

    const method = await submit(payments, (document) => {
      tick(document, SEED.payments.twoPaymentsFirst);
      setText(document, 'refundReason', 'Changed mind');
    });
    expectJqueryMarkup(method);
    expect(texts(method.document, 'table.dlgFields td').filter(Boolean)).toEqual([
      'Refund',
      'Manual Refund',
      'If an automatic refund fails, record the refund anyway',
      'If an automatic refund fails, skip that payment',
    ]);
    expect(buttons(method.document)).toEqual(['button:Back', 'submit:Next', 'button:Cancel']);

    const credit = await submit(method, (document) => {
      choose(document, 'refundMethod', 'refund');
      choose(document, 'onFailure', 'record');
    });
    expectJqueryMarkup(credit);
    expect(texts(credit.document, 'table.dlgFields td')[0]).toBe('How much should the client owe you after this transaction is complete:');
    expect(buttons(credit.document)).toEqual(['button:Back', 'submit:Submit', 'button:Cancel']);

    const results = await submit(credit);
    expectJqueryMarkup(results);
    expect(texts(results.document, '.dlgResults p')).toEqual(['Payment #7001 - Refund successful ($60.00)']);
    expect(buttons(results.document)).toEqual(['button:Close']);
    expect((await apiView(SEED.orders.twoPayments)).refundsOf(SEED.payments.twoPaymentsFirst)).toMatchObject([{ amount: -60 }]);
  });

  it('words skipped, recorded and manual lines its own way', async () => {
    sandbox.setFaults({ declinePayments: 'all' });
    async function refund(onFailure: 'skip' | 'record' | null): Promise<string[]> {
      const method = await submit(await openSteps(`orderId=${SEED.orders.twoPayments}`, fragmentRequest), (document) => {
        tick(document, SEED.payments.twoPaymentsFirst, '5.00');
        setText(document, 'refundReason', 'Sorry');
      });
      const credit = await submit(method, (document) => {
        choose(document, 'refundMethod', onFailure === null ? 'manual' : 'refund');
        if (onFailure !== null) choose(document, 'onFailure', onFailure);
      });
      return texts((await submit(credit)).document, '.dlgResults p');
    }
    expect(await refund('skip')).toEqual(['Payment #7001 - Automatic refund failed (Declined by gateway); payment skipped']);
    expect(await refund('record')).toEqual(['Payment #7001 - Automatic refund failed (Declined by gateway); refund recorded anyway']);
    expect(await refund(null)).toEqual(['Payment #7001 - Manual refund recorded ($5.00)']);
  });

  it('shows errors in a plain div on the same step and goes Back with the choices kept', async () => {
    const payments = await openSteps(`orderId=${SEED.orders.twoPayments}&fragment=1`);
    const refused = await submit(payments, (document) => tick(document, SEED.payments.twoPaymentsFirst, '7.00'));
    expectJqueryMarkup(refused);
    expect(texts(refused.document, 'div.errorMsg')).toEqual(['Enter a reason for the refund.']);
    expect(refused.document.querySelector('input[name="step"]')?.getAttribute('value')).toBe('payments');

    const method = await submit(refused, (document) => setText(document, 'refundReason', 'Late'));
    const credit = await submit(method, (document) => choose(document, 'refundMethod', 'manual'));
    const backToMethod = await submit(credit, () => undefined, { back: '1' });
    expectJqueryMarkup(backToMethod);
    expect((backToMethod.document.querySelector('input[name="refundMethod"][value="manual"]') as HTMLInputElement).checked).toBe(true);
    const backToPayments = await submit(backToMethod, () => undefined, { back: '1' });
    expect((backToPayments.document.querySelector('input[value="7001"]') as HTMLInputElement).checked).toBe(true);
    expect((backToPayments.document.querySelector('input[name="refundAmount_7001"]') as HTMLInputElement).value).toBe('7.00');
    expect((backToPayments.document.querySelector('input[name="refundReason"]') as HTMLInputElement).value).toBe('Late');
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('names the last button "Make it so" under the alteredRefundScreen fault', async () => {
    sandbox.setFaults({ alteredRefundScreen: true });
    const method = await submit(await openSteps(`orderId=${SEED.orders.twoPayments}&fragment=1`), (document) => {
      tick(document, SEED.payments.twoPaymentsFirst);
      setText(document, 'refundReason', 'Late');
    });
    const credit = await submit(method, (document) => choose(document, 'refundMethod', 'manual'));
    expect(buttons(credit.document)).toEqual(['button:Back', 'submit:Make it so', 'button:Cancel']);
  });
});
