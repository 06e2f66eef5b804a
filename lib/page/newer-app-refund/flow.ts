import { i18n } from '#i18n';
import { accessibleName, isDisabled, isVisible, normaliseWhitespace, roleOf, type ControlRole } from '@/lib/page/accessible-name';
import { datesInText } from '@/lib/page/newer-app/shown-dates';
import { labelIsOneOf } from '@/lib/page/newer-app/words';
import type { OrderPayment, RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import { type LearnedWords, type LearnSlot, looseText, nameContainsOneOf, nameIsOneOf } from '@/lib/page/refund-screen/words';
import { amountsInText } from '@/lib/money';
import {
  AMOUNT_FIELD_WORDS,
  COMPLETION_PHRASES,
  CONFIRM_PHRASES,
  DISMISS_WORDS,
  FAILURE_PHRASES,
  fieldLabel,
  MANUAL_REFUND_WORDS,
  MONEY_WORDS,
  newerAppWordsFor,
  REASON_FIELD_WORDS,
} from './words';

/*
 * Reads the refund flow of Keap's newer web app by what each part contains: the Money card, the
 * payment (by its amount and date as Keap's API has them), its Refund button, the confirmation
 * with its amount field (when there is one), and the message that follows. Ids, classes and
 * headings are never relied on; a part that could be read two ways is a problem, never a guess.
 */

export interface FlowControl {
  element: HTMLElement;
  name: string;
}

/** A problem found while reading: what to say, and the control the person could show Refund Desk. */
export interface FlowProblem {
  problem: string;
  highlight?: HTMLElement;
  learnable?: LearnSlot;
}

export type Found<T> = { ok: true; value: T } | ({ ok: false } & FlowProblem);

const CONTROLS = 'button, a, input, select, textarea, [role="button"], [role="textbox"], [role="link"]';

function controls(root: ParentNode, role: ControlRole): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(CONTROLS)).filter(
    (element) => (roleOf(element) === role || (role === 'button' && element.getAttribute('role') === 'link')) && isVisible(element),
  );
}

function named(root: ParentNode, matches: (name: string) => boolean): FlowControl[] {
  return controls(root, 'button')
    .map((element) => ({ element, name: accessibleName(element) }))
    .filter((control) => matches(control.name));
}

/** Text as a person reads it, node by node (a block's text runs into the next in `textContent`), with button values. */
function readableParts(element: Element): string[] {
  const parts: string[] = [];
  const walker = element.ownerDocument.createTreeWalker(element, 5 /* elements and text */);
  for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === 3) parts.push(node.textContent ?? '');
    else if ((node as Element).tagName === 'INPUT' && ['button', 'submit'].includes((node as HTMLInputElement).type)) parts.push((node as HTMLInputElement).value);
  }
  return parts;
}

export function readableText(element: Element): string {
  return normaliseWhitespace(readableParts(element).join(' '));
}

/** The first day a block shows, read in order (a day may be split over nodes); null with none, or two at once. */
function firstDayIn(element: Element): string | null {
  const parts = readableParts(element);
  for (let count = 1; count <= parts.length; count += 1) {
    const days = datesInText(parts.slice(0, count).join(' '));
    if (days.length > 0) return days.length === 1 ? days[0]! : null;
  }
  return null;
}

/** The days a payment may be shown on: its API day, and a day either side for time zones. */
function daysOf(payment: OrderPayment): string[] {
  const at = Date.parse(payment.payDate);
  if (Number.isNaN(at)) return [];
  return [-1, 0, 1].map((shift) => new Date(at + shift * 86_400_000).toISOString().slice(0, 10));
}

/** Whether `text` shows the payment: its amount and one of its days. */
export function showsPayment(text: string, payment: OrderPayment, currency: string): boolean {
  const days = daysOf(payment);
  return amountsInText(text, currency).includes(payment.amountMinor) && datesInText(text).some((day) => days.includes(day));
}

/** The Money card (or button) of the contact activity: exactly one. */
export function findMoneyCard(document: Document): Found<FlowControl> {
  const cards = named(document, (name) => labelIsOneOf(name, MONEY_WORDS));
  if (cards.length === 1) return { ok: true, value: cards[0]! };
  return { ok: false, problem: cards.length === 0 ? i18n.t('keapScreen.newerApp.noMoneyCard') : i18n.t('keapScreen.newerApp.severalMoneyCards') };
}

/** The block a payment entry is drawn in: its row or list item, else the control itself. */
function entryOf(control: HTMLElement): Element {
  return control.closest('tr, li, [role="listitem"], [role="row"]') ?? control;
}

/**
 * The control that opens `payment` in the Money card's list: the one control of the one entry
 * showing its amount and date. Entries of the contact's other payments are left alone.
 */
export function findPaymentEntry(document: Document, payment: OrderPayment, currency: string): Found<FlowControl> | null {
  const entries = new Map<Element, HTMLElement[]>();
  for (const element of controls(document, 'button')) {
    const entry = entryOf(element);
    const text = `${accessibleName(element)} ${readableText(entry)}`;
    if (!showsPayment(text, payment, currency)) continue;
    entries.set(entry, [...(entries.get(entry) ?? []), element]);
  }
  if (entries.size === 0) return null;
  if (entries.size > 1) return { ok: false, problem: i18n.t('keapScreen.newerApp.samePaymentTwice', [String(payment.paymentId)]) };
  const [entry, found] = [...entries][0]!;
  if (found.length !== 1) return { ok: false, problem: i18n.t('keapScreen.newerApp.whichLinkOpens', [String(payment.paymentId)]), highlight: entry as HTMLElement };
  return { ok: true, value: { element: found[0]!, name: accessibleName(found[0]!) } };
}

/**
 * The payment a control belongs to: the smallest block around it that shows a day and an amount,
 * when the first day and the first amount it shows are `payment`'s (guess: a payment's view states
 * its own before anything else, such as "Payments for this invoice", which may list this payment
 * in another payment's view).
 */
function paymentViewAround(element: Element, payment: OrderPayment, currency: string): Element | null {
  for (let box: Element | null = element.parentElement; box; box = box.parentElement) {
    const text = readableText(box);
    const [firstAmount] = amountsInText(text, currency);
    if (datesInText(text).length === 0 || firstAmount === undefined) continue;
    const firstDay = firstDayIn(box);
    if (firstDay === null) return null;
    return firstAmount === payment.amountMinor && daysOf(payment).includes(firstDay) ? box : null;
  }
  return null;
}

export interface PaymentView {
  /** The Refund button (or, for a manual refund, the control that records one). */
  action: FlowControl;
  /** The block showing the payment, for checking it still shows the payment's amount and day. */
  view: Element;
}

/** The opened payment: exactly one Refund button (or record-a-refund control), in a view showing that payment. */
/** The controls named as the payment's Refund button (or, for a manual refund, as recording one). */
export function refundActions(document: Document, plan: RefundScreenPlan, learned: LearnedWords): FlowControl[] {
  const words = plan.method === 'manual-refund' ? MANUAL_REFUND_WORDS : newerAppWordsFor('newer-app-refund', learned);
  return named(document, (name) => nameIsOneOf(name, words));
}

export function findPaymentView(document: Document, plan: RefundScreenPlan, payment: OrderPayment, learned: LearnedWords): Found<PaymentView> | null {
  const manual = plan.method === 'manual-refund';
  const actions = refundActions(document, plan, learned);
  if (actions.length === 0) return manual ? null : unknownRefundButton(document, payment, plan.currency);
  if (actions.length > 1) return { ok: false, problem: manual ? i18n.t('keapScreen.newerApp.severalRecordControls') : i18n.t('keapScreen.newerApp.severalRefundButtons') };
  const action = actions[0]!;
  const view = paymentViewAround(action.element, payment, plan.currency);
  if (!view) return { ok: false, problem: i18n.t('keapScreen.newerApp.otherPaymentOpened', [String(payment.paymentId)]), highlight: action.element };
  if (isDisabled(action.element)) return { ok: false, problem: i18n.t('keapScreen.newerApp.refundDisabled'), highlight: action.element };
  return { ok: true, value: { action, view } };
}

/**
 * With no Refund button: the one other action on the opened payment (not a payment of the list,
 * not the Money card, not a dismissal), which the person may show Refund Desk is its Refund button.
 */
function unknownRefundButton(document: Document, payment: OrderPayment, currency: string): Found<PaymentView> | null {
  const others = named(document, (name) => !isDismissal(name) && !labelIsOneOf(name, MONEY_WORDS)).filter(
    (control) => datesInText(`${control.name} ${readableText(entryOf(control.element))}`).length === 0 && paymentViewAround(control.element, payment, currency) !== null,
  );
  if (others.length !== 1) return null;
  const only = others[0]!;
  return { ok: false, problem: i18n.t('keapScreen.newerApp.unknownRefundButton', [only.name]), highlight: only.element, learnable: 'newer-app-refund' };
}

export interface Confirmation {
  /** The control that processes the refund. */
  confirm: FlowControl;
  /** Where the confirmation is drawn: its fields, text and problems are read in it. */
  box: Element;
  amountField: HTMLElement | null;
  reasonField: HTMLElement | null;
  /** Amounts the confirmation states in its text ("The whole payment of $60.00 will be refunded"). */
  statedAmounts: number[];
  shownProblem: string | null;
}

function isDismissal(name: string): boolean {
  const loose = looseText(name);
  return nameIsOneOf(name, DISMISS_WORDS) || ['cancel', 'close', 'back'].includes(loose.split(' ')[0] ?? '');
}

const PROBLEM_SELECTOR = '[role="alert"], [aria-live="assertive"], [class*="error" i], [class*="warning" i]';

/** Words a block shows as a problem; classes are read only to find the words, never to decide. */
function shownProblemIn(box: Element): string | null {
  const texts = Array.from(box.querySelectorAll(PROBLEM_SELECTOR))
    .filter((element) => isVisible(element) && !Array.from(element.children).some((child) => child.matches(PROBLEM_SELECTOR)))
    .map((element) => normaliseWhitespace(element.textContent ?? ''))
    .filter((text) => text !== '');
  return texts.length > 0 ? texts.join(' ').slice(0, 500) : null;
}

/**
 * The confirmation after Refund: exactly one control named as a confirmation, and in the block
 * around it (up to the view of the payment) its amount field and reason field, each at most one.
 */
export function findConfirmation(document: Document, plan: RefundScreenPlan, learned: LearnedWords, within: Element | null): Found<Confirmation> | null {
  const words = newerAppWordsFor('newer-app-confirm', learned);
  const candidates = named(document, (name) => !isDismissal(name) && (nameIsOneOf(name, words) || nameContainsOneOf(name, CONFIRM_PHRASES)));
  if (candidates.length === 0) return within ? unknownConfirmation(within, learned) : null;
  if (candidates.length > 1) {
    const names = candidates.map((control) => `"${control.name}"`).join(', ');
    return { ok: false, problem: i18n.t('keapScreen.newerApp.severalConfirmLinks', [String(candidates.length), names]) };
  }
  const confirm = candidates[0]!;
  // The block holding the confirmation: the widest around the link with no other forward action, inside the payment's view or a form or dialog.
  let box: Element = confirm.element.parentElement ?? document.body;
  for (let wider = box.parentElement; wider && box !== within && !box.matches('form, dialog, [role="dialog"], [role="alertdialog"]'); wider = wider.parentElement) {
    if (named(wider, (name) => !isDismissal(name)).length > 1) break;
    box = wider;
  }
  const fields = controls(box, 'textbox').map((element) => ({ element, label: fieldLabel(accessibleName(element)) }));
  const loose = (words: readonly string[]) => words.map((word) => looseText(word));
  const amountFields = fields.filter((field) => loose(AMOUNT_FIELD_WORDS).includes(field.label));
  const reasonFields = fields.filter((field) => loose(REASON_FIELD_WORDS).includes(field.label));
  if (amountFields.length > 1) return { ok: false, problem: i18n.t('keapScreen.newerApp.whichAmountField'), highlight: amountFields[0]!.element };
  if (reasonFields.length > 1) return { ok: false, problem: i18n.t('keapScreen.screen.whichReasonField'), highlight: reasonFields[0]!.element };
  const unknown = fields.filter((field) => !amountFields.includes(field) && !reasonFields.includes(field));
  if (unknown.length > 0) {
    const label = accessibleName(unknown[0]!.element);
    return {
      ok: false,
      problem: label ? i18n.t('keapScreen.newerApp.unknownField', [label]) : i18n.t('keapScreen.newerApp.unknownUnlabelledField'),
      highlight: unknown[0]!.element,
    };
  }
  return {
    ok: true,
    value: {
      confirm,
      box,
      amountField: amountFields[0]?.element ?? null,
      reasonField: reasonFields[0]?.element ?? null,
      statedAmounts: amountsInText(readableText(box), plan.currency),
      shownProblem: shownProblemIn(box),
    },
  };
}

/**
 * With no link named as a confirmation: the one action in the payment's view that is neither its
 * Refund button nor a dismissal, which the person may show Refund Desk is the confirmation.
 */
function unknownConfirmation(within: Element, learned: LearnedWords): Found<Confirmation> | null {
  const refundWords = newerAppWordsFor('newer-app-refund', learned);
  const others = named(within, (name) => !isDismissal(name) && !nameIsOneOf(name, refundWords) && !nameIsOneOf(name, MANUAL_REFUND_WORDS));
  if (others.length !== 1) return null;
  const only = others[0]!;
  return { ok: false, problem: i18n.t('keapScreen.newerApp.unknownConfirmLink', [only.name]), highlight: only.element, learnable: 'newer-app-confirm' };
}

export type Completion = { outcome: 'refunded' | 'failed'; text: string };

const MESSAGE_BLOCKS = '[role="status"], [role="alert"], [aria-live], p, div, li, span';
/** Blocks drawn as messages (live regions; classes read only to find them, never to decide). */
const MESSAGE_LIKE =
  '[role="status"], [role="alert"], [aria-live], [class*="alert" i], [class*="toast" i], [class*="message" i], [class*="flash" i], [class*="notice" i], [class*="error" i], [class*="success" i]';

function deepestSaying(blocks: readonly Element[], phrases: readonly string[]): string | null {
  const saying = blocks.filter((block) => nameContainsOneOf(readableText(block), phrases));
  const deepest = saying.find((block) => !saying.some((other) => other !== block && block.contains(other)));
  return deepest ? readableText(deepest).slice(0, 2000) : null;
}

/**
 * The message Keap shows once the confirmation was followed, among blocks that were not there
 * before: one drawn as a message first, else any new block; a failure is read before a completion.
 */
export function findCompletion(document: Document, shownBefore: WeakSet<Element>): Completion | null {
  const blocks = Array.from(document.querySelectorAll(MESSAGE_BLOCKS)).filter(
    (block) => !shownBefore.has(block) && isVisible(block) && block.querySelector('input, textarea, select, button') === null,
  );
  for (const tier of [blocks.filter((block) => block.matches(MESSAGE_LIKE)), blocks]) {
    const failed = deepestSaying(tier, FAILURE_PHRASES);
    if (failed) return { outcome: 'failed', text: failed };
    const completed = deepestSaying(tier, COMPLETION_PHRASES);
    if (completed) return { outcome: 'refunded', text: completed };
  }
  return null;
}

/** Every block on the page now: what is shown before the confirmation is followed is not its message. */
export function blocksShownNow(document: Document): WeakSet<Element> {
  return new WeakSet(Array.from(document.querySelectorAll(MESSAGE_BLOCKS)));
}
