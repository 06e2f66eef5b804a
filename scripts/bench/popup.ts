import type { Page } from 'playwright-core';
import { JOURNAL_DB_NAME } from '@/lib/audit/db';
import type { RefundRecord } from '@/lib/audit/schema';
import { searchQueryTokens } from '@/lib/audit/search';
import { countRecord, type DayTotals } from '@/lib/audit/totals';
import { launchExtensionBrowser } from '../../test/e2e/harness';
import type { Sandbox } from '../../test/sandbox/server';
import { pageHeapAfterGc } from './memory';
import { POPUP_OBSERVER, type PopupMarks, searchScript, type SearchTiming } from './in-page';
import { FIRST_ORDER_ID, journalRecords } from './journal-records';

const WRITE_BATCH = 10_000;
const WAIT_MS = 60_000;
/** Dexie opens IndexedDB at ten times its schema version; the journal's schema is version 5. */
const JOURNAL_IDB_VERSION = 50;

/** Each search: what was typed, why it is interesting, and what it measured. */
interface PopupSearch extends SearchTiming {
  query: string;
  what: string;
  /** Refunds the search matches, as the popup counted them. */
  matches: number;
}

export interface PopupResult {
  records: number;
  /** Navigation start to the first row in the page, per reload (ms). */
  firstRowsMs: number[];
  /** Navigation start to the count and refunded total over all records being shown, per reload (ms). */
  summaryMs: number[];
  searches: PopupSearch[];
  /** Raw IndexedDB reading all keys of the `[createdAt+id]` index (ms). */
  dateIndexKeysMs: number;
  /** The popup's JS heap after a GC, showing its first rows and the totals (bytes). */
  heapBytes: number;
}

const POPUP_SEARCHES: Array<{ query: string; what: string }> = [
  { query: 'maria', what: 'a first name' },
  { query: 'okafor', what: 'a surname' },
  { query: 'maria okafor', what: 'one contact, two words' },
  { query: String(FIRST_ORDER_ID + 54_321), what: 'an order id' },
  { query: 'zoe', what: 'a first name without its accent (Zoë)' },
];

/** The journal's search rule: every query word is a prefix of one of the record's tokens. */
function matchesSearch(record: RefundRecord, queryTokens: string[]): boolean {
  return queryTokens.every((word) => record.searchTokens.some((token) => token.startsWith(word)));
}

/** Writes `rows` into the journal's `store` with raw IndexedDB, in one transaction. */
async function writeRows(page: Page, store: 'refunds' | 'dailyTotals' | 'actors', rows: unknown[]): Promise<void> {
  await page.evaluate(
    ({ name, version, storeName, batch }) =>
      new Promise<void>((resolve, reject) => {
        const opening = indexedDB.open(name, version);
        opening.onupgradeneeded = () => {
          opening.transaction?.abort();
          reject(new Error(`The journal is not at IndexedDB version ${version}.`));
        };
        opening.onerror = () => reject(new Error(`IndexedDB: ${String(opening.error)}`));
        opening.onsuccess = () => {
          const db = opening.result;
          const writing = db.transaction(storeName, 'readwrite');
          const store = writing.objectStore(storeName);
          for (const record of JSON.parse(batch) as unknown[]) store.put(record);
          writing.oncomplete = () => {
            db.close();
            resolve();
          };
          writing.onerror = () => {
            db.close();
            reject(new Error(`IndexedDB: ${String(writing.error)}`));
          };
        };
      }),
    // As JSON text: Playwright carries one string far faster than 10,000 objects.
    { name: JOURNAL_DB_NAME, version: JOURNAL_IDB_VERSION, storeName: store, batch: JSON.stringify(rows) },
  );
}

/**
 * How long raw IndexedDB takes here to read every key of the journal's `[createdAt+id]` index,
 * which the journal's search read whole, before version 3, when a word matched more than 2,000 refunds.
 */
async function timeDateIndexKeys(page: Page): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open(name);
        opening.onerror = () => reject(new Error(`IndexedDB: ${String(opening.error)}`));
        opening.onsuccess = () => {
          const db = opening.result;
          const startedAt = performance.now();
          const reading = db.transaction('refunds').objectStore('refunds').index('[createdAt+id]').getAllKeys();
          reading.onsuccess = () => {
            db.close();
            resolve(performance.now() - startedAt);
          };
          reading.onerror = () => {
            db.close();
            reject(new Error(`IndexedDB: ${String(reading.error)}`));
          };
        };
      }),
    JOURNAL_DB_NAME,
  );
}

/** Waits until the popup's summary counts `count` refunds (it says "Counting…" meanwhile). */
async function summaryCounts(page: Page, count: number): Promise<void> {
  await page.waitForFunction((expected) => document.querySelector('p.summary')?.textContent?.startsWith(expected) === true, `${count} ${count === 1 ? 'refund' : 'refunds'} ·`, {
    timeout: WAIT_MS,
    polling: 50,
  });
}

/**
 * Opens the popup page (in a tab) once so Dexie creates the journal, fills it with `count`
 * records through raw IndexedDB in batches, then reloads it `reloads` times to time the first
 * rows, and types each of POPUP_SEARCHES into its Search box.
 */
export async function measurePopup(sandbox: Sandbox, count: number, reloads: number): Promise<PopupResult> {
  const browser = await launchExtensionBrowser(sandbox);
  try {
    const page = await browser.extensionPage('popup');
    await page.getByRole('heading', { name: 'Refund history' }).waitFor({ timeout: WAIT_MS });
    const searchTokens = POPUP_SEARCHES.map(({ query }) => searchQueryTokens(query));
    const expectedMatches = POPUP_SEARCHES.map(() => 0);
    let batch: RefundRecord[] = [];
    // The day totals and actors the journal keeps beside its records, as its own writes would have left them.
    const dayTotals = new Map<number, DayTotals>();
    const actors = new Map<string, RefundRecord['actor']>();
    for (const record of journalRecords(count)) {
      countRecord(dayTotals, record);
      actors.set(JSON.stringify([record.actor.name, record.actor.email]), record.actor);
      searchTokens.forEach((tokens, index) => {
        if (matchesSearch(record, tokens)) expectedMatches[index] = (expectedMatches[index] ?? 0) + 1;
      });
      batch.push(record);
      if (batch.length === WRITE_BATCH) {
        await writeRows(page, 'refunds', batch);
        batch = [];
      }
    }
    if (batch.length > 0) await writeRows(page, 'refunds', batch);
    await writeRows(page, 'dailyTotals', [...dayTotals.values()]);
    await writeRows(page, 'actors', [...actors.values()]);

    await page.addInitScript({ content: POPUP_OBSERVER });
    const firstRowsMs: number[] = [];
    const summaryMs: number[] = [];
    for (let reload = 0; reload < reloads; reload += 1) {
      await page.reload();
      await page.waitForFunction(
        () => {
          const marks = (window as unknown as { __refundDeskBench?: PopupMarks }).__refundDeskBench;
          return marks !== undefined && marks.firstRowAt !== null && marks.summaryAt !== null;
        },
        undefined,
        { timeout: WAIT_MS, polling: 50 },
      );
      const marks = await page.evaluate(() => (window as unknown as { __refundDeskBench: PopupMarks }).__refundDeskBench);
      if (marks.firstRowAt === null || marks.summaryAt === null) throw new Error('The popup timeline is incomplete.');
      firstRowsMs.push(marks.firstRowAt);
      summaryMs.push(marks.summaryAt);
    }
    await summaryCounts(page, count);
    const heapBytes = await pageHeapAfterGc(page);
    const dateIndexKeysMs = await timeDateIndexKeys(page);
    const searches: PopupSearch[] = [];
    for (const [index, { query, what }] of POPUP_SEARCHES.entries()) {
      const matches = expectedMatches[index] ?? 0;
      const timing = await page.evaluate<SearchTiming>(searchScript(query, WAIT_MS));
      // The popup must have found what the journal holds; the next search starts once it has counted.
      await summaryCounts(page, matches);
      searches.push({ query, what, matches, ...timing });
    }
    return { records: count, firstRowsMs, summaryMs, searches, dateIndexKeysMs, heapBytes };
  } finally {
    await browser.close({ removeProfile: true });
  }
}
