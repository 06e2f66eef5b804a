import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { waitOnScreen } from '@/lib/page/refund-screen/documents';
import type { OrderPayment, RefundScreenPlan, ScreenProgress, ScreenStep, WalkEnd, WalkRequest } from '@/lib/page/refund-screen/protocol';
import type { WalkHooks } from '@/lib/page/refund-screen/walk';
import { DEFAULT_STEP_TIMEOUT_MS, endOfStoppedWalk, SETTLE_MS, typeInto, valueOf, WalkStop, type WalkOutcome } from '@/lib/page/walk-parts';
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

/** Plain words for a partial refund the flow cannot make: the person may use the classic screen. */
export const WHOLE_PAYMENTS_ONLY =
  "Keap's newer app refunds whole payments only: it offers no amount to refund. Refund part of a payment on Keap's classic refund screen, or refund the whole payment";

function stopFrom(step: ScreenStep, found: FlowProblem): WalkStop {
  return new WalkStop(step, found.problem, found.highlight ?? null, found.learnable);
}

/** Walks the newer app's refund flow for `request` on this contact record. */
export async function walkNewerAppRefund(top: Document, request: WalkRequest, hooks: WalkHooks): Promise<WalkOutcome> {
  const walk = new NewerAppWalk(top, request, hooks);
  try {
    return { end: await walk.run(), highlight: null };
  } catch (thrown) {
    return endOfStoppedWalk(thrown, walk.progress.finalClicked, "Keap's refund");
  }
}

class NewerAppWalk {
  readonly progress: ScreenProgress;
  private readonly plan: RefundScreenPlan;
  private readonly timeoutMs: number;

  constructor(
    private readonly top: Document,
    private readonly request: WalkRequest,
    private readonly hooks: WalkHooks,
  ) {
    this.progress = structuredClone(request.progress);
    this.plan = request.plan;
    this.timeoutMs = request.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  }

  async run(): Promise<WalkEnd> {
    // After the handshake a new page can only show what Keap made of it: the API decides.
    if (this.progress.finalClicked) return { kind: 'sent-without-results', problem: "Keap's page changed after the refund was confirmed" };
    const { plan } = this;
    if (plan.method === 'void') throw new WalkStop('open', "Keap's newer app offers no Void: void this payment on Keap's classic refund screen");
    if (plan.lines.length !== 1) {
      throw new WalkStop('open', "Keap's newer app refunds one payment at a time: refund each payment on its own, or use Keap's classic refund screen");
    }
    const line = plan.lines[0]!;
    const payment = plan.orderPayments.find((candidate) => candidate.paymentId === line.paymentId);
    if (!payment) throw new WalkStop('open', `Payment ${line.paymentId} is not one of order ${plan.orderId}'s payments`);

    this.hooks.onStep?.('open');
    const view = await this.openPayment(payment);
    this.hooks.onStep?.('payments');
    this.progress.opened = true;
    this.progress.submitted = ['payments'];
    await this.save('payments');
    this.stopIfAborted('payments');
    view.action.element.click();

    this.hooks.onStep?.('credit');
    const confirmation = await this.waitFor('credit', () => findConfirmation(this.top, plan, this.request.learned, view.view), "Keap did not show the refund's confirmation");
    if (!confirmation.amountField && line.amountMinor !== payment.refundableMinor) throw new WalkStop('credit', WHOLE_PAYMENTS_ONLY, confirmation.confirm.element);
    if (confirmation.amountField) typeInto(confirmation.amountField, toDecimalString(line.amountMinor, plan.currency));
    if (confirmation.reasonField) typeInto(confirmation.reasonField, plan.reason);
    const reread = await this.reread(view, payment);
    return this.confirm(reread);
  }

  private stopIfAborted(step: ScreenStep): void {
    if (this.hooks.signal.aborted) throw new WalkStop(step, 'Stopped before anything was sent to Keap');
  }

  private async save(step: ScreenStep): Promise<void> {
    if (!(await this.hooks.saveProgress(this.progress))) {
      throw new WalkStop(step, 'Refund Desk could not note its progress, so it stopped before anything was sent');
    }
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
      throw new WalkStop('open', "Keap already shows a payment open with its Refund button: close it in Keap's Money card, then try again");
    }
    if (findPaymentEntry(this.top, payment, plan.currency) === null) {
      const money = await this.waitFor('open', () => findMoneyCard(this.top), 'Keap shows no Money card on this contact');
      this.stopIfAborted('open');
      money.element.click();
    }
    const entry = await this.waitFor(
      'open',
      () => findPaymentEntry(this.top, payment, plan.currency),
      `Keap's Money card does not list payment ${payment.paymentId} (${toDecimalString(payment.amountMinor, plan.currency)})`,
    );
    this.stopIfAborted('open');
    entry.element.click();
    return this.waitFor('payments', () => findPaymentView(this.top, plan, payment, learned), `Keap shows no Refund button on payment ${payment.paymentId}`);
  }

  /** Reads the confirmation again after filling it: every value must read as planned, and the payment must be the same. */
  private async reread(view: PaymentView, payment: OrderPayment): Promise<Confirmation> {
    const { plan } = this;
    const line = plan.lines[0]!;
    const confirmation = await this.waitFor(
      'credit',
      () => findConfirmation(this.top, plan, this.request.learned, view.view),
      "Keap's refund confirmation changed while Refund Desk filled it in",
      SETTLE_MS,
    );
    const amountText = toDecimalString(line.amountMinor, plan.currency);
    if (!view.view.isConnected || !showsPayment(readableText(view.view), payment, plan.currency)) {
      throw new WalkStop('credit', `Keap no longer shows payment ${payment.paymentId} (${toDecimalString(payment.amountMinor, plan.currency)}) around its refund`);
    }
    if (confirmation.amountField) {
      const shown = parseMoneyInput(valueOf(confirmation.amountField), plan.currency);
      if (!shown.ok || shown.minorUnits !== line.amountMinor) {
        throw new WalkStop('credit', `Keap's refund shows "${valueOf(confirmation.amountField)}" as the amount, not ${amountText}`, confirmation.amountField);
      }
    } else if (confirmation.statedAmounts.length > 0 && !confirmation.statedAmounts.includes(line.amountMinor)) {
      throw new WalkStop('credit', `Keap's refund confirmation does not say it refunds ${amountText}`, confirmation.confirm.element);
    }
    if (confirmation.reasonField && normaliseWhitespace(valueOf(confirmation.reasonField)) !== normaliseWhitespace(plan.reason)) {
      throw new WalkStop('credit', "The reason on Keap's refund does not read as it was entered", confirmation.reasonField);
    }
    if (confirmation.shownProblem !== null) throw new WalkStop('credit', `Keap shows a problem with the refund: ${confirmation.shownProblem}`);
    return confirmation;
  }

  private async confirm(confirmation: Confirmation): Promise<WalkEnd> {
    this.stopIfAborted('credit');
    if (!(await this.hooks.approveFinalClick())) {
      throw new WalkStop('credit', 'Refund Desk called this refund off before the final click: nothing was sent');
    }
    const shownBefore = blocksShownNow(this.top);
    this.progress.finalClicked = true;
    confirmation.confirm.element.click();
    this.hooks.onStep?.('results');
    const paymentId = this.plan.lines[0]!.paymentId;
    const message = await waitOnScreen(this.top, () => findCompletion(this.top, shownBefore), { timeoutMs: this.timeoutMs, signal: this.hooks.signal });
    if (!message.ok) return { kind: 'sent-without-results', problem: "Refund Desk did not see Keap's message that the refund was completed" };
    return { kind: 'results', lines: [{ paymentId, text: message.value.text, outcome: message.value.outcome }] };
  }
}
