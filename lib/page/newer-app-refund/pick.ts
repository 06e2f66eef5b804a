import type { RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import type { LearnedWords, LearnSlot } from '@/lib/page/refund-screen/words';
import { findConfirmation, findPaymentView } from './flow';

/**
 * "Show Refund Desk this control" in the newer app: the one control the walk stopped at for
 * `slot`, when the page still shows it; the person's click on it names the word (see refund-screen/pick.ts).
 */
export function newerAppPickCandidates(top: Document, plan: RefundScreenPlan, learned: LearnedWords, slot: LearnSlot): HTMLElement[] {
  if (slot !== 'newer-app-refund' && slot !== 'newer-app-confirm') return [];
  const payment = plan.orderPayments.find((candidate) => candidate.paymentId === plan.lines[0]?.paymentId);
  if (!payment) return [];
  const view = findPaymentView(top, plan, payment, learned);
  if (slot === 'newer-app-refund') return view && !view.ok && view.learnable === slot && view.highlight ? [view.highlight] : [];
  if (!view?.ok) return [];
  const confirmation = findConfirmation(top, plan, learned, view.value.view);
  return confirmation && !confirmation.ok && confirmation.learnable === slot && confirmation.highlight ? [confirmation.highlight] : [];
}
