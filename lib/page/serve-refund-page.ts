import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { REFUND_SCREEN_MESSAGES, REFUND_SCREEN_TAB_MESSAGES } from '@/lib/messaging/refund-screen-messages';
import type { RuntimeSender } from '@/lib/messaging/senders';
import { isFromBackground, tabMessenger } from '@/lib/messaging/tab-protocol';
import type { GuideReport } from '@/lib/page/refund-screen/guide';
import { pickControl } from '@/lib/page/refund-screen/pick';
import type { RefundScreenPlan, ScreenProgress, WalkEnd, WalkRequest } from '@/lib/page/refund-screen/protocol';
import type { WalkHooks, WalkOutcome } from '@/lib/page/walk-parts';
import type { LearnedWords, LearnSlot } from '@/lib/page/refund-screen/words';

/**
 * How one kind of Keap page makes a refund: the classic refund screen, or the newer app's own
 * flow. Each is its own injected script, so that a Keap page carries only its own driver.
 */
export interface RefundPageDriver {
  walk(top: Document, request: WalkRequest, hooks: WalkHooks): Promise<WalkOutcome>;
  follow(top: Document, options: { plan: RefundScreenPlan; progress: ScreenProgress; learned: LearnedWords; signal: AbortSignal; onReport: (report: GuideReport) => void }): void;
  /** The controls the person may show Refund Desk for `slot` on the page now. */
  pickCandidates(top: Document, plan: RefundScreenPlan, learned: LearnedWords, slot: LearnSlot): HTMLElement[];
}

const callBackground = backgroundCaller(REFUND_SCREEN_MESSAGES);

const HIGHLIGHT_OUTLINE = '3px solid #d93025';

function highlight(element: HTMLElement): void {
  element.style.outline = HIGHLIGHT_OUTLINE;
  element.style.outlineOffset = '2px';
  element.scrollIntoView({ block: 'center' });
}

const refused = (problem: string): WalkEnd => ({ kind: 'stopped', step: 'open', problem });

/**
 * A page of a refund's tabs: walks Keap's refund there when the background asks, one attempt at a
 * time, or follows the person in guided mode, with `driver`. Every command must come from Refund
 * Desk's own background and pass its schema.
 */
function serveRefundPage(signal: AbortSignal, driver: RefundPageDriver): void {
  /** The attempt being walked or guided on this page, and how to call it off. */
  let active: { attemptId: string; controller: AbortController } | null = null;
  const begin = (attemptId: string) => {
    active?.controller.abort();
    const controller = new AbortController();
    signal.addEventListener('abort', () => controller.abort(), { once: true });
    active = { attemptId, controller };
    return controller.signal;
  };
  const fromBackground = (sender: unknown) => isFromBackground(sender as RuntimeSender, browser.runtime.id);

  const stops = [
    tabMessenger.onMessage('walkRefundScreen', async (message) => {
      if (!fromBackground(message.sender)) return refused(i18n.t('keapScreen.walk.refused'));
      const request = REFUND_SCREEN_TAB_MESSAGES.walkRefundScreen.safeParse(message.data);
      if (!request.success) return refused(i18n.t('keapScreen.walk.requestUnreadable'));
      const { attemptId } = request.data;
      const walkSignal = begin(attemptId);
      const outcome = await driver.walk(document, request.data, {
        signal: walkSignal,
        saveProgress: async (progress) => (await callBackground('refundScreenProgress', { attemptId, progress })).ok,
        approveFinalClick: async () => {
          const answer = await callBackground('approveFinalClick', { attemptId });
          return answer.ok && answer.go;
        },
      });
      if (walkSignal.aborted && outcome.end.kind === 'stopped') return { kind: 'called-off' } satisfies WalkEnd;
      if (outcome.highlight) highlight(outcome.highlight);
      return outcome.end;
    }),
    tabMessenger.onMessage('guideRefundScreen', (message) => {
      if (!fromBackground(message.sender)) return;
      const request = REFUND_SCREEN_TAB_MESSAGES.guideRefundScreen.safeParse(message.data);
      if (!request.success) return;
      const { attemptId, plan, progress, learned } = request.data;
      driver.follow(document, {
        plan,
        progress,
        learned,
        signal: begin(attemptId),
        onReport: ({ progress: seen, items }) => void callBackground('refundScreenGuide', { attemptId, progress: seen, items }),
      });
    }),
    tabMessenger.onMessage('callOffRefundScreen', (message) => {
      if (!fromBackground(message.sender)) return;
      const request = REFUND_SCREEN_TAB_MESSAGES.callOffRefundScreen.safeParse(message.data);
      if (request.success && active?.attemptId === request.data.attemptId) active.controller.abort();
    }),
    tabMessenger.onMessage('pickRefundScreenControl', async (message) => {
      if (!fromBackground(message.sender)) return { name: null };
      const request = REFUND_SCREEN_TAB_MESSAGES.pickRefundScreenControl.safeParse(message.data);
      if (!request.success) return { name: null };
      const { plan, learned, slot } = request.data;
      return { name: await pickControl(document, driver.pickCandidates(document, plan, learned, slot), signal) };
    }),
  ];
  signal.addEventListener('abort', () => stops.forEach((stop) => stop()), { once: true });
}

/**
 * Runs `serve` once per page: the background injects on every page load of a refund's tabs, and a
 * second injection into the same page adds nothing. The mark is what the background probes for.
 */
export function startOncePerPage(ctx: { onInvalidated(callback: () => void): void }, driver: RefundPageDriver): void {
  const marker = globalThis as { refundDeskRefundScreen?: true };
  if (marker.refundDeskRefundScreen) return;
  marker.refundDeskRefundScreen = true;
  const controller = new AbortController();
  ctx.onInvalidated(() => controller.abort());
  serveRefundPage(controller.signal, driver);
}
