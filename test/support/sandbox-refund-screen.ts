import { z } from 'zod';
import { toDecimalString } from '@/lib/money';
import type { RefundScreenPlan, ScreenOutcome } from '@/lib/page/refund-screen/protocol';
import type { RefundScreenResult, RefundScreenRunner } from '@/lib/refund/executor';
import type { RefundSubmission } from '@/test/sandbox/refund';
import { RefundOutcomeSchema, type RefundOutcome } from '@/test/sandbox/state';

/**
 * A stand-in for Keap's refund screen in a browser tab: it sends what the sandbox's Refund Payment
 * dialog sends on Finish (`POST /Job/refundPayment.jsp`, see ORDER_PAGE_SCRIPT in
 * test/sandbox/pages.ts) and reads the answer the way the driver reads the Refund Results step.
 */

const SANDBOX_METHOD: Record<RefundScreenPlan['method'], RefundSubmission['method']> = {
  refund: 'refund',
  'manual-refund': 'manual',
  void: 'void',
};

const SANDBOX_ON_FAILURE: Record<RefundScreenPlan['errorHandling'], NonNullable<RefundSubmission['onFailure']>> = {
  'record-anyway': 'record',
  'skip-payment': 'skip',
};

/** What the driver's results patterns make of each line the sandbox's results step shows. */
const SCREEN_OUTCOME: Record<RefundOutcome, ScreenOutcome> = {
  refunded: 'refunded',
  'recorded-after-failure': 'recorded-anyway',
  'skipped-after-failure': 'skipped',
  'manual-refund-recorded': 'manual-recorded',
  voided: 'voided',
};

const finishAnswerSchema = z.object({
  results: z.array(
    z.object({
      paymentId: z.number(),
      outcome: RefundOutcomeSchema,
      text: z.string(),
    }),
  ),
});
const rejectionSchema = z.object({ message: z.string() });

/** The body the dialog's Finish posts for `plan`, with amounts typed as the driver types them. */
export function submissionFor(plan: RefundScreenPlan): RefundSubmission {
  const method = SANDBOX_METHOD[plan.method];
  return {
    orderId: plan.orderId,
    reason: plan.reason,
    method,
    ...(method === 'refund' ? { onFailure: SANDBOX_ON_FAILURE[plan.errorHandling] } : {}),
    amountOwed: toDecimalString(plan.amountOwedMinor, plan.currency),
    payments: plan.lines.map((line) => ({ paymentId: line.paymentId, amount: toDecimalString(line.amountMinor, plan.currency) })),
  };
}

export interface SandboxRefundScreen {
  run: RefundScreenRunner;
  /** Every plan the executor handed to the screen, in order. */
  plans: RefundScreenPlan[];
}

/** A refund screen that finishes every plan on the sandbox at `appBase`. */
export function sandboxRefundScreen(appBase: string): SandboxRefundScreen {
  const plans: RefundScreenPlan[] = [];
  const run: RefundScreenRunner = async (plan) => {
    plans.push(plan);
    const response = await fetch(new URL('/Job/refundPayment.jsp', appBase), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(submissionFor(plan)),
    });
    const answer: unknown = await response.json();
    if (!response.ok) {
      // The dialog shows Keap's message and never reaches the results: Finish was clicked, so the
      // driver cannot know whether anything went through.
      return {
        ok: false,
        sent: true,
        stoppedAt: 'results',
        problem: `Keap showed a problem after Finish: ${rejectionSchema.parse(answer).message}`,
      } satisfies RefundScreenResult;
    }
    return {
      ok: true,
      results: finishAnswerSchema.parse(answer).results.map((line) => ({
        paymentId: line.paymentId,
        text: line.text,
        outcome: SCREEN_OUTCOME[line.outcome],
      })),
    };
  };
  return { run, plans };
}
