import { i18n } from '#i18n';
import { isVisible, normaliseWhitespace } from '@/lib/page/accessible-name';
import { parseMoneyInput, toDecimalString } from '@/lib/money';
import { PageWalk, runWalk, SETTLE_MS, typeInto, valueOf, WalkStop, type WalkHooks, type WalkOutcome } from '@/lib/page/walk-parts';
import { screenDocuments, waitOnScreen } from './documents';
import type { ResultLine, RefundScreenPlan, ScreenSection, ScreenStep, WalkEnd, WalkRequest } from './protocol';
import {
  type Choices,
  type Control,
  finalActionOf,
  nextActionOf,
  readRefundScreen,
  type ScreenReading,
  type ScreenStepReading,
  type ScreenStepShown,
  sectionsOf,
  stepOf,
  stepStillShown,
} from './screen';
import { METHOD_WORDS, nameContainsOneOf, RESULT_PHRASES } from './words';

/*
 * Walks Keap's refund screen on one page: fills what each step shows, re-reads it, and moves on.
 * A step that navigates ends the walk here; the background starts the next one on the new page
 * with the progress saved before the click. Nothing is guessed: any doubt stops the walk, and
 * before the final click nothing has been sent.
 */

/** More steps than Keap's documented flow has, with room for a results page: past this, something loops. */
const MAX_STEPS = 8;

function isChecked(element: HTMLElement): boolean {
  if (element instanceof HTMLOptionElement) return element.selected;
  if (element.tagName === 'INPUT') return (element as HTMLInputElement).checked;
  return element.getAttribute('aria-checked') === 'true';
}

/** Picks a radio or a select's option. */
function choose(choice: HTMLElement): void {
  if (choice instanceof HTMLOptionElement) {
    const select = choice.closest('select');
    if (!select) return;
    select.value = choice.value;
    select.dispatchEvent(new Event('input', { bubbles: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return;
  }
  if (!isChecked(choice)) choice.click();
}

function amountText(minorUnits: number, plan: RefundScreenPlan): string {
  return toDecimalString(minorUnits, plan.currency);
}

function showsAmount(field: HTMLElement, amountMinor: number, plan: RefundScreenPlan): boolean {
  const shown = parseMoneyInput(valueOf(field), plan.currency);
  return shown.ok && shown.minorUnits === amountMinor;
}

const RESULT_BLOCKS = 'li, p, tr, dd, dt, div, span, td';
const FIELDS = 'input:not([type="hidden"]), select, textarea';

/** Blocks of text that can hold a results line: not a step's row with a field in it. */
function resultBlocks(documents: readonly Document[]): HTMLElement[] {
  return documents.flatMap((document) =>
    Array.from(document.querySelectorAll<HTMLElement>(RESULT_BLOCKS)).filter(
      (block) => isVisible(block) && block.querySelector(FIELDS) === null && (block.closest('tr')?.querySelector(FIELDS) ?? null) === null,
    ),
  );
}

/**
 * Keap's line for `paymentId` among blocks that appeared after the final click: the deepest block
 * naming the payment as a whole number, preferring one that says what happened (the order page's
 * own payments table names the payment too, without an outcome).
 */
function resultTextFor(paymentId: number, blocks: readonly HTMLElement[]): string | null {
  const idPattern = new RegExp(`(^|[^\\d.,/])#?${paymentId}(?![\\d])`);
  const naming = blocks.filter((block) => idPattern.test(block.textContent ?? ''));
  const deepest = naming.filter((block) => !naming.some((other) => other !== block && block.contains(other)));
  const texts = deepest.map((block) => normaliseWhitespace(block.textContent ?? '').slice(0, 2000)).filter((text) => text !== '');
  return texts.find((text) => outcomeOf(text) !== 'unknown') ?? texts[0] ?? null;
}

function outcomeOf(text: string): ResultLine['outcome'] {
  return RESULT_PHRASES.find(([, phrases]) => nameContainsOneOf(text, phrases))?.[0] ?? 'unknown';
}

/** Walks the refund screen for `request` on this page, from where `request.progress` says it stands. */
export function walkRefundScreen(top: Document, request: WalkRequest, hooks: WalkHooks): Promise<WalkOutcome> {
  return runWalk(new Walk(top, request, hooks), (detail) => i18n.t('keapScreen.walk.screenUnreadable', [detail]));
}

class Walk extends PageWalk {
  async run(): Promise<WalkEnd> {
    for (let stepCount = 0; stepCount < MAX_STEPS; stepCount += 1) {
      if (this.progress.finalClicked) return this.readResults(null);
      const reading = await this.nextReading();
      if (reading.kind === 'order-page') {
        this.hooks.onStep?.('open');
        this.progress.opened = true;
        await this.save('open');
        this.stopIfAborted('open');
        reading.opener.element.click();
        continue;
      }
      const step = reading.step;
      const sections = sectionsOf(step);
      const stepName = stepOf(sections);
      this.hooks.onStep?.(stepName);
      this.checkOrder(stepName, sections, step);
      this.fill(step, stepName);
      const filled = await this.rereadFilled(stepName);
      if (stepName === 'credit') return this.finish(filled);
      await this.moveOn(filled, sections, stepName);
    }
    throw new WalkStop('results', i18n.t('keapScreen.screenWalk.tooManySteps'));
  }

  /** The screen as it next shows something to act on: a step, or the order page before the screen opened. */
  private async nextReading(): Promise<Extract<ScreenReading, { kind: 'step' | 'order-page' }>> {
    const expected = !this.progress.opened && this.progress.submitted.length === 0 ? 'open' : this.progress.submitted.includes('payments') ? 'options' : 'payments';
    let doubt: Extract<ScreenReading, { kind: 'problem' }> | null = null;
    // A doubtful reading gets a moment to finish drawing, not the whole step timeout.
    const settled = new AbortController();
    const onAbort = () => settled.abort();
    this.hooks.signal.addEventListener('abort', onAbort, { once: true });
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    const readable = (reading: ScreenReading) => reading.kind === 'step' || (reading.kind === 'order-page' && !this.progress.opened);
    const found = await waitOnScreen(
      this.top,
      () => {
        const reading = readRefundScreen(this.top, this.plan, this.request.learned, { opened: this.progress.opened });
        if (readable(reading)) return reading as Extract<ScreenReading, { kind: 'step' | 'order-page' }>;
        if (reading.kind === 'problem') {
          doubt = reading;
          settleTimer ??= setTimeout(() => settled.abort(), SETTLE_MS);
        } else {
          clearTimeout(settleTimer);
          settleTimer = undefined;
        }
        return null;
      },
      { timeoutMs: this.timeoutMs, signal: settled.signal },
    );
    clearTimeout(settleTimer);
    this.hooks.signal.removeEventListener('abort', onAbort);
    if (found.ok) return found.value;
    this.stopIfAborted(expected);
    const lastDoubt = doubt as Extract<ScreenReading, { kind: 'problem' }> | null;
    if (lastDoubt) throw new WalkStop(lastDoubt.step, lastDoubt.problem, lastDoubt.highlight ?? null, lastDoubt.learnable);
    throw new WalkStop(expected, expected === 'open' ? i18n.t('keapScreen.screenWalk.noOpener') : i18n.t(`keapScreen.screenWalk.notShown.${expected}`));
  }

  /** Keap's order: payments first, each part once, the amount owed last. */
  private checkOrder(stepName: ScreenStepShown, sections: readonly ScreenSection[], step: ScreenStepReading): void {
    const again = sections.filter((section) => section !== 'credit' && this.progress.submitted.includes(section));
    if (again.length > 0) {
      throw new WalkStop(
        stepName,
        step.shownProblem ? i18n.t(`keapScreen.screenWalk.shownAgainWithProblem.${stepName}`, [step.shownProblem]) : i18n.t(`keapScreen.screenWalk.shownAgain.${stepName}`),
      );
    }
    const done = new Set([...this.progress.submitted, ...sections]);
    // The payments step shows the payments: only a later step can come before them.
    if (!done.has('payments') && stepName !== 'payments') throw new WalkStop(stepName, i18n.t(`keapScreen.screenWalk.askedBeforePayments.${stepName}`));
    if (sections.includes('credit')) {
      if (!done.has('method')) throw new WalkStop(stepName, i18n.t('keapScreen.screenWalk.methodNeverOffered'));
      if (this.plan.method === 'refund' && !done.has('error-handling')) throw new WalkStop(stepName, i18n.t('keapScreen.screenWalk.errorHandlingNeverAsked'));
    }
  }

  private fill(step: ScreenStepReading, stepName: ScreenStep): void {
    this.stopIfAborted(stepName);
    const { plan } = this;
    if (step.payments) {
      const { rows, reasonField } = step.payments;
      for (const line of plan.lines) {
        const row = rows.find((candidate) => candidate.payment.paymentId === line.paymentId);
        if (!row) throw new WalkStop('payments', i18n.t('keapScreen.screenWalk.paymentNotListed', [String(line.paymentId)]));
        if (!row.amountField && line.amountMinor !== row.payment.refundableMinor) {
          throw new WalkStop('payments', i18n.t('keapScreen.screenWalk.noAmountField', [String(line.paymentId)]), row.checkbox);
        }
      }
      for (const row of rows) {
        const line = plan.lines.find((candidate) => candidate.paymentId === row.payment.paymentId);
        if (!line) {
          if (isChecked(row.checkbox)) row.checkbox.click();
          continue;
        }
        if (!isChecked(row.checkbox)) row.checkbox.click();
        if (row.amountField) typeInto(row.amountField, amountText(line.amountMinor, plan));
      }
      typeInto(reasonField, plan.reason);
    }
    if (step.method) this.pick('options', step.method, plan.method, i18n.t('keapScreen.screenWalk.methodNotOffered', [METHOD_WORDS[plan.method][0]]));
    if (step.errorHandling && plan.method === 'refund') {
      this.pick('options', step.errorHandling, plan.errorHandling, i18n.t('keapScreen.screenWalk.errorHandlingNotOffered'));
    }
    if (step.owedField) typeInto(step.owedField, amountText(plan.amountOwedMinor, plan));
  }

  private pick<K extends string>(step: ScreenStep, choices: Choices<K>, wanted: K, problem: string): void {
    const choice = choices[wanted];
    if (!choice) throw new WalkStop(step, problem);
    choose(choice);
  }

  /** Reads the step again after filling it: every value must read as planned, and it must have its action enabled. */
  private async rereadFilled(stepName: ScreenStepShown): Promise<ScreenStepReading> {
    const found = await waitOnScreen(
      this.top,
      () => {
        const reading = readRefundScreen(this.top, this.plan, this.request.learned);
        if (reading.kind !== 'step') return null;
        // The page may enable its buttons only once its fields are filled.
        return reading.step.forwardActions.length === 0 && reading.step.disabledForwardActions > 0 ? null : reading.step;
      },
      { timeoutMs: SETTLE_MS, signal: this.hooks.signal },
    );
    if (!found.ok) {
      this.stopIfAborted(stepName);
      throw new WalkStop(stepName, i18n.t(`keapScreen.screenWalk.changedWhileFilling.${stepName}`));
    }
    this.checkFilled(found.value, stepName);
    return found.value;
  }

  private checkFilled(step: ScreenStepReading, stepName: ScreenStepShown): void {
    const { plan } = this;
    if (step.payments) {
      for (const row of step.payments.rows) {
        const line = plan.lines.find((candidate) => candidate.paymentId === row.payment.paymentId);
        const ticked = isChecked(row.checkbox);
        if (!line) {
          if (ticked) throw new WalkStop('payments', i18n.t('keapScreen.screenWalk.stillTicked', [String(row.payment.paymentId)]), row.checkbox);
          continue;
        }
        if (!ticked) throw new WalkStop('payments', i18n.t('keapScreen.screenWalk.notTicked', [String(line.paymentId)]), row.checkbox);
        if (row.amountField && !showsAmount(row.amountField, line.amountMinor, plan)) {
          throw new WalkStop(
            'payments',
            i18n.t('keapScreen.screenWalk.amountShown', [valueOf(row.amountField), String(line.paymentId), amountText(line.amountMinor, plan)]),
            row.amountField,
          );
        }
      }
      const reason = step.payments.reasonField;
      if (normaliseWhitespace(valueOf(reason)) !== normaliseWhitespace(plan.reason)) {
        throw new WalkStop('payments', i18n.t('keapScreen.screenWalk.reasonDiffers'), reason);
      }
    }
    if (step.method && !(step.method[plan.method] && isChecked(step.method[plan.method]!))) {
      throw new WalkStop('options', i18n.t('keapScreen.screenWalk.methodNotChosen'), step.method[plan.method] ?? null);
    }
    if (step.errorHandling && plan.method === 'refund') {
      const chosen = step.errorHandling[plan.errorHandling];
      if (!chosen || !isChecked(chosen)) throw new WalkStop('options', i18n.t('keapScreen.screenWalk.errorHandlingNotChosen'), chosen ?? null);
    }
    if (step.owedField && !showsAmount(step.owedField, plan.amountOwedMinor, plan)) {
      throw new WalkStop('credit', i18n.t('keapScreen.screenWalk.owedShown', [valueOf(step.owedField), amountText(plan.amountOwedMinor, plan)]), step.owedField);
    }
    if (step.shownProblem !== null) throw new WalkStop(stepName, i18n.t(`keapScreen.screenWalk.problemOn.${stepName}`, [step.shownProblem]));
  }

  private async moveOn(step: ScreenStepReading, sections: readonly ScreenSection[], stepName: Exclude<ScreenStepShown, 'credit'>): Promise<void> {
    const next = nextActionOf(step, sections.includes('payments') ? 'payments-next' : 'options-next', this.request.learned);
    if (!next.ok) throw new WalkStop(stepName, next.problem, next.highlight ?? null, next.learnable);
    this.progress.submitted = [...this.progress.submitted, ...sections];
    await this.save(stepName);
    this.stopIfAborted(stepName);
    next.value.element.click();
    await this.waitForNextStep(step, stepName, next.value);
  }

  /** After a click: the step leaves the page (or the page itself goes), or it shows a problem. */
  private async waitForNextStep(step: ScreenStepReading, stepName: Exclude<ScreenStepShown, 'credit'>, clicked: Control): Promise<void> {
    const before = step.shownProblem;
    const moved = await waitOnScreen(
      this.top,
      () => {
        if (!stepStillShown(step)) return { kind: 'moved' as const };
        const reading = readRefundScreen(this.top, this.plan, this.request.learned);
        const shown = reading.kind === 'step' ? reading.step.shownProblem : null;
        return shown !== null && shown !== before ? { kind: 'problem' as const, shown } : null;
      },
      { timeoutMs: this.timeoutMs, signal: this.hooks.signal },
    );
    if (moved.ok && moved.value.kind === 'moved') return;
    const problem =
      moved.ok && moved.value.kind === 'problem'
        ? i18n.t(`keapScreen.screenWalk.problemOn.${stepName}`, [moved.value.shown])
        : i18n.t(`keapScreen.screenWalk.didNotMoveOn.${stepName}`);
    throw new WalkStop(stepName, problem, this.progress.finalClicked ? null : clicked.element);
  }

  private async finish(step: ScreenStepReading): Promise<WalkEnd> {
    const final = finalActionOf(step, this.request.learned);
    if (!final.ok) throw new WalkStop('credit', final.problem, final.highlight ?? null, final.learnable);
    this.stopIfAborted('credit');
    await this.checkFinalClickApproved();
    // What was on screen before the click is not a result.
    const before = new WeakSet(resultBlocks(screenDocuments(this.top)));
    this.progress.finalClicked = true;
    final.value.element.click();
    return this.readResults(step, before);
  }

  /** Keap's results for each payment, read once the last step has gone; what the API shows decides. */
  private async readResults(lastStep: ScreenStepReading | null, shownBefore: WeakSet<HTMLElement> = new WeakSet()): Promise<WalkEnd> {
    this.hooks.onStep?.('results');
    const found = await waitOnScreen(
      this.top,
      () => {
        if (lastStep && stepStillShown(lastStep)) return null;
        const blocks = resultBlocks(screenDocuments(this.top)).filter((block) => !shownBefore.has(block));
        const lines = this.plan.lines.map((line) => ({ paymentId: line.paymentId, text: resultTextFor(line.paymentId, blocks) }));
        if (lines.some((line) => line.text === null)) return null;
        return lines.map((line) => ({ paymentId: line.paymentId, text: line.text!, outcome: outcomeOf(line.text!) }));
      },
      { timeoutMs: this.timeoutMs, signal: this.hooks.signal },
    );
    if (found.ok) return { kind: 'results', lines: found.value };
    return { kind: 'sent-without-results', problem: i18n.t('keapScreen.screenWalk.noResults') };
  }
}
