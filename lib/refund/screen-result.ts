import { i18n } from '#i18n';
import { type ResultLine, type ScreenStep, walkEndSchema } from '@/lib/page/refund-screen/protocol';
import type { LearnSlot } from '@/lib/page/refund-screen/words';

/** How a walk through Keap's refund screen ended, as the executor sees it. */
export type RefundScreenResult =
  | { ok: true; results: ResultLine[] }
  | {
      ok: false;
      /** True once the final click was made: the refund may have been sent, so it is unconfirmed, not failed. */
      sent: boolean;
      stoppedAt: ScreenStep;
      /** Plain words for the person, e.g. "Keap's refund screen does not list payment 7001". */
      problem: string;
      /** A control whose word Refund Desk does not know, which the person can show it. */
      learnable?: LearnSlot;
    };

/**
 * What a page's answer to a walk means. It is checked here, whatever the page claims: an answer
 * that does not read is "the refund may have been sent" (unconfirmed, for Keap's API to settle),
 * never "nothing happened"; so is any stop once the final click was approved. `walk-on`: the walk
 * was called off on this page and goes on elsewhere.
 */
export function screenResultOf(answer: unknown, finalApproved: boolean): RefundScreenResult | 'walk-on' {
  const end = walkEndSchema.safeParse(answer);
  if (!end.success) return { ok: false, sent: true, stoppedAt: 'results', problem: i18n.t('problems.screenUnreadable') };
  switch (end.data.kind) {
    case 'results':
      return { ok: true, results: end.data.lines };
    case 'sent-without-results':
      return { ok: false, sent: true, stoppedAt: 'results', problem: end.data.problem };
    case 'stopped':
      if (finalApproved) return { ok: false, sent: true, stoppedAt: 'results', problem: end.data.problem };
      return { ok: false, sent: false, stoppedAt: end.data.step, problem: end.data.problem, ...(end.data.learnable ? { learnable: end.data.learnable } : {}) };
    case 'called-off':
      return 'walk-on';
  }
}
