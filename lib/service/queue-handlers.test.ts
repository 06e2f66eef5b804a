import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type * as CheckModule from '@/lib/batch/check';
import { openQueueDb, type QueueDb, rowsOf } from '@/lib/batch/db';
import type * as RunnerModule from '@/lib/batch/runner';
import type { Queue, QueueRow, QueueRowDraft } from '@/lib/batch/schema';
import { invalidRow, ranRow, readyRow } from '@/lib/batch/test-rows';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { useFreshExtensionJournalStorage } from '@/test/support/extension-journal';
import { routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type * as ApiKey from './api-key';
import type * as QueueHandlers from './queue-handlers';
import type * as SettingsModule from '@/lib/settings';

/*
 * The queue's background handlers with the queue in IndexedDB (fake-indexeddb, opened as the
 * background opens it), the browser played by fakeBrowser, and the check and the run themselves
 * stubbed: they have tests of their own (lib/batch). Keap's API is the sandbox CRM.
 */

// WXT's storage items and `wxt/browser` need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);

const stubs = vi.hoisted(() => ({ checkQueueRows: vi.fn<typeof CheckModule.checkQueueRows>(), runQueue: vi.fn<typeof RunnerModule.runQueue>() }));
vi.mock('@/lib/batch/check', async (importOriginal) => ({ ...(await importOriginal<typeof CheckModule>()), checkQueueRows: stubs.checkQueueRows }));
vi.mock('@/lib/batch/runner', async (importOriginal) => ({ ...(await importOriginal<typeof RunnerModule>()), runQueue: stubs.runQueue }));

const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const QUEUE_PAGE = `chrome-extension://${fakeBrowser.runtime.id}/queue.html`;
const ALARM = 'refund-desk-queue';

/** The Refunds panel on a classic contact page of `origin`. */
const contactPage = (origin = APP_ORIGIN): SenderIdentity => ({
  kind: 'content-script',
  tabId: 5,
  windowId: 2,
  frameId: 0,
  page: { kind: 'classic-contact', contactId: SEED.contacts.demo },
  origin,
});
const pastedRow = (orderId: number): QueueRowDraft => ({ orderId, reasonDetails: '', source: 'pasted' });

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

let handlers: typeof QueueHandlers;
let settings: typeof SettingsModule;
let writeConnections: typeof ApiKey.writeConnections;
let db: QueueDb;
let consoleErrors: MockInstance<typeof console.error>;

/** A fresh service worker with one key, for the sandbox's app; the check and the run answer as if all went well. */
beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  useFreshExtensionJournalStorage();
  routeKeapApiToSandbox(sandbox);
  consoleErrors = vi.spyOn(console, 'error');
  stubs.checkQueueRows.mockReset().mockResolvedValue({ ok: true });
  stubs.runQueue.mockReset().mockImplementation(async (queueId, deps) => {
    await deps.queues.queues.update(queueId, { state: 'finished' });
    return { kind: 'finished' };
  });
  vi.resetModules();
  handlers = await import('./queue-handlers');
  settings = await import('@/lib/settings');
  ({ writeConnections } = await import('./api-key'));
  await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
  db = await openQueueDb();
});
afterEach(() => {
  // The background reports a queue that stopped unexpectedly only there.
  expect(consoleErrors).not.toHaveBeenCalled();
  db.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.stubGlobal('chrome', fakeBrowser);
  vi.stubGlobal('browser', fakeBrowser);
});

async function theQueue(): Promise<Queue> {
  const queues = await db.queues.orderBy('createdAt').toArray();
  expect(queues).toHaveLength(1);
  return queues[0]!;
}

/** A queue of `rows` (test-rows' queue) in `state`, for Keap app `appName`. */
async function storedQueue(state: Queue['state'], rows: QueueRow[] = [], appName: string | null = SEED.appName): Promise<Queue> {
  const queue: Queue = { id: 'queue-1', createdAt: 1, updatedAt: 1, appName, state, defaults: { reasonDetails: '', errorHandling: 'skip-payment' } };
  await db.queues.add(queue);
  await db.rows.bulkAdd(rows);
  return queue;
}

const untilState = (state: Queue['state']) => expect.poll(async () => (await db.queues.get('queue-1'))?.state).toBe(state);
/** The queue's driver has let go: its alarm is cleared once nothing waits. */
const untilAlarmCleared = () => expect.poll(() => fakeBrowser.alarms.get(ALARM)).toBeUndefined();

describe('queueAddRows', () => {
  it('puts the rows in order into a new draft queue with the person’s default error handling, and further rows after them', async () => {
    await settings.settingsItem.setValue({ ...settings.DEFAULT_SETTINGS, defaultErrorHandling: 'record-anyway' });

    expect(await handlers.queueAddRows({ rows: [pastedRow(5001), pastedRow(5002)] })).toEqual({ ok: true, added: 2 });
    expect(await handlers.queueAddRows({ rows: [pastedRow(5003)] })).toEqual({ ok: true, added: 1 });

    const queue = await theQueue();
    expect(queue).toMatchObject({ state: 'draft', appName: null, defaults: { reasonDetails: '', errorHandling: 'record-anyway' } });
    const rows = await rowsOf(db, queue.id);
    expect(rows.map((row) => [row.id, row.position, row.draft.orderId])).toEqual([
      [`${queue.id}:0`, 0, 5001],
      [`${queue.id}:1`, 1, 5002],
      [`${queue.id}:2`, 2, 5003],
    ]);
  });

  it('adding to a checked queue makes it a draft again and keeps the checks made', async () => {
    await storedQueue('checked', [readyRow(0, [6000])]);
    expect(await handlers.queueAddRows({ rows: [pastedRow(5009)] })).toEqual({ ok: true, added: 1 });
    expect((await theQueue()).state).toBe('draft');
    const rows = await rowsOf(db, 'queue-1');
    expect(rows.map((row) => [row.position, row.check?.status])).toEqual([
      [0, 'ready'],
      [1, undefined],
    ]);
  });

  it.each(['checking', 'running', 'paused'] as const)('refuses rows while the queue is %s, and adds none', async (state) => {
    await storedQueue(state, [readyRow(0, [6000])]);
    expect(await handlers.queueAddRows({ rows: [pastedRow(5009)] })).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: 'The refund queue is being checked or run. Add these orders once it has finished, or cancel it.' },
    });
    expect(await db.rows.count()).toBe(1);
    expect((await theQueue()).state).toBe(state);
  });

  it('after a queue has finished, rows start a new queue', async () => {
    await storedQueue('finished', [ranRow(readyRow(0, [6000]), 'done')]);
    await handlers.queueAddRows({ rows: [pastedRow(5009)] });
    const queues = await db.queues.orderBy('createdAt').toArray();
    expect(queues.map((queue) => queue.state)).toEqual(['finished', 'draft']);
    expect((await rowsOf(db, queues[1]!.id)).map((row) => row.draft.orderId)).toEqual([5009]);
  });
});

describe('addOrdersToQueue (the Refunds panel’s "Add to queue")', () => {
  it('adds the orders for the page’s Keap app and opens the queue page, then brings that tab and its window forward', async () => {
    const created = vi.spyOn(fakeBrowser.tabs, 'create');
    const focused = vi.spyOn(fakeBrowser.windows, 'update');

    expect(await handlers.addOrdersToQueue({ contactId: SEED.contacts.demo, orderIds: [5001, 5002] }, contactPage())).toEqual({ ok: true, added: 2 });

    const queue = await theQueue();
    expect(queue).toMatchObject({ state: 'draft', appName: SEED.appName });
    expect((await rowsOf(db, queue.id)).map((row) => row.draft)).toEqual([
      { orderId: 5001, reasonDetails: '', source: 'panel' },
      { orderId: 5002, reasonDetails: '', source: 'panel' },
    ]);
    expect(created).toHaveBeenCalledWith({ url: QUEUE_PAGE });
    const [page] = await fakeBrowser.tabs.query({ url: QUEUE_PAGE });
    expect(page).toBeDefined();

    const updated = vi.spyOn(fakeBrowser.tabs, 'update');
    expect(await handlers.addOrdersToQueue({ contactId: SEED.contacts.demo, orderIds: [5007] }, contactPage())).toEqual({ ok: true, added: 1 });
    expect(created).toHaveBeenCalledTimes(1);
    expect(updated).toHaveBeenCalledWith(page!.id, { active: true });
    expect(focused).toHaveBeenCalledWith(page!.windowId, { focused: true });
    expect(await db.rows.count()).toBe(3);
  });

  it('refuses orders of another Keap app than the queue’s, adding nothing and opening nothing', async () => {
    await storedQueue('draft', [], 'acme');
    const created = vi.spyOn(fakeBrowser.tabs, 'create');
    expect(await handlers.addOrdersToQueue({ contactId: SEED.contacts.demo, orderIds: [5001] }, contactPage())).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: `The refund queue refunds in the Keap app acme. Run or clear it before adding orders of ${SEED.appName}.` },
    });
    expect(await db.rows.count()).toBe(0);
    expect(created).not.toHaveBeenCalled();
  });

  it('refuses a sender that is not a Keap page, and a page whose Keap app cannot be told', async () => {
    expect(await handlers.addOrdersToQueue({ contactId: 1, orderIds: [5001] }, { kind: 'extension-page', url: QUEUE_PAGE })).toMatchObject({
      ok: false,
      error: { kind: 'not-allowed' },
    });
    expect(await handlers.addOrdersToQueue({ contactId: 1, orderIds: [5001] }, contactPage('https://api.infusionsoft.com'))).toMatchObject({
      ok: false,
      error: { kind: 'other-app' },
    });
    expect(await db.queues.count()).toBe(0);
  });
});

describe('queueRemoveRow', () => {
  it('removes a row while the queue is a draft or checked', async () => {
    await storedQueue('checked', [readyRow(0, [6000]), invalidRow(1, 'Not an order')]);
    expect(await handlers.queueRemoveRow({ rowId: 'queue-1:1' })).toEqual({ ok: true });
    expect((await rowsOf(db, 'queue-1')).map((row) => row.id)).toEqual(['queue-1:0']);
  });

  it.each(['checking', 'running', 'paused', 'finished', 'cancelled'] as const)('keeps the row of a queue that is %s', async (state) => {
    await storedQueue(state, [readyRow(0, [6000])]);
    expect(await handlers.queueRemoveRow({ rowId: 'queue-1:0' })).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: 'Rows cannot be removed while the queue is being checked or run.' },
    });
    expect(await db.rows.count()).toBe(1);
  });

  it('a row that is gone already is fine', async () => {
    expect(await handlers.queueRemoveRow({ rowId: 'queue-1:9' })).toEqual({ ok: true });
  });
});

describe('queueUpdate', () => {
  it('sets the defaults and the Keap app, and clears every row’s check so that all are checked again', async () => {
    const checked = { ...readyRow(0, [6000]), checkedOrder: { order: {}, payments: [], transactions: [] } } as unknown as QueueRow;
    await storedQueue('checked', [checked, invalidRow(1, 'Not refundable')], null);
    const defaults = { reasonPreset: 'Other' as const, reasonDetails: 'Recall', errorHandling: 'record-anyway' as const };

    expect(await handlers.queueUpdate({ defaults, appName: 'ACME' })).toEqual({ ok: true });

    expect(await theQueue()).toMatchObject({ state: 'draft', appName: 'acme', defaults });
    const rows = await rowsOf(db, 'queue-1');
    expect(rows.map((row) => [row.check, row.checkedOrder])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(rows.map((row) => row.draft.orderId)).toEqual([5001, 5002]);
  });

  it('refuses while the queue runs, changing nothing', async () => {
    await storedQueue('running', [readyRow(0, [6000])]);
    expect(await handlers.queueUpdate({ appName: 'acme' })).toMatchObject({ ok: false, error: { kind: 'not-allowed' } });
    expect(await theQueue()).toMatchObject({ state: 'running', appName: SEED.appName });
    expect((await rowsOf(db, 'queue-1'))[0]?.check?.status).toBe('ready');
  });
});

describe('queueCheck', () => {
  it('takes the Keap app of the only key, marks the queue checking, checks its rows with that app and the queue’s defaults, then marks it checked', async () => {
    const queue = await storedQueue('draft', [readyRow(0, [6000]), { ...readyRow(1, [500]), check: undefined }], null);

    expect(await handlers.queueCheck()).toEqual({ ok: true });
    expect((await theQueue()).appName).toBe(SEED.appName);
    await untilState('checked');
    await untilAlarmCleared();

    expect(stubs.checkQueueRows).toHaveBeenCalledTimes(1);
    const [rows, defaults, deps] = stubs.checkQueueRows.mock.calls[0]!;
    expect(rows.map((row) => row.id)).toEqual(['queue-1:0', 'queue-1:1']);
    expect(defaults).toEqual(queue.defaults);
    expect(deps.appName).toBe(SEED.appName);
  });

  it('shows the queue as checking while the check runs', async () => {
    let finishCheck: (outcome: CheckModule.CheckOutcome) => void = () => undefined;
    stubs.checkQueueRows.mockImplementation(() => new Promise((resolve) => (finishCheck = resolve)));
    await storedQueue('draft', [{ ...readyRow(0, [6000]), check: undefined }]);

    await handlers.queueCheck();
    await expect.poll(() => stubs.checkQueueRows.mock.calls.length).toBe(1);
    expect((await theQueue()).state).toBe('checking');
    expect(await fakeBrowser.alarms.get(ALARM)).toMatchObject({ periodInMinutes: 0.5 });

    finishCheck({ ok: true });
    await untilState('checked');
    await untilAlarmCleared();
  });

  it('when Keap stops answering, the queue is a draft again and says why', async () => {
    stubs.checkQueueRows.mockResolvedValue({ ok: false, error: { kind: 'throttled', message: 'Keap is limiting requests; try again in 30 seconds.' } });
    await storedQueue('draft', [{ ...readyRow(0, [6000]), check: undefined }]);

    await handlers.queueCheck();
    await untilState('draft');
    await untilAlarmCleared();
    expect((await theQueue()).pausedBecause?.message).toBe(
      "Keap's API did not answer while the rows were checked (Keap is limiting requests; try again in 30 seconds.). Rows already checked keep their result; check again to go on.",
    );
  });

  it('refuses without a Keap app it can tell: several keys, a key not yet bound, or no key at all, and leaves the queue a draft', async () => {
    await storedQueue('draft', [{ ...readyRow(0, [6000]), check: undefined }], null);
    const key = { apiKey: 'KeapAK-other', apiHost: 'api.infusionsoft.com' as const, boundBy: 'person' as const };

    await writeConnections([
      { ...key, appName: SEED.appName, apiKey: SEED.apiKey },
      { ...key, appName: 'acme' },
    ]);
    expect(await handlers.queueCheck()).toEqual({ ok: false, error: { kind: 'app-unknown', message: 'Choose the Keap app these orders are in.' } });

    await writeConnections([{ ...key, appName: null, boundBy: null }]);
    expect(await handlers.queueCheck()).toEqual({
      ok: false,
      error: {
        kind: 'app-unknown',
        message: 'Refund Desk does not yet know which Keap app your API key belongs to. Type the Keap app name under Keap connections in Refund Desk options, then check again.',
      },
    });

    await writeConnections([]);
    expect(await handlers.queueCheck()).toMatchObject({ ok: false, error: { kind: 'not-configured' } });

    expect(await theQueue()).toMatchObject({ state: 'draft', appName: null });
    expect(stubs.checkQueueRows).not.toHaveBeenCalled();
  });

  it('refuses a queue whose Keap app has no key', async () => {
    await storedQueue('draft', [{ ...readyRow(0, [6000]), check: undefined }], 'acme');
    expect(await handlers.queueCheck()).toMatchObject({ ok: false, error: { kind: 'other-app' } });
    expect((await theQueue()).state).toBe('draft');
  });

  it('refuses a queue that is not waiting to be checked', async () => {
    await storedQueue('running', [readyRow(0, [6000])]);
    expect(await handlers.queueCheck()).toMatchObject({ ok: false, error: { kind: 'not-allowed' } });
    expect(stubs.checkQueueRows).not.toHaveBeenCalled();
  });
});

describe('queueRun, queuePause and resumeQueues', () => {
  it('runs a checked queue with its Keap app’s key, the merchants read once, and confirming reads without transactions', async () => {
    await storedQueue('checked', [readyRow(0, [6000])]);

    expect(await handlers.queueRun()).toEqual({ ok: true });
    await untilState('finished');
    await untilAlarmCleared();

    expect(stubs.runQueue).toHaveBeenCalledTimes(1);
    const [queueId, deps] = stubs.runQueue.mock.calls[0]!;
    expect(queueId).toBe('queue-1');
    expect(deps.appOrigin).toBe(APP_ORIGIN);
    expect(deps.merchants.merchant_accounts.map((account) => account.account_name)).toContain('Stripe');
    expect(deps.executor.confirmation.withTransactions).toBe(false);
    expect(deps.dailyQuota().remaining).toBeGreaterThan(0);
  });

  it('refuses a queue with no ready row, and one that is not checked', async () => {
    await storedQueue('checked', [invalidRow(0, 'Not refundable')]);
    expect(await handlers.queueRun()).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'No row of the queue is ready to refund.' } });
    await db.queues.update('queue-1', { state: 'draft' });
    expect(await handlers.queueRun()).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'There is no checked queue to run.' } });
    expect(stubs.runQueue).not.toHaveBeenCalled();
  });

  it('Pause marks a running queue paused; only a running one', async () => {
    await storedQueue('running', [readyRow(0, [6000])]);
    expect(await handlers.queuePause()).toEqual({ ok: true });
    expect((await theQueue()).state).toBe('paused');
    expect(await handlers.queuePause()).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'The queue is not running.' } });
  });

  it('at start, a queue paused by Keap’s limits goes on once its time has come, and not before; one paused by the person stays paused', async () => {
    const queue = await storedQueue('paused', [readyRow(0, [6000])]);
    await db.queues.update(queue.id, { pausedBecause: { message: 'Keap asked Refund Desk to slow down.', resumeAt: Date.now() + 3_600_000 } });
    await handlers.resumeQueues();
    expect(stubs.runQueue).not.toHaveBeenCalled();
    expect((await theQueue()).state).toBe('paused');

    await db.queues.update(queue.id, { pausedBecause: { message: 'Keap asked Refund Desk to slow down.', resumeAt: Date.now() - 1 } });
    await handlers.resumeQueues();
    expect(stubs.runQueue).toHaveBeenCalledTimes(1);
    const resumed = await theQueue();
    expect(resumed.state).toBe('finished');
    expect(resumed.pausedBecause).toBeUndefined();

    await db.queues.update(queue.id, { state: 'paused' });
    await handlers.resumeQueues();
    expect(stubs.runQueue).toHaveBeenCalledTimes(1);
  });
});

describe('queueCancel', () => {
  it('cancels the rows not started yet, leaves the one running and those ended as they are, and cancels the queue', async () => {
    await storedQueue('running', [
      ranRow(readyRow(0, [6000]), 'done'),
      ranRow(readyRow(1, [6000]), 'running'),
      ranRow(readyRow(2, [6000]), 'waiting'),
      readyRow(3, [6000]),
      invalidRow(4, 'Not refundable'),
    ]);

    expect(await handlers.queueCancel()).toEqual({ ok: true });

    expect((await theQueue()).state).toBe('cancelled');
    expect((await rowsOf(db, 'queue-1')).map((row) => row.run?.status)).toEqual(['done', 'running', 'cancelled', 'cancelled', undefined]);
  });

  it.each(['finished', 'cancelled'] as const)('refuses a queue that is %s', async (state) => {
    await storedQueue(state, [readyRow(0, [6000])]);
    expect(await handlers.queueCancel()).toEqual({ ok: false, error: { kind: 'not-allowed', message: 'There is no queue to cancel.' } });
    expect((await rowsOf(db, 'queue-1'))[0]?.run).toBeUndefined();
  });
});

describe('queueNew', () => {
  it.each(['checking', 'running', 'paused'] as const)('refuses while the queue is %s', async (state) => {
    await storedQueue(state, [readyRow(0, [6000])]);
    expect(await handlers.queueNew()).toEqual({
      ok: false,
      error: { kind: 'not-allowed', message: 'The refund queue is being checked or run. Cancel it before starting a new one.' },
    });
    expect(await db.queues.count()).toBe(1);
  });

  it('starts an empty draft queue that becomes the current one', async () => {
    await storedQueue('finished', [ranRow(readyRow(0, [6000]), 'done')]);
    expect(await handlers.queueNew()).toEqual({ ok: true });
    const queues = await db.queues.orderBy('createdAt').toArray();
    expect(queues.map((queue) => [queue.state, queue.appName])).toEqual([
      ['finished', SEED.appName],
      ['draft', null],
    ]);
    expect(await rowsOf(db, queues[1]!.id)).toEqual([]);
  });
});
