// @vitest-environment happy-dom
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RefundScreenPlan } from './protocol';
import { finalActionOf, nextActionOf, readRefundScreen, type ScreenReading, type ScreenStepReading, sectionsOf, stepStillShown } from './screen';
import {
  creditDialog,
  ERROR_HANDLING_RADIOS_IN_CELLS,
  METHOD_RADIOS_IN_CELLS,
  optionsDialog,
  ORDER_PAGE_TOP,
  OWED_QUESTION,
  paymentRow,
  paymentsDialog,
  paymentsTable,
  PLAN,
  REASON_FIELD,
  STANDARD_ROWS,
} from './test-screens';
import type { LearnedWords } from './words';

function render(html: string): void {
  document.body.innerHTML = html;
}

function read(plan: RefundScreenPlan = PLAN, learned: LearnedWords = {}): ScreenReading {
  return readRefundScreen(document, plan, learned);
}

function stepRead(plan: RefundScreenPlan = PLAN, learned: LearnedWords = {}): ScreenStepReading {
  const reading = read(plan, learned);
  if (reading.kind !== 'step') throw new Error(`expected a step, read ${JSON.stringify({ ...reading, highlight: undefined, opener: undefined })}`);
  return reading.step;
}

function problemRead(plan: RefundScreenPlan = PLAN, learned: LearnedWords = {}): Extract<ScreenReading, { kind: 'problem' }> {
  const reading = read(plan, learned);
  if (reading.kind !== 'problem') throw new Error(`expected a problem, read ${reading.kind}`);
  return reading;
}

/** Each row read, as [the payment its tick box really is, the payment the reader took it for]. */
function mapping(step: ScreenStepReading): [string | null, number][] {
  return (step.payments?.rows ?? []).map((row) => [row.checkbox.getAttribute('data-truth'), row.payment.paymentId]);
}

function element<T extends Element = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

function actionNames(step: ScreenStepReading): string[] {
  return step.forwardActions.map((action) => action.name);
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('the payments step, in the shapes Keap may draw it', () => {
  it('reads an ARIA dialog with headings: rows by the id shown, the reason by its label, Next', () => {
    render(paymentsDialog());
    const step = stepRead();
    expect(sectionsOf(step)).toEqual(['payments']);
    expect(step.container).toBe(element('[role="dialog"]'));
    expect(mapping(step)).toEqual([
      ['7001', 7001],
      ['7002', 7002],
    ]);
    expect(step.payments?.rows.map((row) => row.amountField)).toEqual(Array.from(document.querySelectorAll('.payments input[type="text"]')));
    expect(step.payments?.reasonField).toBe(element('#reason'));
    expect(actionNames(step)).toEqual(['Next']);
    expect(nextActionOf(step, 'payments-next', {})).toMatchObject({ ok: true, value: { name: 'Next' } });
    expect(step.shownProblem).toBeNull();
  });

  it('reads a plain box with a <form>, labels in table cells and a layout table around it all', () => {
    render(`<div class="refundBox"><form action="refundPayment.jsp" method="post"><table class="layout"><tr><td>
      <table>
        <tr><th>&nbsp;</th><th>Pay Date</th><th>Amount</th><th>Refund</th></tr>
        <tr><td><input type="checkbox" name="payment_7002" value="1" data-truth="7002"></td><td>08/01/2026</td><td>$60.00</td><td><input name="amt_7002" value="60.00"></td></tr>
        <tr><td><input type="checkbox" name="payment_7001" value="1" data-truth="7001"></td><td>07/01/2026</td><td>$60.00</td><td><input name="amt_7001" value="60.00"></td></tr>
      </table>
      <table><tr><td>Refund Reason:</td><td><textarea name="reason" data-testid="reason"></textarea></td></tr></table>
      <input type="submit" value="Next"> <input type="button" value="Cancel" onclick="window.close()">
    </td></tr></table></form></div>`);
    const step = stepRead();
    expect(step.container).toBe(element('form'));
    expect(mapping(step)).toEqual([
      ['7002', 7002],
      ['7001', 7001],
    ]);
    expect(step.payments?.rows[0]?.amountField).toBe(element('[name="amt_7002"]'));
    expect(step.payments?.reasonField).toBe(element('[data-testid="reason"]'));
    expect(actionNames(step)).toEqual(['Next']);
  });

  it('reads a whole page per step with <label for>, navigation links and a <button>', () => {
    render(`<div id="header"><a href="../index.jsp">Home</a> <a href="../Contact/manageContact.jsp?view=edit&amp;ID=12">Contact</a></div>
      <h1>Refund Payment</h1>
      ${paymentsTable(STANDARD_ROWS)}
      <label for="notes">Notes</label><textarea id="notes"></textarea>
      <button type="submit">Continue</button> <a href="manageJob.jsp?view=edit&amp;ID=5001">Cancel</a>`);
    const step = stepRead();
    expect(step.container).toBe(document.body);
    expect(mapping(step)).toEqual([
      ['7001', 7001],
      ['7002', 7002],
    ]);
    expect(step.payments?.reasonField).toBe(element('#notes'));
    expect(actionNames(step)).toEqual(['Continue']);
    expect(nextActionOf(step, 'payments-next', {})).toMatchObject({ ok: true, value: { name: 'Continue' } });
  });

  it.each([
    ['<button>', '<button type="button">Next</button>'],
    ['<input type=submit>', '<input type="submit" value="Next">'],
    ['<input type=image>', '<input type="image" src="next.gif" alt="Next">'],
    ['a link running script', '<a href="#" onclick="nextStep(); return false;">Next</a>'],
    ['a javascript: link', '<a href="javascript:void(0)">Next »</a>'],
  ])('finds Next drawn as %s', (_shape, next) => {
    render(paymentsDialog({ actions: `${next} <a href="manageJob.jsp?ID=5001">Cancel</a>` }));
    const step = stepRead();
    const action = nextActionOf(step, 'payments-next', {});
    expect(action.ok).toBe(true);
    if (action.ok) expect(action.value.element).toBe(element('.buttons > :first-child'));
  });
});

describe("matching rows to the API's payments", () => {
  it('by the id on the tick box only (value), whatever the order of the rows', () => {
    render(
      paymentsDialog({
        rows: [paymentRow({ truth: 7002, box: 'value="7002"', type: 'Visa' }), paymentRow({ truth: 7001, box: 'value="7001"', type: 'Visa' })],
      }),
    );
    expect(mapping(stepRead())).toEqual([
      ['7002', 7002],
      ['7001', 7001],
    ]);
  });

  it("by the id in the tick box's name", () => {
    render(paymentsDialog({ rows: [paymentRow({ truth: 7002, box: 'name="pay_7002"' }), paymentRow({ truth: 7001, box: 'name="pay_7001"' })] }));
    expect(mapping(stepRead())).toEqual([
      ['7002', 7002],
      ['7001', 7001],
    ]);
  });

  it.each([
    ['MM/DD/YYYY', '07/01/2026', '08/01/2026'],
    ['M/D/YYYY', '7/1/2026', '8/1/2026'],
    ['DD/MM/YYYY', '01/07/2026', '01/08/2026'],
    ['ISO', '2026-07-01', '2026-08-01'],
    ['a day before (time zones)', '06/30/2026', '07/31/2026'],
    ['a day after (time zones)', '07/02/2026', '08/02/2026'],
  ])('by date and amount alone, dates written %s', (_format, first, second) => {
    render(paymentsDialog({ rows: [paymentRow({ truth: 7002, date: second }), paymentRow({ truth: 7001, date: first })] }));
    expect(mapping(stepRead())).toEqual([
      ['7002', 7002],
      ['7001', 7001],
    ]);
  });

  it('not by a date two days off', () => {
    render(paymentsDialog({ rows: [paymentRow({ truth: 7001, date: '07/03/2026' }), paymentRow({ truth: 7002, date: '08/01/2026' })] }));
    expect(problemRead()).toMatchObject({ step: 'payments', problem: expect.stringContaining('does not show on this order') });
  });

  it('not by date and amount when two payments share them', () => {
    const plan: RefundScreenPlan = {
      ...PLAN,
      orderPayments: [
        { paymentId: 7001, payDate: '2026-07-01T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
        { paymentId: 7002, payDate: '2026-07-01T18:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      ],
    };
    render(paymentsDialog({ rows: [paymentRow({ truth: 7001, date: '07/01/2026' }), paymentRow({ truth: 7002, date: '07/01/2026' })] }));
    expect(problemRead(plan)).toMatchObject({ step: 'payments', problem: expect.stringContaining("more than one of the order's payments") });
  });

  it('not by a date that reads two ways (7 January or 1 July) when both are payments', () => {
    const plan: RefundScreenPlan = {
      ...PLAN,
      orderPayments: [
        { paymentId: 7001, payDate: '2026-01-07T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
        { paymentId: 7002, payDate: '2026-07-01T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      ],
    };
    render(paymentsDialog({ rows: [paymentRow({ truth: 7001, date: '01/07/2026' }), paymentRow({ truth: 7002, date: '07/01/2026' })] }));
    expect(problemRead(plan).problem).toContain("more than one of the order's payments");
  });

  it('by the id when two payments share a date and an amount', () => {
    const plan: RefundScreenPlan = {
      ...PLAN,
      orderPayments: [
        { paymentId: 7001, payDate: '2026-07-01T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
        { paymentId: 7002, payDate: '2026-07-01T18:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      ],
    };
    render(paymentsDialog({ rows: [paymentRow({ truth: 7002, date: '07/01/2026', idText: '#7002' }), paymentRow({ truth: 7001, date: '07/01/2026', box: 'value="7001"' })] }));
    expect(mapping(stepRead(plan))).toEqual([
      ['7002', 7002],
      ['7001', 7001],
    ]);
  });

  it('accepts the refundable amount shown for a partly refunded payment', () => {
    const plan: RefundScreenPlan = {
      ...PLAN,
      orderPayments: [PLAN.orderPayments[0]!, { ...PLAN.orderPayments[1]!, refundableMinor: 3500 }],
    };
    render(paymentsDialog({ rows: [STANDARD_ROWS[0]!, paymentRow({ truth: 7002, date: '08/01/2026', idText: '7002', amount: '$35.00' })] }));
    expect(mapping(stepRead(plan))).toEqual([
      ['7001', 7001],
      ['7002', 7002],
    ]);
  });
});

describe('the reason field', () => {
  it.each([
    ['<label for> "Reason"', '<label for="r">Reason</label><input id="r" data-testid="reason">'],
    ['a wrapping label "Refund Reason:"', '<label>Refund Reason: <input data-testid="reason"></label>'],
    ['a table cell "Notes"', '<table><tr><td>Notes</td><td><textarea data-testid="reason"></textarea></td></tr></table>'],
    ['the text beside it "Reason for Refund:"', '<p>Reason for Refund: <input type="text" data-testid="reason"></p>'],
    ['aria-label "Comments"', '<textarea aria-label="Comments" data-testid="reason"></textarea>'],
  ])('is found by %s', (_how, reason) => {
    render(paymentsDialog({ reason }));
    expect(stepRead().payments?.reasonField).toBe(element('[data-testid="reason"]'));
  });

  it('is not the amount owed, nor a field in the payments table', () => {
    render(paymentsDialog({ reason: `${REASON_FIELD}<p><label for="o">${OWED_QUESTION}</label><input id="o" value="0.00"></p>` }));
    const step = stepRead();
    expect(step.payments?.reasonField).toBe(element('#reason'));
    expect(step.owedField).toBe(element('#o'));
  });

  it('with a label Refund Desk does not know is a problem it can learn, and read once learned', () => {
    render(paymentsDialog({ reason: '<p><label for="why">Why?</label><input id="why"></p>' }));
    const problem = problemRead();
    expect(problem).toMatchObject({ step: 'payments', learnable: 'payments-reason', problem: expect.stringContaining('"Why?"') });
    expect(problem.highlight).toBe(element('#why'));
    expect(stepRead(PLAN, { 'payments-reason': ['Why'] }).payments?.reasonField).toBe(element('#why'));
    // A word learned for another slot does not count.
    expect(read(PLAN, { 'credit-final': ['Why'] }).kind).toBe('problem');
  });

  it('two fields named like the reason is a problem', () => {
    render(paymentsDialog({ reason: `${REASON_FIELD}<p><label for="n">Notes</label><textarea id="n"></textarea></p>` }));
    const problem = problemRead();
    expect(problem.problem).toContain('more than one field that could be the reason');
    expect(problem.learnable).toBeUndefined();
  });

  it('no field at all is a problem', () => {
    render(paymentsDialog({ reason: '' }));
    expect(problemRead().problem).toContain('no field for the reason');
  });
});

describe('actions on a step', () => {
  it('never takes Cancel, Back, Close, "Close Window", "Cancel refund" or × as forward', () => {
    render(
      paymentsDialog({
        actions: `<button>Back</button> <button>Cancel</button> <input type="button" value="Close"> <button>Close Window</button>
          <a href="#" onclick="cancel()">Cancel refund</a> <button aria-label="Close">×</button> <button>Previous</button>
          <input type="button" value="Next">`,
      }),
    );
    expect(actionNames(stepRead())).toEqual(['Next']);
  });

  it('with only leaving actions, there is no way on', () => {
    render(paymentsDialog({ actions: '<button>Cancel</button> <button>Back to payments</button> <button>Close Window</button>' }));
    const step = stepRead();
    expect(step.forwardActions).toEqual([]);
    expect(nextActionOf(step, 'payments-next', {})).toMatchObject({ ok: false, problem: expect.stringContaining('no button to move on') });
  });

  it("does not count the order page's buttons outside the dialog", () => {
    render(`${paymentsDialog()}<input type="button" value="Add Payment">`);
    expect(actionNames(stepRead())).toEqual(['Next']);
  });

  it('counts disabled forward actions apart', () => {
    render(paymentsDialog({ actions: '<button disabled>Next</button> <button>Cancel</button>' }));
    const step = stepRead();
    expect(step.forwardActions).toEqual([]);
    expect(step.disabledForwardActions).toBe(1);
  });
});

describe('the refund amount field of a row', () => {
  const twoFieldHeaders = ['', 'Date', 'Payment ID', 'Type', 'Amount', 'Note', 'Refund Amount'];
  const twoFieldRow = (truth: number, date: string) =>
    paymentRow({
      truth,
      date,
      idText: String(truth),
      refundCell: `<td><input type="text" data-testid="note-${truth}"></td><td><input type="text" value="60.00" data-testid="amount-${truth}"></td>`,
    });

  it('is the one under a refund-amount header when a row has two text fields', () => {
    render(paymentsDialog({ headers: twoFieldHeaders, rows: [twoFieldRow(7001, '07/01/2026'), twoFieldRow(7002, '08/01/2026')] }));
    const rows = stepRead().payments?.rows ?? [];
    expect(rows.map((row) => row.amountField)).toEqual([element('[data-testid="amount-7001"]'), element('[data-testid="amount-7002"]')]);
  });

  it('is a problem when no header says which of two fields it is', () => {
    render(paymentsDialog({ headers: ['', 'Date', 'Payment ID', 'Type', 'Amount', 'Note', 'Value'], rows: [twoFieldRow(7001, '07/01/2026'), twoFieldRow(7002, '08/01/2026')] }));
    const problem = problemRead();
    expect(problem.problem).toContain("cannot tell which field of payment 7001's row is the refund amount");
    expect(problem.highlight).toBe(element('[data-truth="7001"]'));
  });

  it('is a problem when two headers could name it', () => {
    render(
      paymentsDialog({
        headers: ['', 'Date', 'Payment ID', 'Type', 'Amount', 'Refund', 'Refund Amount'],
        rows: [twoFieldRow(7001, '07/01/2026'), twoFieldRow(7002, '08/01/2026')],
      }),
    );
    expect(problemRead().problem).toContain('is the refund amount');
  });

  it('is none when the row has no field: only the full amount can be refunded', () => {
    render(
      paymentsDialog({
        rows: STANDARD_ROWS.map((_, index) => paymentRow({ truth: 7001 + index, date: ['07/01/2026', '08/01/2026'][index], idText: String(7001 + index), refundCell: null })),
      }),
    );
    expect(stepRead().payments?.rows.map((row) => row.amountField)).toEqual([null, null]);
  });
});

describe('problems, never guesses', () => {
  it("a row for a payment Keap's API does not show on the order", () => {
    render(paymentsDialog({ rows: [...STANDARD_ROWS, paymentRow({ truth: 7003, date: '09/01/2026', idText: '7003', amount: '$15.00' })] }));
    const problem = problemRead();
    expect(problem).toMatchObject({ kind: 'problem', step: 'payments', problem: expect.stringContaining("a payment Keap's API does not show on this order") });
    expect(problem.highlight).toBe(element('[data-truth="7003"]'));
  });

  it("a row whose amounts differ from the API's", () => {
    render(paymentsDialog({ rows: [paymentRow({ truth: 7001, date: '07/01/2026', idText: '7001', amount: '$75.00' }), STANDARD_ROWS[1]!] }));
    expect(problemRead().problem).toContain("shows other amounts for payment 7001 than Keap's API (60.00)");
  });

  it('two rows for one payment', () => {
    render(paymentsDialog({ rows: [...STANDARD_ROWS, paymentRow({ truth: 7001, box: 'value="7001"' })] }));
    expect(problemRead()).toMatchObject({ step: 'payments', problem: expect.stringMatching(/payment 7001/) });
  });

  it('two tables with tick boxes', () => {
    render(
      paymentsDialog({
        reason: `${REASON_FIELD}<table><tr><td><input type="checkbox"></td><td>Email a receipt</td></tr></table>`,
      }),
    );
    expect(problemRead()).toMatchObject({ step: 'payments', problem: expect.stringContaining('more than one table of payments') });
  });

  it('two questions about the amount owed', () => {
    render(creditDialog(`<p>${OWED_QUESTION}? <input data-testid="a" value="0.00"></p><p><label>${OWED_QUESTION} <input data-testid="b"></label></p>`));
    const problem = problemRead();
    expect(problem).toMatchObject({ step: 'credit', problem: expect.stringContaining('more than once how much the client should owe') });
    expect(problem.highlight).toBe(element('[data-testid="a"]'));
  });

  it('Refund offered twice', () => {
    render(optionsDialog(`${METHOD_RADIOS_IN_CELLS}<label><input type="radio" name="other"> Refund</label>`));
    expect(problemRead()).toMatchObject({ step: 'options', problem: expect.stringContaining('offers "Refund" twice') });
  });
});

describe('the options step', () => {
  it('reads the method and error-handling radios of one step, named by the next table cell', () => {
    render(optionsDialog());
    const step = stepRead();
    expect(sectionsOf(step)).toEqual(['method', 'error-handling']);
    expect(step.method).toEqual({ refund: element('[data-choice="refund"]'), 'manual-refund': element('[data-choice="manual-refund"]') });
    expect(step.errorHandling).toEqual({ 'record-anyway': element('[data-choice="record-anyway"]'), 'skip-payment': element('[data-choice="skip-payment"]') });
    // The form (happy-dom hands out a form's proxy or its target, so compare by what it holds).
    expect(step.container.tagName).toBe('FORM');
    expect(step.container.contains(element('[data-choice="skip-payment"]'))).toBe(true);
    expect(nextActionOf(step, 'options-next', {})).toMatchObject({ ok: true, value: { name: 'Next' } });
  });

  it('reads the method alone', () => {
    render(optionsDialog(`${METHOD_RADIOS_IN_CELLS}<label><input type="radio" name="method" data-choice="void"> Void</label>`));
    const step = stepRead();
    expect(sectionsOf(step)).toEqual(['method']);
    expect(Object.keys(step.method ?? {}).sort()).toEqual(['manual-refund', 'refund', 'void']);
    expect(step.errorHandling).toBeUndefined();
  });

  it('reads error handling alone, radios followed by bare text', () => {
    render(
      optionsDialog(`<p><input type="radio" name="f" data-choice="record-anyway"> If an automatic refund fails, record the refund anyway<br>
        <input type="radio" name="f" data-choice="skip-payment"> If an automatic refund fails, skip that payment<br></p>`),
    );
    const step = stepRead();
    expect(sectionsOf(step)).toEqual(['error-handling']);
    expect(step.errorHandling).toEqual({ 'record-anyway': element('[data-choice="record-anyway"]'), 'skip-payment': element('[data-choice="skip-payment"]') });
    expect(step.method).toBeUndefined();
  });

  it('reads a <select> offering Refund and Manual Refund', () => {
    render(
      optionsDialog(`<label for="m">Refund Method</label>
        <select id="m"><option value="">Choose…</option><option value="r">Refund</option><option value="m">Manual Refund</option></select>
        ${ERROR_HANDLING_RADIOS_IN_CELLS}`),
    );
    const step = stepRead();
    expect(step.method?.refund).toBe(element('option[value="r"]'));
    expect(step.method?.['manual-refund']).toBe(element('option[value="m"]'));
    expect(step.method?.void).toBeUndefined();
    expect(step.errorHandling?.['skip-payment']).toBe(element('[data-choice="skip-payment"]'));
  });

  it('does not take "Refund" for "Manual Refund"', () => {
    render(optionsDialog('<label><input type="radio" name="m" data-choice="manual-refund"> Manual Refund</label>'));
    expect(stepRead().method).toEqual({ 'manual-refund': element('[data-choice="manual-refund"]') });
  });
});

describe('the credit step', () => {
  it.each([
    ['its <label for>', `<label for="owed">${OWED_QUESTION}</label> <input id="owed" data-testid="owed" value="0.00">`],
    ['the text in the cell beside it', `<table><tr><td>${OWED_QUESTION}:</td><td><input data-testid="owed" value="0.00"></td></tr></table>`],
    ['the question around it, ending in "?"', `<p>${OWED_QUESTION}? <input data-testid="owed" value="0.00"></p>`],
    ['a longer label holding the question', `<label>Issuing a Credit. ${OWED_QUESTION}? <input data-testid="owed"></label>`],
  ])('finds the amount-owed field by %s', (_how, owed) => {
    render(creditDialog(owed));
    const step = stepRead();
    expect(sectionsOf(step)).toEqual(['credit']);
    expect(step.owedField).toBe(element('[data-testid="owed"]'));
  });

  it.each(['Finish', 'Submit', 'Process Refund', 'complete refund'])('accepts the single forward action "%s" as the final one', (word) => {
    render(creditDialog(undefined, `<button>Cancel</button> <input type="submit" value="${word}"> <button>Back</button>`));
    const final = finalActionOf(stepRead(), {});
    expect(final).toMatchObject({ ok: true, value: { name: word } });
  });

  it('two forward actions is a problem, even when both are known words', () => {
    render(creditDialog(undefined, '<button>Finish</button> <button>Submit</button>'));
    const final = finalActionOf(stepRead(), {});
    expect(final).toMatchObject({ ok: false, problem: expect.stringContaining('2 buttons that could complete the refund ("Finish", "Submit")') });
    expect(final.ok === false && final.learnable).toBeFalsy();
  });

  it('an unknown word is learnable, with the button highlighted, and accepted once learned', () => {
    render(creditDialog(undefined, '<button data-testid="go">Make it so</button> <button>Cancel</button>'));
    const step = stepRead();
    const unknown = finalActionOf(step, {});
    expect(unknown).toMatchObject({ ok: false, learnable: 'credit-final', problem: expect.stringContaining('"Make it so"') });
    expect(unknown.ok === false && unknown.highlight).toBe(element('[data-testid="go"]'));
    expect(finalActionOf(step, { 'credit-final': ['make it so'] })).toMatchObject({ ok: true, value: { name: 'Make it so' } });
    // Learned for moving on, it does not complete the refund.
    expect(finalActionOf(step, { 'payments-next': ['Make it so'], 'options-next': ['Make it so'] }).ok).toBe(false);
  });

  it('a disabled second button does not count', () => {
    render(creditDialog(undefined, '<button>Finish</button> <button disabled>Submit</button>'));
    const step = stepRead();
    expect(step.disabledForwardActions).toBe(1);
    expect(finalActionOf(step, {})).toMatchObject({ ok: true, value: { name: 'Finish' } });
  });

  it('no forward action is a problem', () => {
    render(creditDialog(undefined, '<button>Cancel</button>'));
    expect(finalActionOf(stepRead(), {})).toMatchObject({ ok: false, problem: expect.stringContaining('no button to complete the refund') });
  });

  it('reads a problem the step shows', () => {
    render(creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="abc"><div class="errorMessage">Enter a valid amount</div><div class="error"></div>`));
    expect(stepRead().shownProblem).toBe('Enter a valid amount');
  });
});

describe('nextActionOf', () => {
  it.each(['Next', 'Continue', 'Next »', 'Proceed'])('accepts "%s"', (word) => {
    render(paymentsDialog({ actions: `<button>${word}</button><button>Cancel</button>` }));
    expect(nextActionOf(stepRead(), 'payments-next', {})).toMatchObject({ ok: true, value: { name: word } });
  });

  it('takes the one named Next among other forward actions', () => {
    render(paymentsDialog({ actions: '<button>Recalculate</button><button>Next</button>' }));
    expect(nextActionOf(stepRead(), 'payments-next', {})).toMatchObject({ ok: true, value: { name: 'Next' } });
  });

  it("an unknown only action is learnable for that step's slot, and accepted once learned", () => {
    render(paymentsDialog({ actions: '<button data-testid="on">Go on</button><button>Cancel</button>' }));
    const step = stepRead();
    const unknown = nextActionOf(step, 'payments-next', {});
    expect(unknown).toMatchObject({ ok: false, learnable: 'payments-next', problem: expect.stringContaining('"Go on"') });
    expect(unknown.ok === false && unknown.highlight).toBe(element('[data-testid="on"]'));
    expect(nextActionOf(step, 'options-next', {})).toMatchObject({ ok: false, learnable: 'options-next' });
    expect(nextActionOf(step, 'payments-next', { 'payments-next': ['Go on'] })).toMatchObject({ ok: true, value: { name: 'Go on' } });
    expect(nextActionOf(step, 'payments-next', { 'options-next': ['Go on'] }).ok).toBe(false);
  });

  it('two Next buttons is a problem', () => {
    render(paymentsDialog({ actions: '<button>Next</button><input type="button" value="Next">' }));
    const next = nextActionOf(stepRead(), 'payments-next', {});
    expect(next).toMatchObject({ ok: false, problem: expect.stringContaining('more than one Next button') });
  });

  it('two unknown actions is a problem it cannot learn', () => {
    render(paymentsDialog({ actions: '<button>Go on</button><button>Onwards</button>' }));
    const next = nextActionOf(stepRead(), 'payments-next', {});
    expect(next).toMatchObject({ ok: false, problem: expect.stringContaining('cannot tell which button') });
    expect(next.ok === false && next.learnable).toBeFalsy();
  });
});

describe('before and after the screen', () => {
  it('reads the order page with its Refund Payment button', () => {
    render(ORDER_PAGE_TOP);
    const reading = read();
    expect(reading).toMatchObject({ kind: 'order-page', opener: { name: 'Refund Payment' } });
    expect(reading.kind === 'order-page' && reading.opener.element).toBe(element('input[value="Refund Payment"]'));
  });

  it('reads nothing on a page with neither the screen nor the opener', () => {
    render('<h1>Contacts</h1><table><tr><th>Name</th></tr><tr><td>Ada</td></tr></table>');
    expect(read()).toEqual({ kind: 'nothing' });
  });

  it('takes no opener when two buttons are named Refund Payment', () => {
    render(`${ORDER_PAGE_TOP}<button>Refund Payment</button>`);
    expect(read()).toEqual({ kind: 'nothing' });
  });

  it("stepStillShown turns false once the step's table is gone or hidden", () => {
    render(paymentsDialog());
    const step = stepRead();
    expect(stepStillShown(step)).toBe(true);
    element('.payments').setAttribute('style', 'display:none');
    expect(stepStillShown(step)).toBe(false);
    element('.payments').removeAttribute('style');
    expect(stepStillShown(step)).toBe(true);
    element('.payments').remove();
    expect(stepStillShown(step)).toBe(false);
  });

  it('stepStillShown stays true while the step is redrawn around the same anchors, false once replaced', () => {
    render(optionsDialog());
    const step = stepRead();
    element('h2').textContent = 'Refund Options';
    expect(stepStillShown(step)).toBe(true);
    element('[role="dialog"]').innerHTML = '<h2>Issuing a Credit</h2>';
    expect(stepStillShown(step)).toBe(false);
  });
});

/*
 * Never guesses: random payments steps, rows in any order naming their payment in any of the ways
 * Keap might (or not at all), sometimes with a row for a payment the API does not show or a
 * payment listed twice. Whenever the reader answers with a step, every tick box it matched is the
 * row's own payment (checked against `data-truth`, which it never reads).
 */
describe('never guesses (property)', () => {
  const DAY = 86_400_000;
  const START = Date.UTC(2025, 0, 1);
  type IdStyle = 'text' | 'value' | 'none';
  type DateStyle = 'mdy' | 'md-short' | 'dmy' | 'iso';
  interface Payment {
    id: number;
    day: number;
    hour: number;
    amountMinor: number;
  }
  interface Rendering {
    idStyle: IdStyle;
    dateStyle: DateStyle;
    shift: -1 | 0 | 1;
    sortKey: number;
  }

  const paymentArb = fc.record({
    id: fc.integer({ min: 1, max: 99_999 }),
    // Days close together and amounts often alike, so rows that could be two payments are common.
    day: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 400 }), weight: 1 }),
    hour: fc.integer({ min: 0, max: 23 }),
    amountMinor: fc.oneof({ arbitrary: fc.constantFrom(6000, 2500), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 250_000 }), weight: 1 }),
  });
  const renderingArb = fc.record({
    idStyle: fc.constantFrom<IdStyle>('text', 'value', 'none'),
    dateStyle: fc.constantFrom<DateStyle>('mdy', 'md-short', 'dmy', 'iso'),
    shift: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
    sortKey: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  /** A value in one scenario of three, else null: most scenarios then have every row rightful. */
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary, weight: 1 });
  const scenarioArb = fc.record({
    payments: fc.uniqueArray(paymentArb, { minLength: 1, maxLength: 4, selector: (payment) => payment.id }),
    renderings: fc.array(renderingArb, { minLength: 4, maxLength: 4 }),
    foreign: sometimes(
      fc.record({
        /** Looks like one of the API's payments (same day and amount), or not. */
        lookalikeOf: fc.option(fc.nat({ max: 3 })),
        payment: paymentArb,
        rendering: renderingArb,
      }),
    ),
    duplicate: sometimes(fc.record({ of: fc.nat({ max: 3 }), rendering: renderingArb })),
    headers: fc.record({
      date: fc.constantFrom('Date', 'Pay Date', 'Payment Date', ''),
      id: fc.constantFrom('Payment ID', 'ID', '#', 'Payment', 'Ref'),
      type: fc.constantFrom('Type', 'Method', 'Card'),
      amount: fc.constantFrom('Amount', 'Paid', 'Total'),
      refund: fc.constantFrom('Refund Amount', 'Refund', 'Amount to Refund', ''),
    }),
    withHead: fc.boolean(),
    /** Whether each payment has its row; Keap may leave some out (say, ones fully refunded). */
    listed: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  });

  function dateText(payment: Payment, style: DateStyle, shift: number): string {
    const day = new Date(START + (payment.day + shift) * DAY + payment.hour * 3_600_000);
    const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    const two = (value: number) => String(value).padStart(2, '0');
    if (style === 'mdy') return `${two(m)}/${two(d)}/${y}`;
    if (style === 'md-short') return `${m}/${d}/${y}`;
    if (style === 'dmy') return `${two(d)}/${two(m)}/${y}`;
    return `${y}-${two(m)}-${two(d)}`;
  }

  function money(minor: number): string {
    return `$${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }

  function row(payment: Payment, rendering: Rendering, truth: string): string {
    const box = rendering.idStyle === 'value' ? `value="${payment.id}"` : '';
    return `<tr>
      <td><input type="checkbox" data-truth="${truth}" ${box}></td>
      <td>${dateText(payment, rendering.dateStyle, rendering.shift)}</td>
      <td>${rendering.idStyle === 'text' ? payment.id : ''}</td>
      <td>Credit Card</td>
      <td>${money(payment.amountMinor)}</td>
      <td><input type="text" value="${(payment.amountMinor / 100).toFixed(2)}"></td>
    </tr>`;
  }

  it('maps every tick box to its own payment, or reports a problem', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { payments } = scenario;
        const plan: RefundScreenPlan = {
          ...PLAN,
          lines: [{ paymentId: payments[0]!.id, amountMinor: payments[0]!.amountMinor }],
          orderPayments: payments.map((payment) => ({
            paymentId: payment.id,
            payDate: new Date(START + payment.day * DAY + payment.hour * 3_600_000).toISOString(),
            amountMinor: payment.amountMinor,
            refundableMinor: payment.amountMinor,
          })),
        };
        // Rows are left out only when no foreign row could stand in for them: a row is matched by
        // its date and amount when the number it shows is no payment of the order's (Keap's own
        // payment ids may not be the API's), so a foreign look-alike of a payment left out is read
        // as that payment by design.
        const duplicated = scenario.duplicate ? payments[scenario.duplicate.of % payments.length]! : null;
        const listed = payments.filter((payment, index) => scenario.foreign !== null || payment === duplicated || scenario.listed[index]);
        if (listed.length === 0) listed.push(payments[0]!);
        const rows: { html: string; sortKey: number }[] = listed.map((payment) => {
          const rendering = scenario.renderings[payments.indexOf(payment)]!;
          return { html: row(payment, rendering, String(payment.id)), sortKey: rendering.sortKey };
        });
        let foreignId: number | null = null;
        if (scenario.foreign) {
          const lookalike = scenario.foreign.lookalikeOf === null ? undefined : payments[scenario.foreign.lookalikeOf % payments.length];
          const taken = new Set(payments.map((payment) => payment.id));
          let id = scenario.foreign.payment.id;
          while (taken.has(id)) id += 1;
          foreignId = id;
          const foreign: Payment = lookalike ? { ...lookalike, id } : { ...scenario.foreign.payment, id };
          rows.push({ html: row(foreign, scenario.foreign.rendering, `foreign-${id}`), sortKey: scenario.foreign.rendering.sortKey });
        }
        if (scenario.duplicate && duplicated) {
          rows.push({ html: row(duplicated, scenario.duplicate.rendering, String(duplicated.id)), sortKey: scenario.duplicate.rendering.sortKey });
        }
        rows.sort((a, b) => a.sortKey - b.sortKey);
        const { headers } = scenario;
        const headerRow = `<tr><th></th><th>${headers.date}</th><th>${headers.id}</th><th>${headers.type}</th><th>${headers.amount}</th><th>${headers.refund}</th></tr>`;
        render(`<div role="dialog"><h2>Refund Payment</h2>
          <table>${scenario.withHead ? `<thead>${headerRow}</thead>` : headerRow}<tbody>${rows.map((r) => r.html).join('')}</tbody></table>
          ${REASON_FIELD}<input type="button" value="Next"><input type="button" value="Cancel"></div>`);

        const reading = readRefundScreen(document, plan, {});
        if (foreignId !== null || scenario.duplicate) {
          expect(reading.kind).toBe('problem');
          return;
        }
        const allNamed = listed.every((payment) => scenario.renderings[payments.indexOf(payment)]!.idStyle !== 'none');
        if (allNamed) expect(reading.kind).toBe('step');
        if (reading.kind === 'step') {
          const read = reading.step.payments?.rows ?? [];
          expect(read).toHaveLength(listed.length);
          for (const matched of read) {
            expect(matched.checkbox.getAttribute('data-truth')).toBe(String(matched.payment.paymentId));
            expect(matched.amountField?.closest('tr')).toBe(matched.checkbox.closest('tr'));
          }
        } else {
          expect(reading.kind).toBe('problem');
        }
      }),
      { numRuns: 600 },
    );
  });
});
