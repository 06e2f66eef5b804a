import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';
import { actorWords, closingAttemptLine } from './team-notes';

const STATE_WORDS: Record<RefundRecord['state'], string> = {
  planned: 'planned, not sent yet',
  submitting: 'being sent to Keap',
  confirmed: "refunded (confirmed by Keap's API)",
  recorded: 'recorded in Keap',
  skipped: 'skipped',
  failed: 'not refunded',
  'needs-manual': 'stopped: needs a person to finish it in Keap',
  unconfirmed: "sent, not yet shown by Keap's API",
};

const OUTCOME_WORDS: Record<NonNullable<RefundRecord['lines'][number]['outcome']>, string> = {
  refunded: 'refunded',
  recorded: 'recorded',
  skipped: 'skipped',
  failed: 'failed',
  voided: 'voided',
  pending: 'not confirmed',
};

/** The note Refund Desk writes on the contact: what the whole team sees in Keap. Plain text. */
export function refundNoteBody(record: RefundRecord, locale = 'en-US'): string {
  const currency = record.lines[0]?.currency ?? 'USD';
  const lines = record.lines.map((line) => {
    const outcome = line.outcome ? ` — ${OUTCOME_WORDS[line.outcome]}` : '';
    const channel = line.channel === 'manual' ? ' (refunded outside Keap, recorded as a manual refund)' : '';
    const detail = line.detail ? ` (${line.detail})` : '';
    return `• Payment ${line.paymentId}: ${formatMoney(line.amountMinor, currency, locale)}${channel}${outcome}${detail}`;
  });
  const reason = record.reason.details ? `${record.reason.preset}: ${record.reason.details}` : record.reason.preset;
  return [
    `Refund of ${formatMoney(record.totalMinor, currency, locale)} on order #${record.orderId}: ${STATE_WORDS[record.state]}.`,
    ...lines,
    `Reason: ${reason}`,
    `If an automatic refund fails: ${record.errorHandling === 'record-anyway' ? 'record the refund anyway' : 'skip that payment'}`,
    `Amount owed after refund: ${formatMoney(record.amountOwedAfterMinor, currency, locale)}`,
    ...(record.error ? [`Note: ${record.error.message}`] : []),
    `By ${actorWords(record)} via Refund Desk, ${new Date(record.updatedAt).toLocaleString(locale, { timeZone: 'UTC' })} UTC`,
    closingAttemptLine(record),
  ].join('\n');
}
