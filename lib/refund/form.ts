import { z } from 'zod';
import { i18n } from '#i18n';
import type { PaymentFacts } from '@/lib/keap/payment-facts';
import { parseMoneyInput } from '@/lib/money';
import { refundPlanSchema, type RefundPlan, type RefundPlanLine } from '@/lib/refund/plan';
import { checkAmountOwedAfter, checkRefundAmount, MAX_REASON_DETAILS_LENGTH, refundChannelFor, refundErrorHandlingSchema, refundReasonPresetSchema } from '@/lib/refund/rules';

/** The side panel's refund form as typed: amounts are the text in the fields. */
export const refundFormSchema = z.object({
  orderId: z.number().int().positive(),
  contactId: z.number().int().positive(),
  currency: z.string().min(3),
  payments: z.array(z.object({ paymentId: z.number().int().positive(), selected: z.boolean(), amount: z.string() })),
  reasonPreset: refundReasonPresetSchema,
  reasonDetails: z.string(),
  errorHandling: refundErrorHandlingSchema,
  amountOwed: z.string(),
});
export type RefundForm = z.infer<typeof refundFormSchema>;

/** Form field keys: `payments`, `amount:<paymentId>`, `reason`, `reasonDetails`, `amountOwed`, `errorHandling`, `form`. */
export type RefundFormErrors = Record<string, string>;

export type RefundFormValidation = { ok: true; plan: RefundPlan } | { ok: false; errors: RefundFormErrors };

export function amountFieldKey(paymentId: number): string {
  return `amount:${paymentId}`;
}

/** Checks the form against the order's payments and turns it into a plan, or says what to fix, field by field. */
export function validateRefundForm(form: RefundForm, paymentsFacts: readonly PaymentFacts[], orderTotalMinor: number): RefundFormValidation {
  const parsedForm = refundFormSchema.safeParse(form);
  if (!parsedForm.success) {
    const errors: RefundFormErrors = {};
    for (const issue of parsedForm.error.issues) {
      if (issue.path[0] === 'reasonPreset') errors.reason = i18n.t('problems.form.chooseReason');
      else errors.form = i18n.t('problems.form.unreadable');
    }
    return { ok: false, errors };
  }
  const { data } = parsedForm;
  const errors: RefundFormErrors = {};
  const lines: RefundPlanLine[] = [];

  const selected = data.payments.filter((payment) => payment.selected);
  if (selected.length === 0) errors.payments = i18n.t('problems.form.choosePayment');
  for (const { paymentId, amount } of selected) {
    const key = amountFieldKey(paymentId);
    const facts = paymentsFacts.find((payment) => payment.paymentId === paymentId && payment.orderId === data.orderId);
    if (!facts) {
      errors[key] = i18n.t('problems.form.notOnOrder', [String(paymentId)]);
      continue;
    }
    if (facts.currency.toUpperCase() !== data.currency.toUpperCase()) {
      errors[key] = i18n.t('problems.form.otherCurrency', [String(paymentId), facts.currency, data.currency]);
      continue;
    }
    const channel = refundChannelFor(facts);
    if (channel.kind === 'blocked') {
      errors[key] = i18n.t('problems.form.blocked', [channel.reason]);
      continue;
    }
    const parsedAmount = parseMoneyInput(amount, data.currency);
    if (!parsedAmount.ok) {
      errors[key] = parsedAmount.message;
      continue;
    }
    const amountCheck = checkRefundAmount(parsedAmount.minorUnits, facts);
    if (!amountCheck.ok) {
      errors[key] = amountCheck.message;
      continue;
    }
    lines.push({ paymentId, amountMinor: parsedAmount.minorUnits, channel });
  }
  if (new Set(selected.map((payment) => payment.paymentId)).size !== selected.length) {
    errors.payments = i18n.t('problems.form.listedTwice');
  }

  const details = data.reasonDetails.trim();
  if (data.reasonPreset === 'Other' && details === '') errors.reasonDetails = i18n.t('problems.form.otherReason');
  if (details.length > MAX_REASON_DETAILS_LENGTH) errors.reasonDetails = i18n.t('problems.form.detailsTooLong', [String(MAX_REASON_DETAILS_LENGTH)]);

  const owed = parseMoneyInput(data.amountOwed, data.currency);
  if (!owed.ok) {
    errors.amountOwed = owed.message;
  } else {
    const owedCheck = checkAmountOwedAfter(owed.minorUnits, orderTotalMinor, data.currency);
    if (!owedCheck.ok) errors.amountOwed = owedCheck.message;
  }

  if (Object.keys(errors).length > 0 || !owed.ok) return { ok: false, errors };
  return {
    ok: true,
    plan: refundPlanSchema.parse({
      orderId: data.orderId,
      contactId: data.contactId,
      currency: data.currency,
      lines,
      reason: { preset: data.reasonPreset, details },
      errorHandling: data.errorHandling,
      amountOwedAfterMinor: owed.minorUnits,
      totalMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0),
    }),
  };
}
