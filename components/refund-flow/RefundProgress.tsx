import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';

export interface RefundProgressProps {
  records: RefundRecord[];
  /** The final sentence, once every record has settled or needs a person. */
  summary: string | null;
  busyRecordId: string | null;
  actionError: string | null;
  onRecheck: (refundId: string) => void;
  onMarkNotRefunded: (refundId: string) => void;
  onStartOver: () => void;
}

const STATE_WORDS: Record<RefundRecord['state'], string> = {
  planned: 'Saved in the refund history, about to start',
  submitting: "Working in Keap's refund screen…",
  unconfirmed: "Sent to Keap; waiting for Keap's API to show it…",
  confirmed: "Refunded — confirmed by Keap's API",
  recorded: 'Recorded in Keap',
  skipped: 'Skipped',
  failed: 'Not refunded',
  'needs-manual': 'Stopped safely — needs you',
};

const LINE_WORDS: Record<NonNullable<RefundRecord['lines'][number]['outcome']>, string> = {
  refunded: 'refunded',
  recorded: 'recorded',
  skipped: 'skipped',
  failed: 'failed',
  voided: 'voided',
  pending: 'not confirmed yet',
};

/** Step three: each payment's progress as the journal records it, then the result. Presentational. */
export function RefundProgress({ records, summary, busyRecordId, actionError, onRecheck, onMarkNotRefunded, onStartOver }: RefundProgressProps) {
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Refund progress</h2>
      {records.map((record) => (
        <article key={record.id} className={`progress state-${record.state}`} aria-label={`Refund of order #${record.orderId}`}>
          <p className="state">{STATE_WORDS[record.state]}</p>
          <ul>
            {record.lines.map((line) => (
              <li key={line.paymentId}>
                Payment #{line.paymentId}: {formatMoney(line.amountMinor, line.currency)}
                {line.channel === 'manual' ? ' (manual refund)' : ''} — {line.outcome ? LINE_WORDS[line.outcome] : 'in progress'}
                {line.detail ? ` (${line.detail})` : ''}
              </li>
            ))}
          </ul>
          {record.state === 'needs-manual' && (
            <div className="needs-you">
              <p>{record.error?.message}</p>
              <p>Refund Desk brought Keap's order page to the front with the control to use highlighted.</p>
              <div className="actions">
                <button type="button" disabled={busyRecordId === record.id} onClick={() => onRecheck(record.id)}>
                  Check Keap again
                </button>
                <button type="button" disabled={busyRecordId === record.id} onClick={() => onMarkNotRefunded(record.id)}>
                  No refund was made
                </button>
              </div>
            </div>
          )}
          {record.state !== 'needs-manual' && record.error && <p className="detail">{record.error.message}</p>}
        </article>
      ))}
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      <p role="status" className="summary">
        {summary}
      </p>
      {summary && (
        <button type="button" onClick={onStartOver}>
          Refund another order
        </button>
      )}
    </section>
  );
}
