import { i18n } from '#i18n';
import { useMemo } from 'react';
import type { QueueRow, QueueState } from '@/lib/batch/schema';
import { formatCount, formatCurrencyAmounts, type QueueReviewFigures, reviewFigures } from '@/lib/batch/summary';

export interface QueueReviewProps {
  state: QueueState;
  rows: QueueRow[];
  /** True while a request about the queue is on its way: its buttons wait. */
  busy: boolean;
  onCheck: () => void;
  onRun: () => void;
}

/** The run button's words, naming what it refunds: "Refund 37 payments: $4,210.50". */
function runButtonText(figures: QueueReviewFigures): string {
  if (figures.payments === 0) return i18n.t('queue.review.nothingReady');
  return i18n.t('queue.review.runButton', figures.payments, [formatCount(figures.payments), formatCurrencyAmounts(figures.totals)]);
}

/** What the queue will refund, counted and totalled, with the one button that starts it. Presentational. */
export function QueueReview({ state, rows, busy, onCheck, onRun }: QueueReviewProps) {
  const figures = useMemo(() => reviewFigures(rows), [rows]);
  const counts = [
    i18n.t('queue.review.rows', figures.total, [formatCount(figures.total)]),
    i18n.t('queue.review.ready', [formatCount(figures.ready)]),
    ...(figures.invalid > 0 ? [i18n.t('queue.review.invalid', [formatCount(figures.invalid)])] : []),
    ...(figures.unchecked > 0 ? [i18n.t('queue.review.unchecked', [formatCount(figures.unchecked)])] : []),
  ];
  return (
    <section className="queue-review" aria-labelledby="queue-review-heading">
      <h2 id="queue-review-heading">{i18n.t('queue.review.heading')}</h2>
      <p className="summary" aria-live="polite">
        {counts.join(' · ')}
      </p>
      {figures.totals.length > 0 && (
        <>
          <dl className="facts">
            <dt>{i18n.t('queue.review.toRefund')}</dt>
            <dd>{formatCurrencyAmounts(figures.totals)}</dd>
          </dl>
          <table className="queue-channels" aria-label={i18n.t('queue.review.byChannel')}>
            <thead>
              <tr>
                <th scope="col">{i18n.t('queue.review.channel')}</th>
                <th scope="col">{i18n.t('queue.review.payments')}</th>
                <th scope="col">{i18n.t('queue.review.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {figures.channels.map((channel) => (
                <tr key={channel.gateway}>
                  <th scope="row">{channel.gateway}</th>
                  <td>{formatCount(channel.payments)}</td>
                  <td>{formatCurrencyAmounts(channel.totals)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {figures.invalid > 0 && <p className="help">{i18n.t('queue.review.invalidLeftOut')}</p>}
      <div className="actions">
        {state === 'draft' && (
          <button type="button" className="primary" disabled={busy || figures.total === 0} onClick={onCheck}>
            {i18n.t('queue.review.check')}
          </button>
        )}
        {state === 'checking' && <p className="queue-review__checking">{i18n.t('queue.review.checking')}</p>}
        {state === 'checked' && (
          <>
            <button type="button" disabled={busy} onClick={onCheck}>
              {i18n.t('queue.review.checkAgain')}
            </button>
            <button type="button" className="primary" disabled={busy || figures.payments === 0} onClick={onRun}>
              {runButtonText(figures)}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
