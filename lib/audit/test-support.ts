import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { rememberActors } from './actors';
import { openJournal, type JournalDb, type OpenJournalOptions } from './db';
import { timestampText } from './ids';
import type { PlanRefundInput, RefundRecord } from './schema';
import { updateDayTotals } from './totals';

/** A private in-memory IndexedDB, so that tests never share databases. */
export function freshFactory(): NonNullable<OpenJournalOptions['factory']> {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}

/** Whether `id` is the time-ordered id of a refund created at `createdAt` (not a pre-v3 random one). */
export function isRefundIdFor(id: string, createdAt: number): boolean {
  return id.startsWith(`${timestampText(createdAt)}-7`);
}

export function openTestJournal(factory = freshFactory()) {
  return openJournal({ factory });
}

export function samplePlan(overrides: Partial<PlanRefundInput> = {}): PlanRefundInput {
  return {
    idempotencyKey: `key-${Math.random().toString(36).slice(2)}`,
    appName: 'ab123',
    contact: { id: 42, name: 'Jane Doe', email: 'jane@example.com' },
    orderId: 9001,
    lines: [{ paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' }],
    reason: { preset: 'Customer request', details: 'Changed their mind' },
    errorHandling: 'skip-payment',
    amountOwedAfterMinor: 0,
    actor: { name: 'Sam Admin', email: 'sam@merchant.example' },
    ...overrides,
  };
}

/** Stores finished records as the journal would have left them: with their day totals and actors, in one transaction. */
export function storeRecords(db: JournalDb, records: RefundRecord[]): Promise<void> {
  return db.transaction('rw', db.refunds, db.dailyTotals, db.actors, async () => {
    await db.refunds.bulkAdd(records);
    await updateDayTotals(db.dailyTotals, [], records);
    await rememberActors(db.actors, records);
  });
}
