import { Dexie } from 'dexie';
import type { JournalDb } from './db';
import type { JournalFilter, RefundRecord } from './schema';
import { searchQueryTokens } from './search';
import { REFUND_STATES, type RefundState } from './states';

type RecordCollection = ReturnType<JournalDb['refunds']['toCollection']>;

/** Where a page ended: the next (older) page starts strictly after this record. */
export type PageCursor = { createdAt: number; id: string };

/** Search hits up to this many are fetched and sorted in memory; more are ordered by walking index keys only. */
const IN_MEMORY_SEARCH_LIMIT = 2000;
const FETCH_CHUNK = 250;

/** States whose money has left (or been recorded as leaving) the merchant. */
const SETTLED_STATES: readonly RefundState[] = ['confirmed', 'recorded'];

/** Newest first; ties on `createdAt` by descending id, the order the `[…+createdAt+id]` indexes give in reverse. */
export function newestFirst(a: PageCursor, b: PageCursor): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function isOlderThan(record: PageCursor, cursor: PageCursor | undefined): boolean {
  return cursor === undefined || newestFirst(cursor, record) < 0;
}

function cursorOf(record: RefundRecord): PageCursor {
  return { createdAt: record.createdAt, id: record.id };
}

function matchesFilter(record: RefundRecord, filter: JournalFilter): boolean {
  return (
    (filter.states === undefined || filter.states.includes(record.state)) &&
    (filter.from === undefined || record.createdAt >= filter.from) &&
    (filter.to === undefined || record.createdAt <= filter.to) &&
    (filter.contactId === undefined || record.contact.id === filter.contactId)
  );
}

/** The `[createdAt, id]` bounds of a filter's date range, cut at `before`. */
function timeBounds(filter: JournalFilter, before: PageCursor | undefined) {
  const lower: [number, string | number] = [filter.from ?? -Infinity, Dexie.minKey];
  const to = filter.to ?? Infinity;
  if (before !== undefined && before.createdAt <= to) {
    return { lower, upper: [before.createdAt, before.id] as const, includeUpper: false };
  }
  return { lower, upper: [to, Dexie.maxKey] as const, includeUpper: true };
}

/**
 * Collections that together hold the records matching `filter` (search aside) older than
 * `before`, each newest first and read through an index, so a page reads only its own rows.
 */
function orderedSources(db: JournalDb, filter: JournalFilter, before?: PageCursor): RecordCollection[] {
  const { lower, upper, includeUpper } = timeBounds(filter, before);
  const { contactId, states } = filter;
  if (contactId !== undefined) {
    const byContact = db.refunds
      .where('[contact.id+createdAt+id]')
      .between([contactId, ...lower], [contactId, ...upper], true, includeUpper)
      .reverse();
    return [states === undefined ? byContact : byContact.filter((record) => states.includes(record.state))];
  }
  if (states !== undefined) {
    return [...new Set(states)].map((state) =>
      db.refunds.where('[state+createdAt+id]').between([state, ...lower], [state, ...upper], true, includeUpper).reverse(),
    );
  }
  return [db.refunds.where('[createdAt+id]').between(lower, upper, true, includeUpper).reverse()];
}

async function firstOfSources(sources: RecordCollection[], count: number): Promise<RefundRecord[]> {
  const parts = await Promise.all(sources.map((source) => source.limit(count).toArray()));
  return parts.flat().sort(newestFirst).slice(0, count);
}

async function searchHits(db: JournalDb, tokens: string[]): Promise<Set<string>> {
  let hits: Set<string> | undefined;
  for (const token of tokens) {
    const ids = new Set(await db.refunds.where('searchTokens').startsWith(token).primaryKeys());
    hits = hits === undefined ? ids : new Set([...hits].filter((id) => ids.has(id)));
    if (hits.size === 0) break;
  }
  return hits ?? new Set();
}

/**
 * Matches of a search, newest first, fetched lazily in chunks. Few hits are fetched at once and
 * sorted; many are ordered by walking the date index's keys (no records read) and fetched as needed.
 */
async function* searchMatches(
  db: JournalDb,
  filter: JournalFilter,
  tokens: string[],
  before?: PageCursor,
): AsyncGenerator<RefundRecord[]> {
  const hits = await searchHits(db, tokens);
  if (hits.size <= IN_MEMORY_SEARCH_LIMIT) {
    const found = await db.refunds.bulkGet([...hits]);
    yield found
      .filter((record): record is RefundRecord => record !== undefined && matchesFilter(record, filter) && isOlderThan(record, before))
      .sort(newestFirst);
    return;
  }
  const { lower, upper, includeUpper } = timeBounds(filter, before);
  // Read forwards (a single getAllKeys) and reverse in memory: newest first without a cursor walk.
  const idsOldestFirst = await db.refunds.where('[createdAt+id]').between(lower, upper, true, includeUpper).primaryKeys();
  const orderedHits = idsOldestFirst.reverse().filter((id) => hits.has(id));
  for (let start = 0; start < orderedHits.length; start += FETCH_CHUNK) {
    const found = await db.refunds.bulkGet(orderedHits.slice(start, start + FETCH_CHUNK));
    yield found.filter((record): record is RefundRecord => record !== undefined && matchesFilter(record, filter));
  }
}

export type ListOptions = { filter?: JournalFilter; limit?: number; before?: PageCursor };
export type RecordPage = {
  records: RefundRecord[];
  /** Pass as `before` for the next, older page; absent on the last page. */
  older?: PageCursor;
};

/** One page of matching refunds, newest first, older than `before`. */
export async function listRecent(db: JournalDb, options: ListOptions = {}): Promise<RecordPage> {
  const { filter = {}, limit = 50, before } = options;
  const tokens = searchQueryTokens(filter.search ?? '');
  // One row more than asked tells whether an older page exists without counting.
  const wanted = limit + 1;
  let rows: RefundRecord[] = [];
  if (tokens.length === 0) {
    rows = await firstOfSources(orderedSources(db, filter, before), wanted);
  } else {
    for await (const chunk of searchMatches(db, filter, tokens, before)) {
      rows.push(...chunk);
      if (rows.length >= wanted) break;
    }
    rows = rows.slice(0, wanted);
  }
  const records = rows.slice(0, limit);
  const last = records[records.length - 1];
  return rows.length > limit && last !== undefined ? { records, older: cursorOf(last) } : { records };
}

export type CurrencyTotal = { currency: string; amountMinor: number };
export type CountAndTotal = { count: number; refunded: CurrencyTotal[] };

/** The part of a refund that was refunded or recorded; zero unless the refund is settled. */
export function settledMinor(record: RefundRecord): number {
  if (!SETTLED_STATES.includes(record.state)) return 0;
  return record.lines
    .filter((line) => line.outcome === undefined || ['refunded', 'recorded', 'voided'].includes(line.outcome))
    .reduce((sum, line) => sum + line.amountMinor, 0);
}

function addTo(totals: Map<string, number>, record: RefundRecord): void {
  const amount = settledMinor(record);
  const currency = record.lines[0]?.currency;
  if (amount > 0 && currency !== undefined) totals.set(currency, (totals.get(currency) ?? 0) + amount);
}

function sortedTotals(totals: Map<string, number>): CurrencyTotal[] {
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

/**
 * How many refunds match `filter`, and how much of them was refunded, per currency. Counts come
 * from the indexes; for the totals only settled records are read, a page at a time.
 */
export async function countAndTotal(db: JournalDb, filter: JournalFilter = {}): Promise<CountAndTotal> {
  const totals = new Map<string, number>();
  const tokens = searchQueryTokens(filter.search ?? '');
  if (tokens.length > 0) {
    let count = 0;
    for await (const chunk of searchMatches(db, filter, tokens)) {
      count += chunk.length;
      chunk.forEach((record) => addTo(totals, record));
    }
    return { count, refunded: sortedTotals(totals) };
  }
  const counts = await Promise.all(orderedSources(db, filter).map((source) => source.count()));
  const settledStates = (filter.states ?? REFUND_STATES).filter((state) => SETTLED_STATES.includes(state));
  // Page by page rather than one long cursor: bounded memory, and each read is a short one.
  for await (const page of matchingPages(db, { ...filter, states: settledStates })) {
    page.forEach((record) => addTo(totals, record));
  }
  return { count: counts.reduce((sum, count) => sum + count, 0), refunded: sortedTotals(totals) };
}

/** Every matching refund, newest first, in pages of `pageSize` (for export). */
export async function* matchingPages(db: JournalDb, filter: JournalFilter, pageSize = 500): AsyncGenerator<RefundRecord[]> {
  let before: PageCursor | undefined;
  do {
    const page = await listRecent(db, { filter, limit: pageSize, before });
    if (page.records.length > 0) yield page.records;
    before = page.older;
  } while (before !== undefined);
}
