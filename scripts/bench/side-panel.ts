import { configureExtension, launchExtensionBrowser } from '../../test/e2e/harness';
import { SEED } from '../../test/sandbox/seed';
import type { Sandbox } from '../../test/sandbox/server';
import type { RefundTarget } from '../../lib/service/refund-target';
import { SIDE_PANEL_OBSERVER, type SidePanelMarks } from './in-page';

const WAIT_MS = 30_000;

export interface SidePanelLoad {
  /** From navigation start to the `getOrderForRefund` answer reaching the page (ms). */
  dataAtMs: number;
  /** From the answer to the "Review refund" button being in the page and enabled (ms). */
  formAfterDataMs: number;
  /** From the answer to the frame after that being drawn with the main thread free (ms). */
  interactiveAfterDataMs: number;
}

/**
 * Loads the side panel's page (in a tab of the same window, where it reads the same per-window
 * target the real side panel does) on the five-payment order, `loads` times, each a fresh
 * `getOrderForRefund` (the background does not cache it).
 */
export async function measureSidePanel(sandbox: Sandbox, loads: number): Promise<SidePanelLoad[]> {
  const browser = await launchExtensionBrowser(sandbox);
  try {
    await configureExtension(browser, { apiKey: SEED.apiKey });
    const page = await browser.extensionPage('sidepanel');
    const target = { contactId: SEED.contacts.demo, orderId: SEED.orders.fivePayments, appOrigin: `https://${SEED.appName}.infusionsoft.com` };
    // The Refunds panel's click stores this target for the window; the page follows it.
    await page.evaluate(async ({ contactId, orderId, appOrigin }) => {
      const { chrome } = globalThis as unknown as {
        chrome: {
          windows: { getCurrent(): Promise<{ id?: number }> };
          tabs: { getCurrent(): Promise<{ id?: number } | undefined> };
          storage: { session: { set(items: object): Promise<void> } };
        };
      };
      const windowId = (await chrome.windows.getCurrent()).id ?? -1;
      const tabId = (await chrome.tabs.getCurrent())?.id ?? -1;
      // The same shape as `refundTargetSchema`'s order target: the side panel ignores anything else.
      const orderTarget: RefundTarget = { kind: 'order', windowId, tabId, contactId, orderId, appOrigin, requestedAt: Date.now() };
      await chrome.storage.session.set({ refundTargets: { [String(windowId)]: orderTarget } });
    }, target);
    await page.getByRole('button', { name: 'Review refund' }).waitFor({ timeout: WAIT_MS });
    await page.addInitScript({ content: SIDE_PANEL_OBSERVER });
    const results: SidePanelLoad[] = [];
    for (let load = 0; load < loads; load += 1) {
      await page.reload();
      await page.waitForFunction(
        () => {
          const marks = (window as unknown as { __refundDeskBench?: SidePanelMarks }).__refundDeskBench;
          return marks !== undefined && marks.dataAt !== null && marks.interactiveAt !== null;
        },
        undefined,
        { timeout: WAIT_MS, polling: 50 },
      );
      const marks = await page.evaluate(() => (window as unknown as { __refundDeskBench: SidePanelMarks }).__refundDeskBench);
      if (marks.dataAt === null || marks.formAt === null || marks.interactiveAt === null) throw new Error('The side panel timeline is incomplete.');
      const heading = await page.getByRole('heading', { level: 1 }).innerText();
      if (heading !== `Refund order #${target.orderId}`) throw new Error(`The side panel showed "${heading}", not order #${target.orderId}.`);
      results.push({
        dataAtMs: marks.dataAt,
        formAfterDataMs: marks.formAt - marks.dataAt,
        interactiveAfterDataMs: marks.interactiveAt - marks.dataAt,
      });
    }
    return results;
  } finally {
    await browser.close({ removeProfile: true });
  }
}
