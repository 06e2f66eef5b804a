import { i18n } from '#i18n';
import { accessibleName, isDisabled, isVisible, normaliseWhitespace, roleOf, type ControlRole } from '@/lib/page/accessible-name';
import { bodyRowsOf, cellsAtPositions, headerRowOf } from '@/lib/page/table-layout';
import { amountsInText, toDecimalString } from '@/lib/money';
import type { RefundErrorHandling } from '@/lib/refund/rules';
import { screenDocuments } from './documents';
import type { OrderPayment, RefundMethod, RefundScreenPlan, ScreenSection, ScreenStep } from './protocol';
import {
  AMOUNT_OWED_PHRASES,
  DISMISS_WORDS,
  ERROR_HANDLING_PHRASES,
  type LearnedWords,
  type LearnSlot,
  looseText,
  METHOD_WORDS,
  nameContainsOneOf,
  nameIsOneOf,
  OPEN_SCREEN_WORDS,
  REFUND_AMOUNT_HEADERS,
  wordsFor,
} from './words';

/*
 * Reads Keap's refund screen by what it contains, wherever it is drawn (in the page, a frame, a
 * window of its own, one page per step): a payments table with tick boxes, method radios,
 * error-handling radios, the amount-owed question. Headings, roles, ids and classes are never
 * relied on. Anything that could be read two ways is reported as a problem, never guessed.
 */

export interface Control {
  element: HTMLElement;
  name: string;
}

interface PaymentRow {
  payment: OrderPayment;
  checkbox: HTMLElement;
  /** Null when the row has no amount field: then only the full refundable amount can be refunded. */
  amountField: HTMLElement | null;
}

interface PaymentsPart {
  table: HTMLTableElement;
  rows: PaymentRow[];
  reasonField: HTMLElement;
}

/** Radios (or a select's options) by the choice they make. */
export type Choices<K extends string> = Partial<Record<K, HTMLElement>>;

/** What one step of Keap's screen shows: its parts, and its actions. */
export interface ScreenStepReading {
  document: Document;
  /** The form, dialog or box holding the step. */
  container: Element;
  payments?: PaymentsPart;
  method?: Choices<RefundMethod>;
  errorHandling?: Choices<RefundErrorHandling>;
  owedField?: HTMLElement;
  /** Enabled actions that move forward: not Back, Cancel or Close. */
  forwardActions: Control[];
  /** Forward actions the page has disabled for now (until its fields are filled, say). */
  disabledForwardActions: number;
  /** The elements that make up the step: once they leave the page, the step has moved on. */
  anchors: Element[];
  /** What the step shows as a problem (an alert, an error line), if anything. */
  shownProblem: string | null;
}

export type ScreenReading =
  | { kind: 'step'; step: ScreenStepReading }
  /** The order page with Keap's Refund Payment button, the screen not open. */
  | { kind: 'order-page'; opener: Control }
  | { kind: 'nothing' }
  /** Something of the screen is there but cannot be used safely. */
  | { kind: 'problem'; step: ScreenStep; problem: string; learnable?: LearnSlot; highlight?: HTMLElement };

export function sectionsOf(step: ScreenStepReading): ScreenSection[] {
  const sections: ScreenSection[] = [];
  if (step.payments) sections.push('payments');
  if (step.method) sections.push('method');
  if (step.errorHandling) sections.push('error-handling');
  if (step.owedField) sections.push('credit');
  return sections;
}

/** The steps of Keap's refund screen itself: not the order page before it, nor the results after it. */
export type ScreenStepShown = Extract<ScreenStep, 'payments' | 'options' | 'credit'>;

/** The step a reading is on, for messages and the checklist: the furthest part it shows. */
export function stepOf(sections: readonly ScreenSection[]): ScreenStepShown {
  if (sections.includes('credit')) return 'credit';
  if (sections.includes('method') || sections.includes('error-handling')) return 'options';
  return 'payments';
}

const CONTROL_SELECTOR = 'button, a, input, select, textarea, [role="button"], [role="checkbox"], [role="radio"], [role="textbox"], [role="combobox"]';

function visibleControls(root: ParentNode, role: ControlRole): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(CONTROL_SELECTOR)).filter((element) => roleOf(element) === role && isVisible(element));
}

/** The rows of a table that hold a tick box in their own cells (not in a nested table). */
function tickRows(table: HTMLTableElement): { row: HTMLTableRowElement; checkbox: HTMLElement }[] {
  const headerRow = headerRowOf(table);
  const rows = headerRow ? bodyRowsOf(table, headerRow) : Array.from(table.rows);
  const found: { row: HTMLTableRowElement; checkbox: HTMLElement }[] = [];
  for (const row of rows) {
    if (row.closest('table') !== table || !isVisible(row)) continue;
    const boxes = visibleControls(row, 'checkbox').filter((box) => box.closest('tr') === row);
    if (boxes.length === 1) found.push({ row, checkbox: boxes[0]! });
  }
  return found;
}

/** Text of a row as a person reads it: cell texts, not the fields' values. */
function rowText(row: HTMLTableRowElement): string {
  return normaliseWhitespace(Array.from(row.cells, (cell) => cell.textContent ?? '').join(' | '));
}

const DATE_IN_TEXT = /\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b/g;
const AMOUNT_LIKE = /[\d,]*\d\.\d+/g;

/** Whole numbers in text once dates and amounts are taken out: "#7001", "Payment 7001". */
function wholeNumbersIn(text: string): Set<number> {
  const numbers = new Set<number>();
  for (const match of text
    .replace(DATE_IN_TEXT, ' ')
    .replace(AMOUNT_LIKE, ' ')
    .matchAll(/\d{1,15}/g))
    numbers.add(Number(match[0]));
  return numbers;
}

/** Numbers a tick box carries in its value, name or id (`value="7001"`, `name="pay_7001"`). */
function numbersOnControl(element: Element): Set<number> {
  const numbers = new Set<number>();
  for (const attribute of ['value', 'name', 'id']) {
    for (const match of (element.getAttribute(attribute) ?? '').matchAll(/\d{1,15}/g)) numbers.add(Number(match[0]));
  }
  return numbers;
}

/** How the screen may write a payment's date: Keap's MM/DD/YYYY, day-first, ISO; a day either side for time zones. */
function dateSpellings(isoDateTime: string): string[] {
  const at = Date.parse(isoDateTime);
  if (Number.isNaN(at)) return [];
  const spellings: string[] = [];
  for (const shiftDays of [-1, 0, 1]) {
    const day = new Date(at + shiftDays * 86_400_000);
    const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    const two = (value: number) => String(value).padStart(2, '0');
    spellings.push(`${two(m)}/${two(d)}/${y}`, `${m}/${d}/${y}`, `${two(d)}/${two(m)}/${y}`, `${d}/${m}/${y}`, `${y}-${two(m)}-${two(d)}`);
  }
  return spellings;
}

function showsDate(text: string, payment: OrderPayment): boolean {
  const dates = new Set(text.match(DATE_IN_TEXT) ?? []);
  return dateSpellings(payment.payDate).some((spelling) => dates.has(spelling));
}

type RowMatch = { ok: true; payment: OrderPayment } | { ok: false; problem: string };

/**
 * Which of the order's payments a row of the screen is: by the payment id it shows (as text or on
 * its tick box), else by its date and amount. The amounts it shows must be Keap's API's.
 */
function matchRow(row: HTMLTableRowElement, checkbox: HTMLElement, plan: RefundScreenPlan): RowMatch {
  const text = rowText(row);
  const shownAmounts = amountsInText(text, plan.currency);
  const numbers = new Set([...wholeNumbersIn(text), ...numbersOnControl(checkbox)]);
  const agreesOnAmount = (payment: OrderPayment) => shownAmounts.length === 0 || shownAmounts.includes(payment.amountMinor) || shownAmounts.includes(payment.refundableMinor);
  const byId = plan.orderPayments.filter((payment) => numbers.has(payment.paymentId));
  // A tick box whose value is a payment-like number names its payment: another one is not this order's.
  const boxValue = checkbox.getAttribute('value') ?? '';
  if (byId.length === 0 && /^\d{2,15}$/.test(boxValue)) {
    return { ok: false, problem: i18n.t('keapScreen.screen.otherPayment', [boxValue, String(plan.orderId)]) };
  }
  const byDateAndAmount = plan.orderPayments.filter((payment) => shownAmounts.includes(payment.amountMinor) && showsDate(text, payment));
  const candidates = byId.length === 1 ? byId : byId.length > 1 ? byId.filter((payment) => byDateAndAmount.includes(payment)) : byDateAndAmount;
  if (candidates.length !== 1) {
    const shown = text.slice(0, 120);
    return { ok: false, problem: candidates.length === 0 ? i18n.t('keapScreen.screen.rowMatchesNone', [shown]) : i18n.t('keapScreen.screen.rowMatchesSeveral', [shown]) };
  }
  const payment = candidates[0]!;
  if (!agreesOnAmount(payment)) {
    return { ok: false, problem: i18n.t('keapScreen.screen.otherAmounts', [String(payment.paymentId), toDecimalString(payment.amountMinor, plan.currency)]) };
  }
  return { ok: true, payment };
}

/** The column position of each cell in the header row whose text is one of `headers`. */
function headerPositions(table: HTMLTableElement, headers: readonly string[]): number[] {
  const headerRow = headerRowOf(table);
  if (!headerRow) return [];
  return cellsAtPositions(headerRow).flatMap((cell, position) => (nameIsOneOf(cell.textContent ?? '', headers) ? [position] : []));
}

function amountFieldOf(row: HTMLTableRowElement, table: HTMLTableElement): HTMLElement | null | 'ambiguous' {
  const fields = visibleControls(row, 'textbox').filter((field) => field.closest('tr') === row);
  if (fields.length <= 1) return fields[0] ?? null;
  // Several fields in the row: the one under a refund-amount header, if exactly one is.
  const positions = new Set(headerPositions(table, REFUND_AMOUNT_HEADERS));
  const cells = cellsAtPositions(row);
  const underHeader = fields.filter((field) => {
    const cell = field.closest('td, th');
    return cells.some((candidate, position) => candidate === cell && positions.has(position));
  });
  return underHeader.length === 1 ? underHeader[0]! : 'ambiguous';
}

type PartResult<T> = { ok: true; value: T } | { ok: false; problem: string; learnable?: LearnSlot; highlight?: HTMLElement };

function readPayments(table: HTMLTableElement, container: Element, plan: RefundScreenPlan, learned: LearnedWords, exclude: Set<Element>): PartResult<PaymentsPart> {
  const rows: PaymentRow[] = [];
  for (const { row, checkbox } of tickRows(table)) {
    const match = matchRow(row, checkbox, plan);
    if (!match.ok) return { ok: false, problem: match.problem, highlight: checkbox };
    if (rows.some((known) => known.payment.paymentId === match.payment.paymentId)) {
      return { ok: false, problem: i18n.t('keapScreen.screen.rowsAlike', [String(match.payment.paymentId)]) };
    }
    const amountField = amountFieldOf(row, table);
    if (amountField === 'ambiguous') {
      return { ok: false, problem: i18n.t('keapScreen.screen.whichAmountField', [String(match.payment.paymentId)]), highlight: checkbox };
    }
    rows.push({ payment: match.payment, checkbox, amountField });
  }
  const freeFields = visibleControls(container, 'textbox').filter((field) => !table.contains(field) && !exclude.has(field));
  const reasonWords = wordsFor('payments-reason', learned);
  const named = freeFields.filter((field) => nameIsOneOf(accessibleName(field), reasonWords));
  if (named.length > 1) return { ok: false, problem: i18n.t('keapScreen.screen.severalReasonFields') };
  if (named.length === 0) {
    if (freeFields.length === 0) return { ok: false, problem: i18n.t('keapScreen.screen.noReasonField') };
    const shown = accessibleName(freeFields[0]!);
    return {
      ok: false,
      problem:
        freeFields.length > 1
          ? i18n.t('keapScreen.screen.whichReasonField')
          : shown
            ? i18n.t('keapScreen.screen.unknownReasonLabel', [shown])
            : i18n.t('keapScreen.screen.unknownReasonField'),
      learnable: 'payments-reason',
      highlight: freeFields[0],
    };
  }
  return { ok: true, value: { table, rows, reasonField: named[0]! } };
}

/** Radios and `<select>` options named with one of each key's words; a key offered twice is a problem. */
function readChoices<K extends string>(root: ParentNode, matches: (name: string) => K | null): PartResult<Choices<K>> | null {
  const found: Choices<K> = {};
  let any = false;
  const options = [
    ...visibleControls(root, 'radio').map((radio) => ({ element: radio, name: accessibleName(radio) })),
    ...visibleControls(root, 'combobox').flatMap((select) =>
      Array.from((select as HTMLSelectElement).options ?? []).map((option) => ({ element: option, name: normaliseWhitespace(option.text) })),
    ),
  ];
  for (const { element, name } of options) {
    const key = matches(name);
    if (key === null) continue;
    if (found[key]) return { ok: false, problem: i18n.t('keapScreen.screen.offeredTwice', [name]) };
    found[key] = element;
    any = true;
  }
  return any ? { ok: true, value: found } : null;
}

const methodOf = (name: string): RefundMethod | null => (Object.keys(METHOD_WORDS) as RefundMethod[]).find((method) => nameIsOneOf(name, METHOD_WORDS[method])) ?? null;
const errorHandlingOf = (name: string): RefundErrorHandling | null =>
  (Object.keys(ERROR_HANDLING_PHRASES) as RefundErrorHandling[]).find((choice) => nameContainsOneOf(name, ERROR_HANDLING_PHRASES[choice])) ?? null;

/** Every element of the screen that says what a step is, per document. */
interface Landmarks {
  paymentTables: HTMLTableElement[];
  methodRadios: Element[];
  errorHandlingRadios: Element[];
  owedFields: HTMLElement[];
}

function landmarksIn(document: Document): Landmarks {
  const radios = visibleControls(document, 'radio');
  const selectOptions = visibleControls(document, 'combobox').flatMap((select) => Array.from((select as HTMLSelectElement).options ?? []));
  return {
    paymentTables: Array.from(document.querySelectorAll('table')).filter((table) => isVisible(table) && tickRows(table).length > 0),
    methodRadios: [
      ...radios.filter((radio) => methodOf(accessibleName(radio)) !== null),
      ...selectOptions.filter((option) => methodOf(normaliseWhitespace(option.text)) !== null).map((option) => option.closest('select')!),
    ],
    errorHandlingRadios: radios.filter((radio) => errorHandlingOf(accessibleName(radio)) !== null),
    owedFields: visibleControls(document, 'textbox').filter((field) => nameContainsOneOf(accessibleName(field), AMOUNT_OWED_PHRASES)),
  };
}

function commonAncestor(elements: readonly Element[]): Element {
  let ancestor: Element | null = elements[0]!;
  while (ancestor && !elements.every((element) => ancestor!.contains(element))) ancestor = ancestor.parentElement;
  return ancestor ?? elements[0]!.ownerDocument.body;
}

/** First words that make an action one that leaves or goes back ("Cancel refund", "Back to payments"). */
const DISMISS_FIRST_WORDS = new Set(['back', 'previous', 'prev', 'cancel', 'close']);

function isDismissal(name: string): boolean {
  return nameIsOneOf(name, DISMISS_WORDS) || DISMISS_FIRST_WORDS.has(looseText(name).split(' ')[0] ?? '');
}

function actionsIn(container: Element, outside: readonly Element[]): { enabled: Control[]; disabled: number } {
  const enabled: Control[] = [];
  let disabled = 0;
  for (const element of visibleControls(container, 'button')) {
    if (outside.some((part) => part.contains(element))) continue;
    const name = accessibleName(element);
    if (isDismissal(name)) continue;
    if (isDisabled(element)) disabled += 1;
    else enabled.push({ element, name });
  }
  return { enabled, disabled };
}

/** The form, dialog or nearest box around the step's parts that holds an action. */
function containerOf(anchors: readonly Element[], tables: readonly Element[]): Element {
  const common = commonAncestor(anchors);
  const form = common.closest('form');
  if (form) return form;
  const dialog = common.closest('dialog, [role="dialog"], [role="alertdialog"]');
  if (dialog) return dialog;
  for (let box: Element | null = common; box; box = box.parentElement) {
    const actions = actionsIn(box, tables);
    if (actions.enabled.length + actions.disabled > 0 || box === box.ownerDocument.body) return box;
  }
  return common.ownerDocument.body;
}

const PROBLEM_SELECTOR = '[role="alert"], [aria-live="assertive"], [aria-live="polite"], [class*="error" i], [class*="warning" i]';

/** Words the step shows as a problem; classes are read only to find the words, never to decide. */
function shownProblemIn(container: Element): string | null {
  const texts = Array.from(container.querySelectorAll(PROBLEM_SELECTOR))
    .filter((element) => isVisible(element) && !Array.from(element.children).some((child) => child.matches(PROBLEM_SELECTOR)))
    .map((element) => normaliseWhitespace(element.textContent ?? ''))
    .filter((text) => text !== '');
  return texts.length > 0 ? texts.join(' ').slice(0, 500) : null;
}

function openerIn(document: Document): Control | null {
  const openers = visibleControls(document, 'button').filter((element) => nameIsOneOf(accessibleName(element), OPEN_SCREEN_WORDS));
  return openers.length === 1 ? { element: openers[0]!, name: accessibleName(openers[0]!) } : null;
}

/**
 * What the page (and its frames) show of Keap's refund screen right now. Until the screen has been
 * opened (`opened` false), an order page with Keap's Refund Payment button is read as the order
 * page whatever else it offers: its own controls (an Add Payment type "Refund", say) are not the
 * refund screen, which always starts with its payments.
 */
export function readRefundScreen(top: Document, plan: RefundScreenPlan, learned: LearnedWords, { opened = true }: { opened?: boolean } = {}): ScreenReading {
  const withScreen: { document: Document; landmarks: Landmarks }[] = [];
  for (const document of screenDocuments(top)) {
    const landmarks = landmarksIn(document);
    const count = landmarks.paymentTables.length + landmarks.methodRadios.length + landmarks.errorHandlingRadios.length + landmarks.owedFields.length;
    if (count > 0) withScreen.push({ document, landmarks });
  }
  const showsPayments = withScreen.some(({ landmarks }) => landmarks.paymentTables.length > 0);
  if (withScreen.length === 0 || (!opened && !showsPayments)) {
    const opener = openerIn(top);
    if (opener) return { kind: 'order-page', opener };
  }
  if (withScreen.length > 1) return { kind: 'problem', step: 'open', problem: i18n.t('keapScreen.screen.openTwice') };
  const shown = withScreen[0];
  if (!shown) return { kind: 'nothing' };
  const { document, landmarks } = shown;
  if (landmarks.paymentTables.length > 1) return { kind: 'problem', step: 'payments', problem: i18n.t('keapScreen.screen.severalPaymentTables') };
  if (landmarks.owedFields.length > 1) {
    return { kind: 'problem', step: 'credit', problem: i18n.t('keapScreen.screen.owedAskedTwice'), highlight: landmarks.owedFields[0] };
  }
  const anchors = [...landmarks.paymentTables, ...landmarks.methodRadios, ...landmarks.errorHandlingRadios, ...landmarks.owedFields];
  const container = containerOf(anchors, landmarks.paymentTables);
  const step: ScreenStepReading = {
    document,
    container,
    forwardActions: [],
    disabledForwardActions: 0,
    anchors,
    shownProblem: shownProblemIn(container),
  };
  const stepName = stepOf([
    ...(landmarks.paymentTables.length > 0 ? (['payments'] as const) : []),
    ...(landmarks.methodRadios.length + landmarks.errorHandlingRadios.length > 0 ? (['method'] as const) : []),
    ...(landmarks.owedFields.length > 0 ? (['credit'] as const) : []),
  ]);
  const problem = (part: { problem: string; learnable?: LearnSlot; highlight?: HTMLElement }): ScreenReading => ({ kind: 'problem', step: stepName, ...part });

  const owedField = landmarks.owedFields[0];
  if (owedField) step.owedField = owedField;
  const table = landmarks.paymentTables[0];
  if (table) {
    const payments = readPayments(table, container, plan, learned, new Set(landmarks.owedFields));
    if (!payments.ok) return problem(payments);
    step.payments = payments.value;
  }
  if (landmarks.methodRadios.length > 0) {
    const method = readChoices(container, methodOf);
    if (method && !method.ok) return problem(method);
    if (method) step.method = method.value;
  }
  if (landmarks.errorHandlingRadios.length > 0) {
    const errorHandling = readChoices(container, errorHandlingOf);
    if (errorHandling && !errorHandling.ok) return problem(errorHandling);
    if (errorHandling) step.errorHandling = errorHandling.value;
  }
  const actions = actionsIn(container, landmarks.paymentTables);
  step.forwardActions = actions.enabled;
  step.disabledForwardActions = actions.disabled;
  return { kind: 'step', step };
}

/** Whether a step Refund Desk acted on is still on screen: some part of it is still attached and shown. */
export function stepStillShown(step: ScreenStepReading): boolean {
  return step.anchors.some((anchor) => anchor.isConnected && anchor.ownerDocument.defaultView !== null && isVisible(anchor));
}

/** The action that moves on from a step that is not the last: the one named like Next. */
export function nextActionOf(step: ScreenStepReading, slot: 'payments-next' | 'options-next', learned: LearnedWords): PartResult<Control> {
  const named = step.forwardActions.filter((action) => nameIsOneOf(action.name, wordsFor(slot, learned)));
  if (named.length === 1) return { ok: true, value: named[0]! };
  if (named.length > 1) return { ok: false, problem: i18n.t('keapScreen.screen.severalNextButtons') };
  const only = step.forwardActions.length === 1 ? step.forwardActions[0] : undefined;
  return {
    ok: false,
    problem: only
      ? i18n.t('keapScreen.screen.unknownNextButton', [only.name])
      : step.forwardActions.length === 0
        ? i18n.t('keapScreen.screen.noNextButton')
        : i18n.t('keapScreen.screen.whichNextButton'),
    ...(only ? { learnable: slot, highlight: only.element } : {}),
  };
}

/** The last step's action: the single enabled forward action, and a word Refund Desk knows for it. */
export function finalActionOf(step: ScreenStepReading, learned: LearnedWords): PartResult<Control> {
  if (step.forwardActions.length !== 1) {
    return {
      ok: false,
      problem:
        step.forwardActions.length === 0
          ? i18n.t('keapScreen.screen.noFinalButton')
          : i18n.t('keapScreen.screen.severalFinalButtons', [String(step.forwardActions.length), step.forwardActions.map((action) => `"${action.name}"`).join(', ')]),
    };
  }
  const action = step.forwardActions[0]!;
  if (!nameIsOneOf(action.name, wordsFor('credit-final', learned))) {
    return { ok: false, problem: i18n.t('keapScreen.screen.unknownFinalButton', [action.name]), learnable: 'credit-final', highlight: action.element };
  }
  return { ok: true, value: action };
}
