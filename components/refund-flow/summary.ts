import { i18n } from '#i18n';
import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';
import { type RefundLineOutcome, settledRefunds } from '@/lib/refund/progress';

/* The one sentence that tells the person what a refund did: one clause per kind of outcome, joined. */

function sumOf(lines: readonly RefundLineOutcome[]): number {
  return lines.reduce((sum, line) => sum + line.amountMinor, 0);
}

/** Distinct details, in the order they first appear, or null when there are none. */
function detailsOf(lines: readonly RefundLineOutcome[]): string | null {
  const details = [...new Set(lines.map((line) => line.detail?.trim() ?? '').filter((detail) => detail !== ''))];
  return details.length > 0 ? details.join(', ') : null;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
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
  if (refunded.length > 0) done.push(i18n.t('refundFlow.summary.refunded', refunded.length, [money(sumOf(refunded)), refunded.length]));
  if (manual.length > 0) done.push(i18n.t('refundFlow.summary.manualRecorded', manual.length, [money(sumOf(manual)), manual.length]));
  if (voided.length > 0) done.push(i18n.t('refundFlow.summary.voided', voided.length, [money(sumOf(voided)), voided.length]));
  if (recordedAnyway.length > 0) {
    const because = detailsOf(recordedAnyway);
    const figures = [money(sumOf(recordedAnyway)), recordedAnyway.length] as const;
    done.push(
      because === null
        ? i18n.t('refundFlow.summary.recordedAnyway', recordedAnyway.length, [...figures])
        : i18n.t('refundFlow.summary.recordedAnywayBecause', recordedAnyway.length, [...figures, because]),
    );
  }

  const notDone: string[] = [];
  if (skipped.length > 0) {
    const because = detailsOf(skipped);
    notDone.push(because === null ? i18n.t('refundFlow.summary.skipped', [skipped.length]) : i18n.t('refundFlow.summary.skippedBecause', [skipped.length, because]));
  }
  if (failed.length > 0) {
    const because = detailsOf(failed);
    notDone.push(because === null ? i18n.t('refundFlow.summary.failed', [failed.length]) : i18n.t('refundFlow.summary.failedBecause', [failed.length, because]));
  }
  if (unconfirmed.length > 0) notDone.push(i18n.t('refundFlow.summary.unconfirmed', unconfirmed.length));

  if (done.length === 0) {
    return notDone.length > 0 ? i18n.t('refundFlow.summary.nothingRefunded', [notDone.join('; ')]) : i18n.t('refundFlow.summary.noPaymentsChosen');
  }
  return capitalise([...done, ...notDone].join('; '));
}

/** The sentence for the side panel's status line, or null while any refund is still moving. */
export function refundSummary(records: readonly RefundRecord[]): string | null {
  const settled = settledRefunds(records);
  return settled ? summarizeRefund(settled.lines, settled.currency) : null;
}
