import { useState } from 'react';
import type { ExportFormat } from '@/lib/audit/export';
import type { CountAndTotal } from '@/lib/audit/query';
import type { RefundRecord } from '@/lib/audit/schema';
import { ClearHistoryDialog } from './ClearHistoryDialog';
import { EmptyHistory } from './EmptyHistory';
import type { HistoryFilterValue } from './filter';
import { formatTotals } from './format';
import { RefundRow } from './RefundRow';
import { STATE_CHOICES } from './states';

export type HistoryViewProps = {
  /** The current page, newest first; undefined while loading. */
  rows: RefundRecord[] | undefined;
  /** True when the journal holds no refund at all (not merely none matching). */
  journalIsEmpty: boolean;
  filter: HistoryFilterValue;
  onFilterChange: (next: HistoryFilterValue) => void;
  summary: CountAndTotal | undefined;
  hasNewer: boolean;
  hasOlder: boolean;
  onNewer: () => void;
  onOlder: () => void;
  onExport: (format: ExportFormat) => void;
  finishedCount: number;
  onClearHistory: () => void;
  onOpenOptions: () => void;
  /** Opens the side panel on a refund that needs the person. */
  onContinue: (refundId: string) => void;
};

export function HistoryView(props: HistoryViewProps) {
  const { rows, filter, onFilterChange, summary } = props;
  const [confirmingClear, setConfirmingClear] = useState(false);
  const set = (change: Partial<HistoryFilterValue>) => onFilterChange({ ...filter, ...change });

  if (props.journalIsEmpty) {
    return (
      <main className="history">
        <h1>Refund history</h1>
        <EmptyHistory onOpenOptions={props.onOpenOptions} />
      </main>
    );
  }

  return (
    <main className="history">
      <h1>Refund history</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label className="filters__search">
          Search
          <input type="search" value={filter.search} placeholder="Name, email or order ID" onChange={(event) => set({ search: event.target.value })} />
        </label>
        <label>
          State
          <select value={filter.stateWord} onChange={(event) => set({ stateWord: event.target.value })}>
            <option value="">All</option>
            {STATE_CHOICES.map((choice) => (
              <option key={choice.word} value={choice.word}>
                {choice.word}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filter.fromDate} onChange={(event) => set({ fromDate: event.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filter.toDate} onChange={(event) => set({ toDate: event.target.value })} />
        </label>
      </form>

      <p className="summary" aria-live="polite">
        {summary === undefined
          ? 'Counting…'
          : `${summary.count} ${summary.count === 1 ? 'refund' : 'refunds'} · Refunded ${summary.refunded.length === 0 ? 'nothing' : formatTotals(summary.refunded)}`}
      </p>

      {rows === undefined ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p className="no-match">No refunds match these filters.</p>
      ) : (
        <ol className="refund-list" aria-label="Refunds">
          {rows.map((record) => (
            <RefundRow key={record.id} record={record} onContinue={props.onContinue} />
          ))}
        </ol>
      )}

      <nav className="paging" aria-label="Pages">
        <button type="button" onClick={props.onNewer} disabled={!props.hasNewer}>
          Newer
        </button>
        <button type="button" onClick={props.onOlder} disabled={!props.hasOlder}>
          Older
        </button>
      </nav>

      <div className="actions">
        <button type="button" onClick={() => props.onExport('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => props.onExport('json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => setConfirmingClear(true)} disabled={props.finishedCount === 0}>
          Clear history
        </button>
      </div>

      {confirmingClear ? (
        <ClearHistoryDialog
          finishedCount={props.finishedCount}
          onConfirm={() => {
            setConfirmingClear(false);
            props.onClearHistory();
          }}
          onCancel={() => setConfirmingClear(false)}
        />
      ) : null}
    </main>
  );
}
