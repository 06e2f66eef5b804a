import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalDb } from './db';
import { refundIdFor } from './ids';
import { buildPlannedRecord } from './journal';
import { countAndTotal, listMadeBy, listRecent, madeByOf, matchingPages, newestFirst, type PageCursor } from './query';
import type { JournalFilter, RefundRecord } from './schema';
import { searchQueryTokens } from './search';
import { REFUND_STATES } from './states';
import { openTestJournal, samplePlan, storeRecords } from './test-support';
import { settledMinor } from './totals';

const FIRST_NAMES = ['Jane', 'José', 'Amara', 'Liam', 'Noor', 'Kenji', 'Olivia', 'Mary-Jane'];
const LAST_NAMES = ['Doe', 'Álvarez', 'Okafor', 'Smith', 'Haddad', 'Tanaka', "O'Brien", 'Nguyen'];
/** Who made the refunds: by name, by email alone, by a name with spaces around it, and nobody known. */
const ACTORS = [
  { name: 'Sam Admin', email: 'sam@merchant.example' },
  { name: 'Kim Lee', email: '' },
  { name: '', email: 'riley@merchant.example' },
  { name: ' Kim Lee ', email: 'kim@merchant.example' },
  { name: '', email: '' },
];
const START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

/** A deterministic pseudo-random sequence, so failures reproduce. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function generate(count: number): RefundRecord[] {
  const random = sequence(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const contactId = 1 + Math.floor(random() * 500);
    const currency = random() < 0.9 ? 'USD' : 'EUR';
    const lines = Array.from({ length: 1 + Math.floor(random() * 2) }, (_unused, lineIndex) => ({
      paymentId: index * 10 + lineIndex + 1,
      amountMinor: 100 + Math.floor(random() * 50_000),
      currency,
      channel: 'keap-refund-screen' as const,
      ...(random() < 0.2 ? { outcome: pick(['refunded', 'skipped', 'recorded'] as const) } : {}),
    }));
    const plan = samplePlan({
      idempotencyKey: `gen-${index}`,
      contact: { id: contactId, name: `${first} ${last}`, email: `${first}.${last}${contactId}@example.com`.toLowerCase() },
      orderId: 10_000 + index,
      lines,
      actor: pick(ACTORS),
    });
    // Every third record shares a minute with its neighbours, so ties in createdAt are exercised.
    const createdAt = START + Math.floor(index / 3) * MINUTE;
    return { ...buildPlannedRecord(plan, refundIdFor(createdAt), createdAt), state: pick(REFUND_STATES) };
  });
}

/** What a correct query returns, computed the slow obvious way. */
function expected(records: RefundRecord[], filter: JournalFilter): RefundRecord[] {
  const tokens = searchQueryTokens(filter.search ?? '');
  return records
    .filter(
      (record) =>
        (filter.states === undefined || filter.states.includes(record.state)) &&
        (filter.from === undefined || record.createdAt >= filter.from) &&
        (filter.to === undefined || record.createdAt <= filter.to) &&
        (filter.contactId === undefined || record.contact.id === filter.contactId) &&
        (filter.madeBy === undefined || madeByOf(record) === filter.madeBy) &&
        tokens.every((token) => record.searchTokens.some((candidate) => candidate.startsWith(token))),
    )
    .sort(newestFirst);
}

function ids(records: RefundRecord[]): string[] {
  return records.map((record) => record.id);
}

async function readAllPages(db: JournalDb, filter: JournalFilter, limit: number): Promise<RefundRecord[]> {
  const all: RefundRecord[] = [];
  let before: PageCursor | undefined;
  do {
    const page = await listRecent(db, { filter, limit, before });
    expect(page.records.length).toBe(page.older === undefined ? page.records.length : limit);
    all.push(...page.records);
    before = page.older;
  } while (before !== undefined);
  return all;
}

describe('listing, search, paging and totals over 10,000 refunds', () => {
  let db: JournalDb;
  let records: RefundRecord[];

  beforeAll(async () => {
    db = await openTestJournal();
    records = generate(10_000);
    await storeRecords(db, records);
  }, 60_000);

  const filters: [string, JournalFilter][] = [
    ['no filter', {}],
    ['one state', { states: ['needs-manual'] }],
    ['two states', { states: ['planned', 'submitting'] }],
    ['a date range', { from: START + 1000 * MINUTE, to: START + 1500 * MINUTE }],
    ['a state and a date range', { states: ['confirmed'], from: START + 100 * MINUTE, to: START + 2000 * MINUTE }],
    ['a contact', { contactId: 77 }],
    ['a contact and a state', { contactId: 77, states: ['confirmed', 'recorded'] }],
    ['a name prefix', { search: 'kenj' }],
    ['two words in any order and case', { search: 'TANAKA  ken' }],
    ['an accent-free spelling', { search: 'alvarez jose' }],
    ['an email', { search: 'amara.okafor' }],
    ['an order id prefix', { search: '1234' }],
    ['a common prefix with many hits', { search: 'j' }],
    ['search with a state', { search: 'noor', states: ['failed'] }],
    ['search with a date range, its ends on records', { search: 'j', from: START + 1000 * MINUTE, to: START + 1500 * MINUTE }],
    ['search with a date range, its ends between records', { search: 'okafor', from: START + 200 * MINUTE + 1, to: START + 3000 * MINUTE - 1 }],
    ['no states at all', { states: [] }],
    ['a search nobody matches', { search: 'zzz' }],
    ['made by a name', { madeBy: 'Kim Lee' }],
    ['made by an email', { madeBy: 'riley@merchant.example' }],
    ['made by, a state and a date range', { madeBy: 'Sam Admin', states: ['confirmed'], from: START + 100 * MINUTE, to: START + 2000 * MINUTE }],
    ['made by and a contact', { madeBy: 'Sam Admin', contactId: 77 }],
    ['made by and a search', { madeBy: 'Kim Lee', search: 'j' }],
    ['made by nobody in the journal', { madeBy: 'Nobody Here' }],
  ];

  it('lists who made the refunds, each once, from the index alone', async () => {
    expect(await listMadeBy(db)).toEqual(['Kim Lee', 'riley@merchant.example', 'Sam Admin']);
  });

  it.each(filters)('the first page with %s is the newest matching refunds', async (_label, filter) => {
    const page = await listRecent(db, { filter, limit: 25 });
    const want = expected(records, filter);
    expect(ids(page.records)).toEqual(ids(want.slice(0, 25)));
    expect(page.older !== undefined).toBe(want.length > 25);
  });

  it.each(filters)('countAndTotal with %s counts and sums what matches', async (_label, filter) => {
    const want = expected(records, filter);
    const totals = new Map<string, number>();
    for (const record of want) {
      const amount = settledMinor(record);
      if (amount > 0) totals.set(record.lines[0]!.currency, (totals.get(record.lines[0]!.currency) ?? 0) + amount);
    }
    expect(await countAndTotal(db, filter)).toEqual({
      count: want.length,
      refunded: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amountMinor]) => ({ currency, amountMinor })),
    });
  });

  it('pages through a state filter without gaps or repeats', async () => {
    const filter: JournalFilter = { states: ['confirmed', 'recorded'] };
    expect(ids(await readAllPages(db, filter, 200))).toEqual(ids(expected(records, filter)));
  });

  it('pages through the whole journal, and through many search hits, exactly once each', async () => {
    expect(ids(await readAllPages(db, {}, 1000))).toEqual(ids(expected(records, {})));
    expect(ids(await readAllPages(db, { search: 'j' }, 700))).toEqual(ids(expected(records, { search: 'j' })));
  });

  it('yields every match for export, newest first', async () => {
    const filter: JournalFilter = { search: 'smith' };
    const exported: RefundRecord[] = [];
    for await (const page of matchingPages(db, filter, 300)) exported.push(...page);
    expect(ids(exported)).toEqual(ids(expected(records, filter)));
  });

  it('counts only settled payments as refunded', () => {
    const [record] = records;
    const lines = [
      { paymentId: 1, amountMinor: 1000, currency: 'USD', channel: 'manual' as const, outcome: 'refunded' as const },
      { paymentId: 2, amountMinor: 300, currency: 'USD', channel: 'manual' as const, outcome: 'skipped' as const },
    ];
    expect(settledMinor({ ...record!, lines, state: 'confirmed' })).toBe(1000);
    expect(settledMinor({ ...record!, lines, state: 'needs-manual' })).toBe(0);
  });
});
