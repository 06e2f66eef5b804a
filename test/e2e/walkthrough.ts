import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SEED } from '../sandbox/seed';
import type { Sandbox } from '../sandbox/server';
import { APP_ORIGIN, contactPath, type ExtensionBrowser } from './harness';

/**
 * Keap's page is shot at a laptop-like size; the side panel and the popup at their own narrow
 * widths, short, and whole, so each picture is as tall as what it shows.
 */
const PAGE_VIEWPORT = { width: 1100, height: 800 };
const SIDE_PANEL_VIEWPORT = { width: 420, height: 320 };
const POPUP_VIEWPORT = { width: 460, height: 320 };
/** Generous: other Chromiums may share this machine's two cores. */
const LOAD_TIMEOUT_MS = 60_000;
const REFUND_TIMEOUT_MS = 120_000;

/** The refund the walkthrough makes: part of the first of the two-payment order's payments. */
export const WALKTHROUGH_REFUND = {
  contactId: SEED.contacts.demo,
  orderId: SEED.orders.twoPayments,
  paymentId: SEED.payments.twoPaymentsFirst,
  amountText: '25.00',
  amountShown: '$25.00',
  reason: 'Sent wrong size',
} as const;

type WalkthroughStepName = 'refunds-panel' | 'side-panel-form' | 'form-filled' | 'review' | 'result' | 'history';

export interface WalkthroughStep {
  name: WalkthroughStepName;
  /** The PNG written for this step. */
  file: string;
  /** The page the screenshot was taken of, still open when `onStep` runs. */
  page: Page;
}

export interface WalkthroughOptions {
  /** Called after each screenshot, e.g. for a test to check what the step shows. */
  onStep?: (step: WalkthroughStep) => Promise<void>;
}

const isSidePanel = (page: Page) => page.url().includes('/sidepanel.html');

/** Resolves once `find` returns a value; the side panel's page has no event that says "navigated here". */
async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function visible(locator: Locator, timeout = LOAD_TIMEOUT_MS): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/**
 * Walks through one refund on the sandbox's seeded data and saves a PNG of each step in
 * `screenshotDir`: the Refunds panel on the demo contact, the side panel's form, the form filled,
 * the review, the result and the popup's refund history. Resets the sandbox first so the order
 * has its seeded payments; expects the extension to be configured with the sandbox's API key.
 * Returns the files written, in step order.
 */
export async function walkThroughRefund(browser: ExtensionBrowser, sandbox: Sandbox, screenshotDir: string, options: WalkthroughOptions = {}): Promise<string[]> {
  const { contactId, orderId, paymentId, amountText, amountShown, reason } = WALKTHROUGH_REFUND;
  mkdirSync(screenshotDir, { recursive: true });
  sandbox.reset();
  for (const open of browser.context.pages().filter(isSidePanel)) await open.close();
  const contactPage = await browser.context.newPage();
  const files: string[] = [];
  const shoot = async (name: WalkthroughStepName, index: number, page: Page) => {
    const file = join(screenshotDir, `${String(index).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: page !== contactPage, animations: 'disabled' });
    files.push(file);
    await options.onStep?.({ name, file, page });
  };

  await contactPage.setViewportSize(PAGE_VIEWPORT);
  await contactPage.goto(`${APP_ORIGIN}${contactPath(contactId)}`);
  const refundsPanel = await visible(contactPage.getByRole('region', { name: 'Refunds' }));
  const refundButton = await visible(refundsPanel.getByRole('button', { name: `Refund order #${orderId}`, disabled: false }));
  // Keap draws its Orders table a moment after load; the panel then merges it with the API's data.
  await contactPage.locator('table').filter({ hasText: 'Balance Due' }).waitFor({ state: 'attached', timeout: LOAD_TIMEOUT_MS });
  await refundsPanel.getByText("Orders come from Keap's API").waitFor({ state: 'detached', timeout: LOAD_TIMEOUT_MS });
  await refundsPanel.scrollIntoViewIfNeeded();
  await shoot('refunds-panel', 1, contactPage);

  await refundButton.click();
  const panel = await waitFor(() => browser.context.pages().find(isSidePanel), LOAD_TIMEOUT_MS, 'the side panel to open');
  await panel.setViewportSize(SIDE_PANEL_VIEWPORT);
  await visible(panel.getByRole('heading', { name: `Refund order #${orderId}` }));
  await visible(panel.getByRole('button', { name: 'Review refund' }));
  await shoot('side-panel-form', 2, panel);

  await panel
    .getByRole('group', { name: `Payment #${paymentId}` })
    .getByRole('checkbox')
    .check();
  await panel.getByLabel(`Refund amount for payment #${paymentId}`).fill(amountText);
  await panel.getByLabel('Reason', { exact: true }).selectOption(reason);
  await shoot('form-filled', 3, panel);

  await panel.getByRole('button', { name: 'Review refund' }).click();
  const confirm = await visible(panel.getByRole('button', { name: `Confirm refund of ${amountShown}` }));
  await shoot('review', 4, panel);

  await confirm.click();
  await visible(panel.getByRole('status').filter({ hasText: new RegExp(`^Refunded \\${amountShown}$`) }), REFUND_TIMEOUT_MS);
  await shoot('result', 5, panel);

  const popup = await browser.context.newPage();
  await popup.setViewportSize(POPUP_VIEWPORT);
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await visible(
    popup
      .getByRole('list', { name: 'Refunds' })
      .getByRole('listitem')
      .filter({ hasText: `Order ${orderId}` }),
  );
  await shoot('history', 6, popup);

  for (const page of [popup, panel, contactPage]) await page.close();
  return files;
}
