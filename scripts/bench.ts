// First: lib code run here in Node (the import from Keap) reads its words through `#i18n`, which
// takes the browser's i18n API when first imported; this answers it from locales/en.yml.
import '../test/support/i18n-setup';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../test/e2e/chromium';
import { EXTENSION_DIR } from '../test/e2e/harness';
import { DIALOG_STEP_DELAY_MS } from '../test/sandbox/pages';
import { isDialogForm, type ScreenForm } from '../test/sandbox/screen-forms';
import { SEED } from '../test/sandbox/seed';
import { startSandbox } from '../test/sandbox/server';
import { type BundleSize, contentScriptsPerPage, measureBundles } from './bench/bundles';
import { describeMachine } from './bench/machine';
import { measurePopup, type PopupResult } from './bench/popup';
import { rateLimitResultSchema, type RateLimitResult } from './bench/rate-limit';
import { measureMemory, type MemoryResult } from './bench/memory';
import { measurePanelLoad, type PanelLoad } from './bench/refunds-panel';
import { bundlesTable, formatBytes, formatMs, formatRuns, median, renderReport, type Report, type ResultRow, resultsTable, verdict } from './bench/report';
import { measureRefunds, MINUTE_BUDGET_BEFORE_CLICK, REFUNDED_TEXT, REVIEW_PAUSE_MS, type RefundRun } from './bench/refunds';
import { measureSidePanel, type SidePanelLoad } from './bench/side-panel';
import { measureQueue, type QueueRun } from './bench/queue';
import { measureNotesImport, type NotesImportResult } from './bench/notes-import';
import { apiVersionRows, measureApiVersionLoads } from './bench/api-versions';
import { KEAP_PAT_LIMITS } from '../test/sandbox/throttle';

/**
 * `npm run bench`: builds, then measures the production build in headless Chromium against the
 * sandbox, prints the results and writes them to docs/benchmarks.md.
 */

const SANDBOX_LATENCY_MS = 40;
const PANEL_RUNS = 7;
const SIDE_PANEL_LOADS = 5;
const JOURNAL_RECORDS = 100_000;
const POPUP_RELOADS = 5;
const RATE_LIMITED_READS = 500;
/** The forms of Keap's refund screen that end in a refund ('two-submits' and 'no-owed' stop by design). */
const REFUND_FORMS: ScreenForm[] = ['dialog', 'jquery', 'pages', 'window', 'words', 'iframe'];
const REFUND_RUNS = 3;
/** Steps the in-page dialog forms draw after the sandbox's deliberate delay: payments, method, error handling, credit, results. */
const DIALOG_STEPS_DRAWN = 5;
/** Orders in the refund queue's run: at Keap's 240 requests a minute, about eight minutes of checking and refunding. */
const QUEUE_ORDERS = 200;
/** The bench gives up (and cleans up) rather than hang past this. */
const BENCH_DEADLINE_MS = 30 * 60_000;

const TARGETS = {
  pageDataMs: 16,
  reconcileOverheadMs: 50,
  sidePanelMs: 200,
  popupFirstRowsMs: 150,
  popupSearchMs: 100,
  throughputRatio: 0.9,
  /** Confirm click to the API-confirmed result, plus the time of one confirmation read. */
  refundMs: 3_000,
  /** Everything Refund Desk adds to any one Keap page, gzipped: 60 KiB. */
  contentScriptsPerPageGzipBytes: 60 * 1024,
  queueCallsPerRefund: 6,
  queueRateOfBound: 0.8,
  /** "Flat": the queue page's heap at the end of the run at most this much above its first reading. */
  queueHeapGrowthBytes: 1024 * 1024,
};

const here = dirname(fileURLToPath(import.meta.url));
const REPORT_PATH = resolve(here, '../docs/benchmarks.md');

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Child processes still running, ended if the bench stops early. */
const runningChildren = new Set<ChildProcess>();

/** The rate-limit run, in its own process so this one's busy moments cannot delay its timers. */
function startRateLimitRun(reads: number): Promise<RateLimitResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'bench/rate-limit-run.ts'), String(reads)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  runningChildren.add(child);
  return new Promise<RateLimitResult>((resolvePromise, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      runningChildren.delete(child);
      if (code !== 0) reject(new Error(`The rate-limit run exited with code ${code}.`));
      else resolvePromise(rateLimitResultSchema.parse(JSON.parse(output)));
    });
  });
}

function endChildren(): void {
  for (const child of runningChildren) child.kill();
}

interface ContactUnderTest {
  label: string;
  contactId: number;
  orders: number;
}

const CONTACTS: ContactUnderTest[] = [
  { label: '50 orders', contactId: SEED.contacts.fiftyOrders, orders: SEED.generated.fiftyOrders.count },
  { label: '1,000 orders', contactId: SEED.contacts.thousandOrders, orders: SEED.generated.thousandOrders.count },
];

interface PanelResult {
  contact: ContactUnderTest;
  pageDataLoads: PanelLoad[];
  reconcileLoads: PanelLoad[];
}

function definedValues(values: Array<number | null>): number[] {
  return values.filter((value): value is number => value !== null);
}

function formatOptionalMs(value: number | null): string {
  return value === null ? '—' : formatMs(value);
}

function totalCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

function describeCalls(calls: Record<string, number>): string {
  const entries = Object.entries(calls).sort(([a], [b]) => a.localeCompare(b));
  return `${totalCalls(calls)} (${entries.map(([path, count]) => `${path} ×${count}`).join(', ')})`;
}

function panelRows({ contact, pageDataLoads, reconcileLoads }: PanelResult): ResultRow[] {
  const pageData = definedValues(pageDataLoads.map((load) => load.pageDataMs));
  const counted = definedValues(pageDataLoads.map((load) => load.countedMs));
  const firstRowCounts = [...new Set(pageDataLoads.map((load) => load.firstRowsShown ?? 0))].join(', ');
  const reconciled = definedValues(reconcileLoads.map((load) => load.reconciledMs));
  const afterAnswer = definedValues(reconcileLoads.map((load) => load.afterLastAnswerMs));
  const apiSpan = median(reconcileLoads.map((load) => load.apiSpanMs));
  const apiSum = median(reconcileLoads.map((load) => load.apiSumMs));
  const answeredBeforeTable = reconcileLoads.filter((load) => load.reconciledMs === 0).length;
  const shownCounts = [...new Set(pageDataLoads.map((load) => load.ordersShown?.toLocaleString('en-US') ?? 'no'))].join(', ');
  return [
    {
      measurement: `Refunds panel, ${contact.label}: page data after Keap's Orders table appears (API held back)`,
      result:
        `${formatMs(median(pageData))} median (runs: ${formatRuns(pageData)} ms), showing its first ${firstRowCounts} rows;` +
        ` all rows read and counted (${shownCounts} orders) after ${formatMs(median(counted))} median (runs: ${formatRuns(counted)} ms)`,
      target: `≤ ${TARGETS.pageDataMs} ms`,
      verdict: verdict(median(pageData) <= TARGETS.pageDataMs),
    },
    {
      measurement: `Refunds panel, ${contact.label}: API amounts shown, after the Orders table appears`,
      result:
        `${formatMs(median(reconciled))} median (runs: ${formatRuns(reconciled)} ms); API time ${formatMs(apiSpan)}` +
        ` (requests' durations added up: ${formatMs(apiSum)})` +
        (answeredBeforeTable > 0 ? `; in ${answeredBeforeTable} of ${reconcileLoads.length} runs the amounts were shown before Keap drew its table` : ''),
      target: `≤ API time + ${TARGETS.reconcileOverheadMs} ms (${formatMs(apiSpan + TARGETS.reconcileOverheadMs)})`,
      verdict: verdict(median(reconciled) <= apiSpan + TARGETS.reconcileOverheadMs),
    },
    {
      measurement: `Refunds panel, ${contact.label}: API amounts shown, after Keap's last answer`,
      result: `${formatMs(median(afterAnswer))} median (runs: ${formatRuns(afterAnswer)} ms)`,
      target: `≤ ${TARGETS.reconcileOverheadMs} ms`,
      verdict: verdict(median(afterAnswer) <= TARGETS.reconcileOverheadMs),
    },
  ];
}

function apiCallRows(panels: PanelResult[]): ResultRow[] {
  return panels.map(({ contact, pageDataLoads, reconcileLoads }) => {
    const loads = [...pageDataLoads, ...reconcileLoads];
    const heaviest = loads.reduce((most, load) => (totalCalls(load.apiCalls) > totalCalls(most.apiCalls) ? load : most));
    const merchantCalls = heaviest.apiCalls['/v2/merchants'] ?? 0;
    const otherCalls = Object.entries(heaviest.apiCalls).reduce((sum, [path, count]) => sum + (path === '/v2/merchants' ? 0 : count), 0);
    return {
      measurement: `Keap API calls to load a contact with ${contact.label} (the most any of ${loads.length} fresh loads made)`,
      result: describeCalls(heaviest.apiCalls),
      target: '≤ 3 + merchants (pages, not orders)',
      verdict: verdict(otherCalls <= 3 && merchantCalls <= 1),
    };
  });
}

function sidePanelRows(loads: SidePanelLoad[]): ResultRow[] {
  const interactive = loads.map((load) => load.interactiveAfterDataMs);
  const form = loads.map((load) => load.formAfterDataMs);
  return [
    {
      measurement: 'Side panel, five-payment order: interactive after the order data arrives',
      result:
        `${formatMs(median(interactive))} median (runs: ${formatRuns(interactive)} ms); form in the page after ${formatMs(median(form))};` +
        ` data arrived ${formatMs(median(loads.map((load) => load.dataAtMs)))} after navigation`,
      target: `< ${TARGETS.sidePanelMs} ms`,
      verdict: verdict(median(interactive) < TARGETS.sidePanelMs),
    },
  ];
}

function popupRows(popup: PopupResult): ResultRow[] {
  const records = popup.records.toLocaleString('en-US');
  return [
    {
      measurement: `Popup, ${records} refunds: first rows after navigation start`,
      result: `${formatMs(median(popup.firstRowsMs))} median of ${popup.firstRowsMs.length} reloads (runs: ${formatRuns(popup.firstRowsMs)} ms; the first follows the bulk write)`,
      target: `< ${TARGETS.popupFirstRowsMs} ms`,
      verdict: verdict(median(popup.firstRowsMs) < TARGETS.popupFirstRowsMs),
    },
    ...popup.searches.map((search) => ({
      measurement: `Popup search "${search.query}": ${search.what}, ${search.matches.toLocaleString('en-US')} of ${records} match`,
      result: `${formatMs(search.ms)} (${search.noMatch ? 'no match shown' : `${search.rowsShown} ${search.rowsShown === 1 ? 'row' : 'rows'} shown`})`,
      target: `< ${TARGETS.popupSearchMs} ms`,
      verdict: verdict(search.ms < TARGETS.popupSearchMs),
    })),
    {
      measurement: `Popup, ${records} refunds: count and refunded total shown after navigation start`,
      result: `${formatMs(median(popup.summaryMs))} median (runs: ${formatRuns(popup.summaryMs)} ms)`,
      target: 'none set',
      verdict: '—',
    },
  ];
}

/** The allowance for "one confirmation read": the median of every refund's confirming read. */
function confirmationReadAllowance(runs: RefundRun[]): number {
  return median(definedValues(runs.map((run) => run.confirmationReadMs)));
}

function refundRows(runs: RefundRun[]): ResultRow[] {
  const allowance = confirmationReadAllowance(runs);
  const targetMs = TARGETS.refundMs + allowance;
  return REFUND_FORMS.map((form) => {
    const ofForm = runs.filter((run) => run.form === form);
    const failed = ofForm.filter((run) => !run.refunded);
    const totals = definedValues(ofForm.filter((run) => run.refunded).map((run) => run.totalMs));
    const delays = isDialogForm(form)
      ? ` (${formatMs(DIALOG_STEPS_DRAWN * DIALOG_STEP_DELAY_MS)} of it the sandbox's deliberate delay before each of its ${DIALOG_STEPS_DRAWN} dialog steps)`
      : '';
    const medianOf = (value: (run: RefundRun) => number | null) => formatMs(median(definedValues(ofForm.map(value))));
    const walked = (run: RefundRun) => (run.confirmationSentMs === null || run.submittingMs === null ? null : run.confirmationSentMs - run.submittingMs);
    const result =
      totals.length === 0
        ? `no refund ended in "${REFUNDED_TEXT}"`
        : `${formatMs(median(totals))} median (runs: ${formatRuns(totals)} ms): checked against the API and saved ${medianOf((run) => run.submittingMs)} after the click,` +
          ` Keap's screen walked in ${medianOf(walked)} after that${delays},` +
          ` confirmation read ${medianOf((run) => run.confirmationReadMs)}, shown ${medianOf((run) => run.afterReadMs)} after its last answer`;
    const failures = failed.map((run) => `a run failed: ${run.problem ?? 'unknown'}`).join('; ');
    return {
      measurement: `Refund, Keap's screen drawn as "${form}": "Confirm refund" click to "${REFUNDED_TEXT}" confirmed by the API`,
      result: failures === '' ? result : `${result}; ${failures}`,
      target: `≤ 3 s + one confirmation read (${formatMs(allowance)}): ${formatMs(targetMs)}`,
      verdict: verdict(failed.length === 0 && totals.length > 0 && median(totals) <= targetMs),
    };
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function memoryRows(memory: MemoryResult, popup: PopupResult): ResultRow[] {
  return [
    {
      measurement: 'Memory: the 1,000-order contact page, JS heap after GC, every order shown in the Refunds panel',
      result:
        `${megabytes(memory.contactPageWithPanel)} with Refund Desk, ${megabytes(memory.contactPageWithoutPanel)} without` +
        ` (the panel's share: ${megabytes(memory.contactPageWithPanel - memory.contactPageWithoutPanel)})`,
      target: 'none set',
      verdict: '—',
    },
    {
      measurement: "Memory: the background's service worker, JS heap after GC",
      result: `${megabytes(memory.backgroundIdle)} idle; ${megabytes(memory.backgroundWithContact)} holding the 1,000-order contact's lists`,
      target: 'none set',
      verdict: '—',
    },
    {
      measurement: `Memory: the popup with ${popup.records.toLocaleString('en-US')} refunds, JS heap after GC`,
      result: megabytes(popup.heapBytes),
      target: 'none set',
      verdict: '—',
    },
  ];
}

/** From the built files alone, so no timing (nor a busy machine) moves it. */
function contentScriptRows(bundles: BundleSize[]): ResultRow[] {
  const pages = contentScriptsPerPage(bundles);
  const largest = Math.max(...pages.map((page) => page.gzipBytes));
  return [
    {
      measurement: `Content scripts on one Keap page, gzipped: ${pages.map((page) => `${page.page} (${page.files.map((file) => file.replace(/^content-scripts\//, '')).join(' + ')})`).join(' / ')}`,
      result: `${pages.map((page) => formatBytes(page.gzipBytes)).join(' / ')}; minified ${pages.map((page) => formatBytes(page.bytes)).join(' / ')}`,
      target: `≤ ${formatBytes(TARGETS.contentScriptsPerPageGzipBytes)} on each`,
      verdict: verdict(largest <= TARGETS.contentScriptsPerPageGzipBytes),
    },
  ];
}

/** Endpoints a queue reads once per run, not per refund: merchants and who the key is. */
const ONCE_PER_RUN = /merchants|userinfo|users|profile/;

function queueRows(run: QueueRun): ResultRow[] {
  const onceCalls = Object.entries(run.runCallsByPath).reduce((sum, [path, count]) => sum + (ONCE_PER_RUN.test(path) ? count : 0), 0);
  const perRefund = (run.runCalls - onceCalls) / run.refunded;
  const allCalls = run.runCalls / run.refunded;
  const perMinute = run.refunded / (run.runMs / 60_000);
  const bound = KEAP_PAT_LIMITS.perMinute / allCalls;
  const first = run.heap[0]?.bytes ?? 0;
  const last = run.heap[run.heap.length - 1]?.bytes ?? 0;
  const orders = `${run.orders} orders`;
  return [
    {
      measurement: `Refund queue, ${orders} pasted, checked, then run one refund at a time in one tab (Keap's screen as "pages")`,
      result:
        `${run.refunded} of ${run.orders} refunded and confirmed by the API${run.problems.length > 0 ? ` (${run.problems.slice(0, 3).join('; ')})` : ''};` +
        ` checked in ${formatMs(run.checkMs)} (${run.checkCalls} API calls, ${(run.checkCalls / run.orders).toFixed(2)} a row), run in ${formatMs(run.runMs)}`,
      target: `all ${run.orders} confirmed`,
      verdict: verdict(run.refunded === run.orders),
    },
    {
      measurement: 'Refund queue: Keap API calls per refund in the run',
      result: `${perRefund.toFixed(2)} per refund, plus ${onceCalls} once per run (${allCalls.toFixed(2)} in all): ${describeCalls(run.runCallsByPath)}`,
      target: `≤ ${TARGETS.queueCallsPerRefund}`,
      verdict: verdict(perRefund <= TARGETS.queueCallsPerRefund),
    },
    {
      measurement: `Refund queue: refunds a minute, against the bound Keap's ${KEAP_PAT_LIMITS.perMinute} requests a minute set at ${allCalls.toFixed(2)} calls a refund`,
      result: `${perMinute.toFixed(1)} a minute; the bound is ${bound.toFixed(1)}: ${(perMinute / bound).toFixed(2)} of it`,
      target: `≥ ${TARGETS.queueRateOfBound} of the bound`,
      verdict: verdict(perMinute / bound >= TARGETS.queueRateOfBound),
    },
    {
      measurement: `Refund queue: the queue page's JS heap after GC across the run (${run.heap.map((sample) => sample.settled).join(', ')} refunds settled)`,
      result: run.heap.map((sample) => megabytes(sample.bytes)).join(', '),
      target: `flat: the last ≤ the first + ${megabytes(TARGETS.queueHeapGrowthBytes)}`,
      verdict: verdict(last <= first + TARGETS.queueHeapGrowthBytes),
    },
  ];
}

function notesImportRows(result: NotesImportResult): ResultRow[] {
  return [
    {
      measurement: `Import from Keap: ${result.notes.toLocaleString('en-US')} notes on a contact, ${result.refunds} of them Refund Desk's closing notes and ${result.malformed} malformed`,
      result:
        `${formatMs(result.elapsedMs)}, ${result.apiCalls} API calls (pages of notes), ${result.throttledBySandbox} answered 429;` +
        ` ${result.imported} refunds imported, ${result.malformed} malformed lines reported and skipped`,
      target: "every refund imported once, within Keap's limits (no 429)",
      verdict: verdict(result.imported === result.refunds && result.throttledBySandbox === 0),
    },
  ];
}

function rateLimitRows(result: RateLimitResult): ResultRow[] {
  const ratio = result.idealElapsedMs / result.elapsedMs;
  const limits = `${result.perSecond}/s, ${result.perMinute}/min`;
  return [
    {
      measurement: `${result.reads} reads through the rate limiter at Keap's PAT limits (${limits}, unscaled): throughput`,
      result: `${ratio.toFixed(3)} of the limit (last request sent after ${formatMs(result.elapsedMs)}; the limits allow ${formatMs(result.idealElapsedMs)})`,
      target: `≥ ${TARGETS.throughputRatio}`,
      verdict: verdict(ratio >= TARGETS.throughputRatio),
    },
    {
      measurement: `${result.reads} reads through the rate limiter: 429s seen by callers`,
      result: `${result.throttledForCallers} (sandbox answered ${result.throttledBySandbox} requests with 429; ${result.failed} reads failed in all)`,
      target: '0',
      verdict: verdict(result.throttledForCallers === 0 && result.failed === 0),
    },
  ];
}

async function runBench(): Promise<Report> {
  const startedAt = Date.now();
  const machine = describeMachine(chromiumPath());
  const bundles = measureBundles(EXTENSION_DIR);
  progress(`rate limiter: ${RATE_LIMITED_READS} reads at Keap's limits, in the background (about 2 minutes)`);
  const rateLimitRun = startRateLimitRun(RATE_LIMITED_READS);
  try {
    const sandbox = await startSandbox({ tls: true, port: 0, latencyMs: SANDBOX_LATENCY_MS });
    const panels: PanelResult[] = [];
    let sidePanel: SidePanelLoad[];
    let popup: PopupResult;
    let memory: MemoryResult;
    let rateLimit: RateLimitResult;
    let refunds: RefundRun[];
    let queue: QueueRun;
    try {
      for (const contact of CONTACTS) {
        const result: PanelResult = { contact, pageDataLoads: [], reconcileLoads: [] };
        for (let run = 1; run <= PANEL_RUNS; run += 1) {
          progress(`refunds panel, ${contact.label}, run ${run} of ${PANEL_RUNS}`);
          result.pageDataLoads.push(await measurePanelLoad(sandbox, contact.contactId, 'page-data'));
          result.reconcileLoads.push(await measurePanelLoad(sandbox, contact.contactId, 'reconcile'));
        }
        panels.push(result);
      }
      progress(`side panel, ${SIDE_PANEL_LOADS} loads`);
      sidePanel = await measureSidePanel(sandbox, SIDE_PANEL_LOADS);
      progress(`popup: writing ${JOURNAL_RECORDS.toLocaleString('en-US')} journal records, then ${POPUP_RELOADS} reloads and searches`);
      popup = await measurePopup(sandbox, JOURNAL_RECORDS, POPUP_RELOADS);
      progress('memory: the 1,000-order contact with and without Refund Desk');
      memory = await measureMemory(sandbox);
      progress('waiting for the rate limiter run');
      rateLimit = await rateLimitRun;
      // Timed with nothing else running: after the rate-limit process has ended.
      progress(`refunds: ${REFUND_RUNS} per form of Keap's refund screen (${REFUND_FORMS.join(', ')})`);
      refunds = await measureRefunds(sandbox, REFUND_FORMS, REFUND_RUNS, progress);
    } finally {
      await sandbox.close();
    }
    // A sandbox of its own, so the queue starts with Keap's limits unspent.
    progress(`refund queue: ${QUEUE_ORDERS} orders at Keap's limits (about 8 minutes)`);
    const queueSandbox = await startSandbox({ tls: true, port: 0, latencyMs: SANDBOX_LATENCY_MS, screenForm: 'pages' });
    try {
      queue = await measureQueue(queueSandbox, QUEUE_ORDERS, progress);
    } finally {
      await queueSandbox.close();
    }
    progress('import from Keap: 5,000 notes');
    const notesImport = await measureNotesImport();
    progress('REST v2 and v1: the 50- and 1,000-order contacts loaded through each');
    const apiVersions = await measureApiVersionLoads();

    return {
      machine,
      setup: [
        `Sandbox Keap CRM over HTTPS with ${SANDBOX_LATENCY_MS} ms added to every API answer; Keap's hosts mapped to it by Chromium's host-resolver rules.`,
        `Refunds panel: ${PANEL_RUNS} loads per contact and mode, each in a fresh browser and profile (no cached API data). Times come from a MutationObserver added before navigation (\`page.addInitScript\`) watching the page and the panel's open shadow root; API times from the service worker's Resource Timing entries for Keap's API.`,
        'Page data is measured with Keap\'s API held back (3 s late), so the page\'s table is the panel\'s only data: "page data" is the panel\'s first change showing order rows after the table appeared (the panel reads the first 20 rows, one page, in the MutationObserver callback where the table appears and the rest in the next task), "all rows counted" is when its count became final ("N orders"). API amounts are measured with the API answering normally: the panel\'s rows show the API\'s amounts and its "Checking amounts" status is gone. The panel asks the background for its first page of orders and then for all of them; the second answer comes from the background\'s copy of Keap\'s lists (the API-calls lines show no extra Keap calls).',
        `Side panel: its page in a tab of the browser window, following the same per-window target the Refunds panel sets; ${SIDE_PANEL_LOADS} reloads, each a fresh \`getOrderForRefund\`. The answer's arrival is timed by wrapping \`chrome.runtime.sendMessage\` in the page; "interactive" is the first frame after the enabled "Review refund" button entered the page, with the main thread free.`,
        `Popup: its page in a tab; ${JOURNAL_RECORDS.toLocaleString('en-US')} records (checked against \`refundRecordSchema\`) with their day totals and actors written with raw IndexedDB at version 50 (Dexie's schema version 5 × 10), then ${POPUP_RELOADS} reloads. Searches set the Search box in one input event (as a paste) and end when every row shown holds the search words, checked against the expected count.`,
        `Rate limiter: the background's \`createKeapClient\` + \`createRateLimiter\` at their default limits in Node, against \`startSandbox({ port: 0 })\` enforcing Keap's limits (fixed windows), in a separate process during the browser runs. Throughput is the time the limits allow for the last send (sending each request as soon as sliding 1 s and 60 s windows permit) divided by the time it took.`,
        'Times are `performance.now()` at the DOM mutation (before paint) unless said otherwise; medians of the runs.',
        `Refunds: after every other measurement and after the rate-limit process has ended, so nothing else of the bench runs beside them; one browser, ${REFUND_RUNS} refunds per form of Keap's refund screen (\`sandbox.setScreenForm\`: ${REFUND_FORMS.join(', ')}; 'two-submits' and 'no-owed' stop by design), the sandbox reset before each so the same payment can be refunded again and the Keap tabs closed after each. Each refund goes as a person's does: the contact's Refunds panel, "Refund order #${SEED.orders.twoPayments}" opening the real side panel, payment #${SEED.payments.twoPaymentsFirst} ticked ($60.00 in full), a reason chosen, "Review refund", then, ${REVIEW_PAUSE_MS / 1000} s later (a person reads the review; clicked at once, the background's rate limiter of 10 requests a second would hold the refund's first reads back behind the side panel's own), "Confirm refund of $60.00". Before the click the bench also waits, when needed, until the background has sent at most ${MINUTE_BUDGET_BEFORE_CLICK} Keap API requests in the last minute: back to back, the bench's refunds (about 22 requests each, with the contact page and the side panel) would use up the limiter's 240 a minute, which no person refunding by hand does; the per-run table shows each wait and when the refund's six API checks were sent. The time runs from \`performance.now()\` in the side panel page's click event to the MutationObserver seeing its result line read "${REFUNDED_TEXT}", which the side panel shows once Keap's API shows the refund. The confirmation read is the executor's \`readOrderNow\` after Keap's screen (the order, its payments and its transactions, in parallel), first request sent to last answer received, from the service worker's Resource Timing; its median over every refund is the target's allowance for "one confirmation read".`,
        `Refund queue: last, alone, in a fresh browser against a sandbox of its own (${SANDBOX_LATENCY_MS} ms latency, Keap's limits of ${KEAP_PAT_LIMITS.perSecond}/s and ${KEAP_PAT_LIMITS.perMinute}/min enforced from zero). ${QUEUE_ORDERS} orders of the 1,000-order contact pasted as order ids on the queue page, a default reason chosen, "Check rows", then "Refund ${QUEUE_ORDERS} payments: …". Keap's refund screen is drawn as "pages" (a page per step, no deliberate delay), so that Keap's limits, not the sandbox's imitation of a slow dialog, set the pace. API calls are the sandbox's count of API requests while the rows were checked and while they ran; the run's time is from the click to every row settled. The queue page's heap is read after a GC each fifth of the way.`,
        "Import from Keap: the import the background runs (`runNotesImport`, lib/audit/import.ts) with the real Keap client and rate limiter at Keap's limits, in Node, against a sandbox of its own over HTTP with 40 ms latency; the journal is Dexie on fake-indexeddb, not the browser's IndexedDB. The time runs from the first page asked for to the last page merged into the journal.",
        "Memory: JS heap used after a full garbage collection (DevTools protocol `HeapProfiler.collectGarbage`, then `Performance.getMetrics` for a page, `Runtime.getHeapUsage` for the service worker). A page's figure is its renderer's heap, which Keap's scripts and the content script share, so the panel's share is the difference from the same page in a browser without Refund Desk. The contact page is measured once the panel shows the oldest order's API amounts (filtered to it), so every order has been read.",
      ],
      rows: [
        ...panels.flatMap(panelRows),
        ...apiCallRows(panels),
        ...apiVersionRows(apiVersions),
        ...sidePanelRows(sidePanel),
        ...refundRows(refunds),
        ...queueRows(queue),
        ...notesImportRows(notesImport),
        ...popupRows(popup),
        ...rateLimitRows(rateLimit),
        ...memoryRows(memory, popup),
        ...contentScriptRows(bundles),
      ],
      details: [
        {
          title: 'Refund runs',
          headers: [
            'Form',
            'Result line',
            "Waited for the limiter's minute",
            'Click to its 6 API checks sent',
            'Click to "Working in Keap\'s refund screen"',
            'Click to confirmation read sent',
            'Confirmation read',
            'Last answer to result line',
            'Click to result line',
          ],
          rows: refunds.map((run) => [
            run.form,
            run.refunded ? run.summary : `${run.summary} (${run.problem ?? 'failed'})`,
            run.budgetWaitMs === 0 ? '—' : formatMs(run.budgetWaitMs),
            formatOptionalMs(run.checksSentMs),
            formatOptionalMs(run.submittingMs),
            formatOptionalMs(run.confirmationSentMs),
            run.confirmationReads > 1 ? `${formatOptionalMs(run.confirmationReadMs)} (read ${run.confirmationReads} times)` : formatOptionalMs(run.confirmationReadMs),
            formatOptionalMs(run.afterReadMs),
            formatOptionalMs(run.totalMs),
          ]),
        },
        {
          title: 'Refunds panel runs',
          headers: [
            'Contact',
            'Mode',
            'Table after navigation',
            'Page data after table',
            'All page rows counted',
            'API amounts after table',
            'API time (span)',
            'API durations added',
            'After last answer',
          ],
          rows: panels.flatMap(({ contact, pageDataLoads, reconcileLoads }) => [
            ...pageDataLoads.map((load) => [
              contact.label,
              'page data (API held back)',
              formatMs(load.tableAtMs),
              formatOptionalMs(load.pageDataMs),
              formatOptionalMs(load.countedMs),
              '—',
              '—',
              '—',
              '—',
            ]),
            ...reconcileLoads.map((load) => [
              contact.label,
              'API amounts',
              formatMs(load.tableAtMs),
              '—',
              '—',
              formatOptionalMs(load.reconciledMs),
              formatMs(load.apiSpanMs),
              formatMs(load.apiSumMs),
              formatOptionalMs(load.afterLastAnswerMs),
            ]),
          ]),
        },
      ],
      bundles,
      notes: [
        `The sandbox draws each step of its in-page dialog forms ('dialog', 'words') after a deliberate ${DIALOG_STEP_DELAY_MS} ms (\`DIALOG_STEP_DELAY_MS\` in test/sandbox/pages.ts), kept in the measurements: a refund there waits ${formatMs(DIALOG_STEPS_DRAWN * DIALOG_STEP_DELAY_MS)} for the sandbox's ${DIALOG_STEPS_DRAWN} steps (payments, method, error handling, credit, results). The forms drawn by the server ('jquery', 'pages', 'window', 'iframe') have no such delay: each step is a page load or a form post, and the sandbox adds its ${SANDBOX_LATENCY_MS} ms only to API answers.`,
        'A refund\'s time includes: the background checking the refund against Keap\'s API (order, payments, transactions, merchants, contact and account profile, in parallel) and saving it in the journal ("checked against the API and saved": until the side panel shows "Working in Keap\'s refund screen"), opening the order in an inactive tab and walking Keap\'s screen to its results ("Keap\'s screen walked": until the confirmation read is sent), the confirmation read, and the journal\'s change reaching the side panel ("shown … after its last answer"). The contact note the background writes afterwards is not included.',
        "\"After Keap's last answer\" lines up the page's and the service worker's clocks through their `performance.timeOrigin`; expect a few milliseconds of skew.",
        `Before journal version 3, searches whose words matched more than 2,000 refunds read every key of the journal's \`[createdAt+id]\` index; reading its ${popup.records.toLocaleString('en-US')} keys with raw IndexedDB alone took ${formatMs(popup.dateIndexKeysMs)} here. Now a search reads only its words' index entries and the records it shows or counts.`,
        'Other programs shared this machine; the load average above shows how busy it was when the bench started.',
      ],
      durationMs: Date.now() - startedAt,
    };
  } finally {
    endChildren();
  }
}

const deadline = setTimeout(() => {
  progress(`gave up after ${BENCH_DEADLINE_MS / 60_000} minutes`);
  endChildren();
  // Playwright closes the browsers it started when the process exits.
  process.exit(1);
}, BENCH_DEADLINE_MS);
deadline.unref();

const report = await runBench();
mkdirSync(dirname(REPORT_PATH), { recursive: true });
writeFileSync(REPORT_PATH, renderReport(report));
process.stdout.write(`${resultsTable(report.rows)}\n\n${bundlesTable(report.bundles)}\n\nWritten to ${REPORT_PATH}\n`);
