import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { configureExtension, contactPath, useSandboxedExtension } from './harness';

const env = useSandboxedExtension({});
beforeEach(async () => {
  env.sandbox.reset();
  await configureExtension(env.browser, { apiKey: SEED.apiKey });
});

function orderRow(page: Page, orderId: number) {
  return page.getByRole('region', { name: 'Refunds' }).locator(`tr[data-order-id="${orderId}"]`);
}

describe('the Refunds panel on a Keap contact record', () => {
  it('shows each order with amounts confirmed by the API and what limits a refund', async () => {
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await panel.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` }).waitFor();
    await expect.poll(() => panel.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` }).isEnabled()).toBe(true);
    await expect(orderRow(page, SEED.orders.twoPayments).locator('.rd-refundable').innerText()).resolves.toBe('$120.00');
    // 80.00 paid, 20.00 refunded earlier.
    await expect(orderRow(page, SEED.orders.partiallyRefunded).locator('.rd-refundable').innerText()).resolves.toBe('$60.00');
    await expect(orderRow(page, SEED.orders.partiallyRefunded).innerText()).resolves.toContain('Partially refunded');
    await expect(orderRow(page, SEED.orders.pending).innerText()).resolves.toContain('Pending payment: void it in Keap instead');
    await expect(orderRow(page, SEED.orders.paypalExpress).innerText()).resolves.toContain('PayPal Express cannot refund from Keap');
    await expect(orderRow(page, SEED.orders.check).innerText()).resolves.toContain('Manual payment');
    await expect(orderRow(page, SEED.orders.fullyRefunded).innerText()).resolves.toContain('Fully refunded');
    await expect(panel.getByRole('button', { name: `Refund order #${SEED.orders.fullyRefunded}` }).isDisabled()).resolves.toBe(true);
    await page.close();
  });

  it('appears once, and follows the user to another contact in-page', async () => {
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    await page.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` }).waitFor();
    // Redraw the Orders tab twice: Keap replaces the table each time.
    await page.locator('#tab_link_orders').click();
    await page.locator('#tab_link_general').click();
    await page.locator('#tab_link_orders').click();
    await page.getByRole('table').filter({ hasText: 'Balance Due' }).waitFor();
    await expect(page.locator('[data-refund-desk="panel"]').count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Next Contact' }).click();
    await page.waitForURL(new RegExp(`ID=${SEED.contacts.hostile}$`));
    await page.getByRole('button', { name: `Refund order #${SEED.orders.hostile}` }).waitFor();
    await expect(page.locator('[data-refund-desk="panel"]').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` }).count()).resolves.toBe(0);
    await page.close();
  });

  it('shows hostile order titles as text', async () => {
    const page = await env.browser.keapPage(contactPath(SEED.contacts.hostile));
    const row = orderRow(page, SEED.orders.hostile);
    await row.getByRole('button').waitFor();
    await expect(row.locator('.rd-title > span').innerText()).resolves.toBe(SEED.hostileText.orderTitle);
    await expect(row.locator('script, img').count()).resolves.toBe(0);
    await page.close();
  });

  it('works from the API alone when Keap changes the contact page', async () => {
    env.sandbox.setFaults({ alteredContactMarkup: true });
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await panel.getByText("Orders come from Keap's API").waitFor();
    await expect(orderRow(page, SEED.orders.twoPayments).locator('.rd-refundable').innerText()).resolves.toBe('$120.00');
    await page.close();
  });

  it('shows page data and points to the options page when no API key is set', async () => {
    await configureExtension(env.browser, { apiKey: null });
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await panel.getByRole('button', { name: 'Open Refund Desk options' }).waitFor();
    await page.locator('#tab_link_orders').click();
    const refund = panel.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` });
    await refund.waitFor();
    await expect(refund.isDisabled()).resolves.toBe(true);
    await expect(orderRow(page, SEED.orders.twoPayments).innerText()).resolves.toContain('Add your Keap API key');
    await page.close();
  });

  it('shows a thousand-order contact: its newest orders first, then every one, from one read of each Keap list', async () => {
    const { count, firstOrderId } = SEED.generated.thousandOrders;
    const oldestOrderId = firstOrderId + count - 1;
    const page = await env.browser.keapPage(contactPath(SEED.contacts.thousandOrders));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await expect.poll(() => panel.locator('.rd-count').innerText()).toBe('1000 orders');
    // The oldest order is on the last page: its amounts come with the second, complete answer.
    await panel.getByLabel('Filter orders').fill(String(oldestOrderId));
    await expect.poll(() => panel.getByRole('button', { name: `Refund order #${oldestOrderId}` }).isEnabled()).toBe(true);
    await expect(orderRow(page, oldestOrderId).locator('.rd-refundable').innerText()).resolves.toBe('$28.63');
    const { byPath } = env.sandbox.stats();
    expect([byPath['/crm/rest/v2/orders'], byPath['/crm/rest/v2/sales/transactions']]).toEqual([1, 1]);
    await page.close();
  });

  it('keeps page data and offers a retry when the API is down', async () => {
    // A contact no earlier test loaded, so the background has nothing cached for it.
    const contactId = SEED.contacts.fiftyOrders;
    const firstOrderId = SEED.generated.fiftyOrders.firstOrderId;
    env.sandbox.setFaults({ serverErrors: { count: 50 } });
    const page = await env.browser.keapPage(contactPath(contactId));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await panel.getByRole('alert').waitFor();
    await expect(panel.getByRole('alert').innerText()).resolves.toMatch(/Keap's servers are having trouble/);
    // The page's own orders still show while the API is down.
    await panel.getByLabel('Filter orders').fill(String(firstOrderId));
    await panel.locator(`tr[data-order-id="${firstOrderId}"]`).waitFor();
    env.sandbox.setFaults({});
    await panel.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => panel.getByRole('button', { name: `Refund order #${firstOrderId}` }).isEnabled()).toBe(true);
    await expect(panel.getByRole('alert').count()).resolves.toBe(0);
    await page.close();
  });

  it('opens the real side panel on the chosen order', async () => {
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    const refund = page.getByRole('button', { name: `Refund order #${SEED.orders.twoPayments}` });
    await expect.poll(() => refund.isEnabled()).toBe(true);
    const sidePanelOpened = env.browser.context.waitForEvent('page', { predicate: (opened) => opened.url().includes('sidepanel.html') });
    await refund.click();
    const sidePanel = await sidePanelOpened;
    await sidePanel.getByRole('heading', { name: `Refund order #${SEED.orders.twoPayments}` }).waitFor();
    // Already open: another order switches it.
    await page.getByRole('button', { name: `Refund order #${SEED.orders.partiallyRefunded}` }).click();
    await sidePanel.getByRole('heading', { name: `Refund order #${SEED.orders.partiallyRefunded}` }).waitFor();
    await page.close();
  });
});
