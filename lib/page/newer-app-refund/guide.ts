import { i18n } from '#i18n';
import { watchScreenDocuments } from '@/lib/page/refund-screen/documents';
import type { GuideReport } from '@/lib/page/refund-screen/guide';
import type { ChecklistItem, OrderPayment, RefundScreenPlan, ScreenProgress } from '@/lib/page/refund-screen/protocol';
import type { LearnedWords } from '@/lib/page/refund-screen/words';
import { parseMoneyInput, toDecimalString } from '@/lib/money';
import { findConfirmation, findMoneyCard, findPaymentEntry, findPaymentView } from './flow';

/*
 * Guided mode in Keap's newer app: the person refunds through the app's own flow; Refund Desk
 * follows by reading the same parts the walk reads, ticks off each step as it shows, and outlines
 * the control to use next. It never clicks or types anything itself.
 */

const GUIDE_OUTLINE = '3px solid #d93025';

function payDay(payment: OrderPayment): string {
  return payment.payDate.slice(0, 10);
}

/** What the page shows now of the refund of `payment`, furthest part first. */
function stageOf(document: Document, plan: RefundScreenPlan, payment: OrderPayment, learned: LearnedWords) {
  const view = findPaymentView(document, plan, payment, learned);
  const viewed = view?.ok ? view.value : null;
  const confirmation = viewed ? findConfirmation(document, plan, learned, viewed.view) : null;
  return {
    entry: findPaymentEntry(document, payment, plan.currency),
    view: viewed,
    confirmation: confirmation?.ok ? confirmation.value : null,
  };
}

export interface NewerAppChecklist {
  items: ChecklistItem[];
  /** The control each open item points at, by item id. */
  controls: Map<string, HTMLElement>;
  /** The confirmation link on screen now and the payment it refunds. */
  confirm: { element: HTMLElement; paymentId: number } | null;
}

/**
 * The checklist for `plan` against what the newer app shows now: the Money card, then for each
 * payment (the app refunds one at a time) the payment, Refund, the amount and the confirmation.
 * What a later part on screen shows done is done; the caller keeps earlier payments' items done.
 */
export function newerAppChecklist(document: Document, plan: RefundScreenPlan, learned: LearnedWords): NewerAppChecklist {
  const items: ChecklistItem[] = [];
  const controls = new Map<string, HTMLElement>();
  let confirm: NewerAppChecklist['confirm'] = null;
  const add = (id: string, text: string, done: boolean, control: HTMLElement | null) => {
    items.push({ id, text, done });
    if (control) controls.set(id, control);
  };
  const money = findMoneyCard(document);
  const stages = plan.lines.flatMap((line) => {
    const payment = plan.orderPayments.find((candidate) => candidate.paymentId === line.paymentId);
    return payment ? [{ line, payment, stage: stageOf(document, plan, payment, learned) }] : [];
  });
  const anyShown = stages.some(({ stage }) => stage.entry !== null || stage.view !== null);
  add('money', i18n.t('keapScreen.newerAppGuide.money'), anyShown, money.ok ? money.value.element : null);
  for (const { line, payment, stage } of stages) {
    const id = (step: string) => `${step}:${payment.paymentId}`;
    const amount = toDecimalString(line.amountMinor, plan.currency);
    const whole = line.amountMinor === payment.refundableMinor;
    const confirming = stage.confirmation !== null;
    add(
      id('payment'),
      i18n.t('keapScreen.newerAppGuide.payment', [toDecimalString(payment.amountMinor, plan.currency), payDay(payment)]),
      confirming || stage.view !== null,
      stage.entry?.ok ? stage.entry.value.element : null,
    );
    add(
      id('refund'),
      plan.method === 'manual-refund' ? i18n.t('keapScreen.newerAppGuide.recordRefund') : i18n.t('keapScreen.newerAppGuide.refund'),
      confirming,
      stage.view?.action.element ?? null,
    );
    const field = stage.confirmation?.amountField ?? null;
    const shown = field ? parseMoneyInput((field as HTMLInputElement).value ?? '', plan.currency) : null;
    add(
      id('amount'),
      whole ? i18n.t('keapScreen.newerAppGuide.wholePayment', [amount]) : i18n.t('keapScreen.newerAppGuide.setAmount', [amount]),
      field ? shown?.ok === true && shown.minorUnits === line.amountMinor : confirming && whole,
      field,
    );
    add(id('confirm'), i18n.t('keapScreen.newerAppGuide.confirm'), false, stage.confirmation?.confirm.element ?? null);
    if (stage.confirmation) confirm = { element: stage.confirmation.confirm.element, paymentId: payment.paymentId };
  }
  return { items, controls, confirm };
}

/**
 * Follows the person in the newer app until `signal` ends: reports the checklist whenever it
 * changes and outlines the next control. A trusted click on the confirmation link counts as sending.
 */
export function followNewerAppRefund(
  top: Document,
  options: { plan: RefundScreenPlan; progress: ScreenProgress; learned: LearnedWords; signal: AbortSignal; onReport: (report: GuideReport) => void },
): void {
  const { plan, learned, signal, onReport } = options;
  let progress = options.progress;
  let outlined: { element: HTMLElement; outline: string } | null = null;
  let lastReport = '';

  const outline = (element: HTMLElement | null) => {
    if (outlined?.element === element) return;
    if (outlined) outlined.element.style.outline = outlined.outline;
    outlined = element ? { element, outline: element.style.outline } : null;
    if (element) element.style.outline = GUIDE_OUTLINE;
  };
  /** Items seen done once stay done: the app shows one payment's refund at a time. */
  const doneOnce = new Set<string>();
  let confirm: NewerAppChecklist['confirm'] = null;
  const update = () => {
    if (signal.aborted) return;
    const guide = newerAppChecklist(top, plan, learned);
    confirm = guide.confirm;
    // An amount stays as typed only until the person changes it, unless its refund was sent.
    const isAmount = (id: string) => id.startsWith('amount:');
    for (const item of guide.items) if (item.done && !isAmount(item.id)) doneOnce.add(item.id);
    const items = guide.items.map((item) => ({
      ...item,
      done: isAmount(item.id) ? item.done || doneOnce.has(item.id.replace('amount:', 'confirm:')) : doneOnce.has(item.id),
    }));
    if (items.some((item) => item.done)) progress = { ...progress, opened: true };
    const next = items.find((item) => !item.done);
    outline(next ? (guide.controls.get(next.id) ?? null) : null);
    const report = { progress, items };
    const key = JSON.stringify(report);
    if (key !== lastReport) {
      lastReport = key;
      onReport(report);
    }
  };
  // A trusted click on the confirmation link sends that payment's refund: the background then looks in Keap's API.
  const onPress = (event: Event) => {
    if (!event.isTrusted) return;
    const target = event.target as Node | null;
    if (confirm && target && confirm.element.contains(target)) {
      doneOnce.add(`confirm:${confirm.paymentId}`);
      progress = { ...progress, finalClicked: true };
    }
    update();
  };
  top.addEventListener('click', onPress, true);
  signal.addEventListener(
    'abort',
    () => {
      top.removeEventListener('click', onPress, true);
      outline(null);
    },
    { once: true },
  );
  watchScreenDocuments(top, update, { signal, inputEvents: true });
  update();
}
