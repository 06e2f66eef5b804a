import { i18n } from '#i18n';
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
  if (payment.channel.kind === 'keap-refund-screen') return i18n.t('refundFlow.form.throughRefundScreen');
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
        {i18n.t('refundFlow.form.orderMeta', [
          view.contact.name,
          order.title,
          order.orderDate ?? '',
          formatMoney(order.totalMinor, currency),
          formatMoney(order.summary.refundedMinor, currency),
        ])}
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
            <legend id={`${groupId}-legend`}>{i18n.t('refundFlow.form.paymentLegend', [payment.paymentId])}</legend>
            <label className="choice">
              <input
                type="checkbox"
                checked={line?.selected ?? false}
                disabled={blocked}
                aria-describedby={`${groupId}-facts`}
                onChange={(event) => setPayment(payment.paymentId, { selected: event.target.checked })}
              />
              {i18n.t('refundFlow.form.refundThisPayment')}
            </label>
            <dl id={`${groupId}-facts`} className="facts">
              <dt>{i18n.t('refundFlow.form.date')}</dt>
              <dd>{payment.payDate.slice(0, 10)}</dd>
              <dt>{i18n.t('refundFlow.form.method')}</dt>
              <dd>{payment.isManual ? i18n.t('refundFlow.form.manualMethod') : (payment.merchantAccountName ?? i18n.t('refundFlow.form.unknownMethod'))}</dd>
              <dt>{i18n.t('refundFlow.form.gateway')}</dt>
              <dd>{payment.isTestMode ? i18n.t('refundFlow.form.gatewayInTestMode', [payment.gatewayName ?? '—']) : (payment.gatewayName ?? '—')}</dd>
              <dt>{i18n.t('refundFlow.form.status')}</dt>
              <dd>{payment.payStatus}</dd>
              <dt>{i18n.t('refundFlow.form.paid')}</dt>
              <dd>{formatMoney(payment.amountMinor, payment.currency)}</dd>
              <dt>{i18n.t('refundFlow.form.refundable')}</dt>
              <dd>{formatMoney(payment.refundableMinor, payment.currency)}</dd>
            </dl>
            <p className={blocked ? 'reason blocked' : 'reason'}>{channelText(payment)}</p>
            {!blocked && (
              <>
                <label htmlFor={`${groupId}-amount`}>{i18n.t('refundFlow.form.amountLabel', [payment.paymentId])}</label>
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
      <label htmlFor={ids.reason}>{i18n.t('refundFlow.fields.reason')}</label>
      <select
        id={ids.reason}
        value={values.reasonPreset}
        aria-invalid={errors.reason ? true : undefined}
        aria-describedby={errors.reason ? `${ids.reason}-error` : undefined}
        onChange={(event) => onChange({ ...values, reasonPreset: event.target.value as RefundReasonPreset | '' })}
      >
        <option value="">{i18n.t('refundFlow.form.chooseReason')}</option>
        {REFUND_REASON_PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {preset}
          </option>
        ))}
      </select>
      <FieldError id={`${ids.reason}-error`} message={errors.reason} />
      <label htmlFor={ids.details}>{i18n.t('refundFlow.form.reasonDetails')}</label>
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
        <legend id={ids.handling}>{i18n.t('refundFlow.fields.errorHandling')}</legend>
        {(Object.keys(ERROR_HANDLING_LABELS) as RefundErrorHandling[]).map((choice) => (
          <label key={choice} className="choice">
            <input type="radio" name="errorHandling" checked={values.errorHandling === choice} onChange={() => onChange({ ...values, errorHandling: choice })} />
            {ERROR_HANDLING_LABELS[choice]}
          </label>
        ))}
      </fieldset>
      <label htmlFor={ids.owed}>{i18n.t('refundFlow.fields.amountOwed')}</label>
      <input
        id={ids.owed}
        inputMode="decimal"
        value={values.amountOwed}
        aria-invalid={errors.amountOwed ? true : undefined}
        aria-describedby={`${ids.owed}-help${errors.amountOwed ? ` ${ids.owed}-error` : ''}`}
        onChange={(event) => onChange({ ...values, amountOwed: event.target.value })}
      />
      <p id={`${ids.owed}-help`} className="help">
        {i18n.t('refundFlow.form.amountOwedHelp')}
      </p>
      <FieldError id={`${ids.owed}-error`} message={errors.amountOwed} />
      <button type="submit" className="primary">
        {i18n.t('refundFlow.form.reviewButton')}
      </button>
    </form>
  );
}
