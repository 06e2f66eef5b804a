import { i18n } from '#i18n';
import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { parseMoneyInput, toDecimalString } from '@/lib/money';
import { screenDocuments, watchScreenDocuments } from './documents';
import type { ChecklistItem, RefundScreenPlan, ScreenProgress } from './protocol';
import { type Control, readRefundScreen, type ScreenStepReading, sectionsOf } from './screen';
import { type LearnedWords, METHOD_WORDS, nameIsOneOf, OPEN_SCREEN_WORDS, wordsFor } from './words';

/*
 * Guided mode: the person works Keap's refund screen; Refund Desk follows by reading the same
 * screen the driver reads, ticks off each step as its effect shows, and outlines the control to
 * use next. It never clicks or types anything itself.
 */

const GUIDE_OUTLINE = '3px solid #d93025';

function isChecked(element: HTMLElement): boolean {
  if (element instanceof HTMLOptionElement) return element.selected;
  if (element.tagName === 'INPUT') return (element as HTMLInputElement).checked;
  return element.getAttribute('aria-checked') === 'true';
}

function valueOf(field: HTMLElement): string {
  return (field as HTMLInputElement).value ?? '';
}

function shows(field: HTMLElement, amountMinor: number, currency: string): boolean {
  const shown = parseMoneyInput(valueOf(field), currency);
  return shown.ok && shown.minorUnits === amountMinor;
}

/** The words of the method radio the plan needs, as Keap's help centre names it. */
function methodWord(plan: RefundScreenPlan): string {
  return METHOD_WORDS[plan.method][0];
}

/** Keap's own labels, quoted to the person as the screen shows them. */
const ERROR_HANDLING_WORDS: Record<RefundScreenPlan['errorHandling'], string> = {
  'record-anyway': 'If an automatic refund fails, record the refund anyway',
  'skip-payment': 'If an automatic refund fails, skip that payment',
};
/** Help centre: "How much should the client owe you after this transaction is complete". */
const AMOUNT_OWED_LABEL = 'How much should the client owe you after this transaction is complete';

/** What is visibly done so far, given what the screen shows now (a later step means the earlier ones were submitted). */
export function progressSeen(progress: ScreenProgress, step: ScreenStepReading | null, openerShown: boolean): ScreenProgress {
  if (!step) return { ...progress, opened: progress.opened || (!openerShown && progress.submitted.length > 0) };
  const sections = sectionsOf(step);
  const submitted = new Set(progress.submitted);
  if (!sections.includes('payments')) submitted.add('payments');
  if (sections.includes('credit')) {
    submitted.add('method');
    submitted.add('error-handling');
  }
  return { opened: true, submitted: [...submitted], finalClicked: progress.finalClicked };
}

export interface GuideReading {
  items: ChecklistItem[];
  /** The control to use next, when it is on screen. */
  next: HTMLElement | null;
}

/** The checklist for `plan` against what the screen shows now; `confirmed` is the API's word, from the background. */
export function guideChecklist(plan: RefundScreenPlan, progress: ScreenProgress, step: ScreenStepReading | null, opener: Control | null, learned: LearnedWords): GuideReading {
  const items: (ChecklistItem & { control?: HTMLElement | null })[] = [];
  const add = (id: string, text: string, done: boolean, control?: HTMLElement | null) => items.push({ id, text, done, control: control ?? null });
  const amount = (minor: number) => toDecimalString(minor, plan.currency);
  const payments = step?.payments;
  const paymentsDone = progress.submitted.includes('payments');
  const optionsDone = progress.submitted.includes('method') || progress.submitted.includes('error-handling');

  add('open', i18n.t('keapScreen.guide.open', [OPEN_SCREEN_WORDS[0], String(plan.orderId)]), progress.opened || step !== null, opener?.element);
  for (const line of plan.lines) {
    const row = payments?.rows.find((candidate) => candidate.payment.paymentId === line.paymentId);
    add(`tick:${line.paymentId}`, i18n.t('keapScreen.guide.tick', [String(line.paymentId)]), paymentsDone || (row ? isChecked(row.checkbox) : false), row?.checkbox);
    const amountShown = row ? (row.amountField ? shows(row.amountField, line.amountMinor, plan.currency) : line.amountMinor === row.payment.refundableMinor) : false;
    add(`amount:${line.paymentId}`, i18n.t('keapScreen.guide.amount', [amount(line.amountMinor)]), paymentsDone || amountShown, row?.amountField);
  }
  const others = payments?.rows.filter((row) => !plan.lines.some((line) => line.paymentId === row.payment.paymentId)) ?? [];
  if (others.length > 0 || (paymentsDone && plan.orderPayments.length > plan.lines.length)) {
    const ticked = others.find((row) => isChecked(row.checkbox));
    add('untick', i18n.t('keapScreen.guide.untick'), paymentsDone || ticked === undefined, ticked?.checkbox);
  }
  const reasonField = payments?.reasonField;
  add('reason', i18n.t('keapScreen.guide.reason', [plan.reason]), paymentsDone || (reasonField ? normaliseWhitespace(valueOf(reasonField)) !== '' : false), reasonField);
  const nextOn = (slot: 'payments-next' | 'options-next') =>
    step?.forwardActions.find((action) => nameIsOneOf(action.name, wordsFor(slot, learned))) ?? (step?.forwardActions.length === 1 ? step.forwardActions[0] : undefined);
  add('next:payments', i18n.t('keapScreen.guide.next'), paymentsDone, payments ? nextOn('payments-next')?.element : null);

  const methodChoice = step?.method?.[plan.method];
  add('method', i18n.t('keapScreen.guide.choose', [methodWord(plan)]), optionsDone || (methodChoice ? isChecked(methodChoice) : false), methodChoice);
  if (plan.method === 'refund') {
    const choice = step?.errorHandling?.[plan.errorHandling];
    add('error-handling', i18n.t('keapScreen.guide.choose', [ERROR_HANDLING_WORDS[plan.errorHandling]]), optionsDone || (choice ? isChecked(choice) : false), choice);
  }
  add('next:options', i18n.t('keapScreen.guide.next'), optionsDone, step && (step.method || step.errorHandling) && !step.owedField ? nextOn('options-next')?.element : null);

  const owed = step?.owedField;
  add(
    'owed',
    i18n.t('keapScreen.guide.owed', [amount(plan.amountOwedMinor), AMOUNT_OWED_LABEL]),
    progress.finalClicked || (owed ? shows(owed, plan.amountOwedMinor, plan.currency) : false),
    owed,
  );
  add('final', i18n.t('keapScreen.guide.final'), progress.finalClicked, owed && step?.forwardActions.length === 1 ? step.forwardActions[0]!.element : null);

  const firstOpen = items.find((item) => !item.done);
  return {
    items: items.map(({ id, text, done }) => ({ id, text, done })),
    next: firstOpen?.control ?? null,
  };
}

export interface GuideReport {
  progress: ScreenProgress;
  items: ChecklistItem[];
}

/**
 * Follows the person on Keap's screen until `signal` ends: reports the checklist whenever it changes
 * and outlines the next control. A trusted click on the step's forward action counts as pressing it.
 */
export function followRefundScreen(
  top: Document,
  options: { plan: RefundScreenPlan; progress: ScreenProgress; learned: LearnedWords; signal: AbortSignal; onReport: (report: GuideReport) => void },
): void {
  const { plan, learned, signal, onReport } = options;
  let progress = options.progress;
  let outlined: { element: HTMLElement; outline: string; offset: string } | null = null;
  let lastReport = '';
  let current: ScreenStepReading | null = null;

  const outline = (element: HTMLElement | null) => {
    if (outlined?.element === element) return;
    if (outlined) {
      outlined.element.style.outline = outlined.outline;
      outlined.element.style.outlineOffset = outlined.offset;
    }
    outlined = element ? { element, outline: element.style.outline, offset: element.style.outlineOffset } : null;
    if (element) {
      element.style.outline = GUIDE_OUTLINE;
      element.style.outlineOffset = '2px';
    }
  };

  const update = () => {
    if (signal.aborted) return;
    const reading = readRefundScreen(top, plan, learned, { opened: progress.opened });
    current = reading.kind === 'step' ? reading.step : null;
    const opener = reading.kind === 'order-page' ? reading.opener : null;
    progress = progressSeen(progress, current, opener !== null);
    const guide = guideChecklist(plan, progress, current, opener, learned);
    outline(guide.next);
    const report = { progress, items: guide.items };
    const key = JSON.stringify(report);
    if (key !== lastReport) {
      lastReport = key;
      onReport(report);
    }
  };

  // Pressing the step's forward action: Next moves the walk on, the last step's action sends the refund.
  const onPress = (event: Event) => {
    if (!event.isTrusted) return;
    const target = event.target as Node | null;
    if (!current) {
      // Pressing Keap's Refund Payment button opens the screen, wherever Keap then draws it.
      const opener = readRefundScreen(top, plan, learned, { opened: false });
      if (opener.kind === 'order-page' && target !== null && opener.opener.element.contains(target)) progress = { ...progress, opened: true };
      update();
      return;
    }
    const pressed = current.forwardActions.find((action) => target !== null && action.element.contains(target));
    if (!pressed) return;
    const sections = sectionsOf(current);
    if (sections.includes('credit')) progress = { ...progress, finalClicked: true };
    else if (current.forwardActions.length === 1 || nameIsOneOf(pressed.name, wordsFor(sections.includes('payments') ? 'payments-next' : 'options-next', learned))) {
      progress = { ...progress, submitted: [...new Set([...progress.submitted, ...sections])] };
    }
    update();
  };
  const listening = new Set<Document>();
  const listen = () => {
    for (const document of screenDocuments(top)) {
      if (listening.has(document)) continue;
      listening.add(document);
      document.addEventListener('click', onPress, true);
      signal.addEventListener('abort', () => document.removeEventListener('click', onPress, true), { once: true });
    }
  };
  watchScreenDocuments(
    top,
    () => {
      listen();
      update();
    },
    { signal, inputEvents: true },
  );
  signal.addEventListener('abort', () => outline(null), { once: true });
  listen();
  update();
}
