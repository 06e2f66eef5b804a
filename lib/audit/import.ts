import { i18n } from '#i18n';
import { z } from 'zod';
import type { KeapClient } from '@/lib/keap/client';
import { formatFieldPath } from '@/lib/keap/errors';
import type { KeapNote } from '@/lib/keap/schemas';
import { readAttemptNote, type ClosingLine } from '@/lib/refund/team-notes';
import { rememberActors } from './actors';
import type { JournalDb } from './db';
import { createdAtOfRefundId } from './ids';
import { refundRecordSchema, type RefundEvent, type RefundRecord } from './schema';
import { searchTokensFor } from './search';
import { isFinalState } from './states';
import { updateDayTotals } from './totals';

/*
 * "Import from Keap": teammates' refunds, read from the closing notes their Refund Desks wrote on
 * contacts (lib/refund/team-notes.ts), merged into this browser's history. A refund is keyed by its
 * attempt id, so one already here (made in this browser, or imported before) is never added twice.
 * Only refunds in a final state are imported: nothing will change them, so nothing here acts on them.
 */

/** Keap v1's largest page. */
const NOTES_PAGE_SIZE = 1000;

const keapId = z.number().int().positive();
const count = z.number().int().nonnegative();

const notesImportScopeSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('all') }), z.object({ kind: z.literal('contact'), contactId: keapId })]);
export type NotesImportScope = z.infer<typeof notesImportScopeSchema>;

/** An import's progress: saved after every page, so it resumes where it stopped. */
export const notesImportSchema = z.object({
  /** The Keap app whose notes are read; the imported refunds belong to it. */
  appName: z.string().regex(/^[a-z0-9-]+$/i),
  scope: notesImportScopeSchema,
  /** `stopped`: Keap's API failed (see `problem`); `cancelled`: a person stopped it. Both resume. */
  status: z.enum(['running', 'cancelled', 'stopped', 'done']),
  problem: z.string().optional(),
  /** Where the next page starts. */
  nextOffset: count,
  /** How many notes Keap says there are, from the last page; null before the first. */
  total: count.nullable(),
  notesRead: count,
  imported: count,
  /** Refunds whose note was read but that this history already holds. */
  alreadyInHistory: count,
  /** Attempts whose notes so far say they are not finished: counted, not imported. */
  unfinished: z.array(z.uuid()),
  /** Notes whose Refund Desk line an older Refund Desk wrote, without amounts: skipped. */
  olderNotes: z.array(keapId),
  /** Notes whose Refund Desk line does not read: skipped. */
  malformed: z.array(z.object({ noteId: keapId, problem: z.string() })),
  startedAt: count,
  updatedAt: count,
});
export type NotesImport = z.infer<typeof notesImportSchema>;

export function newNotesImport(appName: string, scope: NotesImportScope, now: number): NotesImport {
  return {
    appName,
    scope,
    status: 'running',
    nextOffset: 0,
    total: null,
    notesRead: 0,
    imported: 0,
    alreadyInHistory: 0,
    unfinished: [],
    olderNotes: [],
    malformed: [],
    startedAt: now,
    updatedAt: now,
  };
}

type RecordReading = { ok: true; record: RefundRecord } | { ok: false; problem: string };

/** The journal record a teammate's closing note describes, checked as the journal checks its own. */
function recordFromClosingNote(line: ClosingLine, note: Pick<KeapNote, 'id' | 'contact_id'>, appName: string, importedAt: number): RecordReading {
  const createdAt = createdAtOfRefundId(line.attempt);
  if (createdAt === null) return { ok: false, problem: i18n.t('refunding.import.noTime') };
  const plan = {
    idempotencyKey: `keap-note:${line.attempt}`,
    appName,
    contact: { id: note.contact_id, name: line.contact, email: '' },
    orderId: line.order,
    lines: line.lines.map((payment) => ({
      paymentId: payment.payment,
      amountMinor: payment.amount,
      currency: line.currency,
      channel: payment.channel,
      ...(payment.outcome ? { outcome: payment.outcome } : {}),
    })),
    reason: line.reason,
    errorHandling: line.errorHandling,
    amountOwedAfterMinor: line.owed,
    actor: { name: line.by, email: '' },
  };
  const parsed = refundRecordSchema.safeParse({
    ...plan,
    id: line.attempt,
    createdAt,
    updatedAt: line.at,
    state: line.state,
    totalMinor: plan.lines.reduce((sum, payment) => sum + payment.amountMinor, 0),
    searchTokens: searchTokensFor(plan),
    fromKeap: { noteId: note.id, importedAt },
  });
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: i18n.t('refunding.import.unreadable', [formatFieldPath(issue?.path ?? []), issue?.message ?? 'unknown problem']) };
}

/** What one page of notes added. */
export interface NotesMerge {
  imported: string[];
  alreadyInHistory: number;
  /** Attempts a final note on this page ended. */
  finished: string[];
  /** Attempts whose notes on this page say not finished, and that this history does not hold. */
  unfinished: string[];
  olderNotes: number[];
  malformed: { noteId: number; problem: string }[];
}

/**
 * Merges the Refund Desk notes among `notes` into the journal, in one transaction with the day
 * totals: refunds in a final state not yet in it are added, marked from Keap; other notes are ignored.
 */
export async function mergeNotes(db: JournalDb, notes: readonly KeapNote[], appName: string, importedAt: number): Promise<NotesMerge> {
  const found = new Map<string, RefundRecord>();
  const finalNotes: string[] = [];
  const openAttempts: string[] = [];
  const olderNotes: number[] = [];
  const malformed: NotesMerge['malformed'] = [];
  for (const note of notes) {
    const reading = readAttemptNote(note.body ?? '');
    if (reading.kind === 'other') continue;
    if (reading.kind === 'malformed') malformed.push({ noteId: note.id, problem: reading.problem });
    else if (reading.kind === 'older') olderNotes.push(note.id);
    else if (reading.kind === 'in-progress') openAttempts.push(reading.line.attempt);
    else if (!isFinalState(reading.line.state)) openAttempts.push(reading.line.attempt);
    else {
      const record = recordFromClosingNote(reading.line, note, appName, importedAt);
      if (!record.ok) {
        malformed.push({ noteId: note.id, problem: record.problem });
        continue;
      }
      finalNotes.push(record.record.id);
      if (!found.has(record.record.id)) found.set(record.record.id, record.record);
    }
  }
  return db.transaction('rw', db.refunds, db.events, db.dailyTotals, db.actors, async () => {
    const candidates = [...found.values()];
    const held = await db.refunds.bulkGet([...candidates.map((record) => record.id), ...openAttempts]);
    const heldIds = new Set(held.flatMap((record) => (record ? [record.id] : [])));
    const added = candidates.filter((record) => !heldIds.has(record.id));
    await db.refunds.bulkAdd(added);
    await db.events.bulkAdd(
      added.map((record): RefundEvent => ({ refundId: record.id, from: null, to: record.state, at: record.updatedAt, note: `Imported from Keap note ${record.fromKeap?.noteId}` })),
    );
    await updateDayTotals(db.dailyTotals, [], added);
    await rememberActors(db.actors, added);
    return {
      imported: added.map((record) => record.id),
      alreadyInHistory: finalNotes.length - added.length,
      finished: [...found.keys()],
      unfinished: [...new Set(openAttempts)].filter((attempt) => !heldIds.has(attempt) && !found.has(attempt)),
      olderNotes,
      malformed,
    };
  });
}

/** `progress` with one more page of `read` notes merged. */
function withPage(progress: NotesImport, read: number, merge: NotesMerge, total: number | null, now: number): NotesImport {
  const finished = new Set(merge.finished);
  return {
    ...progress,
    nextOffset: progress.nextOffset + read,
    total,
    notesRead: progress.notesRead + read,
    imported: progress.imported + merge.imported.length,
    alreadyInHistory: progress.alreadyInHistory + merge.alreadyInHistory,
    unfinished: [...new Set([...progress.unfinished, ...merge.unfinished])].filter((attempt) => !finished.has(attempt)),
    olderNotes: [...progress.olderNotes, ...merge.olderNotes],
    malformed: [...progress.malformed, ...merge.malformed],
    updatedAt: now,
  };
}

export interface NotesImportDeps {
  client: Pick<KeapClient, 'listNotesPage'>;
  db: JournalDb;
  now: () => number;
  /** Keeps the progress after every page, for the person to see and for a resume. */
  save: (progress: NotesImport) => Promise<void>;
  /** Aborted: the import stops before its next page, as `cancelled`. */
  signal: AbortSignal;
  pageSize?: number;
}

/**
 * Reads the notes page by page from where `from` stopped, through the client (and so its rate
 * limiter), merging each page before the next is asked for. Resolves with the progress last saved.
 */
export async function runNotesImport(from: NotesImport, deps: NotesImportDeps): Promise<NotesImport> {
  const limit = deps.pageSize ?? NOTES_PAGE_SIZE;
  const { problem: _earlierProblem, ...rest } = from;
  let progress: NotesImport = { ...rest, status: 'running' };
  const finish = async (status: NotesImport['status'], problem?: string): Promise<NotesImport> => {
    progress = { ...progress, status, ...(problem === undefined ? {} : { problem }), updatedAt: deps.now() };
    await deps.save(progress);
    return progress;
  };
  for (;;) {
    if (deps.signal.aborted) return finish('cancelled');
    const contactId = progress.scope.kind === 'contact' ? progress.scope.contactId : undefined;
    const page = await deps.client.listNotesPage({ offset: progress.nextOffset, limit, ...(contactId === undefined ? {} : { contactId }) });
    if (!page.ok) return finish('stopped', page.error.message);
    const { notes } = page.value;
    const merge = await mergeNotes(deps.db, notes, progress.appName, deps.now());
    const total = typeof page.value.count === 'number' && page.value.count >= 0 ? page.value.count : null;
    progress = withPage(progress, notes.length, merge, total, deps.now());
    // A short page ends the list (Keap sends `next` even after the last page), as does Keap's count.
    if (notes.length < limit || (total !== null && progress.nextOffset >= total)) return finish('done');
    await deps.save(progress);
  }
}
