import { z } from 'zod';
import { parseAmountInput } from './money';
import { escapeHtml, pageShell, refundablePaymentRows, type RefundablePaymentRow } from './pages';
import { processRefund, type RefundLineResult, type RefundSubmission } from './refund';
import { STEP_PAGE_SCRIPT } from './refund-screen-scripts';
import { resultText, stepFinalButton, type StepForm } from './screen-forms';
import { findOrder, RefundMethodSchema, type Order, type RefundMethod, type SandboxState } from './state';

/**
 * The refund screen forms whose steps the server draws (jquery, pages, window, iframe): each
 * step is a form posted to `POST /Job/refundPayment.jsp` (form-encoded) that carries the earlier
 * choices in hidden fields, and the answer is the next step, the same step with an error, or the
 * results. The jquery form answers with fragments its dialog draws; the others with whole pages.
 * Validation and wording of errors follow the dialog's script; the books are kept by processRefund.
 */

const STEPS = ['payments', 'method', 'credit'] as const;
type Step = (typeof STEPS)[number];
const StepSchema = z.enum(STEPS);
const StepFormSchema = z.enum(['jquery', 'pages', 'window', 'iframe']);
const OnFailureSchema = z.enum(['record', 'skip']);
type OnFailure = z.infer<typeof OnFailureSchema>;

const OWED_LABEL = 'How much should the client owe you after this transaction is complete';
const ERROR_HANDLING_CHOICES: [OnFailure, string][] = [
  ['record', 'If an automatic refund fails, record the refund anyway'],
  ['skip', 'If an automatic refund fails, skip that payment'],
];
const METHOD_LABELS: Record<RefundMethod, string> = { refund: 'Refund', manual: 'Manual Refund', void: 'Void' };
const METHOD_HINT = "If the payment's gateway is not listed, the refund must be made in the merchant account itself.";

export interface StepContext {
  declines: (paymentId: number) => boolean;
  now: Date;
  /** The lateRefunds fault (processRefund's `lateRefundMs`). */
  lateRefundMs?: number | undefined;
  /** The alteredRefundScreen fault: the button that sends the refund reads "Make it so". */
  altered: boolean;
}

export interface StepAnswer {
  status: number;
  html: string;
}

/** What has been chosen so far, as the step forms carry it. */
interface Choices {
  paymentIds: number[];
  /** Refund amounts as typed, by payment id. */
  amounts: Map<number, string>;
  reason: string;
  method: RefundMethod | null;
  onFailure: OnFailure | null;
  /** Null until the Issuing a Credit step has been posted; it then shows 0.00. */
  amountOwed: string | null;
}

interface StepView {
  form: StepForm;
  order: Order;
  rows: RefundablePaymentRow[];
  choices: Choices;
  finalButton: string;
}

type Outcome = { step: Step; error?: string } | { results: RefundLineResult[] };

const NO_CHOICES: Choices = { paymentIds: [], amounts: new Map(), reason: '', method: null, onFailure: null, amountOwed: null };

/** `GET /Job/refundPayment.jsp?orderId=N`: the first step (`window=1`, `frame=1` or `fragment=1` choose the form). */
export function answerStepPage(state: SandboxState, query: URLSearchParams, requestedWith: string | undefined, context: StepContext): StepAnswer {
  const form: StepForm =
    query.get('fragment') === '1' || requestedWith === 'XMLHttpRequest' ? 'jquery' : query.get('window') === '1' ? 'window' : query.get('frame') === '1' ? 'iframe' : 'pages';
  const order = findOrder(state, Number(query.get('orderId')));
  if (!order) return notFound();
  return render(viewOf(state, form, order, NO_CHOICES, context), { step: 'payments' });
}

/** A form-encoded `POST /Job/refundPayment.jsp`: one step of a server-drawn form. */
export function answerStepPost(state: SandboxState, fields: URLSearchParams, context: StepContext): StepAnswer {
  const form = StepFormSchema.safeParse(fields.get('screen'));
  const step = StepSchema.safeParse(fields.get('step'));
  if (!form.success || !step.success) return { status: 400, html: errorPage('The refund request could not be read.') };
  const order = findOrder(state, Number(fields.get('orderId')));
  if (!order) return notFound();
  const view = viewOf(state, form.data, order, readChoices(fields), context);
  if (fields.get('back') === '1') return render(view, { step: STEPS[Math.max(0, STEPS.indexOf(step.data) - 1)] ?? 'payments' });
  return render(view, advance(state, view, step.data, context));
}

function viewOf(state: SandboxState, form: StepForm, order: Order, choices: Choices, context: StepContext): StepView {
  return { form, order, rows: refundablePaymentRows(state, order), choices, finalButton: stepFinalButton(form, context.altered) };
}

function readChoices(fields: URLSearchParams): Choices {
  const amounts = new Map<number, string>();
  for (const [name, value] of fields) {
    const match = /^refundAmount_(\d+)$/.exec(name);
    if (match) amounts.set(Number(match[1]), value.trim());
  }
  return {
    paymentIds: fields.getAll('paymentIds').map(Number).filter(Number.isSafeInteger),
    amounts,
    reason: fields.get('refundReason') ?? '',
    method: RefundMethodSchema.safeParse(fields.get('refundMethod')).data ?? null,
    onFailure: OnFailureSchema.safeParse(fields.get('onFailure')).data ?? null,
    amountOwed: fields.get('amountOwed'),
  };
}

/** Checks the posted step; the next step, the same one with an error, or the processed refund. */
function advance(state: SandboxState, view: StepView, step: Step, context: StepContext): Outcome {
  const { choices } = view;
  if (step === 'payments') {
    const error = paymentsProblem(view);
    return error === undefined ? { step: 'method' } : { step, error };
  }
  if (step === 'method') {
    if (choices.method === null || !offeredMethods(view).includes(choices.method)) return { step, error: 'Choose a refund method.' };
    if (choices.method === 'refund' && choices.onFailure === null) return { step, error: 'Choose what to do if an automatic refund fails.' };
    return { step: 'credit' };
  }
  if (choices.method === null) return { step: 'method', error: 'Choose a refund method.' };
  const amountOwed = (choices.amountOwed ?? '').trim();
  if (parseAmountInput(amountOwed) === undefined) return { step, error: 'Enter how much the client should owe, 0.00 or more.' };
  const submission: RefundSubmission = {
    orderId: view.order.id,
    reason: choices.reason,
    method: choices.method,
    ...(choices.method === 'refund' && choices.onFailure !== null ? { onFailure: choices.onFailure } : {}),
    amountOwed,
    payments: choices.paymentIds.map((paymentId) => ({ paymentId, amount: choices.amounts.get(paymentId) ?? '' })),
  };
  const answer = processRefund(state, submission, context);
  return answer.ok ? { results: answer.results } : { step, error: answer.error.message };
}

function paymentsProblem({ rows, choices }: StepView): string | undefined {
  const unlisted = choices.paymentIds.find((paymentId) => !rows.some((row) => row.id === paymentId));
  if (unlisted !== undefined) return `Payment ${unlisted} cannot be refunded on this order.`;
  for (const row of rows) {
    if (!choices.paymentIds.includes(row.id)) continue;
    const cents = parseAmountInput(choices.amounts.get(row.id) ?? '');
    if (cents === undefined || cents === 0 || cents > (parseAmountInput(row.refundable) ?? 0)) {
      return `Enter a refund amount between 0.01 and ${row.refundable} for payment ${row.id}.`;
    }
  }
  if (choices.paymentIds.length === 0) return 'Select at least one payment to refund.';
  if (choices.reason.trim() === '') return 'Enter a reason for the refund.';
  return undefined;
}

/** Void only when every ticked payment is still pending ("You can only void pending transactions"). */
function offeredMethods({ rows, choices }: StepView): RefundMethod[] {
  const allPending = choices.paymentIds.length > 0 && choices.paymentIds.every((paymentId) => rows.find((row) => row.id === paymentId)?.pending === true);
  return allPending ? ['refund', 'manual', 'void'] : ['refund', 'manual'];
}

/** Keap's classic pages answer 200 with the error drawn in the step, as the dialog shows it. */
function render(view: StepView, outcome: Outcome): StepAnswer {
  return { status: 200, html: view.form === 'jquery' ? jqueryFragment(view, outcome) : stepPage(view, outcome) };
}

function notFound(): StepAnswer {
  return { status: 404, html: errorPage('Order not found.') };
}

function errorPage(message: string): string {
  return `<!DOCTYPE html><title>Refund Payment</title><p>${escapeHtml(message)}</p>`;
}

function hidden(name: string, value: string | number): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`;
}

/** The hidden fields of a step: which form, order and step, and every choice made before it. */
function hiddenFields(view: StepView, step: Step): string {
  const { choices } = view;
  const fields = [hidden('screen', view.form), hidden('orderId', view.order.id), hidden('step', step)];
  if (view.form === 'jquery') fields.push(hidden('fragment', '1'));
  if (step !== 'payments') {
    for (const paymentId of choices.paymentIds) {
      fields.push(hidden('paymentIds', paymentId), hidden(`refundAmount_${paymentId}`, choices.amounts.get(paymentId) ?? ''));
    }
    fields.push(hidden('refundReason', choices.reason.trim()));
  }
  if (step === 'credit') {
    fields.push(hidden('refundMethod', choices.method ?? ''));
    if (choices.method === 'refund' && choices.onFailure !== null) fields.push(hidden('onFailure', choices.onFailure));
  }
  return fields.join('\n');
}

function checkedIf(condition: boolean): string {
  return condition ? ' checked' : '';
}

function amountValue(view: StepView, row: RefundablePaymentRow): string {
  return escapeHtml(view.choices.amounts.get(row.id) ?? row.refundable);
}

/** The radios a method step offers, each `[value, label, checked]`. */
function methodChoices(view: StepView): { methods: [RefundMethod, string, boolean][]; onFailure: [OnFailure, string, boolean][] } {
  return {
    methods: offeredMethods(view).map((method) => [method, METHOD_LABELS[method], view.choices.method === method]),
    onFailure: ERROR_HANDLING_CHOICES.map(([value, label]) => [value, label, view.choices.onFailure === value]),
  };
}

function resultLines(view: StepView, results: RefundLineResult[]): string[] {
  return results.map((line) => escapeHtml(resultText(view.form, line)));
}

// The jquery form: a jQuery-era dialog with no ARIA and no headings; labels live in table cells.

function jqueryFragment(view: StepView, outcome: Outcome): string {
  const title = '<div class="dlgTitle">Refund Payment</div>';
  if ('results' in outcome) {
    const lines = resultLines(view, outcome.results).map((line) => `<p>${line}</p>`);
    return `${title}
<div class="dlgResults">${lines.join('\n')}</div>
<div class="dlgButtons"><input type="button" class="dlgClose" value="Close"></div>`;
  }
  const { step } = outcome;
  const error = outcome.error === undefined ? '' : `<div class="errorMsg">${escapeHtml(outcome.error)}</div>`;
  const back = step === 'payments' ? '' : '<input type="button" class="dlgBack" value="Back"> ';
  const submit = step === 'credit' ? view.finalButton : 'Next';
  return `${title}
<form class="dlgForm" action="refundPayment.jsp" method="post">
${hiddenFields(view, step)}
${error}
${jqueryStepContent(view, step)}
<div class="dlgButtons">${back}<input type="submit" value="${escapeHtml(submit)}"> <input type="button" class="dlgClose" value="Cancel"></div>
</form>`;
}

function jqueryRadioRows(name: string, choices: [string, string, boolean][]): string {
  return choices
    .map(([value, label, checked]) => `<tr><td><input type="radio" name="${name}" value="${value}"${checkedIf(checked)}></td><td>${escapeHtml(label)}</td></tr>`)
    .join('\n');
}

function jqueryStepContent(view: StepView, step: Step): string {
  if (step === 'payments') {
    const rows = view.rows
      .map(
        (row) =>
          `<tr><td><input type="checkbox" name="paymentIds" value="${row.id}"${checkedIf(view.choices.paymentIds.includes(row.id))}></td><td>${row.date}</td><td>${row.id}</td><td>${escapeHtml(row.type)}</td><td>${row.amount}</td><td><input type="text" name="refundAmount_${row.id}" value="${amountValue(view, row)}" size="8"></td></tr>`,
      )
      .join('\n');
    return `<table class="dlgGrid">
<tr><th></th><th>Date</th><th>Payment #</th><th>Type</th><th>Amount</th><th>Refund</th></tr>
${rows}
</table>
<table class="dlgFields"><tr><td>Reason:</td><td><input type="text" name="refundReason" value="${escapeHtml(view.choices.reason)}" size="40"></td></tr></table>`;
  }
  if (step === 'method') {
    const { methods, onFailure } = methodChoices(view);
    return `<div class="dlgSection">Refund Method</div>
<table class="dlgFields">
${jqueryRadioRows('refundMethod', methods)}
</table>
<div class="dlgNote">${escapeHtml(METHOD_HINT)}</div>
<div class="dlgSection">Error Handling</div>
<table class="dlgFields">
${jqueryRadioRows('onFailure', onFailure)}
</table>`;
  }
  return `<div class="dlgSection">Issuing a Credit</div>
<table class="dlgFields"><tr><td>${OWED_LABEL}:</td><td><input type="text" name="amountOwed" value="${escapeHtml(view.choices.amountOwed ?? '0.00')}" size="8"></td></tr></table>`;
}

// The pages form (and window and iframe, which show the same pages): one page per step, native posts.

function orderLink(order: Order): string {
  return escapeHtml(`manageJob.jsp?view=edit&ID=${order.id}`);
}

function cancelControl(view: StepView): string {
  if (view.form === 'window') return '<input type="button" value="Cancel" data-action="close-window">';
  if (view.form === 'iframe') return '<input type="button" value="Cancel" data-action="close-frame">';
  return `<a href="${orderLink(view.order)}">Cancel</a>`;
}

function stepPage(view: StepView, outcome: Outcome): string {
  if ('results' in outcome) {
    const items = resultLines(view, outcome.results).map((line) => `<li>${line}</li>`);
    const after =
      view.form === 'window'
        ? '<p><input type="button" value="Close Window" data-action="close-window"></p>'
        : view.form === 'pages'
          ? `<p><a href="${orderLink(view.order)}">Back to Order</a></p>`
          : '';
    return pageShell('Refund Payment', `<h3>Refund Results</h3>\n<ul class="refund-results">${items.join('\n')}</ul>\n${after}`, STEP_PAGE_SCRIPT);
  }
  const { step } = outcome;
  const headings: Record<Step, string> = { payments: 'Refund Payment', method: 'Refund Method', credit: 'Issuing a Credit' };
  const error = outcome.error === undefined ? '' : `<p class="error">${escapeHtml(outcome.error)}</p>`;
  const submit = step === 'credit' ? view.finalButton : 'Next';
  const body = `<h3>${headings[step]}</h3>
${error}
<form method="post" action="refundPayment.jsp">
${hiddenFields(view, step)}
${pageStepContent(view, step)}
<p><button type="submit">${escapeHtml(submit)}</button> ${cancelControl(view)}</p>
</form>`;
  return pageShell('Refund Payment', body, STEP_PAGE_SCRIPT);
}

function labelledRadios(name: string, choices: [string, string, boolean][]): string {
  return choices
    .map(
      ([value, label, checked]) =>
        `<p><input type="radio" name="${name}" value="${value}" id="${name}_${value}"${checkedIf(checked)}> <label for="${name}_${value}">${escapeHtml(label)}</label></p>`,
    )
    .join('\n');
}

function pageStepContent(view: StepView, step: Step): string {
  if (step === 'payments') {
    const rows = view.rows
      .map(
        (row) =>
          `<tr><td><input type="checkbox" name="paymentIds" value="${row.id}" id="paymentIds_${row.id}"${checkedIf(view.choices.paymentIds.includes(row.id))}></td><td>${row.date}</td><td>${row.id}</td><td>${escapeHtml(row.type)}</td><td>${row.amount}</td><td><input type="text" name="refundAmount_${row.id}" value="${amountValue(view, row)}" size="8"></td></tr>`,
      )
      .join('\n');
    return `<table class="list"><thead><tr><th></th><th>Date</th><th>Payment ID</th><th>Type</th><th>Amount</th><th>Refund Amount</th></tr></thead>
<tbody>${rows}</tbody></table>
<p><label for="refundReason">Reason</label> <input type="text" id="refundReason" name="refundReason" value="${escapeHtml(view.choices.reason)}" size="40"></p>`;
  }
  if (step === 'method') {
    const { methods, onFailure } = methodChoices(view);
    return `${labelledRadios('refundMethod', methods)}
<p>${escapeHtml(METHOD_HINT)}</p>
<h3>Error Handling</h3>
${labelledRadios('onFailure', onFailure)}`;
  }
  return `<p><label for="amountOwed">${OWED_LABEL}</label> <input type="text" id="amountOwed" name="amountOwed" value="${escapeHtml(view.choices.amountOwed ?? '0.00')}" size="8"></p>`;
}
