import type { Worker } from 'playwright-core';
import { configureExtension, contactPath, launchExtensionBrowser } from '../../test/e2e/harness';
import { SEED } from '../../test/sandbox/seed';
import type { Sandbox } from '../../test/sandbox/server';
import { PANEL_OBSERVER, type PanelMarks } from './in-page';

const API_PATH_PREFIX = '/crm/rest/';
const WAIT_MS = 60_000;

/** One Keap API request as the service worker's Resource Timing saw it, in epoch milliseconds. */
interface ApiRequestTiming {
  startedAt: number;
  endedAt: number;
}

/** What one page load measured. */
export interface PanelLoad {
  /** From navigation start to Keap's Orders table appearing (ms). */
  tableAtMs: number;
  /** From the table appearing to the panel's first change showing order rows after it (ms). */
  pageDataMs: number | null;
  /** Order rows the panel showed then (one page at most). */
  firstRowsShown: number | null;
  /** From the table appearing to the panel's count becoming final: every page row read (ms). */
  countedMs: number | null;
  /** From the table appearing to rows showing the API's amounts (ms; 0 when they already did). */
  reconciledMs: number | null;
  /** The API's own time: first request sent to last answer received, by the service worker (ms). */
  apiSpanMs: number;
  /** The same requests' durations added up (they run in parallel, so this can exceed the span). */
  apiSumMs: number;
  /** From Keap's last answer to rows showing it (ms; page and worker clocks lined up by their time origins). */
  afterLastAnswerMs: number | null;
  /** Orders the panel counted ("N orders") once its count was final. */
  ordersShown: number | null;
  /** Keap API calls by path (below /crm/rest) during the load. */
  apiCalls: Record<string, number>;
}

/**
 * `page-data`: Keap's API is held back (answers 3 s late), so the page's table is the panel's
 * only data and its first rows after the table show how fast the page is read.
 * `reconcile`: the API answers after the sandbox's latency; the load ends when rows show its amounts.
 */
export type PanelMode = 'page-data' | 'reconcile';

const HELD_BACK_API_MS = 3_000;

function apiCallsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [path, count] of Object.entries(after)) {
    const delta = count - (before[path] ?? 0);
    if (path.startsWith(API_PATH_PREFIX) && delta > 0) calls[path.slice(API_PATH_PREFIX.length - 1)] = delta;
  }
  return calls;
}

async function apiRequestTimings(worker: Worker): Promise<ApiRequestTiming[]> {
  return worker.evaluate(
    (prefix) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.startsWith(prefix))
        .map((entry) => ({
          startedAt: performance.timeOrigin + entry.startTime,
          endedAt: performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd,
        })),
    API_PATH_PREFIX,
  );
}

/**
 * Opens one contact in a fresh browser (fresh profile, so nothing is cached and the service
 * worker's API load starts from nothing) and reads the panel's timeline from the page.
 */
export async function measurePanelLoad(sandbox: Sandbox, contactId: number, mode: PanelMode): Promise<PanelLoad> {
  const browser = await launchExtensionBrowser(sandbox);
  try {
    await configureExtension(browser, { apiKey: SEED.apiKey });
    const worker = await browser.serviceWorker();
    const page = await browser.context.newPage();
    await page.addInitScript({ content: PANEL_OBSERVER });
    if (mode === 'page-data') sandbox.setFaults({ slowResponses: { delayMs: HELD_BACK_API_MS } });
    const statsBefore = sandbox.stats().byPath;
    await page.goto(`https://${SEED.appName}.infusionsoft.com${contactPath(contactId)}`);
    await page.waitForFunction(
      (waitFor) => {
        const marks = (window as unknown as { __refundDeskBench?: PanelMarks }).__refundDeskBench;
        return marks !== undefined && marks.tableAt !== null && marks[waitFor] !== null;
      },
      mode === 'page-data' ? ('countedAt' as const) : ('reconciledAt' as const),
      { timeout: WAIT_MS, polling: 50 },
    );
    const marks = await page.evaluate(() => (window as unknown as { __refundDeskBench: PanelMarks }).__refundDeskBench);
    if (mode === 'page-data') {
      // The held-back answers are let through, so the load's calls can be counted.
      await page.waitForFunction(() => (window as unknown as { __refundDeskBench: PanelMarks }).__refundDeskBench.reconciledAt !== null, undefined, {
        timeout: WAIT_MS,
        polling: 50,
      });
    }
    const apiCalls = apiCallsSince(statsBefore, sandbox.stats().byPath);
    const requests = await apiRequestTimings(worker);
    if (requests.length === 0) throw new Error('The service worker recorded no Keap API requests.');
    const { tableAt, pageRowsAt, countedAt, reconciledAt } = marks;
    if (tableAt === null) throw new Error('The Orders table was not seen.');
    const apiStart = Math.min(...requests.map((request) => request.startedAt));
    const apiEnd = Math.max(...requests.map((request) => request.endedAt));
    return {
      tableAtMs: tableAt,
      pageDataMs: mode === 'page-data' && pageRowsAt !== null ? pageRowsAt - tableAt : null,
      firstRowsShown: mode === 'page-data' ? marks.rowsShownFirst : null,
      countedMs: mode === 'page-data' && countedAt !== null ? countedAt - tableAt : null,
      reconciledMs: mode === 'reconcile' && reconciledAt !== null ? Math.max(0, reconciledAt - tableAt) : null,
      apiSpanMs: apiEnd - apiStart,
      apiSumMs: requests.reduce((sum, request) => sum + (request.endedAt - request.startedAt), 0),
      afterLastAnswerMs: mode === 'reconcile' && reconciledAt !== null ? marks.timeOrigin + reconciledAt - apiEnd : null,
      ordersShown: marks.orderCountShown,
      apiCalls,
    };
  } finally {
    if (mode === 'page-data') sandbox.setFaults({});
    await browser.close({ removeProfile: true });
  }
}
