import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, reviewRefund } from './refund-helpers';

/*
 * The toolbar badge in the production build: refunds handed to the person ("Do it myself in Keap"
 * makes them `needs-manual` at once) show as a count on the badge and in words in the button's
 * title, the popup opens on them, and both are right again after the browser is restarted on the
 * same profile.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
const ORDER = SEED.orders.twoPayments;

/** The badge and the title as Chrome shows them, read in the service worker. */
async function toolbarButton(): Promise<{ text: string; title: string; colour: number[] }> {
  const worker = await env.browser.serviceWorker();
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as {
      chrome: {
        action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string>; getBadgeBackgroundColor(details: object): Promise<number[]> };
      };
    };
    const [text, title, colour] = await Promise.all([chrome.action.getBadgeText({}), chrome.action.getTitle({}), chrome.action.getBadgeBackgroundColor({})]);
    return { text, title, colour };
  });
}
const badge = async () => {
  const { text, title } = await toolbarButton();
  return { text, title };
};

/** Starts a refund of `paymentId` that the person makes on Keap's screen themselves. */
async function handToPerson(paymentId: number): Promise<void> {
  const { page, panel } = await openSidePanelOn(env.browser, SEED.contacts.demo, ORDER);
  await reviewRefund(panel, paymentId);
  await panel.getByRole('radio', { name: /Do it myself in Keap/ }).check();
  await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
  await expect
    .poll(async () => (await journalRecords(env.browser, { orderId: ORDER })).filter((record) => record.lines[0]?.paymentId === paymentId).map((record) => record.state))
    .toEqual(['needs-manual']);
  for (const open of [panel, page, ...env.browser.context.pages().filter((tab: Page) => tab.url().includes('manageJob.jsp'))]) await open.close();
}

describe('the toolbar badge', () => {
  it('counts the refunds that need the person, in the warning colour, with the count in words in the title', async () => {
    await expect.poll(badge).toEqual({ text: '', title: 'Refund Desk' });
    await handToPerson(SEED.payments.twoPaymentsFirst);
    await expect.poll(badge).toEqual({ text: '1', title: 'Refund Desk: 1 refund needs you' });
    await handToPerson(SEED.payments.twoPaymentsSecond);
    await expect.poll(badge).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });
    expect((await toolbarButton()).colour).toEqual([0x9a, 0x67, 0x00, 255]);
  });

  it('opens the popup on the refunds that need the person', async () => {
    const popup = await env.browser.extensionPage('popup');
    await popup.getByRole('list', { name: 'Refunds' }).getByRole('listitem').first().waitFor();
    expect(await popup.getByRole('combobox', { name: 'State' }).inputValue()).toBe('Needs you');
    await expect.poll(() => popup.getByRole('button', { name: 'Continue in side panel' }).count()).toBe(2);
    await popup.close();
  });

  it('is right again after the browser is restarted on the same profile', async () => {
    await env.restartBrowser();
    await expect.poll(badge).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });
  });
});
