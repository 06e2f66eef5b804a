import type { Page } from 'playwright-core';
import { pollUntil } from '../support/poll-until';
import { contactPath, type ExtensionBrowser } from './harness';

/*
 * Opening the real side panel from a contact's Refunds panel, shared by the end-to-end tests and
 * `npm run bench`. Nothing here imports Vitest, whose `expect` only works inside a test run.
 */

function isSidePanel(page: Page): boolean {
  return page.url().includes('/sidepanel.html');
}

/**
 * Opens the contact in Keap, waits for its Refunds panel and clicks "Refund order #…", which
 * opens the real side panel; returns both pages. Any side panel left open is closed first.
 */
export async function openSidePanelOn(browser: ExtensionBrowser, contactId: number, orderId: number): Promise<{ page: Page; panel: Page }> {
  for (const open of browser.context.pages().filter(isSidePanel)) await open.close();
  return openSidePanelFrom(browser, await browser.keapPage(contactPath(contactId)), orderId);
}

/** Clicks "Refund order #…" in the Refunds panel of `page`, a Keap contact page of either app; returns it and the side panel. */
export async function openSidePanelFrom(browser: ExtensionBrowser, page: Page, orderId: number): Promise<{ page: Page; panel: Page }> {
  for (const open of browser.context.pages().filter(isSidePanel)) await open.close();
  const button = page.getByRole('button', { name: `Refund order #${orderId}` });
  await pollUntil(() => button.isEnabled(), `The Refunds panel's "Refund order #${orderId}" button did not become enabled`, 30_000);
  await button.click();
  // The side panel's page may be listed before it has navigated: look for it by its URL.
  await pollUntil(() => browser.context.pages().some(isSidePanel), 'The side panel did not open', 15_000);
  const panel = browser.context.pages().find(isSidePanel)!;
  await panel.getByRole('heading', { name: `Refund order #${orderId}` }).waitFor();
  await panel.getByRole('button', { name: 'Review refund' }).waitFor();
  return { page, panel };
}
