import type { Page } from 'playwright-core';
import type { QueueRow } from '../../lib/batch/schema';
import { configureExtension, launchExtensionBrowser } from '../../test/e2e/harness';
import { SEED } from '../../test/sandbox/seed';
import type { Sandbox } from '../../test/sandbox/server';
import { pageHeapAfterGc } from './memory';

/** What a queue of many orders took in the production build, against the sandbox at Keap's limits. */
export interface QueueRun {
  orders: number;
  checkMs: number;
  runMs: number;
  /** Keap API requests the sandbox answered while the rows were checked, and while they ran. */
  checkCalls: number;
  runCalls: number;
  runCallsByPath: Record<string, number>;
  refunded: number;
  /** Rows that ended otherwise, with their status and message. */
  problems: string[];
  /** The queue page's JS heap after a GC, with the share of rows settled when it was read. */
  heap: { settled: number; bytes: number }[];
}

const HEAP_SAMPLES = 5;

async function queueRows(page: Page): Promise<QueueRow[]> {
  return page.evaluate(
    () =>
      new Promise<QueueRow[]>((resolve, reject) => {
        const opening = indexedDB.open('refund-desk-queue');
        opening.onerror = () => reject(new Error(String(opening.error)));
        opening.onsuccess = () => {
          const db = opening.result;
          const reading = db.transaction('rows').objectStore('rows').getAll();
          reading.onsuccess = () => {
            db.close();
            resolve(reading.result as QueueRow[]);
          };
        };
      }),
  );
}

const settledCount = (rows: readonly QueueRow[]) => rows.filter((row) => row.run && row.run.status !== 'waiting' && row.run.status !== 'running').length;

/** Keap API requests among the sandbox's answers (its pages are not API calls). */
function apiCalls(byPath: Record<string, number>): number {
  return Object.entries(byPath).reduce((sum, [path, count]) => sum + (path.startsWith('/crm/rest/') ? count : 0), 0);
}

/**
 * Pastes `orders` of the 1,000-order contact into the queue page, checks them and runs them, in a
 * fresh browser against a sandbox that nothing else uses (its throttle starts empty).
 */
export async function measureQueue(sandbox: Sandbox, orders: number, progress: (message: string) => void): Promise<QueueRun> {
  const browser = await launchExtensionBrowser(sandbox);
  try {
    await configureExtension(browser, { apiKey: SEED.apiKey });
    const page = await browser.extensionPage('queue');
    const { firstOrderId } = SEED.generated.thousandOrders;
    const ids = Array.from({ length: orders }, (_, index) => firstOrderId + index);
    await page.getByLabel('Order IDs').fill(ids.join('\n'));
    await page.getByRole('button', { name: 'Add order IDs' }).click();
    await page.getByLabel('Default reason', { exact: true }).selectOption('Customer did not want it');
    const beforeCheck = apiCalls(sandbox.stats().byPath);
    const checkStarted = performance.now();
    await page.getByRole('button', { name: 'Check rows' }).click();
    const run = page.getByRole('button', { name: new RegExp(`^Refund ${orders} payments: `) });
    await run.waitFor({ timeout: 15 * 60_000 });
    const checkMs = performance.now() - checkStarted;
    const beforeRun = sandbox.stats();
    progress(`queue: ${orders} rows checked in ${(checkMs / 1000).toFixed(1)} s; running them`);
    const runStarted = performance.now();
    await run.click();
    const heap: QueueRun['heap'] = [];
    for (let sample = 1; sample <= HEAP_SAMPLES; sample += 1) {
      const due = Math.ceil((orders * sample) / HEAP_SAMPLES);
      // Polled from here at a slow pace, so the bench's reading takes little from the run it times.
      while (settledCount(await queueRows(page)) < due) await page.waitForTimeout(500);
      if (sample === HEAP_SAMPLES) break;
      heap.push({ settled: due, bytes: await pageHeapAfterGc(page) });
      progress(`queue: ${due} of ${orders} refunds settled`);
    }
    const runMs = performance.now() - runStarted;
    await page.getByRole('heading', { name: 'Finished' }).waitFor({ timeout: 60_000 });
    heap.push({ settled: orders, bytes: await pageHeapAfterGc(page) });
    const afterRun = sandbox.stats();
    const rows = await queueRows(page);
    const runCallsByPath: Record<string, number> = {};
    for (const [path, count] of Object.entries(afterRun.byPath)) {
      const during = count - (beforeRun.byPath[path] ?? 0);
      // Per endpoint, not per order: /v1/orders/{id}/payments.
      const endpoint = path.replace(/^\/crm\/rest/, '').replace(/\/\d+/g, '/{id}');
      if (during > 0 && path.startsWith('/crm/rest/')) runCallsByPath[endpoint] = (runCallsByPath[endpoint] ?? 0) + during;
    }
    return {
      orders,
      checkMs,
      runMs,
      checkCalls: apiCalls(beforeRun.byPath) - beforeCheck,
      runCalls: apiCalls(afterRun.byPath) - apiCalls(beforeRun.byPath),
      runCallsByPath,
      refunded: rows.filter((row) => row.run?.status === 'done').length,
      problems: rows
        .filter((row) => row.run?.status !== 'done')
        .map((row) => `order #${row.draft.orderId ?? '?'}: ${row.run?.status ?? 'not run'} ${row.run?.message ?? ''}`.trim()),
      heap,
    };
  } finally {
    await browser.close({ removeProfile: true });
  }
}
