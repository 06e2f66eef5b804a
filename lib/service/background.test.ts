import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openJournal } from '@/lib/audit/db';
import { markState, NOT_SENT_MESSAGE, planRefund } from '@/lib/audit/journal';
import type { PlanRefundInput } from '@/lib/audit/schema';
import type * as MoneyModule from '@/lib/money';
import type { MessageName } from '@/lib/messaging/protocol';
import { screenPlanFor } from '@/lib/refund/executor';
import { useFreshExtensionJournalStorage } from '@/test/support/extension-journal';
import { routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { submissionFor } from '@/test/support/sandbox-refund-screen';
import { processRefund } from '@/test/sandbox/refund';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type * as Background from './background';

// WXT's storage items and `wxt/browser` need a browser global when they are defined, and `#i18n`,
// imported through this file's imports, defines `wxt/browser`: the global is stubbed before them.
await vi.hoisted(async () => {
  const { fakeBrowser: browser } = await import('@webext-core/fake-browser');
  vi.stubGlobal('chrome', browser);
  vi.stubGlobal('browser', browser);
});
// Chrome: the side panel API is there when side-panel.ts is loaded.
const sidePanel = { open: vi.fn((_where: { tabId?: number; windowId?: number }) => Promise.resolve()) };
Object.assign(fakeBrowser, { sidePanel });
const { MESSAGES } = await import('@/lib/messaging/protocol');

/** How often the background asked for the currency formatter to be made ready. */
const moneyPreparations = vi.hoisted(() => ({ count: 0 }));
vi.mock('@/lib/money', async (importOriginal) => {
  const actual = await importOriginal<typeof MoneyModule>();
  return {
    ...actual,
    prepareMoneyFormatting: () => {
      moneyPreparations.count += 1;
      actual.prepareMoneyFormatting();
    },
  };
});

const EXTENSION = { id: fakeBrowser.runtime.id, origin: `chrome-extension://${fakeBrowser.runtime.id}` };
const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const CONTACT_URL = `${APP_ORIGIN}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`;
const WATCH_ALARM = 'refund-desk-watch';
const DAY_MS = 86_400_000;

/** Senders as the browser describes them to `runtime.onMessage`. */
const senders = {
  sidePanel: { id: EXTENSION.id, url: `${EXTENSION.origin}/sidepanel.html` },
  contactPage: { id: EXTENSION.id, url: CONTACT_URL, frameId: 0, tab: { id: 5, windowId: 2, url: CONTACT_URL } },
  otherExtension: { id: 'another-extension', url: 'chrome-extension://another-extension/page.html' },
};

/** A message as `@webext-core/messaging` sends it, delivered to the background; its answer. */
async function deliver(type: MessageName, data: unknown, sender: object): Promise<unknown> {
  const answers: unknown[] = await fakeBrowser.runtime.onMessage.trigger({ id: 1, type, data, timestamp: Date.now() }, sender, () => undefined);
  const answered = answers.filter((answer) => answer !== undefined);
  expect(answered).toHaveLength(1);
  return answered[0];
}

/** A refund of the first payment of the two-payment order, with Keap's seed order as its "before" picture. */
function journalInput(): PlanRefundInput {
  return {
    idempotencyKey: crypto.randomUUID(),
    appName: SEED.appName,
    contact: { id: SEED.contacts.demo, name: 'Dana Whitfield', email: 'dana.whitfield@example.com' },
    orderId: SEED.orders.twoPayments,
    lines: [{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' }],
    reason: { preset: 'Customer did not want it', details: 'Changed their mind' },
    errorHandling: 'skip-payment',
    amountOwedAfterMinor: 0,
    actor: { name: 'Riley Admin', email: 'riley.admin@refunddemo.example.com' },
    baseline: {
      refundRowIds: [],
      refundTransactionIds: [],
      orderRefundTotalMinor: 0,
      payments: [
        { paymentId: SEED.payments.twoPaymentsFirst, payDate: '2025-04-23T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
        { paymentId: SEED.payments.twoPaymentsSecond, payDate: '2025-04-23T16:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      ],
    },
  };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  routeKeapApiToSandbox(sandbox);
});
afterAll(() => sandbox.close());

let background: typeof Background;
let setAccessLevel: ReturnType<typeof vi.fn<(options: { accessLevel: string }) => Promise<void>>>;
let persist: ReturnType<typeof vi.fn<() => Promise<boolean>>>;

/** What the browser holds before the service worker starts, written through the modules the background reads it with. */
async function storedBeforeStart() {
  const { writeConnections } = await import('./api-key');
  const { settingsItem, DEFAULT_SETTINGS } = await import('@/lib/settings');
  return { writeConnections, settingsItem, DEFAULT_SETTINGS };
}

beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  sidePanel.open.mockClear();
  moneyPreparations.count = 0;
  // fakeBrowser has the method but throws "not implemented" from it.
  setAccessLevel = vi.fn(() => Promise.resolve());
  Object.assign(fakeBrowser.storage.local, { setAccessLevel });
  useFreshExtensionJournalStorage();
  persist = vi.fn(() => Promise.resolve(true));
  vi.stubGlobal('navigator', { storage: { persisted: () => Promise.resolve(false), persist } });
  vi.resetModules();
  background = await import('./background');
});
afterEach(() => vi.restoreAllMocks());

/** Starts the service worker and waits until it has asked to keep the journal; the rest of its start-up goes on, tests wait for what they look at. */
async function start(): Promise<void> {
  background.startBackgroundService(EXTENSION);
  await vi.waitFor(() => expect(persist).toHaveBeenCalled());
}

describe('startBackgroundService', () => {
  it('keeps content scripts out of the storage that holds the API key where the browser can (Chrome)', () => {
    background.startBackgroundService(EXTENSION);
    expect(setAccessLevel).toHaveBeenCalledExactlyOnceWith({ accessLevel: 'TRUSTED_CONTEXTS' });
  });

  it('starts where storage has no access levels (Firefox)', async () => {
    delete (fakeBrowser.storage.local as { setAccessLevel?: unknown }).setAccessLevel;
    expect(() => background.startBackgroundService(EXTENSION)).not.toThrow();
    expect(await deliver('getSettings', {}, senders.sidePanel)).toMatchObject({ res: { ok: true } });
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('not for this area'))],
    [
      'throws',
      () => {
        throw new Error('not for this area');
      },
    ],
  ])('still serves its messages when the storage switch %s, and says so in the console', async (_how, failingSwitch) => {
    setAccessLevel.mockImplementation(failingSwitch);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => background.startBackgroundService(EXTENSION)).not.toThrow();
    expect(await deliver('getSettings', {}, senders.sidePanel)).toMatchObject({ res: { ok: true } });
    await vi.waitFor(() => expect(consoleError).toHaveBeenCalledWith('Refund Desk could not keep its storage from content scripts:', expect.any(Error)));
  });

  it('registers a handler for every message before it returns, each behind its sender check', async () => {
    background.startBackgroundService(EXTENSION);
    for (const name of Object.keys(MESSAGES) as MessageName[]) {
      // A message without a handler gets no answer at all; another extension gets a refusal from each.
      expect(await deliver(name, {}, senders.otherExtension), name).toEqual({ res: { ok: false, error: { kind: 'refused', message: expect.any(String) } } });
    }
  });

  it("answers Refund Desk's own pages, and refuses what only they may ask to a Keap page", async () => {
    await start();
    expect(await deliver('getSettings', {}, senders.sidePanel)).toMatchObject({ res: { ok: true, connections: [], learnedWords: {} } });
    expect(await deliver('getSettings', {}, senders.contactPage)).toEqual({
      res: { ok: false, error: { kind: 'refused', message: 'Only Refund Desk\'s own pages may ask for "getSettings".' } },
    });
  });

  it('lets a Keap contact page open the refund panel on its own contact only', async () => {
    await start();
    expect(await deliver('openRefundPanel', { contactId: SEED.contacts.demo, orderId: SEED.orders.twoPayments }, senders.contactPage)).toEqual({ res: { ok: true } });
    expect(sidePanel.open).toHaveBeenCalledExactlyOnceWith({ tabId: 5 });
    expect(await deliver('openRefundPanel', { contactId: SEED.contacts.hostile, orderId: SEED.orders.hostile }, senders.contactPage)).toEqual({
      res: { ok: false, error: { kind: 'refused', message: 'A Keap page may only ask about the contact it shows.' } },
    });
    expect(sidePanel.open).toHaveBeenCalledOnce();
  });

  it("listens for Keap's tabs and the watch alarm, so that events that wake the service worker find them", async () => {
    await start();
    expect(fakeBrowser.tabs.onUpdated.hasListeners()).toBe(true);
    expect(fakeBrowser.tabs.onCreated.hasListeners()).toBe(true);
    expect(fakeBrowser.tabs.onRemoved.hasListeners()).toBe(true);
    expect(fakeBrowser.alarms.onAlarm.hasListeners()).toBe(true);
  });

  it("settles at start what a stopped service worker left half done: a refund never sent fails, one Keap's API shows is confirmed", async () => {
    const { writeConnections } = await storedBeforeStart();
    await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
    const journal = await openJournal();
    const neverSent = await planRefund(journal, journalInput());
    const landed = await planRefund(journal, journalInput());
    await markState(journal, landed.id, 'submitting');
    expect(processRefund(sandbox.state, submissionFor(screenPlanFor(landed)!), { declines: () => false, now: new Date() }).ok).toBe(true);

    await start();
    await vi.waitFor(async () => expect((await journal.refunds.get(landed.id))?.state).toBe('confirmed'));
    expect(await journal.refunds.get(neverSent.id)).toMatchObject({ state: 'failed', error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });
    journal.close();
  });

  it('removes finished refunds older than the retention setting at start', async () => {
    const { settingsItem, DEFAULT_SETTINGS } = await storedBeforeStart();
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, historyRetentionDays: 30 });
    const journal = await openJournal();
    const longAgo = Date.now() - 31 * DAY_MS;
    const old = await planRefund(journal, journalInput(), { now: longAgo });
    await markState(journal, old.id, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } }, { now: longAgo });
    const recent = await planRefund(journal, journalInput());
    await markState(journal, recent.id, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });

    await start();
    await vi.waitFor(async () => expect(await journal.refunds.get(old.id)).toBeUndefined());
    expect(await journal.refunds.get(recent.id)).toBeDefined();
    journal.close();
  });

  it("resumes a watched refund from the alarm after a restart, and confirms it once Keap's API shows it", async () => {
    const { writeConnections } = await storedBeforeStart();
    await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
    const journal = await openJournal();
    const planned = await planRefund(journal, journalInput());
    await markState(journal, planned.id, 'submitting');
    await markState(journal, planned.id, 'needs-manual', { error: { kind: 'guided', message: 'Finishing on Keap’s screen' } });
    // The watch the service worker kept in session storage before it stopped; its timer is gone.
    await fakeBrowser.storage.session.set({ refundWatches: { [planned.id]: { kind: 'guided', until: Date.now() + 60_000 } } });
    expect(processRefund(sandbox.state, submissionFor(screenPlanFor(planned)!), { declines: () => false, now: new Date() }).ok).toBe(true);

    await start();
    expect((await journal.refunds.get(planned.id))?.state).toBe('needs-manual');
    await fakeBrowser.alarms.onAlarm.trigger({ name: WATCH_ALARM, scheduledTime: Date.now(), periodInMinutes: 0.5 });
    await vi.waitFor(async () => expect((await journal.refunds.get(planned.id))?.state).toBe('confirmed'));
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get('refundWatches')).toEqual({ refundWatches: {} }));
    journal.close();
  });

  it('asks the browser to keep the journal under storage pressure', async () => {
    await start();
    expect(persist).toHaveBeenCalledOnce();
  });

  it('makes the currency formatter ready after it has registered everything, not while', async () => {
    background.startBackgroundService(EXTENSION);
    expect(moneyPreparations.count).toBe(0);
    await vi.waitFor(() => expect(moneyPreparations.count).toBe(1));
  });

  it('reports, and does not throw, when the journal cannot be opened at start', async () => {
    const { settingsItem, DEFAULT_SETTINGS } = await storedBeforeStart();
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, historyRetentionDays: 30 });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // Outside the extension's origin the journal refuses to open.
    vi.stubGlobal('location', { protocol: 'https:' });
    expect(() => background.startBackgroundService(EXTENSION)).not.toThrow();
    await vi.waitFor(() =>
      expect(errors.mock.calls.map(([message]) => String(message)).sort()).toEqual([
        'Refund Desk: applying the history retention failed',
        'Refund Desk: counting the refunds that need you failed',
        'Refund Desk: reconciling interrupted refunds failed',
      ]),
    );
    expect(errors.mock.calls.every(([, cause]) => cause instanceof Error && cause.message.includes('only be opened inside the extension'))).toBe(true);
  });
});
