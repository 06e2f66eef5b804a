import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, refundLogFor } from './refund-helpers';

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
/** Each test reads only the journal records it made: the browser (and its journal) is shared. */
let testStartedAt = 0;
beforeEach(() => {
  env.sandbox.reset();
  testStartedAt = Date.now();
});
const recordsOf = (orderId: number) => journalRecords(env.browser, { orderId, since: testStartedAt });

async function fillReason(panel: Page, preset = 'Sent wrong size') {
  await panel.getByLabel('Reason', { exact: true }).selectOption(preset);
}

describe('refunding through the side panel and Keap’s refund screen', () => {
  it('refunds one payment in full, confirms it through the API and notes it on the contact', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    const payment = panel.getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` });
    await payment.getByRole('checkbox').check();
    await expect(panel.getByLabel(`Refund amount for payment #${SEED.payments.twoPaymentsFirst}`).inputValue()).resolves.toBe('60.00');
    await fillReason(panel);
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    const order = env.sandbox.state.orders.find((candidate) => candidate.id === SEED.orders.twoPayments)!;
    expect(order.refundTotalMinor).toBe(6000);
    const [record] = await recordsOf(SEED.orders.twoPayments);
    expect(record?.state).toBe('confirmed');
    expect(record?.evidence?.orderRefundTotalMinor).toBe(6000);
    const note = env.sandbox.state.notes.find(
      (candidate) => candidate.contactId === SEED.contacts.demo && candidate.title === `Refund Desk: $60.00 on order #${SEED.orders.twoPayments} — confirmed`,
    );
    expect(note?.body).toContain('$60.00');
    expect(note?.body).toContain('Sent wrong size');
    // The contact's Refunds panel reloads from the API after the refund.
    const refundable = page.getByRole('region', { name: 'Refunds' }).locator(`tr[data-order-id="${SEED.orders.twoPayments}"] .rd-refundable`);
    await expect.poll(() => refundable.innerText()).toBe('$60.00');
    await page.close();
  });

  it('refunds parts of two payments and leaves the amount owed', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
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
    await fillReason(panel, "Customer wasn't happy with product");
    await panel.getByLabel('Amount owed after refund').fill('5.00');
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $25.00' }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $25.00 on 2 payments');
    const order = env.sandbox.state.orders.find((candidate) => candidate.id === SEED.orders.twoPayments)!;
    expect(order.refundTotalMinor).toBe(2500);
    expect(order.totalDueMinor).toBe(500);
    await page.close();
  });

  for (const [choice, expectedState, expectedSummary] of [
    ['Skip that payment', 'skipped', 'Nothing was refunded: 1 skipped: declined by gateway'],
    ['Record the refund anyway', 'confirmed', /recorded \$60\.00 as refunded on 1 payment though the automatic refund failed/i],
  ] as const) {
    it(`handles a gateway decline with "${choice}"`, async () => {
      env.sandbox.setFaults({ declinePayments: [SEED.payments.twoPaymentsFirst] });
      const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
      await panel
        .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
        .getByRole('checkbox')
        .check();
      await fillReason(panel);
      await panel.getByRole('radio', { name: choice }).check();
      await panel.getByRole('button', { name: 'Review refund' }).click();
      await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
      await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toMatch(expectedSummary);
      const records = await recordsOf(SEED.orders.twoPayments);
      expect(records.map((record) => record.state)).toEqual([expectedState === 'confirmed' ? 'recorded' : expectedState]);
      const order = env.sandbox.state.orders.find((candidate) => candidate.id === SEED.orders.twoPayments)!;
      expect(order.refundTotalMinor).toBe(choice === 'Skip that payment' ? 0 : 6000);
      await page.close();
    });
  }

  it('records a PayPal Express payment as a manual refund', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.paypalExpress);
    const payment = panel.getByRole('group', { name: `Payment #${SEED.payments.paypalExpress}` });
    await expect(payment.innerText()).resolves.toContain('PayPal Express cannot refund from Keap');
    await payment.getByRole('checkbox').check();
    await fillReason(panel, 'Customer did not want it');
    await panel.getByRole('button', { name: 'Review refund' }).click();
    const confirm = panel.getByRole('button', { name: /Confirm refund of/ });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await panel.getByRole('checkbox', { name: /I have already refunded the manual payments/ }).check();
    await confirm.click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toMatch(/^Recorded a manual refund of \$/);
    const [record] = await recordsOf(SEED.orders.paypalExpress);
    expect(record?.state).toBe('recorded');
    expect(refundLogFor(env.sandbox, SEED.payments.paypalExpress)).toHaveLength(1);
    await page.close();
  });

  it('refuses a pending payment and says to void it in Keap', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.pending);
    const payment = panel.getByRole('group', { name: `Payment #${SEED.payments.pending}` });
    await expect(payment.getByRole('checkbox').isDisabled()).resolves.toBe(true);
    await expect(payment.innerText()).resolves.toContain('void it in Keap instead');
    await page.close();
  });

  it('refunds once on a double click', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsSecond}` })
      .getByRole('checkbox')
      .check();
    await fillReason(panel);
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).dblclick();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsSecond)).toHaveLength(1);
    await expect(recordsOf(SEED.orders.twoPayments)).resolves.toHaveLength(1);
    await page.close();
  });

  it('finishes the refund after the side panel is closed', async () => {
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
      .getByRole('checkbox')
      .check();
    await fillReason(panel);
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
    await panel
      .getByText(/Working in Keap|Saved in the refund history|Sent to Keap/)
      .first()
      .waitFor();
    await panel.close();
    await expect.poll(async () => (await recordsOf(SEED.orders.twoPayments))[0]?.state, { timeout: 60_000 }).toBe('confirmed');
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(1);
    await page.close();
  });

  it('stops safely when Keap’s refund screen has changed', async () => {
    env.sandbox.setFaults({ alteredRefundScreen: true });
    const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, SEED.orders.twoPayments);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
      .getByRole('checkbox')
      .check();
    await fillReason(panel);
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
    await panel.getByText('Stopped safely — needs you').waitFor({ timeout: 60_000 });
    await expect(panel.getByRole('status').innerText()).resolves.toMatch(/^Nothing was refunded/);
    expect(refundLogFor(env.sandbox, SEED.payments.twoPaymentsFirst)).toHaveLength(0);
    const [record] = await recordsOf(SEED.orders.twoPayments);
    expect(record?.state).toBe('needs-manual');
    // The order page is left open, in front, for the person to finish.
    const orderTab = env.browser.context.pages().find((candidate) => candidate.url().includes(`manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`));
    expect(orderTab).toBeDefined();
    await orderTab?.close();
    await page.close();
  });
});
