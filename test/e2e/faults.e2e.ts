import type { Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefundRecord } from '@/lib/audit/schema';
import { SEED } from '../sandbox/seed';
import type { Faults } from '../sandbox/server';
import { contactPath, useSandboxedExtension } from './harness';
import { isSettled, journalRecords, openSidePanelOn, paymentsRefundedTwice, refundLogFor, reviewRefund as reviewRefundOf } from './refund-helpers';
import { reliabilityReport, type ScenarioResult } from './reliability-report';

/**
 * The fault matrix: Keap's API failing in every way the sandbox can fail it, the service worker
 * and the browser stopping mid-refund, Keap's pages changing, and a person doing surprising
 * things. Every scenario ends the same way: no payment refunded twice, every journal record it
 * made settled (final or `needs-manual`), and words on screen the person can act on.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
const report = reliabilityReport('faults');
afterAll(() => report.write());

let scenarioStartedAt = 0;
beforeEach(() => {
  env.sandbox.reset();
  scenarioStartedAt = Date.now();
});
afterEach(async () => {
  await env.browser.context.unrouteAll({ behavior: 'ignoreErrors' });
  for (const page of env.browser.context.pages()) await page.close();
});

const DEMO = SEED.contacts.demo;
const ORDER = SEED.orders.twoPayments;
const PAYMENT = SEED.payments.twoPaymentsFirst;
const SETTLE_TIMEOUT_MS = 90_000;

const readJournal = (since: number) => journalRecords(env.browser, { since });
const scenarioRecords = () => readJournal(scenarioStartedAt);

/** Waits (bounded) until every record the scenario made is settled, then checks the common ending and records the row. */
async function finishScenario(row: Omit<ScenarioResult, 'refundedTwice' | 'finalStates'>, expectedStates: RefundRecord['state'][]): Promise<void> {
  await expect.poll(async () => (await scenarioRecords()).every(isSettled), { timeout: SETTLE_TIMEOUT_MS }).toBe(true);
  const finalStates = (await scenarioRecords()).map((record) => record.state);
  expect(finalStates).toEqual(expectedStates);
  expect(paymentsRefundedTwice(env.sandbox)).toEqual([]);
  expect(row.message.trim()).not.toBe('');
  report.record({ ...row, refundedTwice: false, finalStates });
}

const CONFIRM = 'Confirm refund of $60.00';
const confirmButton = (panel: Page) => panel.getByRole('button', { name: CONFIRM });
const reviewRefund = (panel: Page, paymentId: number = PAYMENT) => reviewRefundOf(panel, paymentId, CONFIRM);
const refundsPanel = (page: Page) => page.getByRole('region', { name: 'Refunds' });

/** Waits for the side panel to say the refund is done, and checks that Keap refunded the payment once. */
async function refundedOnce(panel: Page, timeout = 60_000): Promise<void> {
  await expect.poll(() => panel.getByRole('status').innerText(), { timeout }).toBe('Refunded $60.00');
  expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(1);
}

/** Waits until the scenario's one journal record is in `state`. */
async function waitForState(state: RefundRecord['state'], timeout = 30_000): Promise<void> {
  await expect.poll(async () => (await scenarioRecords()).map((record) => record.state), { timeout }).toEqual([state]);
}

/**
 * Holds Keap's refund-screen Finish (the POST the dialog sends) until it is let through or failed,
 * so a scenario can act while a refund is known to be `submitting` and not yet in Keap.
 */
async function holdRefundFinish() {
  let heldRoute: Route | undefined;
  await env.browser.context.route('**/Job/refundPayment.jsp', (route) => {
    heldRoute = route;
  });
  const settle = async (how: (route: Route) => Promise<void>) => {
    if (heldRoute) await how(heldRoute);
    await env.browser.context.unroute('**/Job/refundPayment.jsp');
  };
  return {
    held: () => expect.poll(() => heldRoute !== undefined, { timeout: 30_000 }).toBe(true),
    release: () => settle((route) => route.continue()),
    fail: () => settle((route) => route.abort('connectionreset')),
  };
}

/** What a person does after checking Keap: nothing was refunded. Frees the payment for the next scenario. */
async function markNoRefundWasMade(panel: Page): Promise<void> {
  await panel.getByRole('button', { name: 'No refund was made' }).click();
  await expect.poll(async () => (await scenarioRecords()).map((record) => record.state), { timeout: 15_000 }).not.toContain('needs-manual');
}

/** Stops the extension's service worker the way Chrome does when it is idle (through CDP), and waits until it has stopped. */
async function stopServiceWorker(): Promise<void> {
  const page = await env.browser.context.newPage();
  const cdp = await env.browser.context.newCDPSession(page);
  const statuses: string[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const version of event.versions) if (version.scriptURL.endsWith('/background.js')) statuses.push(version.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.endsWith('/background.js'));
  if (worker) await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  await expect.poll(() => statuses.at(-1), { timeout: 15_000 }).toBe('stopped');
  await cdp.detach();
  await page.close();
}

/** A message from an extension page starts the service worker again, as any message would. */
async function wakeServiceWorker(): Promise<void> {
  const page = await env.browser.extensionPage('popup');
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

/** Faults for the contact load, each enough to outlast the client's retries, and the banner each gives. */
const CONTACT_LOAD_FAULTS: { name: string; fault: string; faults: Faults; banner: RegExp; wouldFail: string }[] = [
  {
    name: 'Keap API 500s',
    fault: 'serverErrors ×50',
    faults: { serverErrors: { count: 50 } },
    banner: /^Keap's servers are having trouble \(HTTP 500\)/,
    wouldFail:
      'if 500s during the load gave no banner saying Keap’s servers are having trouble (HTTP 500), left Refund enabled, or Retry did not load the orders once the API recovered',
  },
  {
    name: 'Keap API 429 storm',
    fault: 'rateLimitStorm ×50, Retry-After 1 s',
    faults: { rateLimitStorm: { count: 50, retryAfterSeconds: 1 } },
    banner: /^Keap is limiting requests; try again in \d+ seconds?\./,
    wouldFail:
      'if a 429 storm during the load gave no banner saying Keap is limiting requests and when to try again, left Refund enabled, or Retry did not load the orders once the limiting stopped',
  },
  {
    name: 'Malformed JSON from Keap',
    fault: 'malformedJson ×1',
    faults: { malformedJson: { count: 1 } },
    banner: /^Keap's answer to GET \/v2\/\S+ was not valid JSON\./,
    wouldFail: 'if an answer that was not JSON gave no banner naming the GET it came from, left Refund enabled, or Retry did not then load the orders',
  },
  {
    name: 'Dropped connections',
    fault: 'droppedConnections ×50',
    faults: { droppedConnections: { count: 50 } },
    banner: /^Could not reach Keap\. Check the internet connection\. Try again\./,
    wouldFail:
      'if dropped connections during the load gave no "Could not reach Keap" banner with Retry, left Refund enabled, or Retry did not load the orders once connections held',
  },
];

describe('Keap’s API failing while the Refunds panel loads a contact', () => {
  for (const { name, fault, faults, banner: expectedBanner, wouldFail } of CONTACT_LOAD_FAULTS) {
    it(`${name}: a plain-words banner with Retry, then the panel recovers`, async () => {
      // A fresh background has nothing cached, so the contact load really asks Keap.
      await stopServiceWorker();
      env.sandbox.setFaults(faults);
      const page = await env.browser.keapPage(contactPath(DEMO));
      const panel = refundsPanel(page);
      const banner = panel.getByRole('alert');
      await banner.waitFor({ timeout: 60_000 });
      const message = (await banner.locator('span').innerText()).trim();
      expect(message).toMatch(expectedBanner);
      const refund = panel.getByRole('button', { name: `Refund order #${ORDER}` });
      await expect(refund.isDisabled()).resolves.toBe(true);
      env.sandbox.setFaults({});
      await banner.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => refund.isEnabled(), { timeout: 30_000 }).toBe(true);
      await expect(banner.count()).resolves.toBe(0);
      await finishScenario(
        { scenario: `${name} during the contact load`, fault, result: 'Banner with Retry; Retry after the fault cleared loaded the orders', wouldFail, message },
        [],
      );
    });
  }

  it('Slow answers past the client’s 15 s timeout: the client gives up on them and retries', async () => {
    await stopServiceWorker();
    // The contact load's three first requests (orders, transactions, merchants) answer after 16 s.
    env.sandbox.setFaults({ slowResponses: { delayMs: 16_000, count: 3 } });
    const page = await env.browser.keapPage(contactPath(DEMO));
    const panel = refundsPanel(page);
    const waiting = panel.getByRole('status');
    await waiting.waitFor();
    const message = (await waiting.innerText()).trim();
    expect(message).toBe("Checking amounts with Keap's API…");
    const refund = panel.getByRole('button', { name: `Refund order #${ORDER}` });
    await expect.poll(() => refund.isEnabled(), { timeout: 45_000 }).toBe(true);
    await expect(panel.getByRole('alert').count()).resolves.toBe(0);
    // Each slow request was abandoned at the timeout and asked again.
    expect(env.sandbox.stats().byPath['/crm/rest/v2/orders']).toBe(2);
    await finishScenario(
      {
        scenario: 'Slow answers during the contact load',
        fault: 'slowResponses 16 s ×3',
        result: 'Timed out at 15 s, retried, loaded the orders without an error',
        wouldFail:
          'if the panel did not say it was checking amounts while it waited, a read was not abandoned at 15 s and asked once more (orders read other than twice), or the load ended in an error instead of refundable orders',
        message,
      },
      [],
    );
  });
});

describe('Keap’s API failing after the review step, when the person confirms', () => {
  it('Keap API 500s: the refund is refused up front, nothing is sent, and a second Confirm refunds once', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    env.sandbox.setFaults({ serverErrors: { count: 50 } });
    await confirmButton(panel).click();
    const refusal = panel.getByRole('alert');
    await refusal.waitFor({ timeout: 30_000 });
    const message = await refusal.innerText();
    expect(message).toMatch(/^Keap's servers are having trouble \(HTTP 500\)\. Try again in a few minutes\./);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(0);
    await expect(scenarioRecords()).resolves.toEqual([]);
    env.sandbox.setFaults({});
    await confirmButton(panel).click();
    await refundedOnce(panel);
    await finishScenario(
      {
        scenario: 'Keap API 500s during a refund',
        fault: 'serverErrors ×50 after review',
        result: 'Refused before anything was journaled or sent; Confirm after recovery refunded once',
        wouldFail:
          'if 500s in the checks before sending did not refuse the refund with the HTTP 500 message, anything was journaled or sent to Keap anyway, or Confirm after recovery did not refund exactly once',
        message,
      },
      ['confirmed'],
    );
  });

  it('Keap API 500s while confirming a refund that was sent: it waits and confirms, never resends', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    // The two reads of the order (the order, its payments) in the first confirmation check, each with its three retries.
    env.sandbox.setFaults({ serverErrors: { count: 8, pathPrefix: `/v2/orders/${ORDER}` } });
    await finish.release();
    await refundedOnce(panel);
    expect(env.sandbox.stats().byPath[`/crm/rest/v2/orders/${ORDER}`]).toBeGreaterThanOrEqual(6);
    await finishScenario(
      {
        scenario: 'Keap API 500s while confirming a sent refund',
        fault: 'serverErrors ×12 on the order after Finish',
        result: 'First confirmation check failed; the next one, 10 s later, confirmed it; nothing resent',
        wouldFail: 'if a failed confirmation check made Refund Desk resend the refund (two refund rows) or give up instead of checking again until it was `confirmed`',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });

  it('Keap API 429 storm: the client waits out Retry-After and the refund completes once', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    env.sandbox.setFaults({ rateLimitStorm: { count: 10, retryAfterSeconds: 1 } });
    await confirmButton(panel).click();
    await refundedOnce(panel);
    expect(env.sandbox.stats().throttled).toBe(10);
    await finishScenario(
      {
        scenario: 'Keap API 429 storm during a refund',
        fault: 'rateLimitStorm ×10 after review',
        result: 'Throttled reads were retried after Retry-After; refunded once',
        wouldFail: 'if the ten throttled reads were not waited out and retried through to one refund shown as "Refunded $60.00" and `confirmed`',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });

  it('Slow answers past the timeout: the checks before sending retry, and the refund completes once', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    // The seven reads that check the refund against Keap before anything is journaled.
    env.sandbox.setFaults({ slowResponses: { delayMs: 16_000, count: 7 } });
    await confirmButton(panel).click();
    await expect(confirmButton(panel).isDisabled()).resolves.toBe(true);
    await refundedOnce(panel);
    // Who is refunding is read once per check: a second read is the retry after the timeout.
    expect(env.sandbox.stats().byPath['/crm/rest/v2/oauth/connect/userinfo']).toBeGreaterThanOrEqual(2);
    await finishScenario(
      {
        scenario: 'Slow answers during a refund',
        fault: 'slowResponses 16 s ×7 after review',
        result: 'Reads timed out at 15 s and were retried; refunded once',
        wouldFail:
          'if Confirm stayed enabled while the checks ran, or the reads that timed out were not asked again through to one refund shown as "Refunded $60.00" and `confirmed`',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });

  it('Malformed JSON: the refund is refused up front, nothing is sent, and a second Confirm refunds once', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    env.sandbox.setFaults({ malformedJson: { count: 1 } });
    await confirmButton(panel).click();
    const refusal = panel.getByRole('alert');
    await refusal.waitFor({ timeout: 30_000 });
    const message = await refusal.innerText();
    expect(message).toMatch(/^Keap's answer to GET \/v2\/\S+ was not valid JSON\.$/);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(0);
    await expect(scenarioRecords()).resolves.toEqual([]);
    await confirmButton(panel).click();
    await refundedOnce(panel);
    await finishScenario(
      {
        scenario: 'Malformed JSON during a refund',
        fault: 'malformedJson ×1 after review',
        result: 'Refused before anything was journaled or sent; Confirm again refunded once',
        wouldFail:
          'if an answer that was not JSON in the checks before sending did not refuse the refund with a message naming the GET, anything was journaled or sent to Keap anyway, or Confirm again did not refund exactly once',
        message,
      },
      ['confirmed'],
    );
  });

  it('Dropped connections: the reads are retried and the refund completes once', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    env.sandbox.setFaults({ droppedConnections: { count: 3 } });
    await confirmButton(panel).click();
    await refundedOnce(panel);
    await finishScenario(
      {
        scenario: 'Dropped connections during a refund',
        fault: 'droppedConnections ×3 after review',
        result: 'Dropped reads were retried; refunded once',
        wouldFail: 'if the dropped reads were not retried through to one refund shown as "Refunded $60.00" and `confirmed`',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });
});

describe('Refund Desk itself stopping mid-refund', () => {
  it('the service worker stopped while confirming: reconciled at its restart, no second refund', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    // Keap takes the refund, but its API is too slow to confirm it before the worker stops.
    env.sandbox.setFaults({ slowResponses: { delayMs: 60_000 } });
    await finish.release();
    await expect.poll(() => refundLogFor(env.sandbox, PAYMENT).length, { timeout: 30_000 }).toBe(1);
    // The confirmation check has asked for the order (after the check before sending).
    await expect.poll(() => env.sandbox.stats().byPath[`/crm/rest/v2/orders/${ORDER}`] ?? 0, { timeout: 30_000 }).toBe(2);
    await stopServiceWorker();
    env.sandbox.setFaults({});
    // Any event may start the worker again (a tab loading, a message): here, a message does.
    await wakeServiceWorker();
    await waitForState('confirmed');
    await refundedOnce(panel, 15_000);
    await finishScenario(
      {
        scenario: 'Service worker stopped mid-refund',
        fault: 'CDP Target.closeTarget on the worker while confirmation reads hang (slowResponses 60 s)',
        result: 'Left `submitting`; reconcileAtStart found the refund in Keap’s API and confirmed it; nothing resent',
        wouldFail: 'if the restarted worker did not reconcile the `submitting` record to `confirmed` from Keap’s API, or sent the refund again (two refund rows)',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });

  it('the service worker stopped before Keap’s Finish got through: reconciled to needs-manual, nothing refunded', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    await stopServiceWorker();
    await wakeServiceWorker();
    await waitForState('needs-manual');
    // The refund screen's Finish then fails on the way to Keap.
    await finish.fail();
    const stopped = panel.locator('.needs-you p').first();
    await stopped.waitFor({ timeout: 15_000 });
    const message = await stopped.innerText();
    expect(message).toContain("Keap's API does not show this refund on order #5001. Check the order in Keap before trying again.");
    await expect(panel.getByRole('button', { name: 'Check Keap again' }).isEnabled()).resolves.toBe(true);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(0);
    await finishScenario(
      {
        scenario: 'Service worker stopped before the refund reached Keap',
        fault: "worker stopped while Keap's Finish was held, then the Finish failed",
        result: 'reconcileAtStart found no refund in Keap: `needs-manual`, with "Check Keap again" and "No refund was made"',
        wouldFail:
          'if the restarted worker did not put the record in `needs-manual` saying Keap’s API does not show the refund, with "Check Keap again" enabled and "No refund was made" releasing it, or any refund reached Keap',
        message,
      },
      ['needs-manual'],
    );
    await markNoRefundWasMade(panel);
  });

  it('the browser closed mid-refund and reopened with the same profile: reconciled at start, history kept', async () => {
    // An earlier refund in this profile, which the journal must still hold after the restart.
    const first = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(first.panel, SEED.payments.twoPaymentsSecond);
    await confirmButton(first.panel).click();
    await expect.poll(() => first.panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    // Keap takes the refund, but its API is too slow to confirm it before the browser closes.
    env.sandbox.setFaults({ slowResponses: { delayMs: 60_000 } });
    await finish.release();
    await expect.poll(() => refundLogFor(env.sandbox, PAYMENT).length, { timeout: 30_000 }).toBe(1);
    const before = await readJournal(0);
    expect(before.map((record) => record.state).slice(-2)).toEqual(['confirmed', 'submitting']);
    await env.restartBrowser(() => env.sandbox.setFaults({}));
    await expect.poll(async () => (await scenarioRecords()).map((record) => record.state), { timeout: 30_000 }).toEqual(['confirmed', 'confirmed']);
    const after = await readJournal(0);
    expect(after.map((record) => record.id)).toEqual(before.map((record) => record.id));
    const popup = await env.browser.extensionPage('popup');
    const row = popup
      .getByRole('listitem')
      .filter({ hasText: `Order ${ORDER}` })
      .first();
    await expect.poll(() => row.innerText()).toContain('Refunded');
    const message = await row.innerText();
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(1);
    await finishScenario(
      {
        scenario: 'Browser closed mid-refund, reopened with the same profile',
        fault: 'browser closed after Keap took the refund, before its API confirmed it (slowResponses 60 s)',
        result: 'reconcileAtStart found the refund in Keap’s API and confirmed it; nothing resent; earlier records kept',
        wouldFail:
          'if the reopened browser did not reconcile the `submitting` record to `confirmed`, sent the refund again (two refund rows), or lost the journal’s earlier records or the history’s "Refunded" row',
        message,
      },
      ['confirmed', 'confirmed'],
    );
  });
});

describe('Keap’s pages changing', () => {
  it('the contact page’s markup changed: the panel works from the API alone', async () => {
    env.sandbox.setFaults({ alteredContactMarkup: true });
    const page = await env.browser.keapPage(contactPath(DEMO));
    const panel = refundsPanel(page);
    const notice = panel.getByText("Orders come from Keap's API");
    await notice.waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.getByRole('button', { name: `Refund order #${ORDER}` }).isEnabled()).toBe(true);
    await expect(panel.locator(`tr[data-order-id="${ORDER}"] .rd-refundable`).innerText()).resolves.toBe('$120.00');
    await finishScenario(
      {
        scenario: 'Contact page markup changed',
        fault: 'alteredContactMarkup',
        result: 'Orders listed from the API; refunds enabled',
        wouldFail: 'if unfamiliar page markup left the panel without the orders from Keap’s API (the notice, $120.00 refundable, Refund enabled)',
        message: await notice.innerText(),
      },
      [],
    );
  });

  it('the refund screen’s markup changed: stops before Finish, needs-manual, nothing refunded', async () => {
    env.sandbox.setFaults({ alteredRefundScreen: true });
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    await confirmButton(panel).click();
    const stopped = panel.locator('.needs-you p').first();
    await stopped.waitFor({ timeout: 60_000 });
    const message = await stopped.innerText();
    expect(message).toMatch(/does not know the button "Make it so".*Nothing was sent/);
    await expect(panel.getByRole('status').innerText()).resolves.toMatch(/^Nothing was refunded/);
    await panel.getByRole('list', { name: "Steps on Keap's screen" }).waitFor();
    await expect(panel.getByRole('button', { name: 'Show Refund Desk this control' }).isEnabled()).resolves.toBe(true);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(0);
    await finishScenario(
      {
        scenario: 'Refund screen markup changed',
        fault: 'alteredRefundScreen (the final button reads "Make it so")',
        result: 'Stopped before the final click; Keap’s screen in front with the guided checklist; "Show Refund Desk this control" offered',
        wouldFail:
          'if Refund Desk clicked a final button it does not know (a refund row), or did not stop in `needs-manual` naming the button and saying nothing was sent, with the guided checklist and "Show Refund Desk this control"',
        message,
      },
      ['needs-manual'],
    );
    await markNoRefundWasMade(panel);
  });
});

describe('the person doing surprising things', () => {
  it('double-clicks Confirm: one refund', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    await confirmButton(panel).dblclick();
    await refundedOnce(panel);
    await finishScenario(
      {
        scenario: 'Double click on Confirm',
        fault: 'dblclick',
        result: 'One journal record, one refund',
        wouldFail: 'if a double click on Confirm made two journal records or two refunds',
        message: await panel.getByRole('status').innerText(),
      },
      ['confirmed'],
    );
  });

  it('confirms the same order from two side panels: the second is refused while the first runs', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    // The side panel page opened again in a tab of the same window reads the same target.
    const second = await env.browser.extensionPage('sidepanel');
    await second.getByRole('heading', { name: `Refund order #${ORDER}` }).waitFor();
    await reviewRefund(panel);
    await reviewRefund(second);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    await confirmButton(second).click();
    const refusal = second.getByRole('alert');
    await refusal.waitFor({ timeout: 30_000 });
    const message = await refusal.innerText();
    expect(message).toMatch(new RegExp(`^Payment ${PAYMENT} already has a refund in progress or waiting for you`));
    await finish.release();
    await refundedOnce(panel);
    await finishScenario(
      {
        scenario: 'Two side panels on the same order',
        fault: 'second Confirm while the first refund is submitting',
        result: 'Second refused before journaling; exactly one refund',
        wouldFail: 'if the second Confirm were not refused as a payment already in progress, or made a second journal record or refund',
        message,
      },
      ['confirmed'],
    );
  });

  it('closes the side panel mid-refund: the refund completes', async () => {
    const { panel } = await openSidePanelOn(env.browser, DEMO, ORDER);
    await reviewRefund(panel);
    const finish = await holdRefundFinish();
    await confirmButton(panel).click();
    await finish.held();
    await panel.close();
    await finish.release();
    await waitForState('confirmed', 60_000);
    expect(refundLogFor(env.sandbox, PAYMENT)).toHaveLength(1);
    const popup = await env.browser.extensionPage('popup');
    const row = popup
      .getByRole('listitem')
      .filter({ hasText: `Order ${ORDER}` })
      .first();
    await expect(row.innerText()).resolves.toContain('Refunded');
    await finishScenario(
      {
        scenario: 'Side panel closed mid-refund',
        fault: "side panel closed while Keap's Finish was in flight",
        result: 'Finished in the background; confirmed',
        wouldFail: 'if closing the side panel kept the refund from finishing in the background (`confirmed`, one refund row, "Refunded" in the history)',
        message: await row.innerText(),
      },
      ['confirmed'],
    );
  });

  it('moves to another contact while the first is loading: the panel ends on the new contact only', async () => {
    await stopServiceWorker();
    // The first contact's three reads answer late, after the person has moved on.
    env.sandbox.setFaults({ slowResponses: { delayMs: 4_000, count: 3 } });
    const page = await env.browser.keapPage(contactPath(DEMO));
    const panel = refundsPanel(page);
    await panel.getByRole('status').waitFor();
    await page.getByRole('link', { name: 'Next Contact' }).click();
    await page.waitForURL(new RegExp(`ID=${SEED.contacts.hostile}$`));
    const hostileRefund = panel.getByRole('button', { name: `Refund order #${SEED.orders.hostile}` });
    await expect.poll(() => hostileRefund.isEnabled(), { timeout: 30_000 }).toBe(true);
    // Wait until the first contact's late answer has reached the background (callers share one load).
    const observer = await env.browser.extensionPage('popup');
    await observer.evaluate(
      (contactId) =>
        (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
          id: 0,
          type: 'getContactOrders',
          data: { contactId },
          timestamp: Date.now(),
        }),
      DEMO,
    );
    await expect(panel.getAttribute('data-contact-id')).resolves.toBe(String(SEED.contacts.hostile));
    await expect(panel.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id')))).resolves.toEqual([String(SEED.orders.hostile)]);
    await finishScenario(
      {
        scenario: 'Switching contacts mid-load',
        fault: 'slowResponses 4 s ×3 on the first contact',
        result: "The first contact's late answer was ignored; only the new contact's rows shown",
        wouldFail: 'if the first contact’s late answer took the panel back to that contact or put its rows in place of, or beside, the new contact’s order',
        message: await panel.locator(`tr[data-order-id="${SEED.orders.hostile}"]`).innerText(),
      },
      [],
    );
  });
});
