import { z } from 'zod';
import { formatUsd } from './money';

/**
 * The forms in which the sandbox draws Keap's newer web app (keap.app). Keap documents its refund
 * only in words ("Click the Money card in the Contact activity section" → the payment → Refund →
 * "Click the confirmation link to process the refund" → "a message the refund was completed") and
 * not whether partial amounts are offered, so the app is drawn in two plausible forms:
 *
 * - `cards`: div and button cards with ARIA (a `role=button` Money card, payments as buttons, the
 *   payment in a `role=dialog` drawer, tabs as `role=tab`), dates `Apr 23, 2025`, and a refund
 *   amount field prefilled with what is left, so a part of a payment can be refunded.
 * - `table`: jQuery-era markup without ARIA (tabs as plain links, Money a button inside an `h3`,
 *   payments in a table whose "Credit card payment made" links open the payment in place, an
 *   `<input type="button" value="Refund">`), dates `04/23/2025`, and whole payments only.
 */
export const NEWER_APP_FORMS = ['cards', 'table'] as const;
export type NewerAppForm = (typeof NEWER_APP_FORMS)[number];
export const newerAppFormSchema = z.enum(NEWER_APP_FORMS);

/** Whether the form's refund offers an amount field; without one the whole payment is refunded. */
export function offersPartialRefunds(form: NewerAppForm): boolean {
  return form === 'cards';
}

/** "You will receive a message the refund was completed", as each form words it. */
export function refundCompletedMessage(form: NewerAppForm, amountMinor: number): string {
  return form === 'cards' ? `Refund completed: ${formatUsd(amountMinor)} was refunded.` : `The refund of ${formatUsd(amountMinor)} was completed.`;
}

/** The message for a refund the gateway did not take; nothing was refunded. */
export function refundFailedMessage(form: NewerAppForm, failure: string): string {
  return form === 'cards' ? `Refund failed: ${failure}. Nothing was refunded.` : `The refund could not be completed (${failure}). No money was refunded.`;
}
