import type { Page } from 'playwright-core';
import type { RefundRecord } from '@/lib/audit/schema';
import { isFinalState } from '../../lib/audit/states';
import { SEED } from '../sandbox/seed';
import type { Sandbox } from '../sandbox/server';
import type { ExtensionBrowser } from './harness';
import { openSidePanelOn } from './side-panel';

// Shared with `npm run bench`, which runs outside Vitest.
export { openSidePanelFrom, openSidePanelOn } from './side-panel';

/** Lines of the sandbox's refund log where money moved back (or was recorded as moved) for a payment. */
export function refundLogFor(sandbox: Sandbox, paymentId: number) {
  return sandbox.state.refundLog.filter((entry) => entry.paymentId === paymentId && entry.outcome !== 'skipped-after-failure');
}

/** Payments the sandbox refunded more than once (an attempt Keap skipped moved no money). */
export function paymentsRefundedTwice(sandbox: Sandbox): number[] {
  const counts = new Map<number, number>();
  for (const entry of sandbox.state.refundLog) {
    if (entry.outcome === 'skipped-after-failure') continue;
    counts.set(entry.paymentId, (counts.get(entry.paymentId) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([paymentId]) => paymentId);
}

/** Final, or handed to a person: nothing more happens to the record by itself. */
export const isSettled = (record: RefundRecord) => isFinalState(record.state) || record.state === 'needs-manual';

/** Ticks one payment in the side panel, gives a reason and goes to the review step. */
export async function reviewRefund(panel: Page, paymentId: number, confirmName: string | RegExp = /^Confirm refund of \$/): Promise<void> {
  await panel
    .getByRole('group', { name: `Payment #${paymentId}` })
    .getByRole('checkbox')
    .check();
  await panel.getByLabel('Reason', { exact: true }).selectOption('Sent wrong size');
  await panel.getByRole('button', { name: 'Review refund' }).click();
  await panel.getByRole('button', { name: confirmName }).waitFor();
}

/** One extension page per browser reads the journal; reopened when a test closed it. */
const journalReaders = new WeakMap<ExtensionBrowser, Page>();

/**
 * Reads the extension's journal straight from IndexedDB, as a test observer. It reads from an
 * extension page rather than the service worker, so it also works while the worker is stopped.
 */
export async function journalRecords(browser: ExtensionBrowser, filter: { orderId?: number; since?: number } = {}): Promise<RefundRecord[]> {
  let reader = journalReaders.get(browser);
  if (reader === undefined || reader.isClosed()) {
    reader = await browser.extensionPage('popup');
    journalReaders.set(browser, reader);
  }
  const records = await reader.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const opening = indexedDB.open('refund-desk-journal');
        opening.onerror = () => reject(new Error(`IndexedDB: ${String(opening.error)}`));
        opening.onsuccess = () => {
          const db = opening.result;
          if (!db.objectStoreNames.contains('refunds')) {
            db.close();
            resolve([]);
            return;
          }
          const reading = db.transaction('refunds').objectStore('refunds').getAll();
          reading.onsuccess = () => {
            db.close();
            resolve(reading.result as unknown[]);
          };
          reading.onerror = () => reject(new Error(`IndexedDB: ${String(reading.error)}`));
        };
      }),
  );
  return (records as RefundRecord[])
    .filter((record) => filter.orderId === undefined || record.orderId === filter.orderId)
    .filter((record) => filter.since === undefined || record.createdAt >= filter.since)
    .sort((a, b) => a.createdAt - b.createdAt);
}

/** Refunds $12.34 of the two-payment order's first payment ("Item misrepresented") in the side panel, until the API confirms it. */
export async function refundFirstPaymentOfTwoPaymentOrder(browser: ExtensionBrowser): Promise<void> {
  const { page, panel } = await openSidePanelOn(browser, SEED.contacts.demo, SEED.orders.twoPayments);
  await panel
    .getByRole('group', { name: `Payment #${SEED.payments.twoPaymentsFirst}` })
    .getByRole('checkbox')
    .check();
  await panel.getByLabel(`Refund amount for payment #${SEED.payments.twoPaymentsFirst}`).fill('12.34');
  await panel.getByLabel('Reason', { exact: true }).selectOption('Item misrepresented');
  await panel.getByRole('button', { name: 'Review refund' }).click();
  await panel.getByRole('button', { name: 'Confirm refund of $12.34' }).click();
  await panel
    .getByRole('status')
    .filter({ hasText: /^Refunded \$12\.34$/ })
    .waitFor({ timeout: 60_000 });
  await panel.close();
  await page.close();
}

/** The refund history popup's rows. */
export function historyRows(popup: Page) {
  return popup.getByRole('list', { name: 'Refunds' }).getByRole('listitem');
}
