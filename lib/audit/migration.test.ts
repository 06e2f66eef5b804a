import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { JOURNAL_DB_NAME, openJournal, type JournalDb } from './db';
import { buildPlannedRecord, countFinished, eventsFor, findByIdempotencyKey, markState } from './journal';
import { countAndTotal, listMadeBy, listRecent } from './query';
import { refundRecordSchema, type RefundRecord } from './schema';
import type { RefundState } from './states';
import { searchTokensFor } from './search';
import { refundIdFor } from './ids';
import { freshFactory, isRefundIdFor, samplePlan } from './test-support';

/** Records as version 1 of the extension wrote them: no `totalMinor`, no `searchTokens`. */
const v1Records = [
  {
    id: '0b8e4a52-3c1f-4d8e-9a53-1f5e8c2b7a01',
    idempotencyKey: 'v1-a',
    appName: 'ab123',
    contact: { id: 42, name: 'José Álvarez', email: 'Jose@Example.com' },
    orderId: 9001,
    lines: [
      { paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen', outcome: 'refunded' },
      { paymentId: 7002, amountMinor: 1550, currency: 'USD', channel: 'keap-refund-screen', outcome: 'refunded' },
    ],
    reason: { preset: 'Customer request', details: '' },
    errorHandling: 'skip-payment',
    amountOwedAfterMinor: 0,
    actor: { name: 'Sam Admin', email: 'sam@merchant.example' },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_005_000,
    state: 'confirmed',
    evidence: { refundTransactionIds: [8801, 8802], refundInvoicePaymentIds: [7101, 7102], orderRefundTotalMinor: 7550, checkedAt: 1_700_000_005_000 },
  },
  {
    id: '6c0f2f7e-8d3a-4b6e-b1a4-2d9c7e5f3b02',
    idempotencyKey: 'v1-b',
    appName: 'ab123',
    contact: { id: 43, name: 'Lee Chen', email: 'lee@example.org' },
    orderId: 9100,
    lines: [{ paymentId: 7100, amountMinor: 2500, currency: 'USD', channel: 'manual' }],
    reason: { preset: 'Duplicate charge', details: 'Charged twice' },
    errorHandling: 'record-anyway',
    amountOwedAfterMinor: 0,
    actor: { name: 'Sam Admin', email: 'sam@merchant.example' },
    createdAt: 1_700_000_100_000,
    updatedAt: 1_700_000_100_000,
    state: 'submitting',
  },
];

async function writeVersion1Database(factory: ReturnType<typeof freshFactory>): Promise<void> {
  const v1 = new Dexie(JOURNAL_DB_NAME, factory);
  v1.version(1).stores({
    refunds: 'id, &idempotencyKey, createdAt, [contact.id+createdAt], orderId, state',
    events: '++id, refundId',
  });
  await v1.table('refunds').bulkAdd(v1Records);
  await v1.table('events').bulkAdd(v1Records.map((record) => ({ refundId: record.id, from: null, to: 'planned', at: record.createdAt })));
  v1.close();
}

/** A version 2 database: UUIDv4 ids, no day totals. */
async function writeVersion2Database(factory: ReturnType<typeof freshFactory>, records: RefundRecord[]): Promise<void> {
  const v2 = new Dexie(JOURNAL_DB_NAME, factory);
  v2.version(2).stores({
    refunds: 'id, &idempotencyKey, orderId, state, [createdAt+id], [state+createdAt+id], [contact.id+createdAt+id], *searchTokens',
    events: '++id, refundId',
  });
  await v2.table('refunds').bulkAdd(records);
  await v2.table('events').bulkAdd(records.map((record) => ({ refundId: record.id, from: null, to: record.state, at: record.createdAt })));
  v2.close();
}

async function byIdempotencyKey(db: JournalDb, key: string): Promise<RefundRecord> {
  const record = await findByIdempotencyKey(db, key);
  if (record === undefined) throw new Error(`No record ${key}`);
  return record;
}

describe('migration from version 1', () => {
  it('keeps every record intact, adds totals and search tokens, and gives it a time-ordered id', async () => {
    const factory = freshFactory();
    await writeVersion1Database(factory);

    const db = await openJournal({ factory });

    expect(db.verno).toBe(5);
    const [first, second] = v1Records;
    const migratedFirst = await byIdempotencyKey(db, 'v1-a');
    expect(isRefundIdFor(migratedFirst.id, first!.createdAt)).toBe(true);
    expect(migratedFirst).toEqual({
      ...first,
      id: migratedFirst.id,
      totalMinor: 7550,
      searchTokens: expect.arrayContaining(['alvarez', 'jose@example.com', 'example.com', '9001']),
    });
    const migratedSecond = await byIdempotencyKey(db, 'v1-b');
    expect(migratedSecond).toEqual({ ...second, id: migratedSecond.id, totalMinor: 2500, searchTokens: expect.arrayContaining(['lee@example.org', 'chen', '9100']) });
    for (const record of await db.refunds.toArray()) expect(refundRecordSchema.safeParse(record).success).toBe(true);
    expect((await db.events.toArray()).map((event) => event.refundId).sort()).toEqual([migratedFirst.id, migratedSecond.id].sort());
  });

  it('serves the new queries and carries on the old records', async () => {
    const factory = freshFactory();
    await writeVersion1Database(factory);
    const db = await openJournal({ factory });
    const first = await byIdempotencyKey(db, 'v1-a');
    const second = await byIdempotencyKey(db, 'v1-b');

    expect((await listRecent(db, { filter: { search: 'álva' } })).records.map((record) => record.id)).toEqual([first.id]);
    expect((await listRecent(db, { filter: { states: ['submitting'] } })).records.map((record) => record.id)).toEqual([second.id]);
    expect(await countAndTotal(db, {})).toEqual({ count: 2, refunded: [{ currency: 'USD', amountMinor: 7550 }] });

    await markState(db, second.id, 'recorded', {}, { now: 1_700_000_200_000 });
    expect((await eventsFor(db, second.id)).map((event) => event.to)).toEqual(['planned', 'recorded']);
    expect(await countAndTotal(db, {})).toEqual({ count: 2, refunded: [{ currency: 'USD', amountMinor: 10_050 }] });
  });
});

describe('migration from version 2 to version 3', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const start = Date.UTC(2025, 2, 1, 9);
  const states: RefundState[] = ['confirmed', 'failed', 'recorded', 'submitting', 'confirmed', 'needs-manual', 'confirmed'];
  const v2Records: RefundRecord[] = states.map((state, index) => ({
    ...buildPlannedRecord(
      samplePlan({
        idempotencyKey: `v2-${index}`,
        contact: { id: 100 + (index % 2), name: index % 2 === 0 ? 'Ana Lima' : 'Ben Ortiz', email: `c${index % 2}@example.com` },
        orderId: 5000 + index,
        lines: [{ paymentId: 100 + index, amountMinor: 1000 * (index + 1), currency: index === 6 ? 'EUR' : 'USD', channel: 'manual' }],
      }),
      crypto.randomUUID(),
      // Twelve hours apart, so the records span several days and some share one.
      start + index * (DAY / 2),
    ),
    state,
  }));

  it('re-keys records newest-last with their events, prunes their search words, and computes the day totals the records add up to', async () => {
    const factory = freshFactory();
    // Version 2 kept every word, also those that begin another ("an" of "ana"): the upgrade drops them.
    await writeVersion2Database(
      factory,
      v2Records.map((record) => ({ ...record, searchTokens: [...record.searchTokens, 'an', 'li'] })),
    );

    const db = await openJournal({ factory });

    const migrated = await Promise.all(v2Records.map((record) => byIdempotencyKey(db, record.idempotencyKey)));
    migrated.forEach((record, index) => {
      expect(record.searchTokens).toEqual(searchTokensFor(record));
      expect(record).toEqual({ ...v2Records[index], id: record.id });
      expect(isRefundIdFor(record.id, record.createdAt)).toBe(true);
    });
    expect(migrated.map((record) => record.id)).toEqual(migrated.map((record) => record.id).sort());
    for (const record of migrated) expect((await eventsFor(db, record.id)).map((event) => event.to)).toEqual([record.state]);
    expect(await db.events.count()).toBe(v2Records.length);

    expect(await countAndTotal(db, {})).toEqual({
      count: 7,
      refunded: [
        { currency: 'EUR', amountMinor: 7000 },
        { currency: 'USD', amountMinor: 1000 + 3000 + 5000 },
      ],
    });
    expect(await countAndTotal(db, { states: ['confirmed'], from: start + DAY })).toEqual({
      count: 2,
      refunded: [
        { currency: 'EUR', amountMinor: 7000 },
        { currency: 'USD', amountMinor: 5000 },
      ],
    });
    expect(await countFinished(db)).toBe(5);
    expect((await listRecent(db, { filter: { search: 'ana' } })).records.map((record) => record.idempotencyKey)).toEqual(['v2-6', 'v2-4', 'v2-2', 'v2-0']);
  });
});

describe('migration from version 3 to versions 4 and 5', () => {
  it('indexes who made each refund and lists each person once, so the "Made by" choices and filter serve the refunds already there', async () => {
    const factory = freshFactory();
    const v3 = new Dexie(JOURNAL_DB_NAME, factory);
    v3.version(3).stores({
      refunds: 'id, &idempotencyKey, orderId, state, [createdAt+id], [state+createdAt+id], [contact.id+createdAt+id], *searchTokens',
      events: '++id, refundId',
      dailyTotals: 'day',
    });
    const records = [
      { ...buildPlannedRecord(samplePlan({ actor: { name: 'Kim Lee', email: '' } }), refundIdFor(1_700_000_000_000), 1_700_000_000_000), state: 'confirmed' as const },
      { ...buildPlannedRecord(samplePlan({ actor: { name: '', email: 'riley@example.com' } }), refundIdFor(1_700_000_001_000), 1_700_000_001_000), state: 'failed' as const },
    ];
    await v3.table('refunds').bulkAdd(records);
    v3.close();

    const db = await openJournal({ factory });

    expect(db.verno).toBe(5);
    expect(await listMadeBy(db)).toEqual(['Kim Lee', 'riley@example.com']);
    expect((await listRecent(db, { filter: { madeBy: 'riley@example.com' } })).records).toEqual([records[1]]);
  });
});
