import { i18n } from '#i18n';
import { useState } from 'react';
import type { ExportFormat } from '@/lib/audit/export';
import type { CountAndTotal } from '@/lib/audit/query';
import type { RefundRecord } from '@/lib/audit/schema';
import { ClearHistoryDialog } from './ClearHistoryDialog';
import { EmptyHistory } from './EmptyHistory';
import type { HistoryFilterValue } from './filter';
import { formatTotals } from './format';
import { KeapImport, type KeapImportProps } from './KeapImport';
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
  /** Opens the refund queue, for refunding several orders in one run. */
  onOpenQueue: () => void;
  /** Opens the side panel on a refund that needs the person. */
  onContinue: (refundId: string) => void;
  /** Who made the journal's refunds, for the "Made by" filter. */
  madeByChoices: string[];
  keapImport: KeapImportProps;
};

function QueueLink({ onOpenQueue }: { onOpenQueue: () => void }) {
  return (
    <button type="button" className="history__queue" onClick={onOpenQueue}>
      {i18n.t('history.openQueue')}
    </button>
  );
}

/** "2 refunds · Refunded $60.00", once the count is in. */
function summaryLine(summary: CountAndTotal | undefined): string {
  if (summary === undefined) return i18n.t('history.summary.counting');
  if (summary.refunded.length === 0) return i18n.t('history.summary.refundedNothing', summary.count);
  return i18n.t('history.summary.refunded', summary.count, [summary.count, formatTotals(summary.refunded)]);
}

export function HistoryView(props: HistoryViewProps) {
  const { rows, filter, onFilterChange, summary } = props;
  const [confirmingClear, setConfirmingClear] = useState(false);
  const set = (change: Partial<HistoryFilterValue>) => onFilterChange({ ...filter, ...change });
  // A chosen person stays a choice while their refunds are gone (cleared, or none in the journal yet).
  const madeByChoices = filter.madeBy === '' || props.madeByChoices.includes(filter.madeBy) ? props.madeByChoices : [...props.madeByChoices, filter.madeBy];

  if (props.journalIsEmpty) {
    return (
      <main className="history">
        <h1>{i18n.t('history.title')}</h1>
        <QueueLink onOpenQueue={props.onOpenQueue} />
        <EmptyHistory onOpenOptions={props.onOpenOptions} />
        <KeapImport {...props.keapImport} />
      </main>
    );
  }

  return (
    <main className="history">
      <h1>{i18n.t('history.title')}</h1>
      <QueueLink onOpenQueue={props.onOpenQueue} />
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label className="filters__search">
          {i18n.t('history.filters.search')}
          <input type="search" value={filter.search} placeholder={i18n.t('history.filters.searchPlaceholder')} onChange={(event) => set({ search: event.target.value })} />
        </label>
        <label>
          {i18n.t('history.filters.madeBy')}
          <select value={filter.madeBy} onChange={(event) => set({ madeBy: event.target.value })}>
            <option value="">{i18n.t('history.filters.anyone')}</option>
            {madeByChoices.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {i18n.t('history.filters.state')}
          <select value={filter.stateWord} onChange={(event) => set({ stateWord: event.target.value })}>
            <option value="">{i18n.t('history.filters.allStates')}</option>
            {STATE_CHOICES.map((choice) => (
              <option key={choice.word} value={choice.word}>
                {choice.word}
              </option>
            ))}
          </select>
        </label>
        <label>
          {i18n.t('history.filters.from')}
          <input type="date" value={filter.fromDate} onChange={(event) => set({ fromDate: event.target.value })} />
        </label>
        <label>
          {i18n.t('history.filters.to')}
          <input type="date" value={filter.toDate} onChange={(event) => set({ toDate: event.target.value })} />
        </label>
      </form>

      <p className="summary" aria-live="polite">
        {summaryLine(summary)}
      </p>

      {rows === undefined ? (
        <p>{i18n.t('history.loading')}</p>
      ) : rows.length === 0 ? (
        <p className="no-match">{i18n.t('history.noMatch')}</p>
      ) : (
        <ol className="refund-list" aria-label={i18n.t('history.listLabel')}>
          {rows.map((record) => (
            <RefundRow key={record.id} record={record} onContinue={props.onContinue} />
          ))}
        </ol>
      )}

      <nav className="paging" aria-label={i18n.t('history.paging.label')}>
        <button type="button" onClick={props.onNewer} disabled={!props.hasNewer}>
          {i18n.t('history.paging.newer')}
        </button>
        <button type="button" onClick={props.onOlder} disabled={!props.hasOlder}>
          {i18n.t('history.paging.older')}
        </button>
      </nav>

      <div className="actions">
        <button type="button" onClick={() => props.onExport('csv')}>
          {i18n.t('history.actions.exportCsv')}
        </button>
        <button type="button" onClick={() => props.onExport('json')}>
          {i18n.t('history.actions.exportJson')}
        </button>
        <button type="button" onClick={() => setConfirmingClear(true)} disabled={props.finishedCount === 0}>
          {i18n.t('history.actions.clear')}
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

      <KeapImport {...props.keapImport} />
    </main>
  );
}
