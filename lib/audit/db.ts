import { i18n } from '#i18n';
import { Dexie, type EntityTable } from 'dexie';
import type { ActorsTable } from './actors';
import { JournalError } from './errors';
import { refundIdFor } from './ids';
import type { RefundEvent, RefundRecord } from './schema';
import { searchTokensFor } from './search';
import { countRecord, type DailyTotalsTable, type DayTotals } from './totals';

export const JOURNAL_DB_NAME = 'refund-desk-journal';

export type JournalDb = Dexie & {
  refunds: EntityTable<RefundRecord, 'id'>;
  events: EntityTable<RefundEvent, 'id'>;
  dailyTotals: DailyTotalsTable;
  actors: ActorsTable;
};

export type OpenJournalOptions = {
  name?: string;
  /** An IndexedDB to use instead of the page's own; given explicitly, it also lifts the context check. */
  factory?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange };
};

const EXTENSION_PROTOCOLS = ['chrome-extension:', 'moz-extension:'];

/** Records re-keyed per step of the version 3 upgrade, to bound its memory. */
const REKEY_BATCH = 1000;

/** A version 1 record: what version 2 added is derived from it in the upgrade. */
type RefundRecordV1 = Omit<RefundRecord, 'totalMinor' | 'searchTokens'>;

function declareSchema(db: Dexie): void {
  db.version(1).stores({
    refunds: 'id, &idempotencyKey, createdAt, [contact.id+createdAt], orderId, state',
    events: '++id, refundId',
  });
  db.version(2)
    .stores({
      // Every listing index ends in the primary key, so pages can resume exactly after a record
      // (keyset paging) even when several refunds share a millisecond.
      refunds: 'id, &idempotencyKey, orderId, state, [createdAt+id], [state+createdAt+id], [contact.id+createdAt+id], *searchTokens',
      events: '++id, refundId',
    })
    .upgrade((tx) =>
      tx
        .table<RefundRecordV1 & Partial<RefundRecord>, string>('refunds')
        .toCollection()
        .modify((record) => {
          record.totalMinor = record.lines.reduce((sum, line) => sum + line.amountMinor, 0);
          record.searchTokens = searchTokensFor(record);
        }),
    );
  db.version(3)
    .stores({ dailyTotals: 'day' })
    .upgrade(async (tx) => {
      const refunds = tx.table<RefundRecord, string>('refunds');
      const events = tx.table<RefundEvent, number>('events');
      const days = new Map<number, DayTotals>();
      const ids = await refunds.toCollection().primaryKeys();
      for (let start = 0; start < ids.length; start += REKEY_BATCH) {
        const batch = (await refunds.bulkGet(ids.slice(start, start + REKEY_BATCH))).filter((record) => record !== undefined);
        // Version 2's random (UUIDv4) ids become time-ordered ones, their events follow them, and
        // their search tokens lose the words that begin another.
        const renamed = new Map<string, string>();
        const rekeyed: RefundRecord[] = [];
        for (const record of batch) {
          countRecord(days, record);
          const id = refundIdFor(record.createdAt);
          renamed.set(record.id, id);
          rekeyed.push({ ...record, id, searchTokens: searchTokensFor(record) });
        }
        await refunds.bulkDelete([...renamed.keys()]);
        await refunds.bulkAdd(rekeyed);
        await events
          .where('refundId')
          .anyOf([...renamed.keys()])
          .modify((event) => {
            event.refundId = renamed.get(event.refundId) ?? event.refundId;
          });
      }
      await tx.table<DayTotals, number>('dailyTotals').bulkAdd([...days.values()]);
    });
  // Who made each refund, so the history's "Made by" choices are read from the index's keys alone.
  db.version(4).stores({
    refunds: 'id, &idempotencyKey, orderId, state, [createdAt+id], [state+createdAt+id], [contact.id+createdAt+id], *searchTokens, [actor.name+actor.email]',
  });
  // The same people, one row each, so the choices are read without walking the refunds' index.
  db.version(5)
    .stores({ actors: '[name+email]' })
    .upgrade(async (tx) => {
      const keys = (await tx.table<RefundRecord, string>('refunds').orderBy('[actor.name+actor.email]').uniqueKeys()) as unknown as [string, string][];
      await tx.table('actors').bulkAdd(keys.map(([name, email]) => ({ name, email })));
    });
}

/**
 * Opens the refund journal. It lives in the extension's own origin, so it refuses to open in a
 * content script, where IndexedDB would belong to Keap's site.
 */
export async function openJournal(options: OpenJournalOptions = {}): Promise<JournalDb> {
  if (options.factory === undefined) {
    const protocol = globalThis.location?.protocol ?? 'none';
    if (!EXTENSION_PROTOCOLS.includes(protocol)) {
      throw new JournalError({ kind: 'not-extension-context', protocol }, i18n.t('refunding.journal.notExtension'));
    }
  }
  const db = new Dexie(options.name ?? JOURNAL_DB_NAME, options.factory) as JournalDb;
  declareSchema(db);
  await db.open();
  return db;
}
