import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { HistoryView } from '@/components/history/HistoryView';
import { NO_FILTER, toJournalFilter, type HistoryFilterValue } from '@/components/history/filter';
import type { JournalDb } from '@/lib/audit/db';
import { exportJournal, type ExportFormat } from '@/lib/audit/export';
import { clearHistory, countFinished } from '@/lib/audit/journal';
import { countAndTotal, listMadeBy, listRecent, type PageCursor } from '@/lib/audit/query';
import { downloadBlob } from './download';
import { type KeapImporter, useKeapImport } from './keap-import';

const PAGE_SIZE = 25;

type Props = {
  db: JournalDb;
  onOpenOptions: () => void;
  onOpenQueue: () => void;
  onContinue: (refundId: string) => void;
  initialFilter?: HistoryFilterValue;
  importer: KeapImporter;
};

/** Wires the journal's live queries to the history view; writes from the background show up as they happen. */
export function App({ db, onOpenOptions, onOpenQueue, onContinue, initialFilter = NO_FILTER, importer }: Props) {
  const [filterValue, setFilterValue] = useState<HistoryFilterValue>(initialFilter);
  // Where each page shown so far began; the last one is the current page. Empty means the newest page.
  const [pageStarts, setPageStarts] = useState<PageCursor[]>([]);
  const filter = useMemo(() => toJournalFilter(filterValue), [filterValue]);
  const before = pageStarts[pageStarts.length - 1];

  const listing = useLiveQuery(async () => ({ filter, page: await listRecent(db, { filter, limit: PAGE_SIZE, before }) }), [db, filter, before]);
  const page = listing?.page;
  // The count reads more than a page does (a search's every hit), so it starts once the rows for
  // its filter are in rather than competing with them; until then the popup says "Counting…".
  const listedFilter = listing?.filter;
  const summary = useLiveQuery(async () => (listedFilter === undefined ? undefined : { filter: listedFilter, totals: await countAndTotal(db, listedFilter) }), [db, listedFilter]);
  const journalIsEmpty = useLiveQuery(async () => (await db.refunds.limit(1).primaryKeys()).length === 0, [db]);
  // Only the Clear history button needs it, so it too waits for the first rows.
  const rowsAreIn = listing !== undefined;
  const finishedCount = useLiveQuery(async () => (rowsAreIn ? countFinished(db) : 0), [db, rowsAreIn]) ?? 0;
  const madeByChoices = useLiveQuery(async () => (rowsAreIn ? listMadeBy(db) : []), [db, rowsAreIn]) ?? [];
  const keapImport = useKeapImport(importer);

  const exportAs = async (format: ExportFormat) => {
    const blob = await exportJournal(db, filter, format);
    downloadBlob(blob, `refund-history-${new Date().toISOString().slice(0, 10)}.${format}`);
  };

  return (
    <HistoryView
      rows={page?.records}
      journalIsEmpty={journalIsEmpty === true}
      filter={filterValue}
      onFilterChange={(next) => {
        setFilterValue(next);
        setPageStarts([]);
      }}
      summary={summary?.filter === filter ? summary.totals : undefined}
      hasNewer={pageStarts.length > 0}
      hasOlder={page?.older !== undefined}
      onNewer={() => setPageStarts(pageStarts.slice(0, -1))}
      onOlder={() => {
        if (page?.older !== undefined) setPageStarts([...pageStarts, page.older]);
      }}
      onExport={(format) => void exportAs(format)}
      finishedCount={finishedCount}
      onClearHistory={() => {
        void clearHistory(db).then(() => setPageStarts([]));
      }}
      onOpenOptions={onOpenOptions}
      onOpenQueue={onOpenQueue}
      onContinue={onContinue}
      madeByChoices={madeByChoices}
      keapImport={keapImport}
    />
  );
}
