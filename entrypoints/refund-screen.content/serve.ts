import { browser } from 'wxt/browser';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { REFUND_SCREEN_MESSAGES, REFUND_SCREEN_TAB_MESSAGES } from '@/lib/messaging/refund-screen-messages';
import type { RuntimeSender } from '@/lib/messaging/senders';
import { isFromBackground, tabMessenger } from '@/lib/messaging/tab-protocol';
import { followRefundScreen } from '@/lib/page/refund-screen/guide';
import { pickCandidates, pickControl } from '@/lib/page/refund-screen/pick';
import type { WalkEnd } from '@/lib/page/refund-screen/protocol';
import { walkRefundScreen } from '@/lib/page/refund-screen/walk';

const callBackground = backgroundCaller(REFUND_SCREEN_MESSAGES);

const HIGHLIGHT_OUTLINE = '3px solid #d93025';

function highlight(element: HTMLElement): void {
  element.style.outline = HIGHLIGHT_OUTLINE;
  element.style.outlineOffset = '2px';
  element.scrollIntoView({ block: 'center' });
}

const refused = (problem: string): WalkEnd => ({ kind: 'stopped', step: 'open', problem });

/**
 * Keap's refund screen, on whichever page of the refund's tabs it is: walks it when the background
 * asks, one attempt at a time, or follows the person in guided mode. Every command must come from
 * Refund Desk's own background and pass its schema.
 */
export function serveRefundScreen(signal: AbortSignal): void {
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
      if (!fromBackground(message.sender)) return refused('Refused: not sent by Refund Desk.');
      const request = REFUND_SCREEN_TAB_MESSAGES.walkRefundScreen.safeParse(message.data);
      if (!request.success) return refused('Refund Desk sent a refund this page could not read.');
      const { attemptId } = request.data;
      const walkSignal = begin(attemptId);
      const outcome = await walkRefundScreen(document, request.data, {
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
      followRefundScreen(document, {
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
      return { name: await pickControl(document, pickCandidates(document, plan, learned, slot), signal) };
    }),
  ];
  signal.addEventListener('abort', () => stops.forEach((stop) => stop()), { once: true });
}
