import type { Page } from 'puppeteer-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RefundRecord } from '@/lib/audit/schema';
import { SEED } from '../sandbox/seed';
import { clickButton, clickWhenStill, textOf, waitForButton, waitForLabelled } from './dom';
import { contactPath, documentUrl, setSidebarOpen, sidebarIsOpen, useSandboxedFirefox } from './harness';

const env = useSandboxedFirefox({ apiKey: SEED.apiKey });
beforeEach(() => env.sandbox.reset());

interface WindowInfo {
  id: number;
  type: string;
  width: number;
  height: number;
  tabs?: Array<{ id: number; url?: string }>;
}
interface ExtensionGlobals {
  browser: {
    windows: { getAll(options: { populate: boolean }): Promise<WindowInfo[]> };
    storage: { session: { get(key: string): Promise<Record<string, unknown>> } };
  };
}

/** Every browser window, as the extension sees them. */
function windows(): Promise<WindowInfo[]> {
  return env.extensionPage.evaluate(() => (globalThis as unknown as ExtensionGlobals).browser.windows.getAll({ populate: true }));
}

/** The refund targets the side panel's pages look up, by window id. */
async function refundTargets(): Promise<Record<string, { kind: string; orderId?: number; refundId?: string; windowId: number }>> {
  const stored = await env.extensionPage.evaluate(() => (globalThis as unknown as ExtensionGlobals).browser.storage.session.get('refundTargets'));
  return (stored.refundTargets ?? {}) as Record<string, { kind: string; orderId?: number; refundId?: string; windowId: number }>;
}

/** The journal's records of an order, read from IndexedDB in an extension page. */
async function journalRecords(orderId: number): Promise<RefundRecord[]> {
  const records = await env.extensionPage.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const opening = indexedDB.open('refund-desk-journal');
        opening.onerror = () => reject(new Error(`IndexedDB: ${String(opening.error)}`));
        opening.onsuccess = () => {
          const db = opening.result;
          const reading = db.transaction('refunds').objectStore('refunds').getAll();
          reading.onsuccess = () => {
            db.close();
            resolve(reading.result as unknown[]);
          };
          reading.onerror = () => reject(new Error(`IndexedDB: ${String(reading.error)}`));
        };
      }),
  );
  return (records as RefundRecord[]).filter((record) => record.orderId === orderId);
}

/** The contact's page in Keap, with its Refunds panel's "Refund order #…" enabled. */
async function contactWithPanel(orderId: number): Promise<Page> {
  const page = await env.firefox.keapPage(contactPath(SEED.contacts.demo));
  await waitForButton(page, `Refund order #${orderId}`, { timeout: 30_000 });
  return page;
}

/** Ticks one payment in the refund flow, gives a reason, reviews and confirms `confirm`. */
async function refundOnePayment(panel: Page, paymentId: number, confirm: string): Promise<void> {
  const checkbox = await panel.waitForSelector(`fieldset[aria-labelledby="payment-${paymentId}-legend"] input[type="checkbox"]`);
  await clickWhenStill(checkbox!);
  await expect.poll(() => panel.$eval(`#payment-${paymentId}-amount`, (input) => (input as HTMLInputElement).value)).toBe('60.00');
  const reason = await waitForLabelled<HTMLSelectElement>(panel, 'Reason');
  await reason.select('Sent wrong size');
  await clickButton(panel, 'Review refund');
  await clickButton(panel, confirm);
}

/** The refund window's page, once it shows. */
function refundWindowPage(): Promise<Page> {
  return env.firefox.waitForPage(`${env.firefox.extensionOrigin}/sidepanel.html`);
}

const refundable = (page: Page, orderId: number) => textOf(page, `>>> tr[data-order-id="${orderId}"] .rd-refundable`);

describe('the Refunds panel and the refund flow in Firefox', () => {
  it('shows the contact’s orders with the amounts Keap’s API confirms', async () => {
    const page = await contactWithPanel(SEED.orders.twoPayments);
    await expect(refundable(page, SEED.orders.twoPayments)).resolves.toBe('$120.00');
    // 80.00 paid, 20.00 refunded earlier.
    await expect(refundable(page, SEED.orders.partiallyRefunded)).resolves.toBe('$60.00');
    await expect(textOf(page, `>>> tr[data-order-id="${SEED.orders.paypalExpress}"]`)).resolves.toContain('PayPal Express cannot refund from Keap');
    await waitForButton(page, `Refund order #${SEED.orders.fullyRefunded}`, { enabled: false });
    await page.close();
  });

  it('shows the order in Refund Desk’s sidebar when it is open (Firefox opens it at install)', async () => {
    const page = await contactWithPanel(SEED.orders.partiallyRefunded);
    const [keapWindow] = (await windows()).filter((window) => window.type === 'normal');
    await setSidebarOpen(env.extensionPage, true);
    const windowsBefore = (await windows()).length;
    await page.bringToFront();
    await clickButton(page, `Refund order #${SEED.orders.partiallyRefunded}`);
    await expect.poll(async () => (await refundTargets())[String(keapWindow!.id)]?.orderId).toBe(SEED.orders.partiallyRefunded);
    await expect(sidebarIsOpen(env.extensionPage, keapWindow!.id)).resolves.toBe(true);
    expect((await windows()).length).toBe(windowsBefore);
    await page.close();
  });

  it('refunds through the refund window when the sidebar is closed, confirmed by the API', async () => {
    await setSidebarOpen(env.extensionPage, false);
    const page = await contactWithPanel(SEED.orders.twoPayments);
    await clickButton(page, `Refund order #${SEED.orders.twoPayments}`);

    // Firefox cannot open the sidebar from this click: the same flow opens in a popup window.
    const panel = await refundWindowPage();
    const refundWindows = (await windows()).filter((window) => window.type === 'popup');
    expect(refundWindows).toHaveLength(1);
    expect(refundWindows[0]!.width).toBeLessThanOrEqual(440);
    expect((await refundTargets())[String(refundWindows[0]!.id)]?.orderId).toBe(SEED.orders.twoPayments);
    await expect.poll(() => textOf(panel, 'h1')).toBe(`Refund order #${SEED.orders.twoPayments}`);

    const payment = SEED.payments.twoPaymentsFirst;
    await refundOnePayment(panel, payment, 'Confirm refund of $60.00');
    await expect.poll(() => textOf(panel, 'p.summary[role="status"]'), { timeout: 60_000 }).toBe('Refunded $60.00');

    // Keap's books (the sandbox's refund log) and the journal agree.
    expect(env.sandbox.state.refundLog.filter((entry) => entry.paymentId === payment && entry.outcome !== 'skipped-after-failure')).toHaveLength(1);
    expect(env.sandbox.state.orders.find((order) => order.id === SEED.orders.twoPayments)?.refundTotalMinor).toBe(6000);
    const [record] = await journalRecords(SEED.orders.twoPayments);
    expect(record?.state).toBe('confirmed');
    expect(record?.evidence?.orderRefundTotalMinor).toBe(6000);
    // The contact's Refunds panel reloads from the API after the refund.
    await expect.poll(() => refundable(page, SEED.orders.twoPayments)).toBe('$60.00');

    // Another "Refund order #…" brings the same window forward on that order.
    await page.bringToFront();
    await clickButton(page, `Refund order #${SEED.orders.partiallyRefunded}`);
    await expect.poll(() => textOf(panel, 'h1')).toBe(`Refund order #${SEED.orders.partiallyRefunded}`);
    expect((await windows()).filter((window) => window.type === 'popup')).toHaveLength(1);
    expect(await documentUrl(panel)).toContain('/sidepanel.html');
    // Closing its page closes the refund window.
    await panel.close();
    await expect.poll(async () => (await windows()).filter((window) => window.type === 'popup').length).toBe(0);
    await page.close();
  });

  it('opens the sidebar from the history’s "Continue in side panel" on a refund that needs the person', async () => {
    env.sandbox.setFaults({ alteredRefundScreen: true });
    await setSidebarOpen(env.extensionPage, false);
    const page = await contactWithPanel(SEED.orders.twoPayments);
    await clickButton(page, `Refund order #${SEED.orders.twoPayments}`);
    const panel = await refundWindowPage();
    await refundOnePayment(panel, SEED.payments.twoPaymentsSecond, 'Confirm refund of $60.00');
    // Keap's last button reads "Make it so": Refund Desk stops before anything is sent.
    await expect.poll(() => textOf(panel, 'p.summary[role="status"]'), { timeout: 60_000 }).toMatch(/^Nothing was refunded/);
    expect(env.sandbox.state.refundLog).toHaveLength(0);
    const waiting = (await journalRecords(SEED.orders.twoPayments)).find((record) => record.state === 'needs-manual');
    expect(waiting).toBeDefined();
    await panel.close();

    // The toolbar popup's page, in a tab of the Keap window (BiDi cannot click the toolbar button).
    const [keapWindow] = (await windows()).filter((window) => window.type === 'normal');
    await env.extensionPage.bringToFront();
    await env.extensionPage.evaluate(() => {
      const { browser } = globalThis as unknown as { browser: { tabs: { create(options: { url: string }): Promise<unknown> }; runtime: { getURL(path: string): string } } };
      void browser.tabs.create({ url: browser.runtime.getURL('/popup.html') });
    });
    const popup = await env.firefox.waitForPage(`${env.firefox.extensionOrigin}/popup.html`);
    await clickButton(popup, 'Continue in side panel');
    // sidebarAction.open() in the click: Firefox opens the sidebar, which shows that refund.
    await expect.poll(() => sidebarIsOpen(env.extensionPage, keapWindow!.id)).toBe(true);
    expect((await refundTargets())[String(keapWindow!.id)]).toMatchObject({ kind: 'refund', refundId: waiting!.id });
    await page.close();
  });
});
