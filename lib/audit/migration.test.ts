import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { JOURNAL_DB_NAME, openJournal } from './db';
import { eventsFor, markState } from './journal';
import { countAndTotal, listRecent } from './query';
import { refundRecordSchema } from './schema';
import { freshFactory } from './test-support';

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

describe('migration from version 1 to version 2', () => {
  it('keeps every record intact and adds totals and search tokens', async () => {
    const factory = freshFactory();
    await writeVersion1Database(factory);

    const db = await openJournal({ factory });

    expect(db.verno).toBe(2);
    const [first, second] = v1Records;
    const migratedFirst = await db.refunds.get(first!.id);
    expect(migratedFirst).toEqual({
      ...first,
      totalMinor: 7550,
      searchTokens: expect.arrayContaining(['jose', 'alvarez', 'jose@example.com', 'example.com', '9001']),
    });
    expect(await db.refunds.get(second!.id)).toEqual({ ...second, totalMinor: 2500, searchTokens: expect.arrayContaining(['lee', 'chen', '9100']) });
    for (const record of await db.refunds.toArray()) expect(refundRecordSchema.safeParse(record).success).toBe(true);
    expect(await db.events.count()).toBe(2);
  });

  it('serves the new queries and carries on the old records', async () => {
    const factory = freshFactory();
    await writeVersion1Database(factory);
    const db = await openJournal({ factory });

    expect((await listRecent(db, { filter: { search: 'álva' } })).records.map((record) => record.id)).toEqual([v1Records[0]!.id]);
    expect((await listRecent(db, { filter: { states: ['submitting'] } })).records.map((record) => record.id)).toEqual([v1Records[1]!.id]);
    expect(await countAndTotal(db, {})).toEqual({ count: 2, refunded: [{ currency: 'USD', amountMinor: 7550 }] });

    await markState(db, v1Records[1]!.id, 'recorded', {}, { now: 1_700_000_200_000 });
    expect((await eventsFor(db, v1Records[1]!.id)).map((event) => event.to)).toEqual(['planned', 'recorded']);
  });
});
