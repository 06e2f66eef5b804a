import { i18n } from '#i18n';
import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { waitOnScreen } from '@/lib/page/refund-screen/documents';
import type { OrderPayment, ScreenStep, WalkEnd, WalkRequest } from '@/lib/page/refund-screen/protocol';
import { PageWalk, runWalk, SETTLE_MS, typeInto, valueOf, WalkStop, type WalkHooks, type WalkOutcome } from '@/lib/page/walk-parts';
import { parseMoneyInput, toDecimalString } from '@/lib/money';
import {
  blocksShownNow,
  type Confirmation,
  findCompletion,
  findConfirmation,
  findMoneyCard,
  findPaymentEntry,
  findPaymentView,
  type FlowProblem,
  type Found,
  type PaymentView,
  readableText,
  refundActions,
  showsPayment,
} from './flow';

/*
 * Walks the refund flow of Keap's newer web app on the contact record: Money card → the payment →
 * Refund → the amount (where offered) → the confirmation link → Keap's message. Nothing is
 * guessed: any doubt stops the walk, and until the confirmation link is followed nothing has been
 * sent. The background's final-click handshake is asked right before following it.
 */

function stopFrom(step: ScreenStep, found: FlowProblem): WalkStop {
  return new WalkStop(step, found.problem, found.highlight ?? null, found.learnable);
}

/** Walks the newer app's refund flow for `request` on this contact record. */
export function walkNewerAppRefund(top: Document, request: WalkRequest, hooks: WalkHooks): Promise<WalkOutcome> {
  return runWalk(new NewerAppWalk(top, request, hooks), (detail) => i18n.t('keapScreen.walk.newerAppUnreadable', [detail]));
}

class NewerAppWalk extends PageWalk {
  async run(): Promise<WalkEnd> {
    // After the handshake a new page can only show what Keap made of it: the API decides.
    if (this.progress.finalClicked) return { kind: 'sent-without-results', problem: i18n.t('keapScreen.newerAppWalk.changedAfterConfirming') };
    const { plan } = this;
    if (plan.method === 'void') throw new WalkStop('open', i18n.t('keapScreen.newerAppWalk.noVoid'));
    if (plan.lines.length !== 1) throw new WalkStop('open', i18n.t('keapScreen.newerAppWalk.onePaymentAtATime'));
    const line = plan.lines[0]!;
    const payment = plan.orderPayments.find((candidate) => candidate.paymentId === line.paymentId);
    if (!payment) throw new WalkStop('open', i18n.t('keapScreen.newerAppWalk.notOrderPayment', [String(line.paymentId), String(plan.orderId)]));

    this.hooks.onStep?.('open');
    const view = await this.openPayment(payment);
    this.hooks.onStep?.('payments');
    this.progress.opened = true;
    this.progress.submitted = ['payments'];
    await this.save('payments');
    this.stopIfAborted('payments');
    view.action.element.click();

    this.hooks.onStep?.('credit');
    const confirmation = await this.waitFor('credit', () => findConfirmation(this.top, plan, this.request.learned, view.view), i18n.t('keapScreen.newerAppWalk.noConfirmation'));
    if (!confirmation.amountField && line.amountMinor !== payment.refundableMinor) {
      throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.wholePaymentsOnly'), confirmation.confirm.element);
    }
    if (confirmation.amountField) typeInto(confirmation.amountField, toDecimalString(line.amountMinor, plan.currency));
    if (confirmation.reasonField) typeInto(confirmation.reasonField, plan.reason);
    const reread = await this.reread(view, payment);
    return this.confirm(reread);
  }

  /**
   * Waits until `find` answers; a doubtful answer gets a moment to settle, then stops the walk
   * with its problem. Null answers mean "not drawn yet".
   */
  private async waitFor<T>(step: ScreenStep, find: () => Found<T> | null, missing: string, timeoutMs = this.timeoutMs): Promise<T> {
    let doubt: FlowProblem | null = null;
    const settled = new AbortController();
    const onAbort = () => settled.abort();
    this.hooks.signal.addEventListener('abort', onAbort, { once: true });
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    const found = await waitOnScreen(
      this.top,
      () => {
        const reading = find();
        if (reading?.ok) return reading.value;
        if (reading && !reading.ok) {
          doubt = reading;
          settleTimer ??= setTimeout(() => settled.abort(), SETTLE_MS);
        } else {
          clearTimeout(settleTimer);
          settleTimer = undefined;
        }
        return null;
      },
      { timeoutMs, signal: settled.signal },
    );
    clearTimeout(settleTimer);
    this.hooks.signal.removeEventListener('abort', onAbort);
    if (found.ok) return found.value;
    this.stopIfAborted(step);
    const lastDoubt = doubt as FlowProblem | null;
    throw lastDoubt ? stopFrom(step, lastDoubt) : new WalkStop(step, missing);
  }

  /** Opens the Money card (unless its list is shown already) and the payment, up to its Refund button. */
  private async openPayment(payment: OrderPayment): Promise<PaymentView> {
    const { plan } = this;
    const learned = this.request.learned;
    // A Refund button on screen before Refund Desk opened the payment may be another payment's.
    if (refundActions(this.top, plan, learned).length > 0) {
      throw new WalkStop('open', i18n.t('keapScreen.newerAppWalk.alreadyOpen'));
    }
    if (findPaymentEntry(this.top, payment, plan.currency) === null) {
      const money = await this.waitFor('open', () => findMoneyCard(this.top), i18n.t('keapScreen.newerApp.noMoneyCard'));
      this.stopIfAborted('open');
      money.element.click();
    }
    const entry = await this.waitFor(
      'open',
      () => findPaymentEntry(this.top, payment, plan.currency),
      i18n.t('keapScreen.newerAppWalk.notInMoneyCard', [String(payment.paymentId), toDecimalString(payment.amountMinor, plan.currency)]),
    );
    this.stopIfAborted('open');
    entry.element.click();
    return this.waitFor('payments', () => findPaymentView(this.top, plan, payment, learned), i18n.t('keapScreen.newerAppWalk.noRefundButton', [String(payment.paymentId)]));
  }

  /** Reads the confirmation again after filling it: every value must read as planned, and the payment must be the same. */
  private async reread(view: PaymentView, payment: OrderPayment): Promise<Confirmation> {
    const { plan } = this;
    const line = plan.lines[0]!;
    const confirmation = await this.waitFor(
      'credit',
      () => findConfirmation(this.top, plan, this.request.learned, view.view),
      i18n.t('keapScreen.newerAppWalk.confirmationChanged'),
      SETTLE_MS,
    );
    const amountText = toDecimalString(line.amountMinor, plan.currency);
    if (!view.view.isConnected || !showsPayment(readableText(view.view), payment, plan.currency)) {
      throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.paymentGone', [String(payment.paymentId), toDecimalString(payment.amountMinor, plan.currency)]));
    }
    if (confirmation.amountField) {
      const shown = parseMoneyInput(valueOf(confirmation.amountField), plan.currency);
      if (!shown.ok || shown.minorUnits !== line.amountMinor) {
        throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.amountShown', [valueOf(confirmation.amountField), amountText]), confirmation.amountField);
      }
    } else if (confirmation.statedAmounts.length > 0 && !confirmation.statedAmounts.includes(line.amountMinor)) {
      throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.amountNotStated', [amountText]), confirmation.confirm.element);
    }
    if (confirmation.reasonField && normaliseWhitespace(valueOf(confirmation.reasonField)) !== normaliseWhitespace(plan.reason)) {
      throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.reasonDiffers'), confirmation.reasonField);
    }
    if (confirmation.shownProblem !== null) throw new WalkStop('credit', i18n.t('keapScreen.newerAppWalk.problemShown', [confirmation.shownProblem]));
    return confirmation;
  }

  private async confirm(confirmation: Confirmation): Promise<WalkEnd> {
    this.stopIfAborted('credit');
    await this.checkFinalClickApproved();
    const shownBefore = blocksShownNow(this.top);
    this.progress.finalClicked = true;
    confirmation.confirm.element.click();
    this.hooks.onStep?.('results');
    const paymentId = this.plan.lines[0]!.paymentId;
    const message = await waitOnScreen(this.top, () => findCompletion(this.top, shownBefore), { timeoutMs: this.timeoutMs, signal: this.hooks.signal });
    if (!message.ok) return { kind: 'sent-without-results', problem: i18n.t('keapScreen.newerAppWalk.noCompletion') };
    return { kind: 'results', lines: [{ paymentId, text: message.value.text, outcome: message.value.outcome }] };
  }
}
