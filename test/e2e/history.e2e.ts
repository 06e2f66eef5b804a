import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { useSandboxedExtension } from './harness';
import { historyRows, refundFirstPaymentOfTwoPaymentOrder, refundLogFor } from './refund-helpers';

const env = useSandboxedExtension({ apiKey: SEED.apiKey });

describe('the refund history popup', () => {
  it('tells a new user how to start, then shows a refund the background records, live', async () => {
    const popup = await env.browser.extensionPage('popup');
    await popup.getByRole('heading', { name: 'No refunds yet' }).waitFor();
    await refundFirstPaymentOfTwoPaymentOrder(env.browser);
    // No reload: the popup follows the journal as the background writes it.
    await historyRows(popup).first().waitFor();
    const row = historyRows(popup).first();
    await expect(row.innerText()).resolves.toContain('$12.34');
    await expect(row.innerText()).resolves.toContain(`Order ${SEED.orders.twoPayments}`);
    await expect(row.innerText()).resolves.toContain('Item misrepresented');
    await expect(row.getByRole('link').getAttribute('href')).resolves.toBe(`https://${SEED.appName}.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`);
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    await popup.close();
  });

  it('searches by order id and contact, and exports what it shows', async () => {
    const popup = await env.browser.extensionPage('popup');
    const search = popup.getByRole('searchbox', { name: 'Search' });
    await historyRows(popup).first().waitFor();
    await search.fill(String(SEED.orders.twoPayments));
    await expect.poll(() => historyRows(popup).count()).toBe(1);
    await search.fill('nobody-matches-this');
    await popup.getByText('No refunds match these filters.').waitFor();
    await search.fill('');
    await historyRows(popup).first().waitFor();

    const csvDownload = popup.waitForEvent('download');
    await popup.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync(await (await csvDownload).path(), 'utf8');
    const [header, ...lines] = csv.trim().split('\r\n');
    expect(header).toMatch(/order/i);
    expect(lines.some((line) => line.includes(String(SEED.orders.twoPayments)) && line.includes('12.34'))).toBe(true);
    expect(csv).not.toContain(SEED.apiKey);

    const jsonDownload = popup.waitForEvent('download');
    await popup.getByRole('button', { name: 'Export JSON' }).click();
    const exported = JSON.parse(readFileSync(await (await jsonDownload).path(), 'utf8')) as { orderId: number; totalMinor: number }[];
    expect(exported.some((record) => record.orderId === SEED.orders.twoPayments && record.totalMinor === 1234)).toBe(true);
    await popup.close();
  });

  it('keeps the journal when the browser is closed and opened again with the same profile', async () => {
    await env.restartBrowser();
    const popup = await env.browser.extensionPage('popup');
    await historyRows(popup).first().waitFor();
    await expect(historyRows(popup).first().innerText()).resolves.toContain('$12.34');
    await popup.close();
  });
});
