import { configureExtension, type ExtensionBrowser, launchExtensionBrowser } from '../../test/e2e/harness';
import { openSidePanelOn, refundLogFor, reviewRefund } from '../../test/e2e/refund-helpers';
import type { ScreenForm } from '../../test/sandbox/screen-forms';
import { SEED } from '../../test/sandbox/seed';
import type { Sandbox } from '../../test/sandbox/server';
import { type RefundMarks, refundObserverScript } from './in-page';

/** The refund measured: the first payment of the two-payment order, in full. */
const CONTACT_ID = SEED.contacts.demo;
const ORDER_ID = SEED.orders.twoPayments;
const PAYMENT_ID = SEED.payments.twoPaymentsFirst;
const TOTAL = '$60.00';
export const REFUNDED_TEXT = `Refunded ${TOTAL}`;
const REFUNDED_MINOR = 6000;
/**
 * Between the review step showing and the Confirm click: a person reads the review first. Without
 * it the click would come within the background rate limiter's one-second window of the side
 * panel's own reads, and `prepareRefund`'s reads would wait there for a moment no person causes.
 */
export const REVIEW_PAUSE_MS = 1_500;
/**
 * Keap API requests the background may have sent in the minute before a Confirm click. The rate
 * limiter allows 240 a minute; a refund cycle of the bench (contact page, side panel, refund, note,
 * panel refreshes) sends about 22, so refunds back to back would use up the minute and the
 * limiter would hold the next refund's checks back for seconds. The bench waits instead.
 */
export const MINUTE_BUDGET_BEFORE_CLICK = 200;
const MINUTE_MS = 60_000;
/** A refund that shows nothing by then has failed (the executor's first confirmation read comes long before). */
const REFUND_TIMEOUT_MS = 60_000;
const API_PATH_PREFIX = '/crm/rest';
const apiPath = (path: string) => `${API_PATH_PREFIX}${path}`;
/** The three reads of `readOrderNow` through REST v2: the order, its payments, its transactions (a filtered list). */
const ORDER_READ_PATHS = [`/v2/orders/${ORDER_ID}`, `/v2/orders/${ORDER_ID}/payments`, '/v2/sales/transactions'].map(apiPath);
/** What `prepareRefund` reads before it saves the refund: the order's three reads, merchants, the contact and the contact's notes. */
const CHECK_PATHS = [...ORDER_READ_PATHS, ...['/v2/merchants', `/v2/contacts/${CONTACT_ID}`, `/v2/contacts/${CONTACT_ID}/notes`].map(apiPath)];

/** One Keap API request as the service worker's Resource Timing saw it, in epoch milliseconds. */
interface ApiRequestTiming {
  path: string;
  startedAt: number;
  endedAt: number;
}

/** One refund, timed in the side panel page from the Confirm click (all ms after the click, unless said). */
export interface RefundRun {
  form: ScreenForm;
  /** What the side panel's result line said first. */
  summary: string;
  /** True when it said "Refunded $60.00" and the sandbox moved the money once. */
  refunded: boolean;
  /** Why not, when `refunded` is false. */
  problem: string | null;
  /** Click to "Refunded $60.00" (or to whatever the result line said). */
  totalMs: number | null;
  /** Click to the last of `prepareRefund`'s six API reads being sent (more than a few ms: the rate limiter held it). */
  checksSentMs: number | null;
  /** Click to the refund showing as "Working in Keap's refund screen" (checked against the API and saved in the journal). */
  submittingMs: number | null;
  /** Click to the executor's confirmation read being sent: the walk through Keap's screen ends just before. */
  confirmationSentMs: number | null;
  /** The confirmation read: its three parallel API requests, first sent to last answered (service worker's Resource Timing). */
  confirmationReadMs: number | null;
  /** From the confirmation read's last answer to "Refunded $60.00" (page and worker clocks lined up by their time origins). */
  afterReadMs: number | null;
  /** How many confirmation reads were made before the refund showed (1 when Keap's API showed it at once). */
  confirmationReads: number;
  /** How long the bench waited before the click for the rate limiter's minute to have room (ms). */
  budgetWaitMs: number;
}

/** The service worker's Keap API requests since the last call, which are then forgotten there. */
async function takeApiRequests(browser: ExtensionBrowser): Promise<ApiRequestTiming[]> {
  const worker = await browser.serviceWorker();
  return worker.evaluate((prefix) => {
    performance.setResourceTimingBufferSize(1_000);
    const requests = performance
      .getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.startsWith(prefix))
      .map((entry) => ({
        path: new URL(entry.name).pathname,
        startedAt: performance.timeOrigin + entry.startTime,
        endedAt: performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd,
      }));
    performance.clearResourceTimings();
    return requests;
  }, API_PATH_PREFIX);
}

/** Closes every Keap tab (the contact page, and the order tab the refund opened), as the e2e tests do between refunds. */
async function closeKeapTabs(browser: ExtensionBrowser): Promise<void> {
  for (const page of browser.context.pages()) if (page.url().includes('infusionsoft.com')) await page.close();
}

/**
 * The reads of `readOrderNow` made before the refund showed, grouped: the i-th request to each of
 * the three paths belongs to the i-th read. The first is `prepareRefund`'s, the rest the executor's
 * confirmation reads (one each `confirmation.intervalMs` while the API does not show the refund).
 */
function orderReads(requests: ApiRequestTiming[], before: number): ApiRequestTiming[][] {
  const byPath = ORDER_READ_PATHS.map((path) => requests.filter((request) => request.path === path && request.startedAt < before).sort((a, b) => a.startedAt - b.startedAt));
  const count = Math.min(...byPath.map((list) => list.length));
  return Array.from({ length: count }, (_, index) => byPath.map((list) => list[index]!));
}

/** Every Keap API request the background sent during the refunds (start times, epoch ms), for the rate limiter's minute. */
type RequestLog = number[];

/** Waits until the background sent at most `MINUTE_BUDGET_BEFORE_CLICK` requests in the last minute; the wait in ms. */
async function waitForMinuteBudget(log: RequestLog): Promise<number> {
  const startedWaiting = Date.now();
  const inWindow = log.filter((startedAt) => startedAt > startedWaiting - MINUTE_MS).sort((a, b) => a - b);
  const over = inWindow.length - MINUTE_BUDGET_BEFORE_CLICK;
  if (over <= 0) return 0;
  const until = inWindow[over - 1]! + MINUTE_MS + 50;
  await new Promise((resolve) => setTimeout(resolve, until - startedWaiting));
  return Date.now() - startedWaiting;
}

async function measureOneRefund(browser: ExtensionBrowser, sandbox: Sandbox, form: ScreenForm, log: RequestLog): Promise<RefundRun> {
  // A fresh order: the same payment can be refunded again, in the form asked for (reset sets the form back).
  sandbox.reset();
  sandbox.setScreenForm(form);
  await closeKeapTabs(browser);
  const { panel } = await openSidePanelOn(browser, CONTACT_ID, ORDER_ID);
  await reviewRefund(panel, PAYMENT_ID, `Confirm refund of ${TOTAL}`);
  await new Promise((resolve) => setTimeout(resolve, REVIEW_PAUSE_MS));
  log.push(...(await takeApiRequests(browser)).map((request) => request.startedAt));
  const budgetWaitMs = await waitForMinuteBudget(log);
  // Whatever the background sent while the bench waited is not the refund's.
  log.push(...(await takeApiRequests(browser)).map((request) => request.startedAt));
  await panel.evaluate(refundObserverScript(REFUND_TIMEOUT_MS));
  await panel.getByRole('button', { name: `Confirm refund of ${TOTAL}` }).click();
  const marks = await panel.evaluate<RefundMarks>('window.__refundDeskBenchDone');
  const requests = await takeApiRequests(browser);
  log.push(...requests.map((request) => request.startedAt));
  const run = describeRun(sandbox, form, marks, requests, budgetWaitMs);
  await closeKeapTabs(browser);
  return run;
}

function describeRun(sandbox: Sandbox, form: ScreenForm, marks: RefundMarks, requests: ApiRequestTiming[], budgetWaitMs: number): RefundRun {
  const { clickAt, summaryAt } = marks;
  const summary = marks.timedOut ? `nothing within ${REFUND_TIMEOUT_MS / 1000} s` : (marks.summary ?? '');
  const moved = refundLogFor(sandbox, PAYMENT_ID).length;
  const refundTotal = sandbox.state.orders.find((order) => order.id === ORDER_ID)?.refundTotalMinor ?? null;
  const problem =
    clickAt === null
      ? 'the Confirm click was not seen in the page'
      : summary !== REFUNDED_TEXT
        ? `the side panel said "${summary}"`
        : moved !== 1 || refundTotal !== REFUNDED_MINOR
          ? `the sandbox refunded the payment ${moved} times (order refund total ${refundTotal})`
          : null;
  const failed = {
    form,
    summary,
    refunded: false,
    problem,
    totalMs: null,
    checksSentMs: null,
    submittingMs: null,
    confirmationSentMs: null,
    confirmationReadMs: null,
    afterReadMs: null,
    confirmationReads: 0,
    budgetWaitMs,
  };
  if (clickAt === null) return failed;
  const pageTime = (epochMs: number) => epochMs - marks.timeOrigin;
  // Reads of the order up to the refund showing as confirmed in the progress list.
  const settledAt = marks.statesAt.confirmed ?? summaryAt;
  const reads = orderReads(requests, settledAt === null ? Number.POSITIVE_INFINITY : marks.timeOrigin + settledAt);
  // The first read is prepareRefund's (before "Working in Keap's refund screen"); the last one is the confirming read.
  const confirming = reads.length >= 2 ? reads[reads.length - 1]! : null;
  const readStart = confirming ? pageTime(Math.min(...confirming.map((request) => request.startedAt))) : null;
  const readEnd = confirming ? pageTime(Math.max(...confirming.map((request) => request.endedAt))) : null;
  const submittingAt = marks.statesAt.submitting ?? null;
  // prepareRefund's requests: the first to each of its six paths after the click.
  const checks = CHECK_PATHS.map((path) => requests.filter((request) => request.path === path).sort((a, b) => a.startedAt - b.startedAt)[0]);
  const checksSentAt = checks.every((request) => request !== undefined) ? pageTime(Math.max(...checks.map((request) => request.startedAt))) : null;
  if (problem === null && confirming === null) {
    throw new Error(`The service worker recorded no confirmation read of order #${ORDER_ID} (${reads.length} reads of it in all).`);
  }
  return {
    ...failed,
    refunded: problem === null,
    totalMs: summaryAt === null ? null : summaryAt - clickAt,
    checksSentMs: checksSentAt === null ? null : checksSentAt - clickAt,
    submittingMs: submittingAt === null ? null : submittingAt - clickAt,
    confirmationSentMs: readStart === null ? null : readStart - clickAt,
    confirmationReadMs: readStart === null || readEnd === null ? null : readEnd - readStart,
    afterReadMs: readEnd === null || summaryAt === null ? null : summaryAt - readEnd,
    confirmationReads: Math.max(0, reads.length - 1),
  };
}

/**
 * Refunds the first payment of the two-payment order in full, `runs` times on each form of
 * Keap's refund screen, in one browser: the contact's Refunds panel opens the real side panel,
 * the person ticks the payment, gives a reason, reviews and, `REVIEW_PAUSE_MS` later (and once
 * the rate limiter's minute has room), confirms. Each refund is timed in the side panel page from
 * the Confirm click to "Refunded $60.00"; the sandbox is reset between them.
 */
export async function measureRefunds(sandbox: Sandbox, forms: readonly ScreenForm[], runs: number, progress: (message: string) => void): Promise<RefundRun[]> {
  const browser = await launchExtensionBrowser(sandbox);
  try {
    await configureExtension(browser, { apiKey: SEED.apiKey });
    const log: RequestLog = [];
    const results: RefundRun[] = [];
    for (const form of forms) {
      for (let run = 1; run <= runs; run += 1) {
        progress(`refund on Keap's screen drawn as "${form}", run ${run} of ${runs}`);
        results.push(await measureOneRefund(browser, sandbox, form, log));
      }
    }
    return results;
  } finally {
    await browser.close({ removeProfile: true });
    sandbox.reset();
  }
}
