import { beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { contactPath, useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, refundLogFor, reviewRefund } from './refund-helpers';

/**
 * Refund Desk reads Keap through REST v2 by default. An account that answers v2 with 404 ("v1
 * only") gets every read and write through REST v1 instead, each v2 endpoint asked once, and
 * options say so.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
beforeAll(() => {
  // Before the extension first asks Keap anything: the service worker's client starts on v2.
  env.sandbox.setV2('not-found');
});

describe('a Keap account that answers REST v2 only with 404', () => {
  it('still loads the Refunds panel and confirms a refund, through REST v1, and options name what v2 lacked', async () => {
    const startedAt = Date.now();
    const contact = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    const row = contact.getByRole('region', { name: 'Refunds' }).locator(`tr[data-order-id="${SEED.orders.partiallyRefunded}"]`);
    await expect.poll(() => row.locator('.rd-refundable').innerText(), { timeout: 30_000 }).toBe('$60.00');
    await expect(row.innerText()).resolves.toContain('Partially refunded');
    await contact.close();

    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    await reviewRefund(panel, SEED.payments.twoPaymentsFirst, 'Confirm refund of $60.00');
    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    const [record] = await journalRecords(env.browser, { orderId: SEED.orders.twoPayments, since: startedAt });
    expect(record?.state).toBe('confirmed');
    expect(record?.evidence?.orderRefundTotalMinor).toBe(6000);
    await page.close();

    const { byPath } = env.sandbox.stats();
    const v2Paths = Object.entries(byPath).filter(([path]) => path.startsWith('/crm/rest/v2/'));
    expect(v2Paths.length).toBeGreaterThan(0);
    // Each v2 endpoint was asked once, answered 404, and then left to v1 for the session.
    expect(v2Paths.filter(([, count]) => count > 1)).toEqual([]);
    expect(byPath[`/crm/rest/v1/orders/${SEED.orders.twoPayments}`]).toBeGreaterThan(0);

    const options = await env.browser.extensionPage('options');
    const connection = options.getByRole('list', { name: 'Keap connections' }).getByRole('listitem');
    await expect.poll(() => connection.innerText()).toMatch(/Keap answered REST v1 only for .*GET \/v2\/orders\/\{order_id\}/);
    await expect(connection.innerText()).resolves.toContain('GET /v2/sales/transactions');
    await options.close();
  });
});
