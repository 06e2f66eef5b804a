import { i18n } from '#i18n';
import { rowCheckState, rowProblem } from '@/lib/batch/summary';
import type { QueueRow, QueueRowRunStatus, QueueState } from '@/lib/batch/schema';
import { formatMoney } from '@/lib/money';

export interface QueueTableProps {
  rows: QueueRow[];
  state: QueueState;
  onRemove: (rowId: string) => void;
  /** "Finish in Keap" on a row that needs the person: Keap's screen opens with the checklist. */
  onFinishInKeap: (refundId: string) => void;
}

type Tone = 'good' | 'neutral' | 'attention' | 'bad' | 'progress';

const RUN_TONES: Record<QueueRowRunStatus, Tone> = {
  waiting: 'neutral',
  running: 'progress',
  done: 'good',
  'needs-you': 'attention',
  'not-refunded': 'bad',
  cancelled: 'neutral',
};

/** A row's run status in words. */
function runStatusWords(status: QueueRowRunStatus): string {
  switch (status) {
    case 'waiting':
      return i18n.t('queue.table.runStatus.waiting');
    case 'running':
      return i18n.t('queue.table.runStatus.running');
    case 'done':
      return i18n.t('queue.table.runStatus.done');
    case 'needs-you':
      return i18n.t('queue.table.runStatus.needsYou');
    case 'not-refunded':
      return i18n.t('queue.table.runStatus.notRefunded');
    case 'cancelled':
      return i18n.t('queue.table.runStatus.cancelled');
  }
}

/** The status cell: how the run went, else what is wrong, else whether it is checked. The word carries the meaning; the tone only adds colour. */
function RowStatus({ row, onFinishInKeap }: { row: QueueRow; onFinishInKeap: (refundId: string) => void }) {
  if (row.run !== undefined) {
    const waitingFor = row.run.status === 'needs-you' ? row.run.refundIds[row.run.refundIds.length - 1] : undefined;
    return (
      <>
        <span className={`state state--${RUN_TONES[row.run.status]}`}>{runStatusWords(row.run.status)}</span>
        {row.run.message !== undefined && <span className="queue-table__message"> {row.run.message}</span>}
        {waitingFor !== undefined && (
          <button type="button" className="queue-table__finish" onClick={() => onFinishInKeap(waitingFor)}>
            {i18n.t('queue.table.finishInKeap')}
          </button>
        )}
      </>
    );
  }
  const problem = rowProblem(row);
  if (problem !== undefined) return <span className="queue-table__problem">{problem}</span>;
  return rowCheckState(row) === 'ready' ? (
    <span className="state state--good">{i18n.t('queue.table.ready')}</span>
  ) : (
    <span className="state state--neutral">{i18n.t('queue.table.notChecked')}</span>
  );
}

function paymentText(row: QueueRow): string {
  if (row.check?.status === 'ready') return row.check.lines.map((line) => `#${line.paymentId}`).join(', ');
  return row.draft.paymentId === undefined ? i18n.t('queue.table.allPayments') : `#${row.draft.paymentId}`;
}

function amountText(row: QueueRow): string {
  if (row.check?.status === 'ready') return formatMoney(row.check.totalMinor, row.check.currency);
  return row.draft.amount ?? i18n.t('queue.table.fullAmount');
}

/** The queue's rows, one line each, in queue order. Presentational. */
export function QueueTable({ rows, state, onRemove, onFinishInKeap }: QueueTableProps) {
  if (rows.length === 0) return <p className="queue-empty">{i18n.t('queue.table.empty')}</p>;
  const removable = state === 'draft' || state === 'checked';
  return (
    <table className="queue-table" aria-label={i18n.t('queue.table.label')}>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{i18n.t('queue.table.order')}</th>
          <th scope="col">{i18n.t('queue.table.payment')}</th>
          <th scope="col">{i18n.t('queue.table.amount')}</th>
          <th scope="col">{i18n.t('queue.table.contact')}</th>
          <th scope="col">{i18n.t('queue.table.status')}</th>
          {removable && (
            <th scope="col">
              <span className="visually-hidden">{i18n.t('queue.table.remove')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {[...rows]
          .sort((a, b) => a.position - b.position)
          .map((row) => {
            const number = row.position + 1;
            const contact = row.check?.status === 'ready' ? row.check.contact : undefined;
            return (
              <tr key={row.id} className={`queue-row queue-row--${rowCheckState(row)}`}>
                <td title={row.draft.csvLine === undefined ? undefined : i18n.t('queue.table.csvLine', [row.draft.csvLine])}>{number}</td>
                <td>{row.draft.orderId === undefined ? '—' : `#${row.draft.orderId}`}</td>
                <td>{paymentText(row)}</td>
                <td className="queue-table__amount">{amountText(row)}</td>
                <td title={contact?.email}>{contact === undefined ? '—' : contact.name || contact.email}</td>
                <td>
                  <RowStatus row={row} onFinishInKeap={onFinishInKeap} />
                </td>
                {removable && (
                  <td>
                    <button
                      type="button"
                      aria-label={row.draft.orderId === undefined ? i18n.t('queue.table.removeRow', [number]) : i18n.t('queue.table.removeRowOfOrder', [number, row.draft.orderId])}
                      onClick={() => onRemove(row.id)}
                    >
                      {i18n.t('queue.table.remove')}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
      </tbody>
    </table>
  );
}
