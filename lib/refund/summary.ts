import { z } from 'zod';
import { formatMoney } from '@/lib/money';

/* The one sentence that tells the person what a refund did, from each payment's outcome. */

/** One payment's outcome, as that sentence reads it. @public the definition its type is inferred from */
export const refundLineOutcomeSchema = z.object({
  paymentId: z.number().int().positive(),
  amountMinor: z.number().int().nonnegative(),
  outcome: z.enum(['refunded', 'recorded-anyway', 'skipped', 'manual-recorded', 'voided', 'failed', 'unconfirmed']),
  /** Why, in plain words, for skipped, failed and recorded-anyway lines, e.g. "gateway declined". */
  detail: z.string().optional(),
});
export type RefundLineOutcome = z.infer<typeof refundLineOutcomeSchema>;

function paymentsCount(count: number): string {
  return count === 1 ? '1 payment' : `${count} payments`;
}

function sumOf(lines: readonly RefundLineOutcome[]): number {
  return lines.reduce((sum, line) => sum + line.amountMinor, 0);
}

/** Distinct details, in the order they first appear. */
function detailsOf(lines: readonly RefundLineOutcome[]): string {
  const details = [...new Set(lines.map((line) => line.detail?.trim() ?? '').filter((detail) => detail !== ''))];
  return details.length > 0 ? `: ${details.join(', ')}` : '';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function summarizeRefund(lines: readonly RefundLineOutcome[], currency: string): string {
  const withOutcome = (outcome: RefundLineOutcome['outcome']) => lines.filter((line) => line.outcome === outcome);
  const money = (minor: number) => formatMoney(minor, currency);
  const refunded = withOutcome('refunded');
  const manual = withOutcome('manual-recorded');
  const voided = withOutcome('voided');
  const recordedAnyway = withOutcome('recorded-anyway');
  const skipped = withOutcome('skipped');
  const failed = withOutcome('failed');
  const unconfirmed = withOutcome('unconfirmed');

  const done: string[] = [];
  if (refunded.length === 1) done.push(`refunded ${money(sumOf(refunded))}`);
  if (refunded.length > 1) done.push(`refunded ${money(sumOf(refunded))} on ${paymentsCount(refunded.length)}`);
  if (manual.length === 1) done.push(`recorded a manual refund of ${money(sumOf(manual))}`);
  if (manual.length > 1) done.push(`recorded manual refunds of ${money(sumOf(manual))} on ${paymentsCount(manual.length)}`);
  if (voided.length === 1) done.push(`voided ${money(sumOf(voided))}`);
  if (voided.length > 1) done.push(`voided ${money(sumOf(voided))} on ${paymentsCount(voided.length)}`);
  if (recordedAnyway.length > 0) {
    done.push(
      `recorded ${money(sumOf(recordedAnyway))} as refunded on ${paymentsCount(recordedAnyway.length)} though the automatic refund failed${detailsOf(recordedAnyway)} (return that money in your merchant account)`,
    );
  }

  const notDone: string[] = [];
  if (skipped.length > 0) notDone.push(`${skipped.length} skipped${detailsOf(skipped)}`);
  if (failed.length > 0) notDone.push(`${failed.length} failed${detailsOf(failed)}`);
  if (unconfirmed.length > 0) notDone.push(`${unconfirmed.length} not confirmed yet: check ${unconfirmed.length === 1 ? 'it' : 'them'} in Keap before trying again`);

  if (done.length === 0) {
    return `Nothing was refunded: ${notDone.length > 0 ? notDone.join('; ') : 'no payments were chosen'}`;
  }
  return capitalise([...done, ...notDone].join('; '));
}
