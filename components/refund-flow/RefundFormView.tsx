import { type FormEvent, useId } from 'react';
import type { OrderForRefund } from '@/lib/messaging/extension-page-messages';
import { formatMoney } from '@/lib/money';
import { amountFieldKey, type RefundFormErrors } from '@/lib/refund/form';
import { ERROR_HANDLING_LABELS, REFUND_REASON_PRESETS, type RefundErrorHandling, type RefundReasonPreset } from '@/lib/refund/rules';

/** The form as typed; the reason starts unchosen, so the person must pick one. */
export interface RefundFormState {
  payments: { paymentId: number; selected: boolean; amount: string }[];
  reasonPreset: RefundReasonPreset | '';
  reasonDetails: string;
  errorHandling: RefundErrorHandling;
  amountOwed: string;
}

export interface RefundFormViewProps {
  view: OrderForRefund;
  values: RefundFormState;
  errors: RefundFormErrors;
  onChange: (values: RefundFormState) => void;
  onReview: () => void;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} className="field-error">
      {message}
    </p>
  ) : null;
}

function channelText(payment: OrderForRefund['payments'][number]): string {
  if (payment.channel.kind === 'keap-refund-screen') return "Refunds through Keap's refund screen";
  return payment.channel.reason;
}

/** Step one of the side panel: which payments, how much, why. Presentational. */
export function RefundFormView({ view, values, errors, onChange, onReview }: RefundFormViewProps) {
  const ids = { reason: useId(), details: useId(), owed: useId(), handling: useId() };
  const { order } = view;
  const currency = order.summary.currency;
  const setPayment = (paymentId: number, patch: Partial<RefundFormState['payments'][number]>) =>
    onChange({ ...values, payments: values.payments.map((line) => (line.paymentId === paymentId ? { ...line, ...patch } : line)) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onReview();
  };

  return (
    <form onSubmit={submit} noValidate>
      <p className="order-meta">
        {view.contact.name} · {order.title} · {order.orderDate} · total {formatMoney(order.totalMinor, currency)} · refunded {formatMoney(order.summary.refundedMinor, currency)}
      </p>
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      <FieldError id="payments-error" message={errors.payments} />
      {view.payments.map((payment) => {
        const line = values.payments.find((candidate) => candidate.paymentId === payment.paymentId);
        const blocked = payment.channel.kind === 'blocked';
        const amountError = errors[amountFieldKey(payment.paymentId)];
        const groupId = `payment-${payment.paymentId}`;
        return (
          <fieldset key={payment.paymentId} className={`payment ${blocked ? 'blocked' : ''}`} aria-labelledby={`${groupId}-legend`} role="group">
            <legend id={`${groupId}-legend`}>Payment #{payment.paymentId}</legend>
            <label className="choice">
              <input
                type="checkbox"
                checked={line?.selected ?? false}
                disabled={blocked}
                aria-describedby={`${groupId}-facts`}
                onChange={(event) => setPayment(payment.paymentId, { selected: event.target.checked })}
              />
              Refund this payment
            </label>
            <dl id={`${groupId}-facts`} className="facts">
              <dt>Date</dt>
              <dd>{payment.payDate.slice(0, 10)}</dd>
              <dt>Method</dt>
              <dd>{payment.isManual ? 'Manual payment (cash or check)' : (payment.merchantAccountName ?? 'Unknown')}</dd>
              <dt>Gateway</dt>
              <dd>
                {payment.gatewayName ?? '—'}
                {payment.isTestMode ? ' (test mode)' : ''}
              </dd>
              <dt>Status</dt>
              <dd>{payment.payStatus}</dd>
              <dt>Paid</dt>
              <dd>{formatMoney(payment.amountMinor, payment.currency)}</dd>
              <dt>Refundable</dt>
              <dd>{formatMoney(payment.refundableMinor, payment.currency)}</dd>
            </dl>
            <p className={blocked ? 'reason blocked' : 'reason'}>{channelText(payment)}</p>
            {!blocked && (
              <>
                <label htmlFor={`${groupId}-amount`}>Refund amount for payment #{payment.paymentId}</label>
                <input
                  id={`${groupId}-amount`}
                  inputMode="decimal"
                  value={line?.amount ?? ''}
                  disabled={!line?.selected}
                  aria-invalid={amountError ? true : undefined}
                  aria-describedby={amountError ? `${groupId}-amount-error` : undefined}
                  onChange={(event) => setPayment(payment.paymentId, { amount: event.target.value })}
                />
                <FieldError id={`${groupId}-amount-error`} message={amountError} />
              </>
            )}
          </fieldset>
        );
      })}
      <label htmlFor={ids.reason}>Reason</label>
      <select
        id={ids.reason}
        value={values.reasonPreset}
        aria-invalid={errors.reason ? true : undefined}
        aria-describedby={errors.reason ? `${ids.reason}-error` : undefined}
        onChange={(event) => onChange({ ...values, reasonPreset: event.target.value as RefundReasonPreset | '' })}
      >
        <option value="">Choose a reason…</option>
        {REFUND_REASON_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {preset}
          </option>
        ))}
      </select>
      <FieldError id={`${ids.reason}-error`} message={errors.reason} />
      <label htmlFor={ids.details}>Reason details</label>
      <textarea
        id={ids.details}
        rows={2}
        value={values.reasonDetails}
        aria-invalid={errors.reasonDetails ? true : undefined}
        aria-describedby={errors.reasonDetails ? `${ids.details}-error` : undefined}
        onChange={(event) => onChange({ ...values, reasonDetails: event.target.value })}
      />
      <FieldError id={`${ids.details}-error`} message={errors.reasonDetails} />
      <fieldset role="radiogroup" aria-labelledby={ids.handling}>
        <legend id={ids.handling}>If an automatic refund fails</legend>
        {(Object.keys(ERROR_HANDLING_LABELS) as RefundErrorHandling[]).map((choice) => (
          <label key={choice} className="choice">
            <input type="radio" name="errorHandling" checked={values.errorHandling === choice} onChange={() => onChange({ ...values, errorHandling: choice })} />
            {ERROR_HANDLING_LABELS[choice]}
          </label>
        ))}
      </fieldset>
      <label htmlFor={ids.owed}>Amount owed after refund</label>
      <input
        id={ids.owed}
        inputMode="decimal"
        value={values.amountOwed}
        aria-invalid={errors.amountOwed ? true : undefined}
        aria-describedby={`${ids.owed}-help${errors.amountOwed ? ` ${ids.owed}-error` : ''}`}
        onChange={(event) => onChange({ ...values, amountOwed: event.target.value })}
      />
      <p id={`${ids.owed}-help`} className="help">
        What the client should still owe on this order once the refund is done (usually 0).
      </p>
      <FieldError id={`${ids.owed}-error`} message={errors.amountOwed} />
      <button type="submit" className="primary">
        Review refund
      </button>
    </form>
  );
}
