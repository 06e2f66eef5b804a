import { browser } from 'wxt/browser';
import { classicOrderUrl } from '@/lib/keap-hosts';
import { tabMessenger } from '@/lib/messaging/tab-protocol';
import type { RefundScreenResult } from '@/lib/page/refund-screen-driver';
import type { RefundScreenRunner } from '@/lib/refund/executor';

/** How long Keap's order page may take to load before Refund Desk stops and says so. */
const ORDER_PAGE_LOAD_TIMEOUT_MS = 30_000;

const readyTabs = new Set<number>();
const readyWaiters = new Map<number, () => void>();

/** Called when an order page's content script says it is ready. */
export function markOrderPageReady(tabId: number): void {
  readyTabs.add(tabId);
  readyWaiters.get(tabId)?.();
}

function waitUntilReady(tabId: number): Promise<boolean> {
  if (readyTabs.has(tabId)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      readyWaiters.delete(tabId);
      resolve(false);
    }, ORDER_PAGE_LOAD_TIMEOUT_MS);
    readyWaiters.set(tabId, () => {
      clearTimeout(timer);
      readyWaiters.delete(tabId);
      resolve(true);
    });
  });
}

/**
 * Opens the order in an inactive tab of the user's window (their logged-in Keap session), lets
 * the content script there walk Keap's refund screen, and closes the tab when it is done. When the
 * walk stops, the tab comes to the front with the control to use highlighted.
 */
export const runRefundScreenInTab: RefundScreenRunner = async (plan, { appOrigin }) => {
  const tab = await browser.tabs.create({ url: classicOrderUrl(appOrigin, plan.orderId), active: false });
  const tabId = tab.id;
  if (tabId === undefined) throw new Error('the browser did not open a tab');
  if (!(await waitUntilReady(tabId))) {
    await browser.tabs.update(tabId, { active: true });
    return {
      ok: false,
      sent: false,
      stoppedAt: 'open-dialog',
      problem: `Keap's order page for order #${plan.orderId} did not load.`,
      stepsLeft: [`Open order #${plan.orderId} in Keap`, 'Click Refund Payment and finish the refund there'],
    };
  }
  let result: RefundScreenResult;
  try {
    result = await tabMessenger.sendMessage('driveRefundScreen', plan, tabId);
  } catch (cause) {
    // The page went away mid-walk; whether Finish was clicked is unknown, so assume it may have been.
    result = {
      ok: false,
      sent: true,
      stoppedAt: 'results',
      problem: `Keap's order page closed before Refund Desk saw the result (${cause instanceof Error ? cause.message : String(cause)}).`,
      stepsLeft: [`Check order #${plan.orderId} in Keap`],
    };
  }
  readyTabs.delete(tabId);
  if (result.ok) await browser.tabs.remove(tabId).catch(() => undefined);
  else await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
  return result;
};
