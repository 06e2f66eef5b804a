import { Dexie, type EntityTable } from 'dexie';
import type { OpenJournalOptions } from '@/lib/audit/db';
import type { Queue, QueueRow } from './schema';

const QUEUE_DB_NAME = 'refund-desk-queue';

export type QueueDb = Dexie & {
  queues: EntityTable<Queue, 'id'>;
  rows: EntityTable<QueueRow, 'id'>;
};

/**
 * The refund queue's own database, beside the journal: the queue says what to refund, the journal
 * what was sent. Rows are read in order through `[queueId+position]`.
 */
export async function openQueueDb(options: OpenJournalOptions = {}): Promise<QueueDb> {
  const db = new Dexie(options.name ?? QUEUE_DB_NAME, options.factory) as QueueDb;
  db.version(1).stores({ queues: 'id, createdAt', rows: 'id, [queueId+position]' });
  await db.open();
  return db;
}

/** The queue the page shows: the newest one. */
export function currentQueue(db: QueueDb): Promise<Queue | undefined> {
  return db.queues.orderBy('createdAt').last();
}

export function rowsOf(db: QueueDb, queueId: string): Promise<QueueRow[]> {
  return db.rows.where('[queueId+position]').between([queueId, Dexie.minKey], [queueId, Dexie.maxKey]).toArray();
}
