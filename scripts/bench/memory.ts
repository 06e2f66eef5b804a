import { type CDPSession, chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../../test/e2e/chromium';
import { configureExtension, contactPath, type ExtensionBrowser, launchExtensionBrowser, sandboxedKeapArgs } from '../../test/e2e/harness';
import { SEED } from '../../test/sandbox/seed';
import type { Sandbox } from '../../test/sandbox/server';

const WAIT_MS = 60_000;

/** JS heap figures in bytes, each read after a full garbage collection. */
export interface MemoryResult {
  /** The 1,000-order contact's page with the Refunds panel showing every order's API amounts. */
  contactPageWithPanel: number;
  /** The same page in a browser without Refund Desk. */
  contactPageWithoutPanel: number;
  /** The background's service worker before any Keap page was opened. */
  backgroundIdle: number;
  /** The background's service worker holding the 1,000-order contact's lists. */
  backgroundWithContact: number;
}

/** The page's renderer heap (the page's scripts and the content script share it), after a GC. */
export async function pageHeapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
    if (!used) throw new Error('Chromium reported no JSHeapUsedSize.');
    return used.value;
  } finally {
    await cdp.detach();
  }
}

/**
 * The service worker's heap after a GC. Playwright opens no DevTools session on workers, so the
 * commands go through a page's session to the worker's target (Target.sendMessageToTarget).
 */
async function serviceWorkerHeapAfterGc(page: Page): Promise<number> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.endsWith('/background.js'));
    if (!worker) throw new Error("Refund Desk's service worker is not running.");
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    const pending = new Map<number, (reply: { result?: { usedSize?: number } }) => void>();
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      const reply = JSON.parse(event.message) as { id?: number; result?: { usedSize?: number } };
      if (reply.id !== undefined) pending.get(reply.id)?.(reply);
    });
    let lastId = 0;
    const ask = (method: string) =>
      new Promise<{ result?: { usedSize?: number } }>((resolve) => {
        lastId += 1;
        pending.set(lastId, resolve);
        void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: lastId, method, params: {} }) });
      });
    await ask('HeapProfiler.collectGarbage');
    const usage = await ask('Runtime.getHeapUsage');
    await cdp.send('Target.detachFromTarget', { sessionId });
    const usedSize = usage.result?.usedSize;
    if (usedSize === undefined) throw new Error('The service worker reported no heap usage.');
    return usedSize;
  } finally {
    await cdp.detach();
  }
}

/** Waits until the panel shows every order: the oldest order, on its last page, has the API's amounts. */
async function waitForEveryOrder(page: Page): Promise<void> {
  const { count, firstOrderId } = SEED.generated.thousandOrders;
  const oldestOrderId = firstOrderId + count - 1;
  const panel = page.getByRole('region', { name: 'Refunds' });
  await panel.getByLabel('Filter orders').fill(String(oldestOrderId), { timeout: WAIT_MS });
  await page.waitForFunction(
    (orderId) => {
      const host = document.querySelector('[data-refund-desk="panel"]');
      const button = host?.shadowRoot?.querySelector<HTMLButtonElement>(`tr[data-order-id="${orderId}"] button.rd-refund`);
      return button !== null && button !== undefined && !button.disabled;
    },
    oldestOrderId,
    { timeout: WAIT_MS, polling: 50 },
  );
}

async function withPanel(sandbox: Sandbox): Promise<Pick<MemoryResult, 'contactPageWithPanel' | 'backgroundIdle' | 'backgroundWithContact'>> {
  const browser: ExtensionBrowser = await launchExtensionBrowser(sandbox);
  try {
    await configureExtension(browser, { apiKey: SEED.apiKey });
    const blank = await browser.context.newPage();
    const backgroundIdle = await serviceWorkerHeapAfterGc(blank);
    const page = await browser.keapPage(contactPath(SEED.contacts.thousandOrders));
    await waitForEveryOrder(page);
    return {
      contactPageWithPanel: await pageHeapAfterGc(page),
      backgroundIdle,
      backgroundWithContact: await serviceWorkerHeapAfterGc(page),
    };
  } finally {
    await browser.close({ removeProfile: true });
  }
}

async function withoutPanel(sandbox: Sandbox): Promise<number> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: sandboxedKeapArgs(sandbox) });
  try {
    const page = await browser.newPage();
    await page.goto(`https://${SEED.appName}.infusionsoft.com${contactPath(SEED.contacts.thousandOrders)}`);
    // The Orders tab may be hidden: wait for the table in the document, not for it to be visible.
    await page.locator('table', { hasText: 'Balance Due' }).waitFor({ state: 'attached', timeout: WAIT_MS });
    return await pageHeapAfterGc(page);
  } finally {
    await browser.close();
  }
}

/** The 1,000-order contact's page with and without Refund Desk, and the background's heap. */
export async function measureMemory(sandbox: Sandbox): Promise<MemoryResult> {
  return { ...(await withPanel(sandbox)), contactPageWithoutPanel: await withoutPanel(sandbox) };
}
