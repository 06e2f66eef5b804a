import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { JournalDb } from '@/lib/audit/db';
import { eventsFor, markState, NOT_SENT_MESSAGE, planRefund } from '@/lib/audit/journal';
import type { PlanRefundInput, RefundRecord } from '@/lib/audit/schema';
import type * as RateLimiterModule from '@/lib/keap/rate-limiter';
import type { RefundScreenPlan, ScreenProgress } from '@/lib/page/refund-screen/protocol';
import { GUIDED_MESSAGE, screenPlanFor } from '@/lib/refund/executor';
import { useFreshExtensionJournalStorage } from '@/test/support/extension-journal';
import { type FakeKeapTabs, installFakeKeapTabs } from '@/test/support/fake-keap-tabs';
import { routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { sandboxRefundScreen, submissionFor } from '@/test/support/sandbox-refund-screen';
import { installWebLocks } from '@/test/support/web-locks';
import { processRefund } from '@/test/sandbox/refund';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type * as ApiKey from './api-key';
import type * as GuidedRefunds from './guided-refunds';
import type * as RefundHandlers from './refund-handlers';
import type * as Session from './refund-screen-session';
import type * as RefundWatch from './refund-watch';
import type * as SettingsModule from '@/lib/settings';

/*
 * The background's refund handlers end to end: the real journal (fake-indexeddb, opened as the
 * background opens it), Keap's API answered by the sandbox CRM through the stored key, and Keap's
 * tabs played by fake-keap-tabs, whose refund screen sends what Keap's dialog sends on Finish.
 */

// WXT's storage items and `wxt/browser` need a browser global when they are defined, and `#i18n`,
// imported through this file's imports, defines `wxt/browser`: the global is stubbed before them.
await vi.hoisted(async () => {
  const { fakeBrowser: browser } = await import('@webext-core/fake-browser');
  vi.stubGlobal('chrome', browser);
  vi.stubGlobal('browser', browser);
});

// At Keap's 10 requests a second each refund here would wait a second or more for the limiter,
// which has tests of its own.
vi.mock('@/lib/keap/rate-limiter', async (importOriginal) => {
  const actual = await importOriginal<typeof RateLimiterModule>();
  return {
    ...actual,
    createRateLimiter: (options: Parameters<typeof actual.createRateLimiter>[0] = {}) =>
      actual.createRateLimiter({ perSecond: 10_000, perMinute: 100_000, safetyMarginMs: 0, ...options }),
  };
});

type Sender = Parameters<typeof RefundHandlers.approveFinalClick>[1];
type StartInput = Parameters<typeof RefundHandlers.startRefund>[0];

const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const ORDER_URL = `${APP_ORIGIN}/Job/manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`;
const { contacts, orders, payments } = SEED;
const DAY_MS = 86_400_000;

/** Refund Desk's refund-screen script on a page of tab `tabId` of the sandbox's Keap app. */
const screenPage = (tabId: number, origin = APP_ORIGIN): Sender => ({
  kind: 'content-script',
  tabId,
  windowId: 0,
  frameId: 0,
  page: { kind: 'classic-order', orderId: orders.twoPayments },
  origin,
});

/** Refunding $60.00 of the first payment of the two-payment order, from the side panel. */
function startInput(overrides: Partial<StartInput> = {}): StartInput {
  return {
    idempotencyKey: crypto.randomUUID(),
    form: {
      orderId: orders.twoPayments,
      contactId: contacts.demo,
      currency: 'USD',
      payments: [{ paymentId: payments.twoPaymentsFirst, selected: true, amount: '60.00' }],
      reasonPreset: 'Customer did not want it',
      reasonDetails: 'Changed their mind',
      errorHandling: 'skip-payment',
      amountOwed: '0.00',
    },
    appOrigin: APP_ORIGIN,
    manualRefundsDone: false,
    mode: 'automatic',
    ...overrides,
  };
}

/** The journal input for a refund of the first payment as prepareRefund writes it, with Keap's seed order as its "before" picture. */
function journalInput(overrides: Partial<PlanRefundInput> = {}): PlanRefundInput {
  return {
    idempotencyKey: crypto.randomUUID(),
    appName: SEED.appName,
    contact: { id: contacts.demo, name: 'Dana Whitfield', email: 'dana.whitfield@example.com' },
    orderId: orders.twoPayments,
    lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' }],
    reason: { preset: 'Customer did not want it', details: 'Changed their mind' },
    errorHandling: 'skip-payment',
    amountOwedAfterMinor: 0,
    actor: { name: 'Riley Admin', email: 'riley.admin@refunddemo.example.com' },
    baseline: {
      refundRowIds: [],
      refundTransactionIds: [],
      orderRefundTotalMinor: 0,
      payments: [
        { paymentId: payments.twoPaymentsFirst, payDate: '2025-04-23T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
        { paymentId: payments.twoPaymentsSecond, payDate: '2025-04-23T16:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      ],
    },
    ...overrides,
  };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
  routeKeapApiToSandbox(sandbox);
});
afterAll(() => sandbox.close());

let handlers: typeof RefundHandlers;
let session: typeof Session;
let guided: typeof GuidedRefunds;
let watch: typeof RefundWatch;
let settings: typeof SettingsModule;
let writeConnections: typeof ApiKey.writeConnections;
let db: JournalDb;
let keap: FakeKeapTabs;
let consoleErrors: MockInstance<typeof console.error>;

/** A fresh service worker with a key for the sandbox's app; its journal, sessions and watches are its own. */
beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  keap = installFakeKeapTabs();
  installWebLocks();
  useFreshExtensionJournalStorage();
  consoleErrors = vi.spyOn(console, 'error');
  vi.resetModules();
  handlers = await import('./refund-handlers');
  session = await import('./refund-screen-session');
  guided = await import('./guided-refunds');
  watch = await import('./refund-watch');
  settings = await import('@/lib/settings');
  ({ writeConnections } = await import('./api-key'));
  session.listenForRefundScreenTabs();
  await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
  db = await handlers.backgroundJournal();
});
afterEach(() => {
  // A refund the background carries out on its own reports failures only there.
  expect(consoleErrors).not.toHaveBeenCalled();
  db.close();
  vi.restoreAllMocks();
});

function refundIdOf(answer: Awaited<ReturnType<typeof handlers.startRefund>>): string {
  if (!answer.ok) throw new Error(`expected the refund to be planned, got ${answer.error.kind}: ${answer.error.message}`);
  expect(answer.refundIds).toHaveLength(1);
  return answer.refundIds[0]!;
}

async function record(refundId: string): Promise<RefundRecord> {
  const found = await db.refunds.get(refundId);
  if (!found) throw new Error(`refund ${refundId} is not in the journal`);
  return found;
}

const untilState = (refundId: string, state: RefundRecord['state']) => vi.waitFor(async () => expect((await record(refundId)).state).toBe(state));
const trail = async (refundId: string) => (await eventsFor(db, refundId)).map((event) => event.to);
const checklistOf = async (refundId: string) => guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), refundId);

/** Plans the refund in guided mode and waits until it is handed to the person, with a tab, a checklist and a watch. */
async function startGuided(): Promise<string> {
  const refundId = refundIdOf(await handlers.startRefund(startInput({ mode: 'guided' })));
  await untilState(refundId, 'needs-manual');
  await vi.waitFor(async () => expect(await watch.watches()).toHaveProperty(refundId));
  return refundId;
}

/** A refund in the journal that was being sent when the service worker stopped: no session, no watch. */
async function interruptedRecord(state: 'planned' | 'submitting' | 'needs-manual', overrides: Partial<PlanRefundInput> = {}, at = Date.now()): Promise<string> {
  const planned = await planRefund(db, journalInput(overrides), { now: at });
  if (state === 'planned') return planned.id;
  await markState(db, planned.id, 'submitting', {}, { now: at });
  if (state === 'needs-manual') await markState(db, planned.id, 'needs-manual', { error: { kind: 'refund-screen-stopped', message: 'Stopped' } }, { now: at });
  return planned.id;
}

/** The person refunds the record's payments on Keap's own screen: Keap's books change. */
async function refundInKeap(refundId: string): Promise<void> {
  const plan: RefundScreenPlan | null = screenPlanFor(await record(refundId));
  if (!plan) throw new Error('the record has no plan for Keap’s screen');
  expect(processRefund(sandbox.state, submissionFor(plan), { declines: () => false, now: new Date() }).ok).toBe(true);
}

/** Keap tabs open in the browser, as `tabs.query` finds them by URL pattern (fakeBrowser's query cannot match patterns). */
function keapTabsOpen(tabs: { id: number; url: string }[]) {
  return vi
    .spyOn(fakeBrowser.tabs, 'query')
    .mockResolvedValue(tabs.map((tab) => ({ ...tab, index: 0, highlighted: false, active: false, pinned: false, incognito: false })) as never);
}

/** Keap's refund screen as the content script walks it: the final click only once approved, then what the sandbox answers. */
function keapScreenWalksThrough(): void {
  keap.answer('walkRefundScreen', async ({ attemptId, plan }, tabId) => {
    const approval = await handlers.approveFinalClick({ attemptId }, screenPage(tabId));
    if (!approval.ok || !approval.go) return { kind: 'stopped', step: 'credit', problem: 'Refund Desk did not approve the final click.' };
    const screen = await sandboxRefundScreen(sandbox.appBase).run(plan, { appOrigin: APP_ORIGIN, attemptId, page: { kind: 'classic-order' } });
    return screen.ok ? { kind: 'results', lines: screen.results } : { kind: 'sent-without-results', problem: screen.problem };
  });
}

const goneFromHistory = { ok: false, error: { kind: 'not-found', message: 'This refund is no longer in the history.' } };
const newRefundRowsOf = (paymentId: number) => sandbox.state.payments.filter((payment) => payment.refundOfPaymentId === paymentId);
const settlingNotes = () => sandbox.state.notes.filter((note) => note.contactId === contacts.demo && note.title.startsWith('Refund Desk: $'));

describe('getOrderForRefund', () => {
  it("answers the order with its contact, its payments and how each can be refunded, and the person's defaults", async () => {
    await settings.settingsItem.setValue({ ...settings.DEFAULT_SETTINGS, defaultErrorHandling: 'record-anyway', defaultRefundMode: 'guided' });
    const answer = await handlers.getOrderForRefund({ orderId: orders.twoPayments, contactId: contacts.demo, appOrigin: APP_ORIGIN });
    if (!answer.ok) throw new Error(`expected the order, got ${answer.error.kind}`);
    expect(answer.view).toMatchObject({
      contact: { id: contacts.demo, name: 'Dana Whitfield', email: 'dana.whitfield@example.com' },
      order: { orderId: orders.twoPayments, title: 'Annual membership (2 installments)', totalMinor: 12000, totalDueMinor: 0 },
      defaultErrorHandling: 'record-anyway',
      defaultRefundMode: 'guided',
    });
    expect(answer.view.order.orderDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(answer.view.payments.map(({ paymentId, refundableMinor, channel }) => ({ paymentId, refundableMinor, channel }))).toEqual([
      { paymentId: payments.twoPaymentsFirst, refundableMinor: 6000, channel: { kind: 'keap-refund-screen' } },
      { paymentId: payments.twoPaymentsSecond, refundableMinor: 6000, channel: { kind: 'keap-refund-screen' } },
    ]);
  });

  it('leaves refund rows out of the payments, counting them against the payment they refunded', async () => {
    const answer = await handlers.getOrderForRefund({ orderId: orders.partiallyRefunded, contactId: contacts.demo, appOrigin: APP_ORIGIN });
    if (!answer.ok) throw new Error(`expected the order, got ${answer.error.kind}`);
    expect(answer.view.payments.map(({ paymentId, refundedMinor, refundableMinor }) => ({ paymentId, refundedMinor, refundableMinor }))).toEqual([
      { paymentId: payments.authorizeNet, refundedMinor: 2000, refundableMinor: 6000 },
    ]);
  });

  it("refuses another contact's order", async () => {
    expect(await handlers.getOrderForRefund({ orderId: orders.hostile, contactId: contacts.demo, appOrigin: APP_ORIGIN })).toEqual({
      ok: false,
      error: { kind: 'wrong-contact', message: `Order #${orders.hostile} belongs to another contact.` },
    });
  });

  it('answers with the key of the order’s own Keap app only', async () => {
    expect(await handlers.getOrderForRefund({ orderId: orders.twoPayments, contactId: contacts.demo, appOrigin: 'https://api.infusionsoft.com' })).toEqual({
      ok: false,
      error: { kind: 'other-app', message: 'Refund Desk cannot tell which Keap app this order is in.' },
    });
    const otherApp = await handlers.getOrderForRefund({ orderId: orders.twoPayments, contactId: contacts.demo, appOrigin: 'https://beta.infusionsoft.com' });
    expect(otherApp.ok ? null : otherApp.error).toEqual({
      kind: 'other-app',
      message: `Your API key is for ${SEED.appName}.infusionsoft.com, not beta.infusionsoft.com. Add a key for this Keap app in Refund Desk options.`,
    });
    await writeConnections([]);
    const noKey = await handlers.getOrderForRefund({ orderId: orders.twoPayments, contactId: contacts.demo, appOrigin: APP_ORIGIN });
    expect(noKey.ok ? null : noKey.error.kind).toBe('not-configured');
  });

  it("passes on Keap's answer when the order cannot be read", async () => {
    const answer = await handlers.getOrderForRefund({ orderId: 424_242, contactId: contacts.demo, appOrigin: APP_ORIGIN });
    expect(answer.ok ? null : answer.error.kind).toBe('not-found');
  });
});

describe('startRefund', () => {
  it('refuses without touching the journal when the order is in no app it has a key for, or the form does not hold', async () => {
    expect(await handlers.startRefund(startInput({ appOrigin: 'https://api.infusionsoft.com' }))).toEqual({
      ok: false,
      error: { kind: 'other-app', message: 'Refund Desk cannot tell which Keap app this order is in.' },
    });
    const otherApp = await handlers.startRefund(startInput({ appOrigin: 'https://beta.infusionsoft.com' }));
    expect(otherApp.ok ? null : otherApp.error.kind).toBe('other-app');

    const tooMuch = await handlers.startRefund(
      startInput({ form: { ...startInput().form, payments: [{ paymentId: payments.twoPaymentsFirst, selected: true, amount: '60.01' }] } }),
    );
    if (tooMuch.ok) throw new Error('expected a refusal');
    expect(tooMuch.error.kind).toBe('invalid-form');
    expect(tooMuch.fieldErrors).toHaveProperty(`amount:${payments.twoPaymentsFirst}`);
    expect(await db.refunds.count()).toBe(0);
  });

  describe("started on a page of Keap's newer app", () => {
    const NEWER_ORIGIN = 'https://keap.app';
    const ACTIVITY_URL = `${NEWER_ORIGIN}/contacts/list/all/contact/${contacts.demo}/activity`;
    const newerPage = (tabId: number): Sender => ({
      kind: 'content-script',
      tabId,
      windowId: 0,
      frameId: 0,
      page: { kind: 'newer-app-contact', contactId: contacts.demo, tab: 'activity' },
      origin: NEWER_ORIGIN,
    });

    it("refunds through the newer app's own flow on the contact's activity, clicks only once approved, and confirms from Keap's API", async () => {
      keap.answer('walkRefundScreen', async ({ attemptId, plan }, tabId) => {
        const approval = await handlers.approveFinalClick({ attemptId }, newerPage(tabId));
        if (!approval.ok || !approval.go) return { kind: 'stopped', step: 'credit', problem: 'Refund Desk did not approve the final click.' };
        // What the newer app's confirmation link sends: Keap's books change.
        expect(processRefund(sandbox.state, submissionFor(plan), { declines: () => false, now: new Date() }).ok).toBe(true);
        return { kind: 'results', lines: [{ paymentId: plan.lines[0]!.paymentId, text: 'The refund of $60.00 was completed.', outcome: 'refunded' }] };
      });
      const refundId = refundIdOf(await handlers.startRefund(startInput({ appOrigin: NEWER_ORIGIN })));
      await vi.waitFor(() => expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ACTIVITY_URL, active: false }]));
      await keap.loadPage(keap.opened[0]!.tabId, ACTIVITY_URL);
      await untilState(refundId, 'confirmed');
      expect(await record(refundId)).toMatchObject({ appName: SEED.appName, newerAppOrigin: NEWER_ORIGIN });
      expect(keap.injectedScripts).toEqual(['/content-scripts/newer-app-refund.js']);
    });

    it('makes it on the classic screen when the options say always the classic screen', async () => {
      await settings.settingsItem.setValue({ ...settings.DEFAULT_SETTINGS, refundThrough: 'classic' });
      keapScreenWalksThrough();
      const refundId = refundIdOf(await handlers.startRefund(startInput({ appOrigin: NEWER_ORIGIN })));
      await vi.waitFor(() => expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ORDER_URL, active: false }]));
      await keap.loadPage(keap.opened[0]!.tabId);
      await untilState(refundId, 'confirmed');
      expect(keap.injectedScripts).toEqual(['/content-scripts/refund-screen.js']);
    });

    it('refuses, nothing journaled, while the key is bound to no Keap app', async () => {
      await writeConnections([{ appName: null, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: null }]);
      const answer = await handlers.startRefund(startInput({ appOrigin: NEWER_ORIGIN }));
      expect(answer.ok ? null : answer.error.kind).toBe('app-unknown');
      expect(await db.refunds.count()).toBe(0);
    });
  });

  it("walks Keap's screen in a tab of its own, clicks Finish only once approved, and confirms the refund from Keap's API", async () => {
    keapScreenWalksThrough();
    const contactTab = { id: 90, url: `${APP_ORIGIN}/Contact/manageContact.jsp?view=edit&ID=${contacts.demo}` };
    const otherContactTab = { id: 91, url: `${APP_ORIGIN}/Contact/manageContact.jsp?view=edit&ID=${contacts.hostile}` };
    const newerAppTab = { id: 92, url: `https://keap.app/contacts/list/all/contact/${contacts.demo}/activity` };
    keapTabsOpen([contactTab, otherContactTab, newerAppTab]);

    const refundId = refundIdOf(await handlers.startRefund(startInput()));
    await vi.waitFor(() => expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ORDER_URL, active: false }]));
    await keap.loadPage(keap.opened[0]!.tabId);
    await untilState(refundId, 'confirmed');

    expect(await trail(refundId)).toEqual(['planned', 'submitting', 'confirmed']);
    const [refundRow] = newRefundRowsOf(payments.twoPaymentsFirst);
    expect((await record(refundId)).evidence?.refundInvoicePaymentIds).toEqual([refundRow!.id]);
    expect(sandbox.state.refundLog).toEqual([expect.objectContaining({ paymentId: payments.twoPaymentsFirst, amountMinor: 6000, outcome: 'refunded' })]);
    await vi.waitFor(() => expect(settlingNotes().map((note) => note.title)).toEqual([expect.stringContaining('— confirmed')]));
    // The contact's Refunds panels reload; other contacts' do not.
    await vi.waitFor(() => expect(keap.sentOf('contactChanged', contactTab.id)).not.toEqual([]));
    expect(keap.sentOf('contactChanged', newerAppTab.id)).toContainEqual({ contactId: contacts.demo });
    expect(keap.sentOf('contactChanged', otherContactTab.id)).toEqual([]);
  });

  it('hands a walk that stopped before Finish to the person in the same tab, with the control it could not name', async () => {
    keap.answer('walkRefundScreen', () => ({ kind: 'stopped', step: 'credit', problem: 'No button reads like Finish.', learnable: 'credit-final' }));
    const refundId = refundIdOf(await handlers.startRefund(startInput()));
    await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId);
    await untilState(refundId, 'needs-manual');
    await vi.waitFor(async () => expect(await watch.watches()).toHaveProperty(refundId));

    expect((await record(refundId)).error).toEqual({
      kind: 'refund-screen-stopped',
      message: "No button reads like Finish. Nothing was sent; finish it on Keap's screen with the checklist.",
    });
    expect(await checklistOf(refundId)).toEqual({ items: [], problem: 'No button reads like Finish.', learnable: 'credit-final', watch: 'watching' });
    expect(keap.opened).toHaveLength(1);
    expect(keap.sentOf('guideRefundScreen', tabId)).toHaveLength(1);
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('in guided mode, hands the refund to the person on Keap’s screen with a checklist, and watches Keap’s API for it', async () => {
    const refundId = await startGuided();
    expect(await record(refundId)).toMatchObject({ state: 'needs-manual', error: { kind: 'guided', message: GUIDED_MESSAGE } });
    expect(await trail(refundId)).toEqual(['planned', 'submitting', 'needs-manual']);
    expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ORDER_URL, active: true }]);
    expect(await checklistOf(refundId)).toEqual({ items: [], watch: 'watching' });
    expect((await watch.watches())[refundId]?.kind).toBe('guided');
    // Teammates' Refund Desks see the refund in progress on the contact; nothing went to Keap's screen.
    expect(sandbox.state.notes.some((note) => note.contactId === contacts.demo && note.title.startsWith('Refund Desk: refunding'))).toBe(true);
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('answers a resent request with the refund it already planned, not a second one', async () => {
    const input = startInput({ mode: 'guided' });
    const first = refundIdOf(await handlers.startRefund(input));
    await untilState(first, 'needs-manual');
    expect(refundIdOf(await handlers.startRefund(input))).toBe(first);
    expect(await db.refunds.count()).toBe(1);
  });
});

describe('approveFinalClick', () => {
  it('lets the walking page click Finish only while the journal has the attempt as being sent', async () => {
    const refundId = await interruptedRecord('planned');
    keap.answer('walkRefundScreen', () => new Promise(() => undefined));
    void session.walkRefundScreenInTab(screenPlanFor(await record(refundId))!, { appOrigin: APP_ORIGIN, attemptId: refundId, learned: {}, page: { kind: 'classic-order' } });
    await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId);
    await vi.waitFor(() => expect(keap.sentOf('walkRefundScreen')).toHaveLength(1));

    expect(await handlers.approveFinalClick({ attemptId: refundId }, screenPage(tabId))).toEqual({ ok: true, go: false });
    await markState(db, refundId, 'submitting');
    expect(await handlers.approveFinalClick({ attemptId: refundId }, screenPage(tabId, 'https://beta.infusionsoft.com'))).toEqual({ ok: true, go: false });
    expect(await handlers.approveFinalClick({ attemptId: refundId }, screenPage(tabId))).toEqual({ ok: true, go: true });
  });
});

describe('refundScreenGuide', () => {
  it("looks in Keap's API soon after the person clicks the final button, and confirms the refund", async () => {
    const refundId = await startGuided();
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId);
    await refundInKeap(refundId);

    const progress = { opened: true, submitted: ['payments', 'method', 'credit'], finalClicked: true } satisfies ScreenProgress;
    expect(await handlers.refundScreenGuide({ attemptId: refundId, progress, items: [] }, screenPage(tabId))).toEqual({ ok: true });
    // The watch's own first look is 5 s after the hand-over; the final click hurries it to 1 s.
    await vi.waitFor(async () => expect((await record(refundId)).state).toBe('confirmed'), { timeout: 3_000 });
    await vi.waitFor(async () => expect(await checklistOf(refundId)).toMatchObject({ watch: 'confirmed' }));
    expect(await watch.watches()).toEqual({});
  });

  it('refuses a report from a page that is not guiding the refund', async () => {
    const refundId = await startGuided();
    const tabId = keap.opened[0]!.tabId;
    expect(await handlers.refundScreenGuide({ attemptId: refundId, progress: { opened: true, submitted: [], finalClicked: true }, items: [] }, screenPage(tabId + 1))).toEqual({
      ok: false,
      error: { kind: 'refused', message: 'This page is not carrying out that refund.' },
    });
  });
});

describe('recheckRefund', () => {
  it('says so while Keap’s API does not show the refund, and leaves it waiting for the person', async () => {
    const refundId = await startGuided();
    expect(await handlers.recheckRefund({ refundId })).toEqual({
      ok: false,
      error: {
        kind: 'not-confirmed',
        message: `Keap's API does not show this refund on order #${orders.twoPayments} yet. Check the order in Keap before trying again.`,
      },
    });
    expect((await record(refundId)).state).toBe('needs-manual');
  });

  it("confirms a refund the person made in Keap, and calls off Keap's screen for it", async () => {
    const refundId = await startGuided();
    const tabId = keap.opened[0]!.tabId;
    await refundInKeap(refundId);

    expect(await handlers.recheckRefund({ refundId })).toEqual({ ok: true, state: 'confirmed' });
    expect(await trail(refundId)).toEqual(['planned', 'submitting', 'needs-manual', 'confirmed']);
    expect((await eventsFor(db, refundId)).at(-1)?.note).toBe('Confirmed when a person asked to check again');
    expect((await record(refundId)).evidence?.refundInvoicePaymentIds).toEqual(newRefundRowsOf(payments.twoPaymentsFirst).map((row) => row.id));
    await vi.waitFor(() => expect(keap.sentOf('callOffRefundScreen', tabId)).toEqual([{ attemptId: refundId }]));
    expect(session.screenTabOf(refundId)).toBeNull();

    // Asked again, it answers the state it settled in.
    expect(await handlers.recheckRefund({ refundId })).toEqual({ ok: true, state: 'confirmed' });
  });

  it('says when Keap’s API cannot be read, or the refund is gone from the history', async () => {
    const refundId = await startGuided();
    sandbox.setFaults({ redirectApiTo: 'https://elsewhere.example/' });
    const unreadable = await handlers.recheckRefund({ refundId });
    expect(unreadable.ok ? null : unreadable.error.kind).toBe('keap-unavailable');
    expect((await record(refundId)).state).toBe('needs-manual');

    expect(await handlers.recheckRefund({ refundId: crypto.randomUUID() })).toEqual(goneFromHistory);
  });
});

describe('markNotRefunded', () => {
  it("fails the refund on the person's word once Keap's API shows no refund since it was planned, and ends its checklist", async () => {
    const refundId = await startGuided();
    const tabId = keap.opened[0]!.tabId;
    expect(await handlers.markNotRefunded({ refundId })).toEqual({ ok: true });

    expect(await record(refundId)).toMatchObject({ state: 'failed', error: { kind: 'not-refunded', message: 'A person checked in Keap: no refund was made.' } });
    expect((await eventsFor(db, refundId)).at(-1)).toMatchObject({ from: 'needs-manual', to: 'failed', note: 'Marked as not refunded by a person' });
    expect(await checklistOf(refundId)).toBeNull();
    await vi.waitFor(() => expect(keap.sentOf('callOffRefundScreen', tabId)).toEqual([{ attemptId: refundId }]));
  });

  it("refuses while Keap's API shows a refund of the payment made after it was planned", async () => {
    const refundId = await startGuided();
    await refundInKeap(refundId);
    const [refundRow] = newRefundRowsOf(payments.twoPaymentsFirst);
    expect(refundRow).toBeDefined();
    expect(await handlers.markNotRefunded({ refundId })).toEqual({
      ok: false,
      error: {
        kind: 'refund-shown',
        message: `Keap's API shows a refund of payment ${payments.twoPaymentsFirst} made after this one was planned, so it cannot be marked as not refunded. Use "Check Keap again".`,
      },
    });
    expect((await record(refundId)).state).toBe('needs-manual');
  });

  it('refuses a refund without a "before" picture, which Keap\'s API cannot clear', async () => {
    const refundId = await interruptedRecord('needs-manual', { baseline: undefined });
    const answer = await handlers.markNotRefunded({ refundId });
    expect(answer.ok ? null : answer.error).toEqual({
      kind: 'refund-shown',
      message: 'Refund Desk has no "before" picture of this order, so it cannot tell from Keap\'s API that no refund was made. Check the order in Keap.',
    });
    expect((await record(refundId)).state).toBe('needs-manual');
  });

  it('refuses a refund that is not waiting for the person, one gone from the history, and one Keap cannot be asked about', async () => {
    const planned = await interruptedRecord('planned');
    expect(await handlers.markNotRefunded({ refundId: planned })).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: 'Only a refund waiting for you can be marked as not refunded.' },
    });
    expect(await handlers.markNotRefunded({ refundId: crypto.randomUUID() })).toEqual(goneFromHistory);

    const waiting = await interruptedRecord('needs-manual');
    sandbox.setFaults({ redirectApiTo: 'https://elsewhere.example/' });
    const unreadable = await handlers.markNotRefunded({ refundId: waiting });
    expect(unreadable.ok ? null : unreadable.error).toEqual({
      kind: 'keap-unavailable',
      message: expect.stringMatching(/^Refund Desk could not check Keap's API first \(.+\)\. Try again in a moment\.$/),
    });
    expect((await record(waiting)).state).toBe('needs-manual');
  });
});

describe('continueInKeap', () => {
  it("opens Keap's screen for a refund waiting for the person, with a checklist and a watch on Keap's API", async () => {
    // Left by a service worker that stopped: no session, no watch.
    const refundId = await interruptedRecord('needs-manual');
    expect(await handlers.continueInKeap({ refundId })).toEqual({ ok: true });
    expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ORDER_URL, active: true }]);
    expect(await checklistOf(refundId)).toEqual({ items: [], watch: 'watching' });
    expect((await watch.watches())[refundId]?.kind).toBe('guided');
  });

  it("guides a refund started in Keap's newer app there, offering the classic screen, and moves it to the classic screen when asked", async () => {
    const NEWER_ORIGIN = 'https://keap.app';
    const ACTIVITY_URL = `${NEWER_ORIGIN}/contacts/list/all/contact/${contacts.demo}/activity`;
    const refundId = await interruptedRecord('needs-manual', { newerAppOrigin: NEWER_ORIGIN });
    keap.answer('callOffRefundScreen', () => undefined);
    expect(await handlers.continueInKeap({ refundId })).toEqual({ ok: true });
    expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ACTIVITY_URL, active: true }]);
    expect(await checklistOf(refundId)).toEqual({ items: [], classicScreen: true, watch: 'watching' });
    const newerTab = keap.opened[0]!.tabId;
    await keap.loadPage(newerTab, ACTIVITY_URL);

    expect(await handlers.continueInKeap({ refundId, onClassicScreen: true })).toEqual({ ok: true });
    expect(keap.opened.map((tab) => tab.url)).toEqual([ACTIVITY_URL, ORDER_URL]);
    expect(keap.sentOf('callOffRefundScreen', newerTab)).toEqual([{ attemptId: refundId }]);
    expect(await checklistOf(refundId)).toEqual({ items: [], watch: 'watching' });
    expect((await watch.watches())[refundId]?.kind).toBe('guided');
  });

  it('refuses to move a refund to the classic screen that is there already', async () => {
    const refundId = await interruptedRecord('needs-manual');
    expect(await handlers.continueInKeap({ refundId, onClassicScreen: true })).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: "This refund is already on Keap's classic refund screen." },
    });
    expect(keap.opened).toEqual([]);
  });

  it('refuses a refund that no longer needs the person, one it has no plan for, and one gone from the history', async () => {
    const planned = await interruptedRecord('planned');
    expect(await handlers.continueInKeap({ refundId: planned })).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'This refund does not need you any more.' } });

    const withoutPayments = await interruptedRecord('needs-manual', { baseline: { refundRowIds: [], refundTransactionIds: [], orderRefundTotalMinor: 0 } });
    expect(await handlers.continueInKeap({ refundId: withoutPayments })).toEqual({
      ok: false,
      error: { kind: 'no-plan', message: `Refund Desk cannot guide this older refund. Open order #${orders.twoPayments} in Keap to finish it.` },
    });

    expect(await handlers.continueInKeap({ refundId: crypto.randomUUID() })).toEqual(goneFromHistory);
    expect(keap.opened).toEqual([]);
  });
});

describe('learnControl', () => {
  /** A walk that stopped on Keap's final button, whose word Refund Desk does not know. */
  async function stoppedOnUnknownFinalButton(): Promise<string> {
    keap.answer('walkRefundScreen', () => ({ kind: 'stopped', step: 'credit', problem: 'No button reads like Finish.', learnable: 'credit-final' }));
    const refundId = refundIdOf(await handlers.startRefund(startInput()));
    await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
    await keap.loadPage(keap.opened[0]!.tabId);
    await vi.waitFor(async () => expect((await checklistOf(refundId))?.learnable).toBe('credit-final'));
    return refundId;
  }

  it("remembers the word of the control the person clicks, for the refund's own Keap app", async () => {
    await settings.learnedWordsItem.setValue({ [SEED.appName]: { 'credit-final': ['Go'] }, acme: { 'credit-final': ['Do it'] } });
    const refundId = await stoppedOnUnknownFinalButton();
    keap.answer('pickRefundScreenControl', () => ({ name: 'Make it so' }));

    expect(await handlers.learnControl({ refundId })).toEqual({ ok: true, slot: 'credit-final', word: 'Make it so' });
    expect(keap.sentOf('pickRefundScreenControl')).toMatchObject([{ attemptId: refundId, slot: 'credit-final' }]);
    expect(await settings.learnedWordsItem.getValue()).toEqual({ [SEED.appName]: { 'credit-final': ['Go', 'Make it so'] }, acme: { 'credit-final': ['Do it'] } });
    // The checklist no longer offers it, and the problem stays for the person to read.
    expect(await checklistOf(refundId)).toEqual({ items: [], problem: 'No button reads like Finish.', watch: 'watching' });
    expect(await handlers.learnControl({ refundId })).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'There is no control to show Refund Desk for this refund.' } });
  });

  it('learns a word it already knows only once', async () => {
    await settings.learnedWordsItem.setValue({ [SEED.appName]: { 'credit-final': ['Make it so'] } });
    const refundId = await stoppedOnUnknownFinalButton();
    keap.answer('pickRefundScreenControl', () => ({ name: 'Make it so' }));
    expect((await handlers.learnControl({ refundId })).ok).toBe(true);
    expect(await settings.learnedWordsItem.getValue()).toEqual({ [SEED.appName]: { 'credit-final': ['Make it so'] } });
  });

  it('keeps the newest twenty words of a control, and the words of every other app', async () => {
    const twenty = Array.from({ length: 20 }, (_, index) => `Finish ${index + 1}`);
    await settings.learnedWordsItem.setValue({ [SEED.appName]: { 'credit-final': twenty }, acme: { 'credit-final': ['Do it'] } });
    const refundId = await stoppedOnUnknownFinalButton();
    keap.answer('pickRefundScreenControl', () => ({ name: 'Make it so' }));

    expect((await handlers.learnControl({ refundId })).ok).toBe(true);
    expect(await settings.readLearnedWords()).toEqual({
      [SEED.appName]: { 'credit-final': [...twenty.slice(1), 'Make it so'] },
      acme: { 'credit-final': ['Do it'] },
    });
  });

  it('refuses a control whose name is too long to keep, and keeps what it knew', async () => {
    await settings.learnedWordsItem.setValue({ [SEED.appName]: { 'credit-final': ['Go'] } });
    const refundId = await stoppedOnUnknownFinalButton();
    keap.answer('pickRefundScreenControl', () => ({ name: 'x'.repeat(201) }));

    expect(await handlers.learnControl({ refundId })).toMatchObject({ ok: false, error: { kind: 'not-allowed' } });
    expect(await settings.readLearnedWords()).toEqual({ [SEED.appName]: { 'credit-final': ['Go'] } });
    expect((await checklistOf(refundId))?.learnable).toBe('credit-final');
  });

  it('says when it saw no click, and keeps offering the control', async () => {
    const refundId = await stoppedOnUnknownFinalButton();
    keap.answer('pickRefundScreenControl', () => ({ name: null }));
    expect(await handlers.learnControl({ refundId })).toEqual({
      ok: false,
      error: { kind: 'not-picked', message: "Refund Desk did not see a click on the button that completes the refund. Open Keap's refund screen and try again." },
    });
    expect(await settings.learnedWordsItem.getValue()).toEqual({});
    expect((await checklistOf(refundId))?.learnable).toBe('credit-final');
  });

  it('refuses a refund without a control to show', async () => {
    const refundId = await startGuided();
    expect(await handlers.learnControl({ refundId })).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'There is no control to show Refund Desk for this refund.' } });
    expect(keap.sentOf('pickRefundScreenControl')).toEqual([]);
  });
});

describe('checkWatchedRefund', () => {
  it("confirms a guided refund once Keap's API shows it, and calls off Keap's screen for it", async () => {
    const refundId = await startGuided();
    const tabId = keap.opened[0]!.tabId;
    await refundInKeap(refundId);
    expect(await handlers.checkWatchedRefund(refundId, { kind: 'guided', until: Date.now() + 60_000 })).toEqual({ kind: 'confirmed', to: 'confirmed' });
    expect((await eventsFor(db, refundId)).at(-1)?.note).toBe("Confirmed by Keap's API after the person finished it on Keap's screen");
    await vi.waitFor(() => expect(keap.sentOf('callOffRefundScreen', tabId)).toEqual([{ attemptId: refundId }]));
  });

  it('leaves a quiet watch to the quiet-period check, which lets go of a refund that no longer waits', async () => {
    const refundId = await interruptedRecord('needs-manual');
    expect(await handlers.checkWatchedRefund(refundId, { kind: 'quiet', until: Date.now() })).toEqual({ kind: 'settled', reason: 'This refund no longer waits for Keap.' });
  });

  it('cannot read a refund gone from the history, or whose Keap app has no key any more', async () => {
    expect(await handlers.checkWatchedRefund(crypto.randomUUID(), { kind: 'guided', until: Date.now() })).toEqual({
      kind: 'unreadable',
      reason: 'This refund is no longer in the history.',
    });
    const refundId = await interruptedRecord('needs-manual');
    await writeConnections([]);
    expect(await handlers.checkWatchedRefund(refundId, { kind: 'guided', until: Date.now() })).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringContaining('Add your Keap API key'),
    });
  });
});

describe('reconcileAtStart', () => {
  it("settles what a stopped service worker left half done, asking Keap's API and never sending anything", async () => {
    const contactTab = { id: 90, url: `${APP_ORIGIN}/Contact/manageContact.jsp?view=edit&ID=${contacts.demo}` };
    keapTabsOpen([contactTab]);
    const neverSent = await interruptedRecord('planned');
    const landed = await interruptedRecord('submitting');
    await refundInKeap(landed);
    const notShown = await interruptedRecord('submitting', {
      lines: [{ paymentId: payments.twoPaymentsSecond, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' }],
    });
    const refundLog = [...sandbox.state.refundLog];

    await handlers.reconcileAtStart();
    expect(await record(neverSent)).toMatchObject({ state: 'failed', error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });
    expect(await record(landed)).toMatchObject({ state: 'confirmed', evidence: { refundInvoicePaymentIds: newRefundRowsOf(payments.twoPaymentsFirst).map((row) => row.id) } });
    expect(await record(notShown)).toMatchObject({
      state: 'needs-manual',
      error: { kind: 'interrupted', message: `Keap's API does not show this refund on order #${orders.twoPayments}. Check the order in Keap before trying again.` },
    });
    expect(sandbox.state.refundLog).toEqual(refundLog);
    await vi.waitFor(() => expect(keap.sentOf('contactChanged', contactTab.id)).toContainEqual({ contactId: contacts.demo }));
  });

  it('leaves watched refunds to their watch, and refunds it cannot check as they are', async () => {
    const watched = await interruptedRecord('submitting');
    await fakeBrowser.storage.session.set({ refundWatches: { [watched]: { kind: 'quiet', until: Date.now() + 60_000 } } });
    const otherApp = await interruptedRecord('submitting', { appName: 'acme' });
    const noBaseline = await interruptedRecord('submitting', { baseline: undefined });

    await handlers.reconcileAtStart();
    expect((await record(watched)).state).toBe('submitting');
    expect((await record(otherApp)).state).toBe('submitting');
    expect(await record(noBaseline)).toMatchObject({ state: 'needs-manual', error: { message: expect.stringContaining('no "before" picture') } });
  });
});

describe('applyHistoryRetention', () => {
  it('keeps every refund while the retention setting is 0', async () => {
    const old = await interruptedRecord('planned', {}, Date.now() - 400 * DAY_MS);
    await markState(db, old, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });
    await handlers.applyHistoryRetention();
    expect(await db.refunds.get(old)).toBeDefined();
  });

  it('removes finished refunds older than the retention setting, and keeps newer ones and every one still in flight', async () => {
    await settings.settingsItem.setValue({ ...settings.DEFAULT_SETTINGS, historyRetentionDays: 30 });
    const finish = (refundId: string) => markState(db, refundId, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });
    const oldFinished = await interruptedRecord('planned', {}, Date.now() - 31 * DAY_MS);
    await finish(oldFinished);
    const newFinished = await interruptedRecord('planned', {}, Date.now() - 29 * DAY_MS);
    await finish(newFinished);
    const oldInFlight = await interruptedRecord('needs-manual', {}, Date.now() - 400 * DAY_MS);

    await handlers.applyHistoryRetention();
    expect(await db.refunds.get(oldFinished)).toBeUndefined();
    expect(await eventsFor(db, oldFinished)).toEqual([]);
    expect(await db.refunds.get(newFinished)).toBeDefined();
    expect(await db.refunds.get(oldInFlight)).toBeDefined();
  });
});
