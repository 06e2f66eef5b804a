import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openJournal, type JournalDb } from '@/lib/audit/db';
import { buildPlannedRecord, markState, NOT_SENT_MESSAGE } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { freshFactory, samplePlan } from '@/lib/audit/test-support';
import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import type { KeapMerchantList } from '@/lib/keap/schemas';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import type { RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import type { RefundActor } from '@/lib/refund/actor';
import { type ExecutorDeps, type OrderNow, prepareQueuedRefund, type StartRefundResult } from '@/lib/refund/executor';
import { sandboxRefundScreen, submissionFor } from '@/test/support/sandbox-refund-screen';
import { installWebLocks } from '@/test/support/web-locks';
import { processRefund } from '@/test/sandbox/refund';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import { checkQueueRows, formOfRow } from './check';
import { openQueueDb, type QueueDb, rowsOf } from './db';
import { CALLS_PER_QUEUED_REFUND, QUOTA_KEPT_FOR_THE_PERSON, rowStatusOf, runQueue, type RunnerDeps } from './runner';
import type { Queue, QueueDefaults, QueueRow } from './schema';
import { draftRow } from './test-rows';

/*
 * The queue's run end to end: rows checked by the real check against the sandbox Keap CRM over
 * HTTP, run through the real executor and journal (fake-indexeddb), with a refund screen that
 * sends what Keap's dialog sends on Finish and records each plan it was handed.
 */

const QUEUE_ID = 'queue-1';
const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const API = '/crm/rest/v1';
const { orders, payments } = SEED;
const DEFAULTS: QueueDefaults = { reasonPreset: 'Customer did not want it', reasonDetails: 'Event cancelled', errorHandling: 'skip-payment' };
const ACTOR: RefundActor = { name: 'Riley Admin', email: 'riley.admin@refunddemo.example.com', source: 'keap-user' };
/** Plenty of today's quota left. */
const FULL_QUOTA = { remaining: 30_000, resetAt: Date.parse('2030-01-02T00:00:00Z') };
const firstFiftyOrder = SEED.generated.fiftyOrders.firstOrderId;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());

let journal: JournalDb;
let queues: QueueDb;
beforeEach(async () => {
  sandbox.reset();
  installWebLocks();
  journal = await openJournal({ factory: freshFactory() });
  queues = await openQueueDb({ factory: freshFactory() });
});
afterEach(() => {
  vi.unstubAllGlobals();
  journal.close();
  queues.close();
});

function sandboxClient(): KeapClient {
  return createKeapClient({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.apiBase,
    limiter: createRateLimiter({ perSecond: 10_000, perMinute: 100_000, safetyMarginMs: 0 }),
    maxRetries: 0,
  });
}

interface Run {
  deps: RunnerDeps;
  /** Orders of the plans handed to Keap's refund screen, in order. */
  screenOrders: () => number[];
  handOvers: string[];
}

/**
 * The runner's deps against the sandbox. `onScreen` runs as Keap's screen is handed each plan,
 * before it sends: what a person does on the queue page meanwhile.
 */
async function runDeps(options: { onScreen?: (plan: RefundScreenPlan) => Promise<void>; quota?: () => { remaining: number; resetAt: number } } = {}): Promise<Run> {
  const client = sandboxClient();
  const screen = sandboxRefundScreen(sandbox.appBase);
  const handOvers: string[] = [];
  const executor: ExecutorDeps = {
    db: journal,
    client,
    runRefundScreen: async (plan, target) => {
      await options.onScreen?.(plan);
      return screen.run(plan, target);
    },
    handOver: (record) => {
      handOvers.push(record.id);
      return Promise.resolve();
    },
    watchQuiet: () => Promise.resolve(),
    quietPeriodMs: 120_000,
    refundThrough: 'app-in-use',
    yourName: '',
    onContactChanged: () => undefined,
    // As the background runs a queue: the confirming reads leave out the order's transactions.
    confirmation: { attempts: 2, intervalMs: 0, withTransactions: false },
    sleep: () => Promise.resolve(),
    now: () => Date.now(),
  };
  return {
    deps: {
      queues,
      executor,
      appOrigin: APP_ORIGIN,
      merchants: await merchantsOf(client),
      actor: ACTOR,
      dailyQuota: options.quota ?? (() => FULL_QUOTA),
      now: () => Date.now(),
    },
    screenOrders: () => screen.plans.map((plan) => plan.orderId),
    handOvers,
  };
}

async function merchantsOf(client: KeapClient): Promise<KeapMerchantList> {
  const answer = await client.listMerchants();
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

/** A queue of `drafts`, checked against the sandbox as the background checks it, and set running. */
async function runningQueue(drafts: Parameters<typeof draftRow>[1][]): Promise<QueueRow[]> {
  const queue: Queue = { id: QUEUE_ID, createdAt: 1, updatedAt: 1, appName: SEED.appName, state: 'checking', defaults: DEFAULTS };
  await queues.queues.add(queue);
  await queues.rows.bulkAdd(drafts.map((draft, position) => draftRow(position, draft)));
  const checked = await checkQueueRows(
    await rowsOf(queues, QUEUE_ID),
    DEFAULTS,
    { client: sandboxClient(), journal, appName: SEED.appName, now: () => Date.now() },
    async (row) => {
      await queues.rows.put(row);
    },
  );
  expect(checked).toEqual({ ok: true });
  await setState('running');
  sandbox.reset();
  return rowsOf(queues, QUEUE_ID);
}

async function setState(state: Queue['state']): Promise<void> {
  await queues.queues.update(QUEUE_ID, { state });
}

async function queueNow(): Promise<Queue> {
  const queue = await queues.queues.get(QUEUE_ID);
  if (!queue) throw new Error('the queue is gone');
  return queue;
}

async function runStatuses(): Promise<(string | undefined)[]> {
  return (await rowsOf(queues, QUEUE_ID)).map((row) => row.run?.status);
}

/** The requests `work` made of the sandbox, by path. */
async function requestsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = sandbox.stats().byPath;
  await work();
  return Object.fromEntries(
    Object.entries(sandbox.stats().byPath).flatMap(([path, count]) => {
      const made = count - (before[path] ?? 0);
      return made > 0 ? [[path, made]] : [];
    }),
  );
}

/** Refund rows the sandbox's books hold for a payment. */
function refundRowsOf(paymentId: number) {
  return sandbox.state.payments.filter((payment) => payment.refundOfPaymentId === paymentId);
}

/** Refunds half of the two-payment order's first payment in Keap directly, as a teammate would. */
function refundHalfOfFirstPaymentInKeap(): void {
  const answer = processRefund(
    sandbox.state,
    submissionFor({
      orderId: orders.twoPayments,
      lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 3000 }],
      currency: 'USD',
      orderPayments: [],
      reason: 'Refunded in Keap directly',
      method: 'refund',
      errorHandling: 'skip-payment',
      amountOwedMinor: 0,
    }),
    { declines: () => false, now: new Date() },
  );
  expect(answer.ok).toBe(true);
}

/** Plans `row`'s refund as the runner would, under the row's first key, without running it. */
function prepare(row: QueueRow, run: Run): Promise<StartRefundResult> {
  return prepareQueuedRefund(
    { idempotencyKey: `queue:${QUEUE_ID}:${row.position}`, form: formOfRow(row, DEFAULTS, readyCheckOf(row)), appOrigin: APP_ORIGIN, manualRefundsDone: false },
    { orderNow: row.checkedOrder as OrderNow, merchants: run.deps.merchants, contact: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com' }, actor: ACTOR },
    run.deps.executor,
  );
}

describe('runQueue', () => {
  it('runs the ready rows one at a time in order, skips the invalid ones, marks each done, and finishes the queue', async () => {
    const rows = await runningQueue([
      { orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst },
      { orderId: orders.paypalExpress },
      { orderId: orders.fivePayments },
      { orderId: firstFiftyOrder },
    ]);
    expect(rows.map((row) => row.check?.status)).toEqual(['ready', 'invalid', 'ready', 'ready']);
    /** What the queue showed each time Keap's screen was handed a refund. */
    const seenAtEachRefund: (string | undefined)[][] = [];
    const run = await runDeps({ onScreen: async () => void seenAtEachRefund.push(await runStatuses()) });

    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'finished' });

    expect(run.screenOrders()).toEqual([orders.twoPayments, orders.fivePayments, firstFiftyOrder]);
    expect(seenAtEachRefund).toEqual([
      ['running', undefined, undefined, undefined],
      ['done', undefined, 'running', undefined],
      ['done', undefined, 'done', 'running'],
    ]);
    const ran = await rowsOf(queues, QUEUE_ID);
    expect(ran.map((row) => row.run?.status)).toEqual(['done', undefined, 'done', 'done']);
    expect((await queueNow()).state).toBe('finished');

    const records = await journal.refunds.toArray();
    expect(records).toHaveLength(3);
    for (const row of [ran[0]!, ran[2]!, ran[3]!]) {
      expect(row.run?.refundIds).toHaveLength(1);
      const record = records.find((candidate) => candidate.id === row.run?.refundIds[0]);
      expect(record).toMatchObject({ state: 'confirmed', idempotencyKey: `queue:${QUEUE_ID}:${row.position}:keap-refund-screen`, orderId: row.draft.orderId });
      expect(record?.reason).toEqual({ preset: 'Customer did not want it', details: 'Event cancelled' });
    }
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
    expect(refundRowsOf(payments.twoPaymentsSecond)).toEqual([]);
    expect(payments.fivePayments.map((paymentId) => refundRowsOf(paymentId).length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('makes at most CALLS_PER_QUEUED_REFUND calls to Keap’s API for a refund: the payments, the notes, the confirming read', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();

    const byPath = await requestsDuring(() => runQueue(QUEUE_ID, run.deps));

    const order = `${API}/orders/${orders.twoPayments}`;
    expect(byPath).toEqual({ [`${order}/payments`]: 2, [order]: 1, [`${API}/notes`]: 3, '/Job/refundPayment.jsp': 1 });
    const apiCalls = Object.entries(byPath).filter(([path]) => path.startsWith(API));
    expect(apiCalls.reduce((sum, [, count]) => sum + count, 0)).toBeLessThanOrEqual(CALLS_PER_QUEUED_REFUND);
  });

  it('marks a ready row the run has no checked order for as not refunded, sends nothing for it, and goes on', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }, { orderId: orders.fivePayments }]);
    await queues.rows.update(`${QUEUE_ID}:0`, { checkedOrder: undefined });
    const run = await runDeps();

    await runQueue(QUEUE_ID, run.deps);

    const [lost, second] = await rowsOf(queues, QUEUE_ID);
    expect(lost?.run).toMatchObject({ status: 'not-refunded', refundIds: [], message: expect.stringContaining('nothing was sent') });
    expect(second?.run?.status).toBe('done');
    expect(run.screenOrders()).toEqual([orders.fivePayments]);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toEqual([]);
  });
});

describe('runQueue never refunds a row twice', () => {
  it('a finished queue run again sends nothing', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const first = await runDeps();
    await runQueue(QUEUE_ID, first.deps);
    await setState('running');
    const second = await runDeps();

    await expect(runQueue(QUEUE_ID, second.deps)).resolves.toEqual({ kind: 'finished' });
    expect(second.screenOrders()).toEqual([]);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });

  it('a row whose run was lost (left waiting or running) finds its journal record by its key and is not sent again', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }, { orderId: orders.fivePayments }]);
    const first = await runDeps();
    await runQueue(QUEUE_ID, first.deps);
    const before = await rowsOf(queues, QUEUE_ID);
    // A restart: the queue's rows were written before the journal's outcome reached them.
    await queues.rows.update(`${QUEUE_ID}:0`, { run: { status: 'waiting', refundIds: [], at: 1 } });
    await queues.rows.update(`${QUEUE_ID}:1`, { run: { status: 'running', refundIds: [], at: 1 } });
    await setState('running');
    const second = await runDeps();

    await runQueue(QUEUE_ID, second.deps);

    expect(second.screenOrders()).toEqual([]);
    const after = await rowsOf(queues, QUEUE_ID);
    expect(after.map((row) => row.run?.status)).toEqual(['done', 'done']);
    expect(after.map((row) => row.run?.refundIds)).toEqual(before.map((row) => row.run?.refundIds));
    expect(await journal.refunds.count()).toBe(2);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
    expect(payments.fivePayments.map((paymentId) => refundRowsOf(paymentId).length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a row left running while Keap’s screen may have sent it waits for the person, and is not sent again', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    // The service worker stopped in the middle of Keap's screen: the record says `submitting`.
    const planned = await prepare(row!, run);
    const [refundId] = refundIdsOf(planned);
    await markState(journal, refundId!, 'submitting');
    await queues.rows.update(row!.id, { run: { status: 'running', refundIds: [refundId!], at: 1 } });

    await runQueue(QUEUE_ID, run.deps);

    expect(run.screenOrders()).toEqual([]);
    expect((await rowsOf(queues, QUEUE_ID))[0]?.run).toMatchObject({ status: 'needs-you', refundIds: [refundId] });
    expect(await journal.refunds.count()).toBe(1);
  });

  it('a row whose refund was planned but not started before a restart is carried out once', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    const planned = await prepare(row!, run);
    await queues.rows.update(row!.id, { run: { status: 'running', refundIds: refundIdsOf(planned), at: 1 } });

    await runQueue(QUEUE_ID, run.deps);

    expect(run.screenOrders()).toEqual([orders.twoPayments]);
    expect((await rowsOf(queues, QUEUE_ID))[0]?.run).toMatchObject({ status: 'done', refundIds: refundIdsOf(planned) });
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });
  it('a row whose planned refund the journal settled as not sent after a restart is tried again as a new attempt, and refunded once', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    const planned = await prepare(row!, run);
    const [cutShort] = refundIdsOf(planned);
    // What reconcileInterrupted does at the background's start with a refund left `planned`.
    await markState(journal, cutShort!, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });
    await queues.rows.update(row!.id, { run: { status: 'running', refundIds: [cutShort!], at: 1 } });

    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'finished' });

    expect(run.screenOrders()).toEqual([orders.twoPayments]);
    const [ran] = await rowsOf(queues, QUEUE_ID);
    expect(ran?.run).toMatchObject({ status: 'done', attempts: 1 });
    expect(ran?.run?.refundIds).toHaveLength(2);
    expect((await journal.refunds.get(cutShort!))?.state).toBe('failed');
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });
});

describe('runQueue: pause and cancel between refunds', () => {
  const threeRows = [{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }, { orderId: orders.fivePayments }, { orderId: firstFiftyOrder }];

  it('Pause during a refund lets it finish, runs no other, and Resume goes on with the next row', async () => {
    await runningQueue(threeRows);
    const run = await runDeps({ onScreen: () => setState('paused') });

    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'stopped', state: 'paused' });
    expect(run.screenOrders()).toEqual([orders.twoPayments]);
    expect(await runStatuses()).toEqual(['done', undefined, undefined]);

    await setState('running');
    const resumed = await runDeps();
    await expect(runQueue(QUEUE_ID, resumed.deps)).resolves.toEqual({ kind: 'finished' });
    expect(resumed.screenOrders()).toEqual([orders.fivePayments, firstFiftyOrder]);
    expect(await runStatuses()).toEqual(['done', 'done', 'done']);
  });

  it('Cancel during the second refund lets it finish and sends nothing after it', async () => {
    await runningQueue(threeRows);
    let refunds = 0;
    const run = await runDeps({ onScreen: async () => (++refunds === 2 ? setState('cancelled') : undefined) });

    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'stopped', state: 'cancelled' });
    expect(run.screenOrders()).toEqual([orders.twoPayments, orders.fivePayments]);
    expect(await runStatuses()).toEqual(['done', 'done', undefined]);
    expect((await queueNow()).state).toBe('cancelled');
    expect(await journal.refunds.count()).toBe(2);
  });

  it('a queue that is not running runs nothing', async () => {
    await runningQueue(threeRows);
    await setState('paused');
    const run = await runDeps();
    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'stopped', state: 'paused' });
    expect(run.screenOrders()).toEqual([]);
  });
});

describe('runQueue: Keap’s limits pause it by themselves', () => {
  const threshold = CALLS_PER_QUEUED_REFUND + QUOTA_KEPT_FOR_THE_PERSON;

  it('pauses before a refund when the daily quota left is below what a refund needs and what the person keeps, saying so and when it goes on', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const resetAt = Date.parse('2030-01-02T00:00:00Z');
    const run = await runDeps({ quota: () => ({ remaining: threshold - 1, resetAt }) });

    const requests = await requestsDuring(async () => expect(await runQueue(QUEUE_ID, run.deps)).toEqual({ kind: 'paused-by-limits', resumeAt: resetAt }));

    expect(requests).toEqual({});
    const queue = await queueNow();
    expect(queue.state).toBe('paused');
    expect(queue.pausedBecause).toEqual({
      message: `Keap's daily API quota for this key has ${threshold - 1} requests left. Refund Desk paused the queue to leave them for your Keap pages; it goes on when the quota resets at ${new Date(resetAt).toLocaleTimeString()}.`,
      resumeAt: resetAt,
    });
    expect(run.screenOrders()).toEqual([]);
    expect(await runStatuses()).toEqual([undefined]);
  });

  it('goes on while exactly that much is left, and pauses at the row where the quota runs low', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }, { orderId: orders.fivePayments }]);
    let remaining = threshold;
    const run = await runDeps({
      quota: () => ({ remaining, resetAt: FULL_QUOTA.resetAt }),
      onScreen: () => {
        remaining -= CALLS_PER_QUEUED_REFUND;
        return Promise.resolve();
      },
    });

    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'paused-by-limits', resumeAt: FULL_QUOTA.resetAt });
    expect(run.screenOrders()).toEqual([orders.twoPayments]);
    expect(await runStatuses()).toEqual(['done', undefined]);
  });

  it('when Keap throttles the first read of a row: the row waits, nothing is planned, and the queue pauses until Keap’s retry time', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    sandbox.setFaults({ rateLimitStorm: { count: 1, retryAfterSeconds: 30 } });
    const before = Date.now();

    const end = await runQueue(QUEUE_ID, run.deps);

    expect(end.kind).toBe('paused-by-limits');
    const resumeAt = end.kind === 'paused-by-limits' ? end.resumeAt : 0;
    expect(resumeAt).toBeGreaterThanOrEqual(before + 29_000);
    expect(resumeAt).toBeLessThanOrEqual(Date.now() + 31_000);
    const queue = await queueNow();
    expect(queue).toMatchObject({ state: 'paused', pausedBecause: { resumeAt } });
    expect(queue.pausedBecause?.message).toMatch(/^Keap asked Refund Desk to slow down \(.+\)\. The queue goes on by itself at .+\.$/);
    expect((await rowsOf(queues, QUEUE_ID))[0]?.run).toMatchObject({ status: 'waiting', refundIds: [] });
    expect(await journal.refunds.count()).toBe(0);
    expect(run.screenOrders()).toEqual([]);

    await queues.queues.update(QUEUE_ID, { state: 'running', pausedBecause: undefined });
    const resumed = await runDeps();
    await expect(runQueue(QUEUE_ID, resumed.deps)).resolves.toEqual({ kind: 'finished' });
    expect(await runStatuses()).toEqual(['done']);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });

  it('when Keap does not answer, the row waits and the queue pauses for a minute, rather than failing every row after it', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }, { orderId: orders.fivePayments }]);
    const run = await runDeps();
    sandbox.setFaults({ droppedConnections: { count: 1 } });
    const before = Date.now();

    const end = await runQueue(QUEUE_ID, run.deps);

    expect(end.kind).toBe('paused-by-limits');
    const resumeAt = end.kind === 'paused-by-limits' ? end.resumeAt : 0;
    expect(resumeAt - before).toBeGreaterThanOrEqual(60_000);
    expect(resumeAt - Date.now()).toBeLessThanOrEqual(60_000);
    const queue = await queueNow();
    expect(queue).toMatchObject({ state: 'paused', pausedBecause: { resumeAt } });
    expect(queue.pausedBecause?.message).toMatch(/^Keap's API did not answer \(.+\)\. Nothing was sent; the queue tries again by itself at .+\.$/);
    expect(await runStatuses()).toEqual(['waiting', undefined]);
    expect(await journal.refunds.count()).toBe(0);

    await queues.queues.update(QUEUE_ID, { state: 'running', pausedBecause: undefined });
    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'finished' });
    expect(await runStatuses()).toEqual(['done', 'done']);
  });
});

describe('runQueue when Keap does not take the in-progress note', () => {
  it('pauses with nothing sent, then tries the row again as a new attempt and refunds it once', async () => {
    await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    sandbox.setFaults({ serverErrors: { count: 1, pathPrefix: '/v1/notes' } });

    const end = await runQueue(QUEUE_ID, run.deps);

    expect(end.kind).toBe('paused-by-limits');
    expect((await queueNow()).pausedBecause?.message).toMatch(/^Keap's API did not take Refund Desk's note on the contact \(.+\)\. Nothing was sent; the queue tries again/);
    const [waiting] = await queues.rows.toArray();
    expect(waiting?.run).toMatchObject({ status: 'waiting', attempts: 1 });
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(0);

    await queues.queues.update(QUEUE_ID, { state: 'running', pausedBecause: undefined });
    await expect(runQueue(QUEUE_ID, run.deps)).resolves.toEqual({ kind: 'finished' });
    expect(await runStatuses()).toEqual(['done']);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
    const attempts = await journal.refunds.toArray();
    expect(attempts.map((record) => [record.idempotencyKey, record.state]).sort()).toEqual([
      [`queue:${QUEUE_ID}:0:1:keap-refund-screen`, 'confirmed'],
      [`queue:${QUEUE_ID}:0:keap-refund-screen`, 'failed'],
    ]);
  });
});

function readyCheckOf(row: QueueRow) {
  if (row.check?.status !== 'ready') throw new Error('expected a ready row');
  return row.check;
}

function refundIdsOf(result: StartRefundResult): string[] {
  if (!result.ok) throw new Error(`expected a planned refund, got ${result.error.kind}: ${result.error.message}`);
  return result.refundIds;
}

describe('prepareQueuedRefund', () => {
  it('reads only the order’s payments when they show the same refunds as at the check', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();

    let prepared: StartRefundResult | undefined;
    const requests = await requestsDuring(async () => (prepared = await prepare(row!, run)));

    expect(requests).toEqual({ [`${API}/orders/${orders.twoPayments}/payments`]: 1 });
    const [refundId] = refundIdsOf(prepared!);
    expect(await journal.refunds.get(refundId!)).toMatchObject({
      state: 'planned',
      lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 6000 }],
      baseline: { refundRowIds: [], orderRefundTotalMinor: 0 },
    });
  });

  it('reads the order and its transactions again when a refund was made since the check, and plans against them', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst, amount: '20.00' }]);
    const run = await runDeps();
    refundHalfOfFirstPaymentInKeap();
    const [elsewhere] = refundRowsOf(payments.twoPaymentsFirst);

    let prepared: StartRefundResult | undefined;
    const requests = await requestsDuring(async () => (prepared = await prepare(row!, run)));

    const order = `${API}/orders/${orders.twoPayments}`;
    expect(requests).toEqual({ [`${order}/payments`]: 2, [order]: 1, [`${order}/transactions`]: 1 });
    const [refundId] = refundIdsOf(prepared!);
    expect((await journal.refunds.get(refundId!))?.baseline).toMatchObject({ refundRowIds: [elsewhere!.id], orderRefundTotalMinor: 3000 });
  });

  it('refuses, planning nothing, when the amount is no longer refundable; the run marks the row not refunded with why', async () => {
    const [row] = await runningQueue([{ orderId: orders.twoPayments, paymentId: payments.twoPaymentsFirst }]);
    const run = await runDeps();
    refundHalfOfFirstPaymentInKeap();

    const refused = await prepare(row!, run);
    expect(refused).toEqual({
      ok: false,
      error: { kind: 'invalid-form', message: 'Some fields need your attention.' },
      fieldErrors: { [`amount:${payments.twoPaymentsFirst}`]: 'At most $30.00 can be refunded on this payment.' },
    });
    expect(await journal.refunds.count()).toBe(0);

    await runQueue(QUEUE_ID, run.deps);
    expect((await rowsOf(queues, QUEUE_ID))[0]?.run).toMatchObject({
      status: 'not-refunded',
      refundIds: [],
      message: 'Some fields need your attention. At most $30.00 can be refunded on this payment.',
    });
    expect(run.screenOrders()).toEqual([]);
    expect(refundRowsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });
});

describe('rowStatusOf: a row’s status from its journal records', () => {
  function record(state: RefundRecord['state'], error?: string): RefundRecord {
    return { ...buildPlannedRecord(samplePlan(), crypto.randomUUID(), 1_000), state, ...(error ? { error: { kind: 'test', message: error } } : {}) };
  }

  it.each([
    ['no record', [], { status: 'waiting' }],
    ['planned', [record('planned')], { status: 'waiting' }],
    ['one channel planned, one confirmed', [record('planned'), record('confirmed')], { status: 'waiting' }],
    ['confirmed', [record('confirmed')], { status: 'done' }],
    ['recorded (manual)', [record('recorded')], { status: 'done' }],
    ['confirmed and recorded', [record('confirmed'), record('recorded')], { status: 'done' }],
    ['submitting (stopped mid-walk)', [record('submitting')], { status: 'needs-you' }],
    ['unconfirmed', [record('unconfirmed', 'Keap’s screen says it skipped the payment.')], { status: 'needs-you', message: 'Keap’s screen says it skipped the payment.' }],
    ['needs-manual', [record('needs-manual', 'Finish it on Keap’s screen.')], { status: 'needs-you', message: 'Finish it on Keap’s screen.' }],
    ['one confirmed, one failed', [record('confirmed'), record('failed', 'Note not written.')], { status: 'needs-you', message: 'Note not written.' }],
    ['failed', [record('failed', 'Not sent: interrupted before submission')], { status: 'not-refunded', message: 'Not sent: interrupted before submission' }],
    ['skipped', [record('skipped', 'declined by gateway')], { status: 'not-refunded', message: 'declined by gateway' }],
    ['skipped without words', [record('skipped')], { status: 'not-refunded' }],
  ])('%s', (_name, records, expected) => {
    expect(rowStatusOf(records)).toEqual(expected);
  });
});
