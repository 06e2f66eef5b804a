import { browser } from 'wxt/browser';
import { classifyKeapUrl } from '@/lib/keap-hosts';
import { callBackground } from '@/lib/messaging/protocol';
import type { RuntimeSender } from '@/lib/messaging/senders';
import { isFromBackground, TAB_MESSAGES, tabMessenger } from '@/lib/messaging/tab-protocol';
import { driveRefundScreen, type RefundScreenResult } from '@/lib/page/refund-screen-driver';

function refusal(problem: string): RefundScreenResult {
  return { ok: false, sent: false, stoppedAt: 'open-dialog', problem, stepsLeft: [] };
}

/**
 * On a classic order page: walks Keap's refund screen when the background asks, one run at a
 * time, and only for the order this page shows.
 */
export function serveRefundScreen({ signal }: { signal: AbortSignal }): void {
  const page = classifyKeapUrl(location.href);
  if (page.kind !== 'classic-order') return;
  let running = false;
  const stop = tabMessenger.onMessage('driveRefundScreen', async (message) => {
    if (!isFromBackground(message.sender as RuntimeSender, browser.runtime.id)) return refusal('Refused: not sent by Refund Desk.');
    const plan = TAB_MESSAGES.driveRefundScreen.safeParse(message.data);
    if (!plan.success) return refusal('Refund Desk sent a refund this page could not read.');
    if (plan.data.orderId !== page.orderId) return refusal(`This page shows order #${page.orderId}, not #${plan.data.orderId}.`);
    if (running) return refusal('Keap\'s refund screen is already in use on this page.');
    running = true;
    try {
      return await driveRefundScreen(plan.data, { root: document, signal });
    } finally {
      running = false;
    }
  });
  signal.addEventListener('abort', stop);
  void callBackground('orderPageReady', { orderId: page.orderId });
}
