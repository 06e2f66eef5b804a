import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { QueueRow } from '@/lib/batch/schema';
import { SEED } from '../sandbox/seed';
import { docsPath } from './docs-output';
import { useSandboxedExtension } from './harness';
import { journalRecords, paymentsRefundedTwice, refundLogFor } from './refund-helpers';

/*
 * The refund queue in the production build: rows from a CSV checked against the sandbox's API,
 * run one refund at a time through Keap's refund screen in one tab, and confirmed by the API.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
let testStartedAt = 0;
beforeEach(() => {
  env.sandbox.reset();
  testStartedAt = Date.now();
});

const { firstOrderId, firstPaymentId } = SEED.generated.fiftyOrders;
/** The fifty-order contact's orders: each one Stripe payment, refundable in full. */
const order = (index: number) => ({ orderId: firstOrderId + index, paymentId: firstPaymentId + index });

async function openQueuePage(): Promise<Page> {
  const page = await env.browser.extensionPage('queue');
  // A queue an earlier test left (finished or cancelled) gives way to a new one.
  const newQueue = page.getByRole('button', { name: 'New queue' });
  const csvFile = page.getByLabel('CSV file');
  // The page shows one or the other once it has read the queue database.
  await newQueue.or(csvFile).first().waitFor();
  if (await newQueue.isVisible()) await newQueue.click();
  await csvFile.waitFor();
  return page;
}

async function importCsv(page: Page, lines: string[]): Promise<void> {
  await page.getByLabel('CSV file').setInputFiles({ name: 'refunds.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
}

/** The newest queue's rows as the extension's IndexedDB has them, in order, read from its page. */
function queueRows(page: Page): Promise<QueueRow[]> {
  return page.evaluate(
    () =>
      new Promise<QueueRow[]>((resolve, reject) => {
        const opening = indexedDB.open('refund-desk-queue');
        opening.onerror = () => reject(new Error(String(opening.error)));
        opening.onsuccess = () => {
          const db = opening.result;
          const reading = db.transaction(['queues', 'rows']);
          const queues = reading.objectStore('queues').getAll();
          const rows = reading.objectStore('rows').getAll();
          reading.oncomplete = () => {
            db.close();
            const newest = (queues.result as { id: string; createdAt: number }[]).reduce((latest, queue) => (queue.createdAt > latest.createdAt ? queue : latest));
            resolve((rows.result as QueueRow[]).filter((row) => row.queueId === newest.id).sort((one, other) => one.position - other.position));
          };
          reading.onerror = () => reject(new Error(String(reading.error)));
        };
      }),
  );
}

const runStatuses = async (page: Page) => (await queueRows(page)).map((row) => row.run?.status ?? (row.check?.status === 'invalid' ? 'invalid' : 'unstarted'));

async function checkAndRun(page: Page, runButton: RegExp): Promise<void> {
  await page.getByLabel('Default reason', { exact: true }).selectOption("Customer wasn't happy with product");
  await page.getByRole('button', { name: 'Check rows' }).click();
  const run = page.getByRole('button', { name: runButton });
  await run.waitFor({ timeout: 60_000 });
  await run.click();
}

describe('the refund queue', () => {
  it('checks a 10-row CSV, runs its 7 good rows to confirmed refunds and reports the 3 bad ones', async () => {
    const good = [0, 1, 2, 3, 4, 5, 6].map(order);
    const page = await openQueuePage();
    await importCsv(page, [
      'Order ID,Payment ID,Amount,Reason,Reason details',
      ...good.map(({ orderId }) => `${orderId},,,,`),
      `99999,,,,`,
      `${SEED.orders.fullyRefunded},,,,`,
      `${order(7).orderId},${order(7).paymentId},999.00,,`,
    ]);
    const total = good.reduce((sum, { orderId }) => sum + env.sandbox.state.orders.find((candidate) => candidate.id === orderId)!.totalMinor, 0);
    const totalText = `$${(total / 100).toFixed(2)}`;
    await checkAndRun(page, new RegExp(`^Refund 7 payments: \\${totalText}$`));
    await expect.poll(() => runStatuses(page), { timeout: 90_000 }).toEqual([...good.map(() => 'done'), 'invalid', 'invalid', 'invalid']);
    const problems = (await queueRows(page)).slice(7).map((row) => (row.check?.status === 'invalid' ? row.check.problem : ''));
    expect(problems[0]).toMatch(/Order #99999 is not in the Keap app/);
    expect(problems[1]).toMatch(/nothing to refund/i);
    expect(problems[2]).toMatch(/at most \$\d+\.\d\d can be refunded/i);
    for (const { paymentId } of good) expect(refundLogFor(env.sandbox, paymentId)).toHaveLength(1);
    expect(refundLogFor(env.sandbox, order(7).paymentId)).toHaveLength(0);
    const records = (await journalRecords(env.browser, { since: testStartedAt })).filter((record) => record.idempotencyKey.startsWith('queue:'));
    expect(records.map((record) => record.state).sort()).toEqual(Array(7).fill('confirmed'));
    await expect.poll(() => page.getByRole('heading', { name: 'Finished' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: docsPath('docs/screenshots/07-refund-queue.png'), fullPage: true });
    // The queue's one tab is closed once the queue is done.
    const refundTabs = env.browser.context.pages().filter((open) => open.url().includes('/Job/Order/manageJob.jsp'));
    expect(refundTabs).toHaveLength(0);
    await page.close();
  });

  it('goes on after a browser restart mid-queue, refunding no payment twice', async () => {
    const rows = [10, 11, 12, 13, 14].map(order);
    const page = await openQueuePage();
    await importCsv(page, ['Order ID', ...rows.map(({ orderId }) => String(orderId))]);
    await checkAndRun(page, /^Refund 5 payments: /);
    // Closed while the second refund is under way (or just after the first settled).
    await expect.poll(async () => (await runStatuses(page)).filter((status) => status === 'done').length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const closedAt = Date.now();
    await env.restartBrowser();
    const reopened = await env.browser.extensionPage('queue');
    await expect.poll(() => reopened.getByRole('heading', { name: 'Finished' }).isVisible(), { timeout: 60_000 }).toBe(true);
    const ran = await queueRows(reopened);
    // A refund the closing browser cut short waits for the person, who finishes it with the
    // checklist; Keap has no refund of it. Every other row is refunded, some after the restart.
    for (const row of ran) {
      // Cut short before Keap's final button (the walk says nothing was sent), or while being sent
      // (at the restart, Keap's API shows no refund): either way it waits for the person.
      if (row.run?.status === 'needs-you') expect(row.run.message).toMatch(/Nothing was sent|Keap's API does not show this refund/);
      else expect({ status: row.run?.status, message: row.run?.message }).toEqual({ status: 'done', message: undefined });
    }
    expect(ran.filter((row) => row.run?.status === 'needs-you').length).toBeLessThanOrEqual(1);
    expect(ran.some((row) => row.run?.status === 'done' && row.run.at > closedAt)).toBe(true);
    expect(paymentsRefundedTwice(env.sandbox)).toEqual([]);
    for (const [index, { paymentId }] of rows.entries()) expect(refundLogFor(env.sandbox, paymentId)).toHaveLength(ran[index]?.run?.status === 'done' ? 1 : 0);
    await reopened.close();
  });

  it('pauses when Keap answers 429 again and again, says why, and goes on by itself', async () => {
    const rows = [20, 21, 22].map(order);
    const page = await openQueuePage();
    await importCsv(page, ['Order ID', ...rows.map(({ orderId }) => String(orderId))]);
    await page.getByLabel('Default reason', { exact: true }).selectOption('Customer did not want it');
    await page.getByRole('button', { name: 'Check rows' }).click();
    const run = page.getByRole('button', { name: /^Refund 3 payments: / });
    await run.waitFor({ timeout: 60_000 });
    // More 429s than the client retries: the run cannot start its first refund.
    env.sandbox.setFaults({ rateLimitStorm: { count: 12, retryAfterSeconds: 1 } });
    await run.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Paused' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByText(/Keap asked Refund Desk to slow down/).isVisible()).toBe(true);
    await expect.poll(() => runStatuses(page), { timeout: 90_000 }).toEqual(rows.map(() => 'done'));
    expect(env.sandbox.stats().throttled).toBeGreaterThanOrEqual(12);
    for (const { paymentId } of rows) expect(refundLogFor(env.sandbox, paymentId)).toHaveLength(1);
    await page.close();
  });
});
