import { z } from 'zod';
import { refundErrorHandlingSchema } from '@/lib/refund/rules';
import { parseMoneyInput, toDecimalString } from '@/lib/money';
import { findControlByName, isVisible, normaliseWhitespace, roleOf, type ControlRole, type FoundControl } from '@/lib/page/accessible-name';
import { bodyRowsOf, cellsAtPositions, columnPosition, headerRowOf } from '@/lib/page/table-layout';
import { waitFor } from '@/lib/page/wait';

/*
 * Keap's wording on the classic order's Refund Payment screen. These are guesses from Keap's
 * help centre ("Issue a refund"), mirrored by the sandbox (docs/keap-screen-contract.md); this
 * is the only place in the extension that knows them.
 */
export const OPEN_REFUND_BUTTON_LABEL = 'Refund Payment';
export const SELECT_PAYMENTS_HEADING = 'Refund Payment';
export const REFUND_METHOD_HEADING = 'Refund Method';
export const ERROR_HANDLING_HEADING = 'Error Handling';
export const ISSUING_CREDIT_HEADING = 'Issuing a Credit';
export const REFUND_RESULTS_HEADING = 'Refund Results';
export const PAYMENT_ID_HEADER = 'Payment ID';
export const REFUND_AMOUNT_HEADER = 'Refund Amount';
export const REASON_FIELD_LABEL = 'Reason';
export const NEXT_BUTTON_LABEL = 'Next';
export const FINISH_BUTTON_LABEL = 'Finish';
export const METHOD_RADIO_LABELS = { refund: 'Refund', 'manual-refund': 'Manual Refund', void: 'Void' } as const;
export const ERROR_HANDLING_RADIO_LABELS = {
  'record-anyway': 'If an automatic refund fails, record the refund anyway',
  'skip-payment': 'If an automatic refund fails, skip that payment',
} as const;
export const AMOUNT_OWED_FIELD_LABEL = 'How much should the client owe you after this transaction is complete';
/** A results line starts "Payment 7001:". */
const RESULT_LINE_PATTERN = /^Payment\s+(\d+)\s*:/i;
/** Checked in order: "refund recorded anyway" also contains "refund". */
const RESULT_OUTCOME_PATTERNS: readonly (readonly [RegExp, RefundScreenOutcome])[] = [
  [/refund recorded anyway/i, 'recorded-anyway'],
  [/payment skipped/i, 'skipped'],
  [/manual refund recorded/i, 'manual-recorded'],
  [/\bvoided\b/i, 'voided'],
  [/\brefunded\b/i, 'refunded'],
];

const DIALOG_SELECTOR = '[role="dialog"], [role="alertdialog"], dialog';
const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6, [role="heading"]';
/** How the dialog shows a problem: an ARIA alert or live region with text in it. */
const DIALOG_ERROR_SELECTOR = '[role="alert"], [aria-live="assertive"], [aria-live="polite"]';
const HIGHLIGHT_OUTLINE = '3px solid #d93025';
export const DEFAULT_STEP_TIMEOUT_MS = 10_000;

const refundMethodSchema = z.enum(['refund', 'manual-refund', 'void']);

export const refundScreenPlanSchema = z.object({
  orderId: z.number().int().positive(),
  lines: z
    .array(z.object({ paymentId: z.number().int().positive(), amountMinor: z.number().int().positive() }))
    .min(1)
    .refine((lines) => new Set(lines.map((line) => line.paymentId)).size === lines.length, 'Each payment may appear once.'),
  currency: z.string().min(3),
  reason: z.string().trim().min(1),
  method: refundMethodSchema,
  errorHandling: refundErrorHandlingSchema,
  amountOwedMinor: z.number().int().nonnegative(),
});
export type RefundScreenPlan = z.infer<typeof refundScreenPlanSchema>;

export type RefundScreenStep = 'open-dialog' | 'select-payments' | 'refund-method' | 'error-handling' | 'issuing-credit' | 'results';

export type RefundScreenOutcome = 'refunded' | 'recorded-anyway' | 'skipped' | 'manual-recorded' | 'voided' | 'unknown';

export interface RefundScreenResultLine {
  paymentId: number;
  text: string;
  outcome: RefundScreenOutcome;
}

export type RefundScreenResult =
  | { ok: true; results: RefundScreenResultLine[] }
  | {
      ok: false;
      /** True once Finish was clicked: the refund may have gone through, so it is unconfirmed, not failed. */
      sent: boolean;
      stoppedAt: RefundScreenStep;
      /** Plain words for the person, e.g. "Could not find the Next button on Keap's Refund Method step". */
      problem: string;
      /** What is left for the person to do by hand, in order. */
      stepsLeft: string[];
    };

export interface DriveRefundScreenOptions {
  /** The order page's document (or a part of it holding the button and the dialog). */
  root: ParentNode & Node;
  stepTimeoutMs?: number;
  signal?: AbortSignal;
  onStep?: (step: RefundScreenStep) => void;
}

const STEP_NAMES: Record<RefundScreenStep, string> = {
  'open-dialog': "Keap's order page",
  'select-payments': "Keap's Refund Payment step",
  'refund-method': "Keap's Refund Method step",
  'error-handling': "Keap's Error Handling step",
  'issuing-credit': "Keap's Issuing a Credit step",
  results: "Keap's Refund Results",
};

/** A stop on the way; `highlight` is the control the person should use next, when there is one. */
class DriverStop {
  constructor(
    readonly step: RefundScreenStep,
    readonly problem: string,
    readonly highlight: HTMLElement | null = null,
  ) {}
}

function describeSteps(plan: RefundScreenPlan): Record<RefundScreenStep, string[]> {
  const lineSteps = plan.lines.map(
    (line) => `Tick payment ${line.paymentId} and set its refund amount to ${toDecimalString(line.amountMinor, plan.currency)}`,
  );
  return {
    'open-dialog': [`Click "${OPEN_REFUND_BUTTON_LABEL}" on order ${plan.orderId}`],
    'select-payments': [...lineSteps, 'Untick every other payment', `Enter the reason "${plan.reason}"`, `Click "${NEXT_BUTTON_LABEL}"`],
    'refund-method': [`Choose "${METHOD_RADIO_LABELS[plan.method]}"`, `Click "${NEXT_BUTTON_LABEL}"`],
    'error-handling':
      plan.method === 'refund' ? [`Choose "${ERROR_HANDLING_RADIO_LABELS[plan.errorHandling]}"`, `Click "${NEXT_BUTTON_LABEL}"`] : [],
    'issuing-credit': [
      `Enter ${toDecimalString(plan.amountOwedMinor, plan.currency)} in "${AMOUNT_OWED_FIELD_LABEL}"`,
      `Click "${FINISH_BUTTON_LABEL}"`,
    ],
    results: [`Check ${STEP_NAMES.results} for ${plan.lines.length === 1 ? 'the payment' : 'each payment'} before doing anything again`],
  };
}

const STEP_ORDER: readonly RefundScreenStep[] = ['open-dialog', 'select-payments', 'refund-method', 'error-handling', 'issuing-credit', 'results'];

function stepsFrom(step: RefundScreenStep, described: Record<RefundScreenStep, string[]>): string[] {
  return STEP_ORDER.slice(STEP_ORDER.indexOf(step)).flatMap((remaining) => described[remaining]);
}

function highlight(element: HTMLElement): void {
  element.style.outline = HIGHLIGHT_OUTLINE;
  element.style.outlineOffset = '2px';
  element.scrollIntoView({ block: 'center' });
}

function headingOf(dialog: Element): string {
  const heading = Array.from(dialog.querySelectorAll(HEADING_SELECTOR)).find(isVisible);
  return normaliseWhitespace(heading?.textContent ?? '');
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function visibleDialogs(root: ParentNode): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(DIALOG_SELECTOR)).filter(isVisible);
}

function dialogShowing(root: ParentNode, heading: string): HTMLElement | null {
  return visibleDialogs(root).find((dialog) => sameText(headingOf(dialog), heading)) ?? null;
}

function errorShownIn(dialog: Element): string | null {
  const texts = Array.from(dialog.querySelectorAll(DIALOG_ERROR_SELECTOR))
    .filter(isVisible)
    .map((element) => normaliseWhitespace(element.textContent ?? ''))
    .filter((text) => text !== '');
  return texts.length > 0 ? texts.join(' ') : null;
}

const KNOWN_HEADINGS = [SELECT_PAYMENTS_HEADING, REFUND_METHOD_HEADING, ERROR_HANDLING_HEADING, ISSUING_CREDIT_HEADING, REFUND_RESULTS_HEADING];

type Transition = { kind: 'arrived'; dialog: HTMLElement } | { kind: 'error'; text: string } | { kind: 'unexpected'; heading: string };

function isChecked(element: HTMLElement): boolean {
  return element.tagName === 'INPUT' ? (element as HTMLInputElement).checked : element.getAttribute('aria-checked') === 'true';
}

/** Sets a field the way typing does, so the page's own listeners see the change. */
function typeInto(field: HTMLElement, text: string): void {
  field.focus();
  (field as HTMLInputElement).value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  field.blur();
}

function valueOf(field: HTMLElement): string {
  return (field as HTMLInputElement).value ?? '';
}

function firstControlIn(container: Element, role: ControlRole): HTMLElement | null {
  return (
    Array.from(container.querySelectorAll<HTMLElement>('input, textarea, select, [role]')).find(
      (element) => roleOf(element) === role && isVisible(element),
    ) ?? null
  );
}

interface PaymentRow {
  paymentId: string;
  checkbox: HTMLElement | null;
  amountField: HTMLElement | null;
}

function readPaymentRows(dialog: Element): PaymentRow[] | null {
  for (const table of Array.from(dialog.querySelectorAll('table'))) {
    const headerRow = headerRowOf(table);
    if (!headerRow) continue;
    const idPosition = columnPosition(headerRow, [PAYMENT_ID_HEADER]);
    const amountPosition = columnPosition(headerRow, [REFUND_AMOUNT_HEADER]);
    if (idPosition < 0 || amountPosition < 0) continue;
    return bodyRowsOf(table, headerRow).map((row) => {
      const cells = cellsAtPositions(row);
      const amountCell = cells[amountPosition];
      return {
        paymentId: normaliseWhitespace(cells[idPosition]?.textContent ?? ''),
        checkbox: firstControlIn(row, 'checkbox'),
        amountField: amountCell ? firstControlIn(amountCell, 'textbox') : null,
      };
    });
  }
  return null;
}

/** Walks Keap's Refund Payment dialog for `plan`, stopping (never guessing) at anything unexpected. */
export async function driveRefundScreen(plan: RefundScreenPlan, options: DriveRefundScreenOptions): Promise<RefundScreenResult> {
  const parsedPlan = refundScreenPlanSchema.safeParse(plan);
  if (!parsedPlan.success) {
    return {
      ok: false,
      sent: false,
      stoppedAt: 'open-dialog',
      problem: `The refund plan cannot be used: ${parsedPlan.error.issues.map((issue) => issue.message).join('; ')}`,
      stepsLeft: [],
    };
  }
  const described = describeSteps(parsedPlan.data);
  const driver = new RefundScreenWalk(parsedPlan.data, options);
  try {
    return { ok: true, results: await driver.walk() };
  } catch (error) {
    if (!(error instanceof DriverStop)) throw error;
    if (error.highlight) highlight(error.highlight);
    return {
      ok: false,
      sent: driver.finishClicked,
      stoppedAt: error.step,
      problem: error.problem,
      stepsLeft: driver.finishClicked ? described.results : stepsFrom(error.step, described),
    };
  }
}

class RefundScreenWalk {
  finishClicked = false;
  private readonly root: ParentNode & Node;
  private readonly timeoutMs: number;

  constructor(
    private readonly plan: RefundScreenPlan,
    private readonly options: DriveRefundScreenOptions,
  ) {
    this.root = options.root;
    this.timeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  }

  async walk(): Promise<RefundScreenResultLine[]> {
    let dialog = await this.openDialog();
    dialog = await this.selectPayments(dialog);
    dialog = await this.chooseMethod(dialog);
    if (this.plan.method === 'refund') dialog = await this.chooseErrorHandling(dialog);
    dialog = await this.issueCredit(dialog);
    return this.readResults(dialog);
  }

  private enter(step: RefundScreenStep): void {
    this.options.onStep?.(step);
  }

  /** Waits for a control in the current dialog; missing or disabled controls stop the walk. */
  private async control(step: RefundScreenStep, dialog: ParentNode, role: ControlRole, name: string, kind: string): Promise<HTMLElement> {
    const found = await this.waitOrStop<FoundControl>(
      step,
      () => findControlByName(dialog, role, name),
      `Could not find the ${kind} "${name}" on ${STEP_NAMES[step]}`,
    );
    if (found.disabled) throw new DriverStop(step, `The ${kind} "${name}" on ${STEP_NAMES[step]} is disabled`);
    return found.element;
  }

  private async waitOrStop<T>(step: RefundScreenStep, find: () => T | null, problem: string, highlightOnTimeout: HTMLElement | null = null): Promise<T> {
    const result = await waitFor(this.root, find, { timeoutMs: this.timeoutMs, signal: this.options.signal });
    if (result.ok) return result.value;
    if (result.reason === 'aborted') {
      throw new DriverStop(step, this.finishClicked ? 'Stopped after Finish was clicked: the refund may have been sent' : 'Stopped before anything was sent to Keap');
    }
    throw new DriverStop(step, problem, highlightOnTimeout);
  }

  private stopIfAborted(step: RefundScreenStep): void {
    if (this.options.signal?.aborted) throw new DriverStop(step, 'Stopped before anything was sent to Keap');
  }

  /** After a click that should lead to `expectedHeading`: the new step, an error shown in the dialog, or another step. */
  private async advance(step: RefundScreenStep, fromHeading: string, expectedHeading: string, clickedControl: HTMLElement): Promise<HTMLElement> {
    const transition = await this.waitOrStop<Transition>(
      step,
      () => {
        const arrived = dialogShowing(this.root, expectedHeading);
        if (arrived) return { kind: 'arrived', dialog: arrived };
        for (const dialog of visibleDialogs(this.root)) {
          const heading = headingOf(dialog);
          const error = errorShownIn(dialog);
          if (error !== null) return { kind: 'error', text: error };
          const isOtherStep = KNOWN_HEADINGS.some((known) => sameText(known, heading)) && !sameText(heading, fromHeading);
          if (isOtherStep) return { kind: 'unexpected', heading };
        }
        return null;
      },
      `Keap did not move on to its ${expectedHeading} step`,
    );
    if (transition.kind === 'arrived') return transition.dialog;
    if (transition.kind === 'error') {
      throw new DriverStop(step, `Keap showed a problem on ${STEP_NAMES[step]}: ${transition.text}`, this.finishClicked ? null : clickedControl);
    }
    throw new DriverStop(step, `Keap showed its ${transition.heading} step where its ${expectedHeading} step was expected`);
  }

  private async openDialog(): Promise<HTMLElement> {
    this.enter('open-dialog');
    const orderId = String(this.plan.orderId);
    const onThisOrder = () => {
      const headings = Array.from(this.root.querySelectorAll(HEADING_SELECTOR)).filter((heading) => heading.closest(DIALOG_SELECTOR) === null);
      return headings.some((heading) => new RegExp(`(^|\\D)${orderId}(\\D|$)`).test(heading.textContent ?? '')) ? true : null;
    };
    await this.waitOrStop('open-dialog', onThisOrder, `This page does not show order ${orderId}: open that order in Keap first`);

    const alreadyOpen = dialogShowing(this.root, SELECT_PAYMENTS_HEADING);
    if (alreadyOpen) return alreadyOpen;
    const openButton = await this.control('open-dialog', this.root, 'button', OPEN_REFUND_BUTTON_LABEL, 'button');
    this.stopIfAborted('open-dialog');
    openButton.click();
    return this.waitOrStop(
      'open-dialog',
      () => dialogShowing(this.root, SELECT_PAYMENTS_HEADING),
      `Keap's ${SELECT_PAYMENTS_HEADING} dialog did not open`,
      openButton,
    );
  }

  private async selectPayments(dialog: HTMLElement): Promise<HTMLElement> {
    const step = 'select-payments';
    this.enter(step);
    const rows = await this.waitOrStop(
      step,
      () => readPaymentRows(dialog),
      `Could not find the payments table (headers "${PAYMENT_ID_HEADER}" and "${REFUND_AMOUNT_HEADER}") on ${STEP_NAMES[step]}`,
    );
    const plannedRows = this.plan.lines.map((line) => {
      const row = rows.find((candidate) => candidate.paymentId === String(line.paymentId));
      if (!row) throw new DriverStop(step, `${STEP_NAMES[step]} does not list payment ${line.paymentId}`);
      if (!row.checkbox) throw new DriverStop(step, `Could not find the tick box of payment ${line.paymentId} on ${STEP_NAMES[step]}`);
      if (!row.amountField) throw new DriverStop(step, `Could not find the refund amount of payment ${line.paymentId} on ${STEP_NAMES[step]}`);
      return { line, checkbox: row.checkbox, amountField: row.amountField };
    });
    const reasonField = await this.control(step, dialog, 'textbox', REASON_FIELD_LABEL, 'field');
    const nextButton = await this.control(step, dialog, 'button', NEXT_BUTTON_LABEL, 'button');
    this.stopIfAborted(step);

    for (const row of rows) {
      const planned = plannedRows.some((plannedRow) => plannedRow.checkbox === row.checkbox);
      if (row.checkbox && !planned && isChecked(row.checkbox)) row.checkbox.click();
    }
    for (const { line, checkbox, amountField } of plannedRows) {
      if (!isChecked(checkbox)) checkbox.click();
      typeInto(amountField, toDecimalString(line.amountMinor, this.plan.currency));
    }
    typeInto(reasonField, this.plan.reason);

    this.checkPaymentsShown(dialog);
    if (normaliseWhitespace(valueOf(reasonField)) !== normaliseWhitespace(this.plan.reason)) {
      throw new DriverStop(step, `The reason on ${STEP_NAMES[step]} does not read as it was entered`, reasonField);
    }
    this.stopIfAborted(step);
    nextButton.click();
    return this.advance(step, SELECT_PAYMENTS_HEADING, REFUND_METHOD_HEADING, nextButton);
  }

  /** Re-reads the payments table: exactly the planned payments ticked, with the planned amounts. */
  private checkPaymentsShown(dialog: HTMLElement): void {
    const step = 'select-payments';
    const rows = readPaymentRows(dialog);
    if (!rows) throw new DriverStop(step, `The payments table on ${STEP_NAMES[step]} went away while it was being filled in`);
    for (const row of rows) {
      const line = this.plan.lines.find((candidate) => String(candidate.paymentId) === row.paymentId);
      const ticked = row.checkbox !== null && isChecked(row.checkbox);
      if (!line) {
        if (ticked) throw new DriverStop(step, `Payment ${row.paymentId} is still ticked on ${STEP_NAMES[step]}`, row.checkbox);
        continue;
      }
      if (!ticked) throw new DriverStop(step, `Payment ${line.paymentId} is not ticked on ${STEP_NAMES[step]}`, row.checkbox);
      const shown = parseMoneyInput(row.amountField ? valueOf(row.amountField) : '', this.plan.currency);
      if (!shown.ok || shown.minorUnits !== line.amountMinor) {
        throw new DriverStop(
          step,
          `${STEP_NAMES[step]} shows "${row.amountField ? valueOf(row.amountField) : ''}" for payment ${line.paymentId}, not ${toDecimalString(line.amountMinor, this.plan.currency)}`,
          row.amountField,
        );
      }
    }
  }

  private async chooseRadio(step: RefundScreenStep, dialog: HTMLElement, label: string): Promise<void> {
    const radio = await this.control(step, dialog, 'radio', label, 'choice');
    if (!isChecked(radio)) radio.click();
    if (!isChecked(radio)) throw new DriverStop(step, `The choice "${label}" on ${STEP_NAMES[step]} did not stay selected`, radio);
  }

  private async chooseMethod(dialog: HTMLElement): Promise<HTMLElement> {
    const step = 'refund-method';
    this.enter(step);
    await this.chooseRadio(step, dialog, METHOD_RADIO_LABELS[this.plan.method]);
    const nextButton = await this.control(step, dialog, 'button', NEXT_BUTTON_LABEL, 'button');
    this.stopIfAborted(step);
    nextButton.click();
    const expected = this.plan.method === 'refund' ? ERROR_HANDLING_HEADING : ISSUING_CREDIT_HEADING;
    return this.advance(step, REFUND_METHOD_HEADING, expected, nextButton);
  }

  private async chooseErrorHandling(dialog: HTMLElement): Promise<HTMLElement> {
    const step = 'error-handling';
    this.enter(step);
    await this.chooseRadio(step, dialog, ERROR_HANDLING_RADIO_LABELS[this.plan.errorHandling]);
    const nextButton = await this.control(step, dialog, 'button', NEXT_BUTTON_LABEL, 'button');
    this.stopIfAborted(step);
    nextButton.click();
    return this.advance(step, ERROR_HANDLING_HEADING, ISSUING_CREDIT_HEADING, nextButton);
  }

  private async issueCredit(dialog: HTMLElement): Promise<HTMLElement> {
    const step = 'issuing-credit';
    this.enter(step);
    const owedField = await this.findAmountOwedField(dialog);
    const finishButton = await this.control(step, dialog, 'button', FINISH_BUTTON_LABEL, 'button');
    const owedText = toDecimalString(this.plan.amountOwedMinor, this.plan.currency);
    typeInto(owedField, owedText);

    const shown = parseMoneyInput(valueOf(owedField), this.plan.currency);
    if (!shown.ok || shown.minorUnits !== this.plan.amountOwedMinor) {
      throw new DriverStop(step, `${STEP_NAMES[step]} shows "${valueOf(owedField)}" as the amount owed, not ${owedText}`, owedField);
    }
    // Keap may keep earlier steps in the dialog; when it does, they must still show what was set.
    if (readPaymentRows(dialog)) this.checkPaymentsShown(dialog);
    const error = errorShownIn(dialog);
    if (error !== null) throw new DriverStop(step, `Keap showed a problem on ${STEP_NAMES[step]}: ${error}`, finishButton);
    this.stopIfAborted(step);

    this.finishClicked = true;
    finishButton.click();
    return this.advance('results', ISSUING_CREDIT_HEADING, REFUND_RESULTS_HEADING, finishButton);
  }

  private async findAmountOwedField(dialog: HTMLElement): Promise<HTMLElement> {
    const step = 'issuing-credit';
    // Keap may end the label with a question mark.
    const label = new RegExp(`^${AMOUNT_OWED_FIELD_LABEL}\\??$`, 'i');
    const found = await this.waitOrStop(
      step,
      () => findControlByName(dialog, 'textbox', label),
      `Could not find the field "${AMOUNT_OWED_FIELD_LABEL}" on ${STEP_NAMES[step]}`,
    );
    if (found.disabled) throw new DriverStop(step, `The field "${AMOUNT_OWED_FIELD_LABEL}" on ${STEP_NAMES[step]} is disabled`);
    return found.element;
  }

  private async readResults(dialog: HTMLElement): Promise<RefundScreenResultLine[]> {
    const step = 'results';
    this.enter(step);
    const linesById = await this.waitOrStop(
      step,
      () => {
        const byId = new Map<number, string>();
        for (const item of Array.from(dialog.querySelectorAll('li, [role="listitem"]'))) {
          const text = normaliseWhitespace(item.textContent ?? '');
          const match = RESULT_LINE_PATTERN.exec(text);
          if (match) byId.set(Number(match[1]), text);
        }
        return this.plan.lines.every((line) => byId.has(line.paymentId)) ? byId : null;
      },
      `${STEP_NAMES[step]} do not mention every payment that was sent`,
    );
    return this.plan.lines.map((line) => {
      const text = linesById.get(line.paymentId) ?? '';
      const outcome = RESULT_OUTCOME_PATTERNS.find(([pattern]) => pattern.test(text))?.[1] ?? 'unknown';
      return { paymentId: line.paymentId, text, outcome };
    });
  }
}
