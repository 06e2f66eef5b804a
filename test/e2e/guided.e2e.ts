import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { processRefund } from '../sandbox/refund';
import { SEED } from '../sandbox/seed';
import { useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, refundLogFor } from './refund-helpers';

/*
 * Guided mode and learning Keap's words, in the production build: the test plays the person on
 * Keap's screen (Playwright's clicks are a person's clicks), the side panel's checklist follows,
 * and only Keap's API settles the refund.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
const ORDER = SEED.orders.twoPayments;
const FIRST = SEED.payments.twoPaymentsFirst;
const SECOND = SEED.payments.twoPaymentsSecond;
let testStartedAt = 0;
beforeEach(async () => {
  env.sandbox.reset();
  testStartedAt = Date.now();
  for (const page of env.browser.context.pages()) if (page.url().includes('infusionsoft.com')) await page.close();
});
const records = () => journalRecords(env.browser, { orderId: ORDER, since: testStartedAt });

/** The order's page that Refund Desk opened for the person, once it is there. */
async function keapOrderTab(): Promise<Page> {
  const isOrderTab = (page: Page) => page.url().includes(`manageJob.jsp?view=edit&ID=${ORDER}`);
  await expect.poll(() => env.browser.context.pages().some(isOrderTab), { timeout: 30_000 }).toBe(true);
  const tab = env.browser.context.pages().find(isOrderTab)!;
  await tab.waitForLoadState();
  return tab;
}

async function reviewAndChoose(panel: Page, paymentId: number, how: 'automatic' | 'guided'): Promise<void> {
  await panel
    .getByRole('group', { name: `Payment #${paymentId}` })
    .getByRole('checkbox')
    .check();
  await panel.getByLabel('Reason', { exact: true }).selectOption('Sent wrong size');
  await panel.getByRole('button', { name: 'Review refund' }).click();
  if (how === 'guided') await panel.getByRole('radio', { name: /Do it myself in Keap/ }).check();
  await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
}

const step = (panel: Page, name: string | RegExp) => panel.getByRole('list', { name: "Steps on Keap's screen" }).getByRole('checkbox', { name });
const outlineOf = (element: ReturnType<Page['locator']>) => element.evaluate((node) => (node as HTMLElement).style.outlineStyle);

describe('doing it myself in Keap, guided', () => {
  it('follows the person through Keap’s refund screen, outlines each next control, and confirms the refund from the API', async () => {
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    await reviewAndChoose(panel, FIRST, 'guided');
    const keap = await keapOrderTab();
    await expect.poll(() => step(panel, 'Click "Refund Payment" on order #5001').count(), { timeout: 30_000 }).toBe(1);
    expect(await step(panel, 'Click "Refund Payment" on order #5001').isChecked()).toBe(false);
    const opener = keap.getByRole('button', { name: 'Refund Payment' });
    await expect.poll(() => outlineOf(opener)).toBe('solid');

    await opener.click();
    const box = keap.getByRole('checkbox', { name: `Refund payment ${FIRST}` });
    await expect.poll(() => outlineOf(box)).toBe('solid');
    await expect.poll(() => step(panel, 'Click "Refund Payment" on order #5001').isChecked()).toBe(true);
    await box.check();
    await expect.poll(() => step(panel, `Tick payment #${FIRST}`).isChecked()).toBe(true);
    await keap.getByLabel('Reason', { exact: true }).fill('Sent wrong size');
    await expect.poll(() => step(panel, 'Enter the reason "Sent wrong size"').isChecked()).toBe(true);
    await keap.getByRole('button', { name: 'Next' }).click();
    await keap.getByRole('radio', { name: 'Refund', exact: true }).check();
    await expect.poll(() => step(panel, 'Choose "Refund"').isChecked()).toBe(true);
    await keap.getByRole('button', { name: 'Next' }).click();
    await keap.getByRole('radio', { name: 'If an automatic refund fails, skip that payment' }).check();
    await keap.getByRole('button', { name: 'Next' }).click();
    const finish = keap.getByRole('button', { name: 'Finish' });
    await expect.poll(() => outlineOf(finish)).toBe('solid');
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(0);
    expect((await records()).map((record) => record.state)).toEqual(['needs-manual']);

    await finish.click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 30_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(1);
    const [record] = await records();
    expect(record?.state).toBe('confirmed');
    expect(record?.evidence?.refundInvoicePaymentIds).toHaveLength(1);
    const note = env.sandbox.state.notes.find((candidate) => candidate.title === `Refund Desk: $60.00 on order #${ORDER} — confirmed`);
    expect(note).toBeDefined();
  });

  it('refuses "No refund was made" while Keap’s API shows a refund made after the plan', async () => {
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    // Keap's API answers slowly, so the watch cannot settle the refund before the person's click.
    env.sandbox.setFaults({ slowResponses: { delayMs: 2_500 } });
    await reviewAndChoose(panel, FIRST, 'guided');
    await keapOrderTab();
    await panel.getByRole('button', { name: 'No refund was made' }).waitFor({ timeout: 30_000 });
    // The person refunds it in Keap (here, straight through Keap's books), then says no refund was made.
    const made = processRefund(
      env.sandbox.state,
      { orderId: ORDER, reason: 'Sent wrong size', method: 'refund', onFailure: 'skip', amountOwed: '0.00', payments: [{ paymentId: FIRST, amount: '60.00' }] },
      { declines: () => false, now: new Date() },
    );
    expect(made.ok).toBe(true);
    await panel.getByRole('button', { name: 'No refund was made' }).click();
    await expect.poll(() => panel.getByRole('alert').innerText(), { timeout: 30_000 }).toMatch(/Keap's API shows a refund of payment 7001 made after this one was planned/);
    expect((await records()).map((record) => record.state)).not.toContain('failed');
    env.sandbox.setFaults({});
    await expect.poll(async () => (await records()).map((record) => record.state), { timeout: 60_000 }).toEqual(['confirmed']);
  });
});

describe('learning a word of Keap’s screen', () => {
  it('stops at an unknown final button, learns it from the person’s click without pressing it, and uses it next time', async () => {
    env.sandbox.setFaults({ alteredRefundScreen: true });
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    await reviewAndChoose(panel, FIRST, 'automatic');
    const show = panel.getByRole('button', { name: 'Show Refund Desk this control' });
    await show.waitFor({ timeout: 60_000 });
    await show.click();
    const keap = await keapOrderTab();
    const makeItSo = keap.getByRole('button', { name: 'Make it so' });
    await expect.poll(() => makeItSo.evaluate((node) => (node as HTMLElement).style.outlineStyle), { timeout: 15_000 }).toBe('dashed');
    await makeItSo.click();
    // Shown, not pressed: nothing reached Keap.
    await expect.poll(() => show.count(), { timeout: 15_000 }).toBe(0);
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(0);

    // The person finishes this one by hand; the watch on Keap's API confirms it.
    await makeItSo.click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(1);

    // Next time, Refund Desk knows the word.
    await panel.getByRole('button', { name: 'Refund another order' }).click();
    await keap.close();
    const next = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    await reviewAndChoose(next.panel, SECOND, 'automatic');
    await expect.poll(() => next.panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, SECOND)).toHaveLength(1);

    const options = await env.browser.extensionPage('options');
    const learned = options.getByRole('list', { name: 'Learned words' });
    await expect.poll(() => learned.innerText()).toContain('“Make it so” — the button that completes the refund (refunddemo)');
    await options.getByRole('button', { name: 'Forget “Make it so” for refunddemo' }).click();
    await options.getByText('None. When Refund Desk stops at a control it does not know').waitFor();
    await options.close();
  });
});

describe('a refund that needs the person, from the history', () => {
  it('"Continue in side panel" opens the side panel on that refund, with its checklist', async () => {
    env.sandbox.setFaults({ alteredRefundScreen: true });
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    await reviewAndChoose(panel, FIRST, 'automatic');
    await panel.getByRole('button', { name: 'Show Refund Desk this control' }).waitFor({ timeout: 60_000 });
    await panel.close();
    const popup = await env.browser.extensionPage('popup');
    const row = popup
      .getByRole('listitem')
      .filter({ hasText: `Order ${ORDER}` })
      .first();
    await row.getByRole('button', { name: 'Continue in side panel' }).click();
    const isSidePanel = (page: Page) => page.url().includes('/sidepanel.html');
    await expect.poll(() => env.browser.context.pages().some(isSidePanel), { timeout: 15_000 }).toBe(true);
    const reopened = env.browser.context.pages().find(isSidePanel)!;
    await reopened.getByRole('list', { name: "Steps on Keap's screen" }).waitFor({ timeout: 15_000 });
    await expect(reopened.getByRole('button', { name: 'Show Refund Desk this control' }).isEnabled()).resolves.toBe(true);
    // Nothing was sent; the person says so, and Keap's API agrees.
    await reopened.getByRole('button', { name: 'No refund was made' }).click();
    await expect.poll(async () => (await records()).map((record) => record.state), { timeout: 30_000 }).toEqual(['failed']);
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(0);
    await popup.close();
  });
});

describe('a form the driver’s tests never walked', () => {
  it('refunds through Keap’s screen drawn in a frame on the order page, confirmed by the API', async () => {
    env.sandbox.setScreenForm('iframe');
    const { panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
    await reviewAndChoose(panel, FIRST, 'automatic');
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    expect(refundLogFor(env.sandbox, FIRST)).toHaveLength(1);
  });
});
