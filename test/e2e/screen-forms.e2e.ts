import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScreenForm } from '../sandbox/screen-forms';
import { SEED } from '../sandbox/seed';
import { useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, refundLogFor } from './refund-helpers';

/*
 * Keap's refund screen as nobody has seen it: the sandbox draws it as a jQuery-era dialog of form
 * posts, a page per step, a window of its own, and with other words. Each refund runs through the
 * production build in Chromium and ends confirmed (or settled) by Keap's API.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
let testStartedAt = 0;
beforeEach(() => {
  env.sandbox.reset();
  testStartedAt = Date.now();
});
const recordsOf = (orderId: number) => journalRecords(env.browser, { orderId, since: testStartedAt });
const orderOf = (orderId: number) => env.sandbox.state.orders.find((order) => order.id === orderId)!;

async function confirm(panel: Page, total: string): Promise<void> {
  await panel.getByRole('button', { name: 'Review refund' }).click();
  await panel.getByRole('button', { name: `Confirm refund of ${total}` }).click();
}

/** Closes every Keap tab a test left open, so the next one starts from the contact page alone. */
async function closeKeapTabs(): Promise<void> {
  for (const page of env.browser.context.pages()) if (page.url().includes('infusionsoft.com')) await page.close();
}

const FORMS: ScreenForm[] = ['jquery', 'pages', 'window', 'words'];

describe.each(FORMS)('Keap’s refund screen drawn as “%s”', (form) => {
  beforeEach(() => env.sandbox.setScreenForm(form));

  it('refunds one payment in full, confirmed by the API', async () => {
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
      .getByRole('checkbox')
      .check();
    await panel.getByLabel('Reason', { exact: true }).selectOption('Sent wrong size');
    await confirm(panel, '$60.00');
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    expect(orderOf(SEED.orders.twoPayments).refundTotalMinor).toBe(6000);
    expect((await recordsOf(SEED.orders.twoPayments)).map((record) => record.state)).toEqual(['confirmed']);
    await closeKeapTabs();
  });

  it('refunds parts of two payments and leaves the amount owed', async () => {
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    for (const [paymentId, amount] of [
      [SEED.payments.twoPaymentsFirst, '10.00'],
      [SEED.payments.twoPaymentsSecond, '15.00'],
    ] as const) {
      await panel
        .getByRole('group', { name: `Payment #${paymentId}` })
        .getByRole('checkbox')
        .check();
      await panel.getByLabel(`Refund amount for payment #${paymentId}`).fill(amount);
    }
    await panel.getByLabel('Reason', { exact: true }).selectOption("Customer wasn't happy with product");
    await panel.getByLabel('Amount owed after refund').fill('5.00');
    await confirm(panel, '$25.00');
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $25.00 on 2 payments');
    expect(orderOf(SEED.orders.twoPayments)).toMatchObject({ refundTotalMinor: 2500, totalDueMinor: 500 });
    await closeKeapTabs();
  });

  for (const [choice, state, summary, refundTotalMinor] of [
    ['Record the refund anyway', 'recorded', /recorded \$60\.00 as refunded on 1 payment though the automatic refund failed/i, 6000],
    ['Skip that payment', 'skipped', /^Nothing was refunded: 1 skipped/, 0],
  ] as const) {
    it(`handles a gateway decline with "${choice}"`, async () => {
      env.sandbox.setFaults({ declinePayments: [SEED.payments.twoPaymentsFirst] });
      const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
      await panel
        .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
        .getByRole('checkbox')
        .check();
      await panel.getByLabel('Reason', { exact: true }).selectOption('Sent wrong size');
      await panel.getByRole('radio', { name: choice }).check();
      await confirm(panel, '$60.00');
      await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toMatch(summary);
      expect((await recordsOf(SEED.orders.twoPayments)).map((record) => record.state)).toEqual([state]);
      expect(orderOf(SEED.orders.twoPayments).refundTotalMinor).toBe(refundTotalMinor);
      await closeKeapTabs();
    });
  }

  it('records a PayPal Express payment as a manual refund', async () => {
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.paypalExpress);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.paypalExpress}` })
      .getByRole('checkbox')
      .check();
    await panel.getByLabel('Reason', { exact: true }).selectOption('Customer did not want it');
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('checkbox', { name: /I have already refunded the manual payments/ }).check();
    await panel.getByRole('button', { name: /Confirm refund of/ }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toMatch(/^Recorded a manual refund of \$/);
    expect((await recordsOf(SEED.orders.paypalExpress)).map((record) => record.state)).toEqual(['recorded']);
    expect(refundLogFor(env.sandbox, SEED.payments.paypalExpress)).toHaveLength(1);
    await closeKeapTabs();
  });
});
