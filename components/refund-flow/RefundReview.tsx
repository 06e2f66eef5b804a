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
      <h2 id="review-heading">Review refund</h2>
      <table className="review">
        <thead>
          <tr>
            <th scope="col">Payment</th>
            <th scope="col">Amount</th>
            <th scope="col">How</th>
          </tr>
        </thead>
        <tbody>
          {plan.lines.map((line) => (
            <tr key={line.paymentId}>
              <td>#{line.paymentId}</td>
              <td>{money(line.amountMinor)}</td>
              <td>{line.channel.kind === 'keap-refund-screen' ? "Keap's refund screen" : `Manual refund: ${line.channel.reason}`}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td colSpan={2}>{money(plan.totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
      <dl className="facts">
        <dt>Reason</dt>
        <dd>{reasonText(plan.reason)}</dd>
        <dt>If an automatic refund fails</dt>
        <dd>{ERROR_HANDLING_LABELS[plan.errorHandling]}</dd>
        <dt>Amount owed after refund</dt>
        <dd>{money(plan.amountOwedAfterMinor)}</dd>
      </dl>
      <fieldset className="mode">
        <legend>On Keap's refund screen</legend>
        <label className="choice">
          <input type="radio" name={modeName} checked={mode === 'automatic'} onChange={() => onModeChange('automatic')} />
          Refund Desk fills it in and sends it for me
        </label>
        <label className="choice">
          <input type="radio" name={modeName} checked={mode === 'guided'} onChange={() => onModeChange('guided')} />
          Do it myself in Keap: Refund Desk opens it and guides me step by step
        </label>
      </fieldset>
      {hasManual && (
        <label className="choice confirm-manual" htmlFor={confirmId}>
          <input id={confirmId} type="checkbox" checked={manualRefundsDone} onChange={(event) => onManualRefundsDoneChange(event.target.checked)} />I have already refunded the
          manual payments in the merchant account (or in cash); record them in Keap
        </label>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onBack} disabled={busy}>
          Back
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy || (hasManual && !manualRefundsDone)}>
          Confirm refund of {money(plan.totalMinor)}
        </button>
      </div>
    </section>
  );
}
