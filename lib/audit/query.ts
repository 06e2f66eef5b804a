import { Dexie } from 'dexie';
import type { JournalActor } from './actors';
import type { JournalDb } from './db';
import { timestampText } from './ids';
import type { JournalFilter, RefundRecord } from './schema';
import { searchQueryTokens } from './search';
import { REFUND_STATES } from './states';
import { DAY_MS, addDayTotals, addRecords, type StateSum } from './totals';

type RecordCollection = ReturnType<JournalDb['refunds']['toCollection']>;

/** Where a page ended: the next (older) page starts strictly after this record. */
export type PageCursor = { createdAt: number; id: string };

/** The most search hits read in one go. */
const MAX_FETCH_CHUNK = 1000;

/** Newest first; ties on `createdAt` by descending id, the order the `[…+createdAt+id]` indexes give in reverse. */
export function newestFirst(a: PageCursor, b: PageCursor): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function cursorOf(record: RefundRecord): PageCursor {
  return { createdAt: record.createdAt, id: record.id };
}

/** Who made a refund, as the history shows and filters it: the actor's name, else their email ('' when neither is known). */
export function madeByOf(record: Pick<RefundRecord, 'actor'>): string {
  return record.actor.name.trim() || record.actor.email.trim();
}

const madeByOfActor = (actor: JournalActor) => madeByOf({ actor });

/** Every "made by" in the journal, sorted, from its small table of actors. */
export async function listMadeBy(db: JournalDb): Promise<string[]> {
  const names = new Set((await db.actors.toArray()).map(madeByOfActor));
  names.delete('');
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Ids of the refunds `madeBy` made, from the actor index's keys alone. */
async function madeByIds(db: JournalDb, madeBy: string): Promise<string[]> {
  const actors = (await db.actors.toArray()).filter((actor) => madeByOfActor(actor) === madeBy);
  const lists = await Promise.all(actors.map(({ name, email }) => db.refunds.where('[actor.name+actor.email]').equals([name, email]).primaryKeys()));
  return lists.flat();
}

function matchesFilter(record: RefundRecord, filter: JournalFilter): boolean {
  return (
    (filter.states === undefined || filter.states.includes(record.state)) &&
    (filter.madeBy === undefined || madeByOf(record) === filter.madeBy) &&
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
 * Collections that together hold the records matching `filter` (search and "made by" aside) older than
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
      db.refunds
        .where('[state+createdAt+id]')
        .between([state, ...lower], [state, ...upper], true, includeUpper)
        .reverse(),
    );
  }
  return [db.refunds.where('[createdAt+id]').between(lower, upper, true, includeUpper).reverse()];
}

async function firstOfSources(sources: RecordCollection[], count: number): Promise<RefundRecord[]> {
  const parts = await Promise.all(sources.map((source) => source.limit(count).toArray()));
  return parts.flat().sort(newestFirst).slice(0, count);
}

/**
 * Ids of the refunds holding every search word and made by `filter.madeBy`, newest first: ids are
 * time-ordered (see `refundIdFor`), so the indexes' keys sort by creation without a record being read.
 */
async function searchHits(db: JournalDb, tokens: string[], filter: JournalFilter): Promise<string[]> {
  const keyLists = await Promise.all([
    ...tokens.map((token) => db.refunds.where('searchTokens').startsWith(token).primaryKeys()),
    ...(filter.madeBy === undefined ? [] : [madeByIds(db, filter.madeBy)]),
  ]);
  // Walk the fewest hits and look each up in the others' sets.
  const [fewest = [], ...others] = keyLists.sort((a, b) => a.length - b.length);
  const otherSets = others.map((keys) => new Set(keys));
  const hits = new Set(fewest.filter((id) => otherSets.every((set) => set.has(id))));
  return [...hits].sort().reverse();
}

/**
 * Matches of a search (its words, who made the refund, or both) older than `before`, newest first, read in chunks that start at
 * `firstChunk` records and double (a filter may drop many hits).
 */
async function* searchMatches(db: JournalDb, filter: JournalFilter, tokens: string[], options: { before?: PageCursor; firstChunk: number }): AsyncGenerator<RefundRecord[]> {
  const { before } = options;
  // Ids start with their creation time (see `refundIdFor`), so the date range and the page's end
  // narrow the hits before any record is read; `matchesFilter` stays the exact check.
  const oldest = filter.from === undefined ? undefined : timestampText(filter.from);
  const newest = filter.to === undefined ? undefined : timestampText(filter.to);
  const hits = (await searchHits(db, tokens, filter)).filter(
    (id) => (before === undefined || id < before.id) && (oldest === undefined || id >= oldest) && (newest === undefined || id.slice(0, newest.length) <= newest),
  );
  let chunk = options.firstChunk;
  for (let start = 0; start < hits.length; start += chunk, chunk = Math.min(chunk * 2, MAX_FETCH_CHUNK)) {
    const found = await db.refunds.bulkGet(hits.slice(start, start + chunk));
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
  if (tokens.length === 0 && filter.madeBy === undefined) {
    rows = await firstOfSources(orderedSources(db, filter, before), wanted);
  } else {
    for await (const chunk of searchMatches(db, filter, tokens, { before, firstChunk: wanted })) {
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

function sortedTotals(totals: Map<string, number>): CurrencyTotal[] {
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

/** Reads every record matching `filter` (search and "made by" aside) into `sum`. */
async function addMatchingRecords(db: JournalDb, sum: StateSum, filter: JournalFilter): Promise<void> {
  const parts = await Promise.all(orderedSources(db, filter).map((source) => source.toArray()));
  parts.forEach((records) => addRecords(sum, records));
}

/**
 * How many refunds match `filter`, and how much of them was refunded, per currency. Whole days
 * come from the day totals; only the records of a date range's partial first and last days, of
 * a contact, of a person ("made by") or of a search are read.
 */
export async function countAndTotal(db: JournalDb, filter: JournalFilter = {}): Promise<CountAndTotal> {
  const sum: StateSum = { count: 0, refunded: new Map() };
  const tokens = searchQueryTokens(filter.search ?? '');
  const firstWholeDay = filter.from === undefined ? -Infinity : Math.ceil(filter.from / DAY_MS);
  const lastWholeDay = filter.to === undefined ? Infinity : Math.floor((filter.to + 1) / DAY_MS) - 1;
  if (tokens.length > 0 || filter.madeBy !== undefined) {
    for await (const records of searchMatches(db, filter, tokens, { firstChunk: MAX_FETCH_CHUNK })) addRecords(sum, records);
  } else if (filter.contactId !== undefined || firstWholeDay > lastWholeDay) {
    await addMatchingRecords(db, sum, filter);
  } else {
    const days = await db.dailyTotals.where('day').between(firstWholeDay, lastWholeDay, true, true).toArray();
    addDayTotals(sum, days, filter.states ?? REFUND_STATES);
    if (filter.from !== undefined && filter.from < firstWholeDay * DAY_MS) {
      await addMatchingRecords(db, sum, { ...filter, to: firstWholeDay * DAY_MS - 1 });
    }
    if (filter.to !== undefined && filter.to >= (lastWholeDay + 1) * DAY_MS) {
      await addMatchingRecords(db, sum, { ...filter, from: (lastWholeDay + 1) * DAY_MS });
    }
  }
  return { count: sum.count, refunded: sortedTotals(sum.refunded) };
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
