import type { EntityTable, Table } from 'dexie';
import type { RefundRecord } from './schema';

/**
 * Everyone who made a refund the journal holds, one row per (name, email). The history's "Made by"
 * choices and filter read this small table, never the refunds: with 100,000 refunds, walking the
 * refunds' actor index took most of a second and held up the popup's next reads.
 */
export type JournalActor = RefundRecord['actor'];

/** The journal's `actors` table, keyed by `[name+email]`. */
export type ActorsTable = Table<JournalActor, [string, string]>;

/** Who made `records`. Call inside the transaction that adds them, which must include `actors`. */
export async function rememberActors(actors: ActorsTable, records: readonly Pick<RefundRecord, 'actor'>[]): Promise<void> {
  // The [name+email] key folds repeated people into one row.
  await actors.bulkPut(records.map(({ actor }) => ({ name: actor.name, email: actor.email })));
}

/** Drops the people none of whose refunds are left (after the history's retention or "Clear history"). Call inside the deleting transaction. */
export async function forgetActorsWithoutRefunds(db: { refunds: EntityTable<RefundRecord, 'id'>; actors: ActorsTable }): Promise<void> {
  const gone: [string, string][] = [];
  for (const { name, email } of await db.actors.toArray()) {
    const left = await db.refunds.where('[actor.name+actor.email]').equals([name, email]).limit(1).primaryKeys();
    if (left.length === 0) gone.push([name, email]);
  }
  await db.actors.bulkDelete(gone);
}
