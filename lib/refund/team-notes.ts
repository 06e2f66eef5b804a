import { z } from 'zod';
import { i18n } from '#i18n';
import { currencyCodeSchema, lineOutcomeSchema, refundChannelSchema, type RefundRecord } from '@/lib/audit/schema';
import { refundStateSchema } from '@/lib/audit/states';
import type { KeapNote } from '@/lib/keap/schemas';
import { formatFieldPath } from '@/lib/keap/errors';
import { formatMoney } from '@/lib/money';
import { refundErrorHandlingSchema } from './rules';

/*
 * Keap is the one store a team shares: Refund Desk writes a note on the contact before its first
 * click on Keap's refund screen, and another when the refund settles. Each carries one
 * machine-readable line, so another person's Refund Desk (another browser, another teammate) sees
 * a refund in progress on a payment and does not start a second one. The closing note's line also
 * carries what the refund was (amounts, outcomes, reason, contact), so a teammate's "Import from
 * Keap" adds it to their history as it is, with nothing guessed.
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

/** The longest name (person or contact) a line carries: a longer one is cut, so the line stays readable. */
const NAME_MAX = 200;

/**
 * What a closing line adds to the attempt: the refund as the journal has it. Optional on the line,
 * so the teammate lock still reads lines written before them; the import needs them.
 */
const attemptFactsSchema = z.object({
  /** The contact's name (the note's `contact_id` is the contact). */
  contact: z.string().max(NAME_MAX),
  currency: currencyCodeSchema,
  /** One per payment, in the order of `payments`; amounts in minor units. */
  lines: z
    .array(z.object({ payment: z.number().int().positive(), amount: z.number().int().positive(), channel: refundChannelSchema, outcome: lineOutcomeSchema.optional() }))
    .min(1),
  reason: z.object({ preset: z.string(), details: z.string() }),
  errorHandling: refundErrorHandlingSchema,
  /** What the customer owes after the refund, minor units. */
  owed: z.number().int().nonnegative(),
});
const FACT_FIELDS = Object.keys(attemptFactsSchema.shape);

const closingLineSchema = attemptLineSchema
  .extend({ ...attemptFactsSchema.shape, state: refundStateSchema })
  .refine((line) => line.lines.length === line.payments.length && line.lines.every((payment, index) => payment.payment === line.payments[index]), {
    error: () => i18n.t('refunding.import.amountsDontMatchPayments'),
    path: ['lines'],
  });
export type ClosingLine = z.infer<typeof closingLineSchema>;

export function attemptLineText(line: AttemptLine | ClosingLine): string {
  // Names are cut to what the schemas read: a longer one must not make the line unreadable.
  const cut = 'contact' in line ? { ...line, by: line.by.slice(0, NAME_MAX), contact: line.contact.slice(0, NAME_MAX) } : { ...line, by: line.by.slice(0, NAME_MAX) };
  return `${ATTEMPT_LINE_PREFIX}${JSON.stringify(cut)}`;
}

type LastLine = { kind: 'none' } | { kind: 'unreadable'; problem: string } | { kind: 'json'; value: unknown };

function lastAttemptLine(body: string): LastLine {
  // The last such line: Refund Desk writes its line last, after words people typed (a name, a reason).
  const line = body.split('\n').findLast((text) => text.startsWith(ATTEMPT_LINE_PREFIX));
  if (line === undefined) return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(line.slice(ATTEMPT_LINE_PREFIX.length)) };
  } catch {
    return { kind: 'unreadable', problem: i18n.t('refunding.import.lineNotJson') };
  }
}

function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = formatFieldPath(issue?.path ?? []);
  const message = issue?.message ?? '';
  return where ? i18n.t('refunding.import.lineUnreadableAt', [where, message]) : i18n.t('refunding.import.lineUnreadable', [message]);
}

/** The attempt line of a note body, or null for any other note (or a Refund Desk line that does not read). */
export function readAttemptLine(body: string): AttemptLine | null {
  const last = lastAttemptLine(body);
  if (last.kind !== 'json') return null;
  const parsed = attemptLineSchema.safeParse(last.value);
  return parsed.success ? parsed.data : null;
}

/** What a note is to "Import from Keap". */
export type AttemptNote =
  | { kind: 'other' }
  /** A Refund Desk line that does not read: reported with `problem`, and skipped. */
  | { kind: 'malformed'; problem: string }
  /** A closing line written by a Refund Desk from before lines carried amounts: skipped. */
  | { kind: 'older'; line: AttemptLine }
  | { kind: 'in-progress'; line: AttemptLine }
  | { kind: 'closing'; line: ClosingLine };

export function readAttemptNote(body: string): AttemptNote {
  const last = lastAttemptLine(body);
  if (last.kind === 'none') return { kind: 'other' };
  if (last.kind === 'unreadable') return { kind: 'malformed', problem: last.problem };
  const base = attemptLineSchema.safeParse(last.value);
  if (!base.success) return { kind: 'malformed', problem: problemOf(base.error) };
  if (base.data.state === 'in-progress') return { kind: 'in-progress', line: base.data };
  const value = last.value as Record<string, unknown>;
  if (!FACT_FIELDS.some((field) => field in value)) return { kind: 'older', line: base.data };
  const closing = closingLineSchema.safeParse(value);
  return closing.success ? { kind: 'closing', line: closing.data } : { kind: 'malformed', problem: problemOf(closing.error) };
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

/** The closing note's machine line, for a record that settled: the attempt, and the refund as the journal has it. */
export function closingAttemptLine(record: RefundRecord): string {
  return attemptLineText({
    attempt: record.id,
    order: record.orderId,
    payments: record.lines.map((line) => line.paymentId),
    state: record.state,
    by: actorWords(record),
    at: record.updatedAt,
    contact: record.contact.name,
    currency: record.lines[0]?.currency ?? '',
    lines: record.lines.map((line) => ({ payment: line.paymentId, amount: line.amountMinor, channel: line.channel, ...(line.outcome ? { outcome: line.outcome } : {}) })),
    reason: record.reason,
    errorHandling: record.errorHandling,
    owed: record.amountOwedAfterMinor,
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
  return i18n.t('problems.teammateRefunding', [attempt.by, String(attempt.paymentId), new Date(attempt.at).toLocaleString()]);
}
