import { z } from 'zod';
import type { RefundRecord } from '@/lib/audit/schema';
import { refundStateSchema } from '@/lib/audit/states';
import type { KeapNote } from '@/lib/keap/schemas';
import { formatMoney } from '@/lib/money';

/*
 * Keap is the one store a team shares: Refund Desk writes a note on the contact before its first
 * click on Keap's refund screen, and another when the refund settles. Each carries one
 * machine-readable line, so another person's Refund Desk (another browser, another teammate) sees
 * a refund in progress on a payment and does not start a second one.
 */

const ATTEMPT_LINE_PREFIX = 'Refund Desk attempt: ';

/** How long an in-progress note with no closing note blocks other installs: past this, the attempt is taken as abandoned. */
export const IN_PROGRESS_NOTE_LIMIT_MS = 30 * 60_000;

export const attemptLineSchema = z.object({
  attempt: z.uuid(),
  order: z.number().int().positive(),
  payments: z.array(z.number().int().positive()).min(1),
  /** `in-progress` before the first click; the journal state once it settles. */
  state: z.union([z.literal('in-progress'), refundStateSchema]),
  by: z.string().max(200),
  at: z.number().int().nonnegative(),
});
export type AttemptLine = z.infer<typeof attemptLineSchema>;

export function attemptLineText(line: AttemptLine): string {
  // `by` is cut to what `attemptLineSchema` reads: a longer name must not make the line unreadable.
  return `${ATTEMPT_LINE_PREFIX}${JSON.stringify({ ...line, by: line.by.slice(0, 200) })}`;
}

/** The attempt line of a note body, or null for any other note (or a Refund Desk line that does not read). */
export function readAttemptLine(body: string): AttemptLine | null {
  // The last such line: Refund Desk writes its line last, after words people typed (a name, a reason).
  const line = body.split('\n').findLast((text) => text.startsWith(ATTEMPT_LINE_PREFIX));
  if (line === undefined) return null;
  try {
    const parsed = attemptLineSchema.safeParse(JSON.parse(line.slice(ATTEMPT_LINE_PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Who made a refund, as the notes say it. */
export function actorWords(record: Pick<RefundRecord, 'actor'>): string {
  return record.actor.name || record.actor.email || 'someone';
}

/** The note written before the first click on Keap's refund screen. */
export function inProgressNote(record: RefundRecord, now: number): { title: string; body: string } {
  const currency = record.lines[0]?.currency;
  const payments = record.lines.map((line) => `#${line.paymentId}`).join(', ');
  return {
    title: `Refund Desk: refunding ${formatMoney(record.totalMinor, currency)} of payment ${payments} on order #${record.orderId}`,
    body: [
      `Refund Desk is refunding ${formatMoney(record.totalMinor, currency)} of payment ${payments} on order #${record.orderId} (attempt ${record.id}, by ${actorWords(record)}).`,
      'Please do not refund these payments until it says how it ended.',
      attemptLineText({ attempt: record.id, order: record.orderId, payments: record.lines.map((line) => line.paymentId), state: 'in-progress', by: actorWords(record), at: now }),
    ].join('\n'),
  };
}

/** The closing note's machine line, for a record that settled. */
export function closingAttemptLine(record: RefundRecord): string {
  return attemptLineText({
    attempt: record.id,
    order: record.orderId,
    payments: record.lines.map((line) => line.paymentId),
    state: record.state,
    by: actorWords(record),
    at: record.updatedAt,
  });
}

export type NoteOnContact = Pick<KeapNote, 'id' | 'body'>;

export interface TeammateAttempt {
  attempt: string;
  paymentId: number;
  by: string;
  at: number;
  /** The note's id: Keap counts them up, so a smaller one was written first. */
  noteId: number;
}

/**
 * Attempts of other Refund Desks in progress on `paymentIds`: an in-progress note younger than the
 * limit, whose attempt has no later note saying how it ended, and that is not one of `ownAttempts`.
 */
export function attemptsInProgress(notes: readonly NoteOnContact[], paymentIds: readonly number[], ownAttempts: ReadonlySet<string>, now: number): TeammateAttempt[] {
  const lines = notes.flatMap((note) => {
    const line = readAttemptLine(note.body ?? '');
    return line ? [{ line, noteId: note.id }] : [];
  });
  const ended = new Set(lines.filter(({ line }) => line.state !== 'in-progress').map(({ line }) => line.attempt));
  return lines.flatMap(({ line, noteId }) =>
    line.state === 'in-progress' && !ended.has(line.attempt) && !ownAttempts.has(line.attempt) && now - line.at < IN_PROGRESS_NOTE_LIMIT_MS
      ? line.payments.filter((paymentId) => paymentIds.includes(paymentId)).map((paymentId) => ({ attempt: line.attempt, paymentId, by: line.by, at: line.at, noteId }))
      : [],
  );
}

export function teammateRefusal(attempt: TeammateAttempt): string {
  return `${attempt.by} started refunding payment ${attempt.paymentId} at ${new Date(attempt.at).toLocaleString()} with Refund Desk, and it has not finished yet. Wait until their note on this contact says how it ended, or check the order in Keap.`;
}
