import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import { checkQueueRows } from '@/lib/batch/check';
import { currentQueue, openQueueDb, type QueueDb, rowsOf } from '@/lib/batch/db';
import { runQueue } from '@/lib/batch/runner';
import type { Queue, QueueRowDraft } from '@/lib/batch/schema';
import { retryAtOf } from '@/lib/keap/errors';
import { classicAppOrigin } from '@/lib/keap-hosts';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { actorOf } from '@/lib/refund/actor';
import { readSettings } from '@/lib/settings';
import { readConnections } from './api-key';
import { notConfiguredError, storedAccess } from './keap-access';
import { backgroundJournal, checkWatchedRefund, executorDeps, learnedFor, refundAppOf } from './refund-handlers';
import { screenTabOf, walkRefundScreenInTab } from './refund-screen-session';
import { watchRefund } from './refund-watch';

/*
 * The refund queue in the background: rows come from the queue page and the Refunds panels, are
 * checked against Keap's API, and run one refund at a time in one reused tab. The queue lives in
 * IndexedDB; an alarm wakes a stopped service worker to go on with a queue being checked or run,
 * or paused by Keap's limits until a time that has come.
 */

const ALARM_NAME = 'refund-desk-queue';
const QUEUE_PAGE = '/queue.html';

let queues: Promise<QueueDb> | null = null;
function backgroundQueues(): Promise<QueueDb> {
  queues ??= openQueueDb();
  return queues;
}

/** Queues this service worker is checking or running now: one driver each. */
const driving = new Set<string>();
/** The tab the running queue refunds in, reused refund after refund. */
let queueTabId: number | undefined;
let resumeTimer: ReturnType<typeof setTimeout> | undefined;

type Failure = { ok: false; error: { kind: string; message: string } };
const refused = (message: string): Failure => ({ ok: false, error: { kind: 'not-allowed', message } });

function newQueue(errorHandling: Queue['defaults']['errorHandling'], now: number): Queue {
  return { id: crypto.randomUUID(), createdAt: now, updatedAt: now, appName: null, state: 'draft', defaults: { reasonDetails: '', errorHandling } };
}

/** The queue rows may be added to: the newest while it is being made, else a new one. */
async function editableQueue(db: QueueDb): Promise<{ ok: true; queue: Queue } | Failure> {
  const queue = await currentQueue(db);
  if (queue && (queue.state === 'draft' || queue.state === 'checked')) return { ok: true, queue };
  if (queue && (queue.state === 'checking' || queue.state === 'running' || queue.state === 'paused')) {
    return refused(i18n.t('queueRun.refused.busyAdding'));
  }
  const { defaultErrorHandling } = await readSettings();
  const created = newQueue(defaultErrorHandling, Date.now());
  await db.queues.add(created);
  return { ok: true, queue: created };
}

async function addRows(db: QueueDb, queue: Queue, drafts: readonly QueueRowDraft[]): Promise<number> {
  const existing = await rowsOf(db, queue.id);
  const next = existing.reduce((highest, row) => Math.max(highest, row.position + 1), 0);
  await db.transaction('rw', db.queues, db.rows, async () => {
    await db.rows.bulkAdd(drafts.map((draft, index) => ({ id: `${queue.id}:${next + index}`, queueId: queue.id, position: next + index, draft })));
    await db.queues.update(queue.id, { state: 'draft', updatedAt: Date.now() });
  });
  return drafts.length;
}

export async function queueAddRows({ rows }: MessageData<'queueAddRows'>): Promise<MessageOutput<'queueAddRows'>> {
  const db = await backgroundQueues();
  const editable = await editableQueue(db);
  if (!editable.ok) return editable;
  return { ok: true, added: await addRows(db, editable.queue, rows) };
}

/** The Refunds panel's "Add to queue": the orders join the queue for the page's Keap app, and the queue's page opens. */
export async function addOrdersToQueue({ orderIds }: MessageData<'addOrdersToQueue'>, sender: SenderIdentity): Promise<MessageOutput<'addOrdersToQueue'>> {
  if (sender.kind !== 'content-script') return refused(i18n.t('queueRun.refused.notFromContactPage'));
  const app = await refundAppOf(sender.origin);
  if (!app.ok) return app;
  const db = await backgroundQueues();
  const editable = await editableQueue(db);
  if (!editable.ok) return editable;
  const { queue } = editable;
  if (queue.appName !== null && queue.appName !== app.appName) {
    return refused(i18n.t('queueRun.refused.otherApp', [queue.appName, app.appName]));
  }
  if (queue.appName === null) await db.queues.update(queue.id, { appName: app.appName });
  const added = await addRows(
    db,
    queue,
    orderIds.map((orderId) => ({ orderId, reasonDetails: '', source: 'panel' as const })),
  );
  await openQueuePage();
  return { ok: true, added };
}

async function openQueuePage(): Promise<void> {
  const url = browser.runtime.getURL(QUEUE_PAGE);
  const [open] = await browser.tabs.query({ url });
  if (open?.id === undefined) {
    await browser.tabs.create({ url });
    return;
  }
  // The page may be in another window: that window comes to the front too.
  await browser.tabs.update(open.id, { active: true });
  await browser.windows.update(open.windowId, { focused: true });
}

export async function queueRemoveRow({ rowId }: MessageData<'queueRemoveRow'>): Promise<MessageOutput<'queueRemoveRow'>> {
  const db = await backgroundQueues();
  const row = await db.rows.get(rowId);
  const queue = row ? await db.queues.get(row.queueId) : undefined;
  if (!row || !queue) return { ok: true };
  if (queue.state !== 'draft' && queue.state !== 'checked') return refused(i18n.t('queueRun.refused.busyRemoving'));
  await db.rows.delete(rowId);
  return { ok: true };
}

export async function queueUpdate({ defaults, appName }: MessageData<'queueUpdate'>): Promise<MessageOutput<'queueUpdate'>> {
  const db = await backgroundQueues();
  const editable = await editableQueue(db);
  if (!editable.ok) return editable;
  const { queue } = editable;
  await db.transaction('rw', db.queues, db.rows, async () => {
    await db.queues.update(queue.id, {
      ...(defaults ? { defaults } : {}),
      ...(appName ? { appName: appName.toLowerCase() } : {}),
      state: 'draft',
      updatedAt: Date.now(),
    });
    // What the rows were checked against changed: every row is checked again.
    await db.rows
      .where('[queueId+position]')
      .between([queue.id, 0], [queue.id, Number.MAX_SAFE_INTEGER])
      .modify((row) => {
        delete row.check;
        delete row.checkedOrder;
      });
  });
  return { ok: true };
}

/** The Keap app a queue refunds in: its own, else the app of the only key Refund Desk has. */
async function appOfQueue(queue: Queue): Promise<{ ok: true; appName: string } | Failure> {
  if (queue.appName !== null) return { ok: true, appName: queue.appName };
  const connections = await readConnections();
  if (connections.length === 0) return { ok: false, error: notConfiguredError };
  const apps = connections.flatMap((connection) => (connection.appName ? [connection.appName] : []));
  if (apps.length === 1 && apps[0]) return { ok: true, appName: apps[0] };
  return {
    ok: false,
    error: {
      kind: 'app-unknown',
      message: apps.length === 0 ? i18n.t('queueRun.refused.appNotKnown', [i18n.t('options.connections.legend')]) : i18n.t('queueRun.refused.chooseApp'),
    },
  };
}

export async function queueCheck(): Promise<MessageOutput<'queueCheck'>> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (!queue || (queue.state !== 'draft' && queue.state !== 'checked')) return refused(i18n.t('queueRun.refused.nothingToCheck'));
  const app = await appOfQueue(queue);
  if (!app.ok) return app;
  const access = await storedAccess(app.appName);
  if (!access.ok) return { ok: false, error: access.error };
  await db.queues.update(queue.id, { appName: app.appName, state: 'checking', updatedAt: Date.now(), pausedBecause: undefined });
  void driveQueue(queue.id);
  return { ok: true };
}

export async function queueRun(): Promise<MessageOutput<'queueRun'>> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (!queue || (queue.state !== 'checked' && queue.state !== 'paused')) return refused(i18n.t('queueRun.refused.nothingToRun'));
  const ready = (await rowsOf(db, queue.id)).filter((row) => row.check?.status === 'ready');
  if (ready.length === 0) return refused(i18n.t('queueRun.refused.noneReady'));
  await db.queues.update(queue.id, { state: 'running', updatedAt: Date.now(), pausedBecause: undefined });
  void driveQueue(queue.id);
  return { ok: true };
}

export async function queuePause(): Promise<MessageOutput<'queuePause'>> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (!queue || queue.state !== 'running') return refused(i18n.t('queueRun.refused.notRunning'));
  await db.queues.update(queue.id, { state: 'paused', updatedAt: Date.now() });
  return { ok: true };
}

export async function queueCancel(): Promise<MessageOutput<'queueCancel'>> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (!queue || queue.state === 'finished' || queue.state === 'cancelled') return refused(i18n.t('queueRun.refused.nothingToCancel'));
  const now = Date.now();
  await db.transaction('rw', db.queues, db.rows, async () => {
    await db.queues.update(queue.id, { state: 'cancelled', updatedAt: now });
    // The refund in progress, if any, finishes; rows not started are never sent.
    await db.rows
      .where('[queueId+position]')
      .between([queue.id, 0], [queue.id, Number.MAX_SAFE_INTEGER])
      .modify((row) => {
        if (row.check?.status === 'ready' && (!row.run || row.run.status === 'waiting')) row.run = { status: 'cancelled', refundIds: [], at: now };
      });
  });
  return { ok: true };
}

export async function queueNew(): Promise<MessageOutput<'queueNew'>> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (queue && (queue.state === 'checking' || queue.state === 'running' || queue.state === 'paused')) {
    return refused(i18n.t('queueRun.refused.busyNew'));
  }
  const { defaultErrorHandling } = await readSettings();
  await db.queues.add(newQueue(defaultErrorHandling, Date.now()));
  return { ok: true };
}

/** Checks or runs a queue until it waits for the person, finishes, or Keap's limits pause it. */
async function driveQueue(queueId: string): Promise<void> {
  if (driving.has(queueId)) return;
  driving.add(queueId);
  try {
    await browser.alarms.create(ALARM_NAME, { periodInMinutes: 0.5 });
    const db = await backgroundQueues();
    const queue = await db.queues.get(queueId);
    if (!queue?.appName) return;
    if (queue.state === 'checking') await checkQueue(db, queue, queue.appName);
    else if (queue.state === 'running') await runQueueNow(db, queue, queue.appName);
  } catch (cause) {
    console.error('Refund Desk: the refund queue stopped unexpectedly', cause);
  } finally {
    driving.delete(queueId);
    await settleAlarm();
  }
}

async function checkQueue(db: QueueDb, queue: Queue, appName: string): Promise<void> {
  const access = await storedAccess(appName);
  const stop = async (message: string) => db.queues.update(queue.id, { state: 'draft', pausedBecause: { message }, updatedAt: Date.now() });
  if (!access.ok) {
    await stop(access.error.message);
    return;
  }
  const rows = await rowsOf(db, queue.id);
  const outcome = await checkQueueRows(rows, queue.defaults, { client: access.access.client, journal: await backgroundJournal(), appName, now: () => Date.now() }, async (row) => {
    await db.rows.put(row);
  });
  if (!outcome.ok) {
    await stop(i18n.t('queueRun.pause.checkStopped', [outcome.error.message]));
    return;
  }
  await db.queues
    .where('id')
    .equals(queue.id)
    .and((current) => current.state === 'checking')
    .modify({ state: 'checked', updatedAt: Date.now() });
}

async function runQueueNow(db: QueueDb, queue: Queue, appName: string): Promise<void> {
  const deps = await executorDeps(appName);
  const pause = (message: string, resumeAt?: number) =>
    db.queues.update(queue.id, { state: 'paused', pausedBecause: resumeAt === undefined ? { message } : { message, resumeAt }, updatedAt: Date.now() });
  if (!deps.ok) return void (await pause(deps.error.message));
  const { client, limiter } = deps.access;
  const merchants = await client.listMerchants();
  if (!merchants.ok) {
    const { error } = merchants;
    const resumeAt = retryAtOf(error);
    if (resumeAt === undefined) return void (await pause(i18n.t('queueRun.pause.noAnswerResume', [error.message])));
    await pause(i18n.t('queueRun.pause.slowDown', [error.message, new Date(resumeAt).toLocaleTimeString()]), resumeAt);
    scheduleResume(resumeAt);
    return;
  }
  const learned = await learnedFor(appName);
  const end = await runQueue(queue.id, {
    queues: db,
    appOrigin: classicAppOrigin(appName),
    merchants: merchants.value,
    actor: await actorOf(client, deps.deps.yourName),
    dailyQuota: () => limiter.dailyQuota(),
    now: () => Date.now(),
    executor: {
      ...deps.deps,
      // A queue keeps to six calls a refund: its confirming reads leave out the transactions.
      confirmation: { ...deps.deps.confirmation, withTransactions: false },
      runRefundScreen: async (plan, target) => {
        const result = await walkRefundScreenInTab(plan, { ...target, learned, ...(queueTabId === undefined ? {} : { reuseTabId: queueTabId }) });
        queueTabId = screenTabOf(target.attemptId) ?? queueTabId;
        return result;
      },
      // A row the walk cannot finish waits for the person, watched through Keap's API, while the
      // queue goes on: its tab is the queue's, and "Continue in Keap" opens it again for them.
      handOver: (record) => watchRefund(record.id, checkWatchedRefund),
    },
  });
  if (end.kind === 'paused-by-limits') scheduleResume(end.resumeAt);
  if ((end.kind === 'finished' || (end.kind === 'stopped' && end.state === 'cancelled')) && queueTabId !== undefined) {
    await browser.tabs.remove(queueTabId).catch(() => undefined);
    queueTabId = undefined;
  }
}

/** Goes on with a queue paused by Keap's limits once the time has come; the alarm covers a stopped worker. */
function scheduleResume(resumeAt: number): void {
  clearTimeout(resumeTimer);
  resumeTimer = setTimeout(() => void resumeQueues(), Math.max(0, resumeAt - Date.now()));
}

async function settleAlarm(): Promise<void> {
  const queue = await currentQueue(await backgroundQueues());
  const waiting = queue && (queue.state === 'checking' || queue.state === 'running' || (queue.state === 'paused' && queue.pausedBecause?.resumeAt !== undefined));
  if (!waiting) await browser.alarms.clear(ALARM_NAME);
}

/** At background start and on the alarm: goes on with the newest queue where it stopped. */
export async function resumeQueues(): Promise<void> {
  const db = await backgroundQueues();
  const queue = await currentQueue(db);
  if (!queue) return;
  const resumeAt = queue.pausedBecause?.resumeAt;
  if (queue.state === 'paused' && resumeAt !== undefined) {
    if (resumeAt > Date.now()) {
      scheduleResume(resumeAt);
      return;
    }
    await db.queues.update(queue.id, { state: 'running', pausedBecause: undefined, updatedAt: Date.now() });
  } else if (queue.state !== 'checking' && queue.state !== 'running') {
    await settleAlarm();
    return;
  }
  await driveQueue(queue.id);
}

export function listenForQueueAlarm(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARM_NAME) void resumeQueues();
  });
}
