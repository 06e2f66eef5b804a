import type { JournalDb } from './db';
import type { JournalFilter, RefundRecord } from './schema';
import { searchQueryTokens } from './search';
import { REFUND_STATES, type RefundState } from './states';

type RecordCollection = ReturnType<JournalDb['refunds']['toCollection']>;

/** Search hits up to this many are fetched by key and sorted in memory; more are found by walking the date index. */
const IN_MEMORY_SEARCH_LIMIT = 2000;

/** States whose money has left (or been recorded as leaving) the merchant. */
const SETTLED_STATES: readonly RefundState[] = ['confirmed', 'recorded'];

export function newestFirst(a: RefundRecord, b: RefundRecord): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function matchesFilter(record: RefundRecord, filter: JournalFilter): boolean {
  return (
    (filter.states === undefined || filter.states.includes(record.state)) &&
    (filter.from === undefined || record.createdAt >= filter.from) &&
    (filter.to === undefined || record.createdAt <= filter.to) &&
    (filter.contactId === undefined || record.contact.id === filter.contactId)
  );
}

/**
 * Collections that together hold the records matching `filter` (search aside), each newest first,
 * read through an index so that a page reads only its own rows.
 */
function orderedSources(db: JournalDb, filter: JournalFilter, keep?: (record: RefundRecord) => boolean): RecordCollection[] {
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  let sources: RecordCollection[];
  if (filter.contactId !== undefined) {
    const states = filter.states === undefined ? undefined : new Set(filter.states);
    const byContact = db.refunds
      .where('[contact.id+createdAt]')
      .between([filter.contactId, from], [filter.contactId, to], true, true)
      .reverse();
    sources = [states === undefined ? byContact : byContact.filter((record) => states.has(record.state))];
  } else if (filter.states !== undefined) {
    sources = [...new Set(filter.states)].map((state) =>
      db.refunds.where('[state+createdAt]').between([state, from], [state, to], true, true).reverse(),
    );
  } else {
    sources = [db.refunds.where('createdAt').between(from, to, true, true).reverse()];
  }
  return keep === undefined ? sources : sources.map((source) => source.filter(keep));
}

type Plan = { kind: 'in-memory'; records: RefundRecord[] } | { kind: 'indexed'; sources: RecordCollection[] };

async function searchHits(db: JournalDb, tokens: string[]): Promise<Set<string>> {
  let hits: Set<string> | undefined;
  for (const token of tokens) {
    const ids = new Set(await db.refunds.where('searchTokens').startsWith(token).primaryKeys());
    hits = hits === undefined ? ids : new Set([...hits].filter((id) => ids.has(id)));
    if (hits.size === 0) break;
  }
  return hits ?? new Set();
}

async function planQuery(db: JournalDb, filter: JournalFilter): Promise<Plan> {
  const tokens = searchQueryTokens(filter.search ?? '');
  if (tokens.length === 0) return { kind: 'indexed', sources: orderedSources(db, filter) };
  const hits = await searchHits(db, tokens);
  if (hits.size > IN_MEMORY_SEARCH_LIMIT) {
    return { kind: 'indexed', sources: orderedSources(db, filter, (record) => hits.has(record.id)) };
  }
  const found = await db.refunds.bulkGet([...hits]);
  const records = found.filter((record): record is RefundRecord => record !== undefined && matchesFilter(record, filter));
  return { kind: 'in-memory', records: records.sort(newestFirst) };
}

export type ListOptions = { filter?: JournalFilter; limit?: number; offset?: number };
export type RecordPage = { records: RefundRecord[]; hasOlder: boolean };

/** One page of matching refunds, newest first. */
export async function listRecent(db: JournalDb, options: ListOptions = {}): Promise<RecordPage> {
  const { filter = {}, limit = 50, offset = 0 } = options;
  const plan = await planQuery(db, filter);
  // One row more than asked tells whether an older page exists without counting.
  const wanted = limit + 1;
  let rows: RefundRecord[];
  if (plan.kind === 'in-memory') {
    rows = plan.records.slice(offset, offset + wanted);
  } else if (plan.sources.length === 1 && plan.sources[0] !== undefined) {
    rows = await plan.sources[0].offset(offset).limit(wanted).toArray();
  } else {
    const parts = await Promise.all(plan.sources.map((source) => source.limit(offset + wanted).toArray()));
    rows = parts.flat().sort(newestFirst).slice(offset, offset + wanted);
  }
  return { records: rows.slice(0, limit), hasOlder: rows.length > limit };
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
 * How many refunds match `filter`, and how much of them was refunded, per currency. Streams
 * through the indexes: only settled records are read for the totals, and none are held at once.
 */
export async function countAndTotal(db: JournalDb, filter: JournalFilter = {}): Promise<CountAndTotal> {
  const totals = new Map<string, number>();
  const plan = await planQuery(db, filter);
  if (plan.kind === 'in-memory') {
    plan.records.forEach((record) => addTo(totals, record));
    return { count: plan.records.length, refunded: sortedTotals(totals) };
  }
  const counts = await Promise.all(plan.sources.map((source) => source.count()));
  const settledFilter = { ...filter, states: (filter.states ?? REFUND_STATES).filter((state) => SETTLED_STATES.includes(state)) };
  const settledPlan = await planQuery(db, settledFilter);
  if (settledPlan.kind === 'indexed') {
    for (const source of settledPlan.sources) await source.each((record) => addTo(totals, record));
  } else {
    settledPlan.records.forEach((record) => addTo(totals, record));
  }
  return { count: counts.reduce((sum, count) => sum + count, 0), refunded: sortedTotals(totals) };
}

/** Every matching refund, newest first, in pages of `pageSize` (for export). */
export async function* matchingPages(db: JournalDb, filter: JournalFilter, pageSize = 500): AsyncGenerator<RefundRecord[]> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await listRecent(db, { filter, limit: pageSize, offset });
    if (page.records.length > 0) yield page.records;
    if (!page.hasOlder) return;
  }
}
