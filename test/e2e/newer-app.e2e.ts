import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { NEWER_APP_FORMS, refundCompletedMessage } from '../sandbox/newer-app-forms';
import { NEWER_APP_ORIGIN, newerAppContactPath } from '../sandbox/newer-app';
import { SEED } from '../sandbox/seed';
import { configureExtension, useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelFrom, refundLogFor } from './refund-helpers';

/*
 * The Refunds panel on Keap's newer web app (keap.app), as the sandbox imagines it in two markup
 * forms: a single-page app whose routes change without a page load.
 */

const env = useSandboxedExtension({});
beforeEach(async () => {
  env.sandbox.reset();
  await configureExtension(env.browser, { apiKey: SEED.apiKey });
  // Tabs an earlier test's refund opened in the app: each test finds its own.
  for (const page of env.browser.context.pages()) if (page.url().startsWith(NEWER_APP_ORIGIN)) await page.close();
});

async function newerAppPage(path: string, origin = NEWER_APP_ORIGIN): Promise<Page> {
  const page = await env.browser.context.newPage();
  await page.goto(`${origin}${path}`);
  return page;
}

const panels = (page: Page) => page.locator('[data-refund-desk="panel"]');
const refundButton = (page: Page, orderId: number) => page.getByRole('region', { name: 'Refunds' }).getByRole('button', { name: `Refund order #${orderId}` });
const refundable = (page: Page, orderId: number) => page.getByRole('region', { name: 'Refunds' }).locator(`tr[data-order-id="${orderId}"] .rd-refundable`);

describe('the Refunds panel on the newer Keap app', () => {
  for (const form of NEWER_APP_FORMS) {
    it(`shows the contact's orders with the API's amounts (${form} form)`, async () => {
      env.sandbox.setNewerAppForm(form);
      const page = await newerAppPage(newerAppContactPath(SEED.contacts.demo));
      await expect.poll(() => refundButton(page, SEED.orders.twoPayments).isEnabled()).toBe(true);
      await expect(refundable(page, SEED.orders.twoPayments).innerText()).resolves.toBe('$120.00');
      await expect(refundable(page, SEED.orders.partiallyRefunded).innerText()).resolves.toBe('$60.00');
      await expect(refundButton(page, SEED.orders.fullyRefunded).isDisabled()).resolves.toBe(true);
      await expect(panels(page).count()).resolves.toBe(1);
      await page.close();
    });
  }

  it('follows the person to another contact inside the app: one panel, that contact’s orders, no page load', async () => {
    const page = await newerAppPage(newerAppContactPath(SEED.contacts.demo));
    await refundButton(page, SEED.orders.twoPayments).waitFor();
    await page.evaluate(() => ((window as unknown as { beforeRouteChange: boolean }).beforeRouteChange = true));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(`${NEWER_APP_ORIGIN}/contacts/list/all`);
    // Not a contact record: the panel goes.
    await expect.poll(() => panels(page).count()).toBe(0);

    await page.locator(`main a[href*="/contact/${SEED.contacts.hostile}/"]`).click();
    await refundButton(page, SEED.orders.hostile).waitFor();
    await expect(panels(page).count()).resolves.toBe(1);
    await expect(refundButton(page, SEED.orders.twoPayments).count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { beforeRouteChange?: boolean }).beforeRouteChange)).resolves.toBe(true);
    await page.close();
  });

  it('runs on infusionsoft.app too', async () => {
    const page = await newerAppPage(newerAppContactPath(SEED.contacts.demo), 'https://infusionsoft.app');
    await expect.poll(() => refundButton(page, SEED.orders.twoPayments).isEnabled()).toBe(true);
    await page.close();
  });

  it.each([
    ['an unknown tab', `/contacts/list/all/contact/${SEED.contacts.demo}/settings`],
    ['a contact id that is not a number', '/contacts/list/all/contact/abc/activity'],
    ['a route the app does not have', '/contacts/import'],
  ])('leaves the page untouched on %s, and removes its panel when the app moves there', async (_what, badPath) => {
    // Loaded there: the app draws its own view, and Refund Desk adds nothing.
    const page = await newerAppPage(badPath);
    await page.locator('main h1').waitFor();
    await expect(panels(page).count()).resolves.toBe(0);
    // Refund Desk was running all along: an in-app move to a contact brings the panel.
    await page.evaluate((path) => {
      history.pushState(null, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, newerAppContactPath(SEED.contacts.demo));
    await refundButton(page, SEED.orders.twoPayments).waitFor();
    // And moving back takes it away again.
    await page.goBack({ waitUntil: 'commit' });
    await expect.poll(() => panels(page).count()).toBe(0);
    await expect(page.locator('[data-refund-desk]').count()).resolves.toBe(0);
    await page.close();
  });
});

describe('refunds through the newer app’s own flow', () => {
  /** The contact's activity tab Refund Desk opened to make the refund in, once it is there. */
  async function refundTab(): Promise<Page> {
    const isRefundTab = (page: Page) => page.url().startsWith(`${NEWER_APP_ORIGIN}${newerAppContactPath(SEED.contacts.demo)}`) && page !== opener;
    await expect.poll(() => env.browser.context.pages().some(isRefundTab), { timeout: 30_000 }).toBe(true);
    return env.browser.context.pages().find(isRefundTab)!;
  }
  let opener: Page | undefined;

  async function reviewAndConfirm(panel: Page, paymentId: number, confirmName: string): Promise<void> {
    await panel
      .getByRole('group', { name: `Payment #${paymentId}` })
      .getByRole('checkbox')
      .check();
    await panel.getByLabel('Reason', { exact: true }).selectOption('Sent wrong size');
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: confirmName }).click();
  }

  for (const form of NEWER_APP_FORMS) {
    it(`refunds a payment in the app, follows its confirmation link, and reports it once Keap’s API shows it (${form} form)`, async () => {
      env.sandbox.setNewerAppForm(form);
      const since = Date.now();
      opener = await newerAppPage(newerAppContactPath(SEED.contacts.demo));
      const { panel } = await openSidePanelFrom(env.browser, opener, SEED.orders.stripeTest);
      await reviewAndConfirm(panel, SEED.payments.stripeTest, 'Confirm refund of $10.00');

      await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $10.00');
      expect(refundLogFor(env.sandbox, SEED.payments.stripeTest)).toHaveLength(1);
      const [record] = await journalRecords(env.browser, { orderId: SEED.orders.stripeTest, since });
      expect(record?.state).toBe('confirmed');
      // Made in a tab of the newer app, not on the classic order page.
      const tab = await refundTab();
      await tab.getByText(refundCompletedMessage(form, 1000)).waitFor();
      expect(env.browser.context.pages().some((page) => page.url().includes('manageJob.jsp'))).toBe(false);
      await opener.close();
    });
  }

  it('stops before anything is sent where two payments look alike, and confirms the refund the person then makes, guided', async () => {
    const since = Date.now();
    const first = SEED.payments.twoPaymentsFirst;
    opener = await newerAppPage(newerAppContactPath(SEED.contacts.demo));
    const { panel } = await openSidePanelFrom(env.browser, opener, SEED.orders.twoPayments);
    await reviewAndConfirm(panel, first, 'Confirm refund of $60.00');

    // Two $60.00 payments on one day: the driver cannot tell them apart and hands over.
    await expect
      .poll(async () => (await journalRecords(env.browser, { orderId: SEED.orders.twoPayments, since })).map((record) => record.state), { timeout: 60_000 })
      .toEqual(['needs-manual']);
    expect(refundLogFor(env.sandbox, first)).toHaveLength(0);

    // The person makes it in the app, choosing the payment themselves.
    const tab = await refundTab();
    await tab.getByRole('button', { name: 'Money' }).click();
    await tab
      .getByRole('list', { name: 'Payments' })
      .getByRole('button', { name: /\$60\.00, Apr 23, 2025, Paid/ })
      // The app lists the later payment id first: the planned payment is the second of the two.
      .last()
      .click();
    await tab.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await tab.getByRole('link', { name: 'Confirm refund' }).click();
    await tab.getByText('Refund completed: $60.00 was refunded.').waitFor();

    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, first)).toHaveLength(1);
    await opener.close();
  });
});
