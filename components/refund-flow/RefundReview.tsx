import { i18n } from '#i18n';
import { useId } from 'react';
import { formatMoney } from '@/lib/money';
import type { RefundPlan } from '@/lib/refund/plan';
import { ERROR_HANDLING_LABELS, reasonText } from '@/lib/refund/rules';
import type { RefundMode } from '@/lib/settings';

export interface RefundReviewProps {
  plan: RefundPlan;
  /** Who works Keap's refund screen: Refund Desk, or the person with Refund Desk's checklist. */
  mode: RefundMode;
  onModeChange: (mode: RefundMode) => void;
  manualRefundsDone: boolean;
  busy: boolean;
  error: string | null;
  onManualRefundsDoneChange: (done: boolean) => void;
  onConfirm: () => void;
  onBack: () => void;
}

/** Step two: what will happen, line by line, before any money moves. Presentational. */
export function RefundReview({ plan, mode, onModeChange, manualRefundsDone, busy, error, onManualRefundsDoneChange, onConfirm, onBack }: RefundReviewProps) {
  const confirmId = useId();
  const modeName = useId();
  const money = (minor: number) => formatMoney(minor, plan.currency);
  const hasManual = plan.lines.some((line) => line.channel.kind === 'manual');
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">{i18n.t('refundFlow.review.heading')}</h2>
      <table className="review">
        <thead>
          <tr>
            <th scope="col">{i18n.t('refundFlow.review.paymentColumn')}</th>
            <th scope="col">{i18n.t('refundFlow.review.amountColumn')}</th>
            <th scope="col">{i18n.t('refundFlow.review.howColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.lines.map((line) => (
            <tr key={line.paymentId}>
              <td>#{line.paymentId}</td>
              <td>{money(line.amountMinor)}</td>
              <td>
                {line.channel.kind === 'keap-refund-screen' ? i18n.t('refundFlow.review.throughRefundScreen') : i18n.t('refundFlow.review.manualRefund', [line.channel.reason])}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{i18n.t('refundFlow.review.total')}</th>
            <td colSpan={2}>{money(plan.totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
      <dl className="facts">
        <dt>{i18n.t('refundFlow.fields.reason')}</dt>
        <dd>{reasonText(plan.reason)}</dd>
        <dt>{i18n.t('refundFlow.fields.errorHandling')}</dt>
        <dd>{ERROR_HANDLING_LABELS[plan.errorHandling]}</dd>
        <dt>{i18n.t('refundFlow.fields.amountOwed')}</dt>
        <dd>{money(plan.amountOwedAfterMinor)}</dd>
      </dl>
      <fieldset className="mode">
        <legend>{i18n.t('refundFlow.review.modeLegend')}</legend>
        <label className="choice">
          <input type="radio" name={modeName} checked={mode === 'automatic'} onChange={() => onModeChange('automatic')} />
          {i18n.t('refundFlow.review.automaticMode')}
        </label>
        <label className="choice">
          <input type="radio" name={modeName} checked={mode === 'guided'} onChange={() => onModeChange('guided')} />
          {i18n.t('refundFlow.review.guidedMode')}
        </label>
      </fieldset>
      {hasManual && (
        <label className="choice confirm-manual" htmlFor={confirmId}>
          <input id={confirmId} type="checkbox" checked={manualRefundsDone} onChange={(event) => onManualRefundsDoneChange(event.target.checked)} />
          {i18n.t('refundFlow.review.manualRefundsDone')}
        </label>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onBack} disabled={busy}>
          {i18n.t('refundFlow.review.back')}
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy || (hasManual && !manualRefundsDone)}>
          {i18n.t('refundFlow.review.confirmButton', [money(plan.totalMinor)])}
        </button>
      </div>
    </section>
  );
}
