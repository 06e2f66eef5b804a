import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { configureExtension, contactPath, EXTENSION_DIR, type ExtensionBrowser, launchExtensionBrowser, sandboxedKeapArgs, useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelOn, paymentsRefundedTwice, refundLogFor, reviewRefund } from './refund-helpers';
import { chromiumPath } from './chromium';
import { reliabilityReport } from './reliability-report';

/*
 * One key, one Keap app; one payment, one refund (issue 13), in the production build: a key used
 * on another app's page, a service worker restarting mid-walk, Keap's screen saying "skipped" while
 * the refund lands, two browsers refunding one payment, a page script steering the panel, and
 * another extension knocking.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
const report = reliabilityReport('money-safety');
afterAll(() => report.write());

const DEMO = SEED.contacts.demo;
const ORDER = SEED.orders.twoPayments;
const PAYMENT = SEED.payments.twoPaymentsFirst;
const OTHER_APP_ORIGIN = 'https://otherapp.infusionsoft.com';
let startedAt = 0;
beforeEach(async () => {
  env.sandbox.reset();
  await configureExtension(env.browser, { apiKey: SEED.apiKey });
  startedAt = Date.now();
  for (const page of env.browser.context.pages()) if (page.url().includes('infusionsoft.com')) await page.close();
});
const records = (browser: ExtensionBrowser = env.browser) => journalRecords(browser, { orderId: ORDER, since: startedAt });
const states = async (browser?: ExtensionBrowser) => (await records(browser)).map((record) => record.state);
const apiReads = (path: string) => env.sandbox.stats().byPath[`/crm/rest${path}`] ?? 0;

async function confirm(panel: Page): Promise<void> {
  await reviewRefund(panel, PAYMENT, 'Confirm refund of $60.00');
  await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
}

async function keapTab(match: string): Promise<Page> {
  await expect.poll(() => env.browser.context.pages().some((page) => page.url().includes(match)), { timeout: 30_000 }).toBe(true);
  return env.browser.context.pages().find((page) => page.url().includes(match))!;
}

describe('one key, one Keap app', () => {
  it('shows a key for one app no amounts on another app’s page with the same ids, and offers no refund', async () => {
    const readsBefore = apiReads(`/v2/contacts/${DEMO}`);
    const page = await env.browser.context.newPage();
    await page.goto(`${OTHER_APP_ORIGIN}${contactPath(DEMO)}`);
    const panel = page.getByRole('region', { name: 'Refunds' });
    const note = panel.getByText(/Your API key is for refunddemo\.infusionsoft\.com, not otherapp\.infusionsoft\.com/);
    await note.waitFor({ timeout: 30_000 });
    // The page's own orders are listed, with nothing from the key's API and no refund.
    const button = panel.getByRole('button', { name: `Refund order #${ORDER}` });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    expect(await panel.locator(`tr[data-order-id="${ORDER}"] .rd-refundable`).innerText()).toBe('…');
    expect(apiReads(`/v2/contacts/${DEMO}`)).toBe(readsBefore);
    report.record({
      scenario: 'A key for app A on app B’s page, same ids',
      fault: 'key bound to refunddemo; contact page opened on otherapp.infusionsoft.com (same sandbox, same ids)',
      result: 'Page orders listed without API amounts; refunds disabled; no API call for that contact',
      wouldFail: 'if the panel used the key of another app (amounts shown, Refund enabled, or /v2/contacts read)',
      refundedTwice: false,
      finalStates: [],
      message: await note.innerText(),
    });
    await page.close();
  });

  it('binds a key without an app to the first page that shows what its API shows, then only to that app', async () => {
    await configureExtension(env.browser, { apiKey: SEED.apiKey, appName: null });
    const page = await env.browser.keapPage(contactPath(DEMO));
    const refundable = page.getByRole('region', { name: 'Refunds' }).locator(`tr[data-order-id="${ORDER}"] .rd-refundable`);
    await expect.poll(() => refundable.innerText(), { timeout: 30_000 }).toBe('$120.00');
    const options = await env.browser.extensionPage('options');
    await options.getByRole('list', { name: 'Keap connections' }).getByText('refunddemo.infusionsoft.com').waitFor();
    const other = await env.browser.context.newPage();
    await other.goto(`${OTHER_APP_ORIGIN}${contactPath(DEMO)}`);
    await other
      .getByRole('region', { name: 'Refunds' })
      .getByText(/Your API key is for refunddemo\.infusionsoft\.com/)
      .waitFor({ timeout: 30_000 });
    await Promise.all([options.close(), other.close(), page.close()]);
  });
});

describe('never twice', () => {
  it('a walk still running when the service worker restarts cannot make the final click; a refund then made by hand cannot be marked "not made"', async () => {
    env.sandbox.setScreenForm('jquery');
    // Hold Keap's answer to the refund options step, so the walk is mid-way when the worker restarts.
    let held: Route | undefined;
    await env.browser.context.route('**/Job/refundPayment.jsp', async (route) => {
      if (!held && route.request().method() === 'POST' && (route.request().postData() ?? '').includes('step=method')) held = route;
      else await route.continue();
    });
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await confirm(panel);
    await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);
    await stopServiceWorker(env.browser);
    // Any message starts it again; it reconciles the refund it no longer carries out.
    await wakeServiceWorker(env.browser);
    await expect.poll(() => states(), { timeout: 30_000 }).toEqual(['needs-manual']);
    await held!.continue();
    await env.browser.context.unroute('**/Job/refundPayment.jsp');
    const keap = await keapTab(`manageJob.jsp?view=edit&ID=${ORDER}`);
    const submit = keap.getByRole('button', { name: 'Submit' });
    await submit.waitFor({ timeout: 30_000 });
    // The walk asked before its final click and was told no: nothing was sent.
    await expect.poll(() => keap.evaluate(() => document.body.textContent ?? '').then((text) => text.includes('Refund successful'))).toBe(false);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(0);

    // The person presses the final button by hand; the refund lands. "No refund was made" is refused.
    await submit.click();
    await expect.poll(() => refundLogFor(env.sandbox, PAYMENT).length, { timeout: 15_000 }).toBe(1);
    const reopened = await openPanelOnRecord(env.browser);
    await reopened.getByRole('button', { name: 'No refund was made' }).click();
    const refusal = reopened.getByRole('alert');
    await expect.poll(() => refusal.innerText(), { timeout: 30_000 }).toMatch(/Keap's API shows a refund of payment 7001 made after this one was planned/);
    const refused = await refusal.innerText();
    await reopened.getByRole('button', { name: 'Check Keap again' }).click();
    await expect.poll(() => states(), { timeout: 30_000 }).toEqual(['confirmed']);
    expect(paymentsRefundedTwice(env.sandbox)).toEqual([]);
    report.record({
      scenario: 'Service worker restarted mid-walk; the final click then refused; a hand-made refund not markable as "not made"',
      fault: 'the options step’s answer held while the worker was stopped (CDP) and started again; then the person pressed Submit',
      result:
        'The walk’s final-click handshake was refused (no session after the restart); reconcile: needs-manual; "No refund was made" refused once Keap’s API showed the refund; "Check Keap again" confirmed it',
      wouldFail: 'if a walk could click without the background’s go-ahead, or "No refund was made" did not ask Keap’s API first',
      refundedTwice: false,
      finalStates: await states(),
      message: refused,
    });
  });

  it('keeps a payment Keap’s screen called skipped locked until Keap’s API shows the refund that landed', async () => {
    env.sandbox.setFaults({ lateRefunds: { delayMs: 4_000 } });
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await confirm(panel);
    await expect.poll(() => states(), { timeout: 30_000 }).toEqual(['unconfirmed']);
    const waiting = panel.getByText(/Keap's screen says it skipped the payment\. Refund Desk keeps it locked/);
    await waiting.waitFor();
    // A second refund of that payment is refused while it is locked.
    const second = await openSidePanelOn(env.browser, DEMO, ORDER);
    await confirm(second.panel);
    await expect.poll(() => second.panel.getByRole('alert').innerText(), { timeout: 30_000 }).toMatch(/Payment 7001 already has a refund in progress/);
    await expect.poll(() => states(), { timeout: 60_000 }).toEqual(['confirmed']);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(1);
    report.record({
      scenario: '"Skipped" on Keap’s screen, the refund landing later',
      fault: 'lateRefunds 4 s: the screen says "payment skipped" and the refund reaches Keap’s books 4 s later',
      result: 'Held `unconfirmed` for the quiet period with the payment locked (a second refund refused); confirmed when the API showed it; one refund',
      wouldFail: 'if the screen’s "skipped" settled the record at once (the second refund would be accepted)',
      refundedTwice: false,
      finalStates: await states(),
      message: await waiting.innerText().catch(() => 'Keap’s screen says it skipped the payment.'),
    });
  });

  it('lets only one of two browsers refund a payment, and names who started it', async () => {
    const second = await launchExtensionBrowser(env.sandbox);
    try {
      await configureExtension(second, { apiKey: SEED.apiKey });
      // The first browser's refund reaches Keap's final step and is held there.
      let held: Route | undefined;
      await env.browser.context.route('**/Job/refundPayment.jsp', (route) => {
        held = route;
      });
      const first = await openSidePanelOn(env.browser, DEMO, ORDER);
      await confirm(first.panel);
      await expect.poll(() => held !== undefined, { timeout: 30_000 }).toBe(true);
      const other = await openSidePanelOn(second, DEMO, ORDER);
      await confirm(other.panel);
      const refusal = other.panel.getByRole('alert');
      await expect.poll(() => refusal.innerText(), { timeout: 30_000 }).toMatch(/^Riley Admin started refunding payment 7001 at .* with Refund Desk, and it has not finished yet/);
      await held!.continue();
      await env.browser.context.unroute('**/Job/refundPayment.jsp');
      await expect.poll(() => first.panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
      expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(1);
      expect(await journalRecords(second, { orderId: ORDER, since: startedAt })).toEqual([]);
      // The closing note is written once the refund is confirmed, a moment after the side panel says so.
      const noteTitles = () => env.sandbox.state.notes.filter((note) => note.contactId === DEMO && note.title.startsWith('Refund Desk')).map((note) => note.title);
      await expect
        .poll(noteTitles, { timeout: 15_000 })
        .toEqual([`Refund Desk: refunding $60.00 of payment #${PAYMENT} on order #${ORDER}`, `Refund Desk: $60.00 on order #${ORDER} — confirmed`]);
      report.record({
        scenario: 'Two browsers refunding the same payment',
        fault: 'a second browser profile confirms while the first one’s final step is held',
        result: 'The first wrote its in-progress note before its first click; the second read it while planning and refused, naming who and when; one refund',
        wouldFail: 'if the in-progress note were not written before the first click, or not read when planning',
        refundedTwice: false,
        finalStates: await states(),
        message: await refusal.innerText(),
      });
    } finally {
      await second.close({ removeProfile: true });
    }
  });
});

describe('loading follows the person, not a script', () => {
  it('a pushState loop through contact ids gets no amounts for pages that do not show the contact, and pauses after a few', async () => {
    const page = await env.browser.keapPage(contactPath(DEMO));
    const panel = page.getByRole('region', { name: 'Refunds' });
    await expect.poll(() => panel.getByRole('button', { name: `Refund order #${ORDER}` }).isEnabled(), { timeout: 30_000 }).toBe(true);
    const contactReads = () =>
      Object.entries(env.sandbox.stats().byPath)
        .filter(([path]) => /^\/crm\/rest\/v2\/contacts\/\d+$/.test(path))
        .reduce((sum, [, count]) => sum + count, 0);
    const readsBefore = contactReads();
    // A page script steps the panel through contact ids, changing the page each time so it follows.
    for (const contactId of [1002, 1003, 1004, 1005, 1006, 1007, 1008]) {
      await page.evaluate((id) => {
        history.pushState({}, '', `manageContact.jsp?view=edit&ID=${id}`);
        document.body.append(document.createElement('span'));
      }, contactId);
      await page.locator(`section[data-contact-id="${contactId}"]`).waitFor();
      await expect.poll(() => panel.getByRole('status').count()).toBe(0);
    }
    await panel.getByRole('button', { name: 'Load amounts' }).waitFor();
    // Four contacts a minute per tab; and none of them showed amounts, as the page still shows Dana Whitfield.
    expect(contactReads() - readsBefore).toBeLessThanOrEqual(4);
    const refundable = await panel.locator('.rd-refundable').allInnerTexts();
    expect(refundable.length).toBeGreaterThan(0);
    expect(new Set(refundable)).toEqual(new Set(['…']));
    report.record({
      scenario: 'A page script steering the panel with pushState',
      fault: 'history.pushState through seven contact ids on one contact page',
      result: 'At most four contacts read a minute, then "Load amounts" waits for a person; no amounts shown for ids the page does not show',
      wouldFail: 'if the panel loaded every id it was steered to, or showed amounts of a contact the page does not show',
      refundedTwice: false,
      finalStates: [],
      message: await panel.getByText(/Refund Desk waits for you/).innerText(),
    });
    await page.close();
  });
});

describe('markup in Keap’s data and in what the person types', () => {
  it('shows a contact name, email and reason with markup as text in the side panel, the history and the note', async () => {
    const HOSTILE = SEED.contacts.hostile;
    const reasonDetails = '<img src=x onerror="window.pwned=1"> refund <b>now</b>';
    const { page, panel } = await openSidePanelOn(env.browser, HOSTILE, SEED.orders.hostile);
    await panel
      .getByRole('group', { name: `Payment #${SEED.payments.hostile}` })
      .getByRole('checkbox')
      .check();
    await panel.getByLabel('Reason', { exact: true }).selectOption('Other');
    await panel.getByLabel('Reason details').fill(reasonDetails);
    await panel.getByRole('button', { name: 'Review refund' }).click();
    await panel.getByRole('button', { name: 'Confirm refund of $40.00' }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $40.00');
    const name = `${SEED.hostileText.givenName} ${SEED.hostileText.familyName}`;
    const popup = await env.browser.extensionPage('popup');
    const row = popup
      .getByRole('listitem')
      .filter({ hasText: `Order ${SEED.orders.hostile}` })
      .first();
    await expect.poll(() => row.innerText()).toContain(name);
    await expect(row.innerText()).resolves.toContain(reasonDetails);
    for (const view of [popup, panel, page]) {
      await expect(view.locator('img').count()).resolves.toBe(0);
      await expect(view.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).resolves.toBeUndefined();
    }
    const note = env.sandbox.state.notes.find((candidate) => candidate.contactId === HOSTILE && candidate.title.endsWith('— confirmed'));
    expect(note?.body).toContain(`Reason: Other: ${reasonDetails}`);
    report.record({
      scenario: 'Markup in a contact’s name and email and in the reason',
      fault: `contact "${name}", reason details "${reasonDetails}"`,
      result: 'Shown as text in the side panel and the history; written as plain text in the note; no element made, no script run',
      wouldFail: 'if any view rendered the name or the reason as HTML (an img element, window.pwned set), or the note lost or changed the text',
      refundedTwice: false,
      finalStates: (await journalRecords(env.browser, { orderId: SEED.orders.hostile, since: startedAt })).map((record) => record.state),
      message: await row.innerText(),
    });
    await popup.close();
  });
});

describe('other extensions', () => {
  it('cannot message Refund Desk', async () => {
    const knocker = mkdtempSync(join(tmpdir(), 'knocker-'));
    writeFileSync(join(knocker, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'knocker', version: '1', background: { service_worker: 'bg.js' } }));
    writeFileSync(join(knocker, 'bg.js'), '');
    const profile = mkdtempSync(join(tmpdir(), 'refund-desk-knock-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: [`--disable-extensions-except=${EXTENSION_DIR},${knocker}`, `--load-extension=${EXTENSION_DIR},${knocker}`, ...sandboxedKeapArgs(env.sandbox)],
    });
    try {
      const workers = async () => {
        await expect.poll(() => context.serviceWorkers().length, { timeout: 15_000 }).toBe(2);
        return context.serviceWorkers();
      };
      const all = await workers();
      const refundDesk = all.find((worker) => worker.url().endsWith('/background.js'))!;
      const other = all.find((worker) => worker !== refundDesk)!;
      const refundDeskId = new URL(refundDesk.url()).host;
      const answer = await other.evaluate(
        (id) =>
          new Promise<string>((resolve) => {
            const { chrome } = globalThis as unknown as {
              chrome: { runtime: { sendMessage(id: string, message: unknown, callback: (reply: unknown) => void): void; lastError?: { message?: string } } };
            };
            chrome.runtime.sendMessage(id, { id: 1, type: 'startRefund', data: {}, timestamp: Date.now() }, (reply) =>
              resolve(chrome.runtime.lastError?.message ?? JSON.stringify(reply)),
            );
          }),
        refundDeskId,
      );
      expect(answer).toMatch(/Could not establish connection|Receiving end does not exist/);
      report.record({
        scenario: 'Another extension messaging Refund Desk',
        fault: 'a second extension calls chrome.runtime.sendMessage(refundDeskId, startRefund)',
        result: 'No receiver: Refund Desk declares no externally_connectable and listens to no external messages',
        wouldFail: 'if Refund Desk listened to onMessageExternal or declared externally_connectable',
        refundedTwice: false,
        finalStates: [],
        message: answer,
      });
    } finally {
      await context.close();
    }
  });
});

/** Opens the side panel's page on this test's refund, as "Continue in side panel" in the history does. */
async function openPanelOnRecord(browser: ExtensionBrowser): Promise<Page> {
  const [record] = await records(browser);
  const page = await browser.extensionPage('sidepanel');
  await page.evaluate(async (refundId) => {
    const { chrome } = globalThis as unknown as {
      chrome: { windows: { getCurrent(): Promise<{ id?: number }> }; storage: { session: { set(items: object): Promise<void> } } };
    };
    const windowId = (await chrome.windows.getCurrent()).id ?? -1;
    await chrome.storage.session.set({ refundTargets: { [String(windowId)]: { kind: 'refund', windowId, refundId, requestedAt: Date.now() } } });
  }, record!.id);
  await page.getByRole('button', { name: 'No refund was made' }).waitFor({ timeout: 15_000 });
  return page;
}

/** Stops the extension's service worker the way Chrome does when it is idle (through CDP). */
async function stopServiceWorker(browser: ExtensionBrowser): Promise<void> {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.endsWith('/background.js'));
  if (worker) await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  await cdp.detach();
  await page.close();
}

async function wakeServiceWorker(browser: ExtensionBrowser): Promise<void> {
  const page = await browser.extensionPage('popup');
  await page.evaluate(() =>
    (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
      id: 0,
      type: 'getSettings',
      data: {},
      timestamp: Date.now(),
    }),
  );
  await page.close();
}
