import { describe, expect, it } from 'vitest';
import type { KeapResult } from '@/lib/keap/errors';
import { keapDownError } from '@/lib/keap/errors';
import type { KeapNote, KeapNotePage } from '@/lib/keap/schemas';
import { refundNoteBody } from '@/lib/refund/note';
import { attemptLineText, inProgressNote } from '@/lib/refund/team-notes';
import type { JournalDb } from './db';
import { mergeNotes, newNotesImport, runNotesImport, type NotesImport, type NotesImportDeps } from './import';
import { refundIdFor } from './ids';
import { buildPlannedRecord, eventsFor } from './journal';
import { countAndTotal, listRecent } from './query';
import type { PlanRefundInput, RefundRecord } from './schema';
import { openTestJournal, samplePlan, storeRecords } from './test-support';

const APP = 'teamapp';
const CREATED = Date.parse('2025-06-02T15:00:00Z');
const IMPORTED_AT = Date.parse('2025-06-10T09:00:00Z');

/** A teammate's refund as their journal holds it once settled. */
function teammateRefund(state: RefundRecord['state'], plan: Partial<PlanRefundInput> = {}, createdAt = CREATED): RefundRecord {
  const planned = buildPlannedRecord(samplePlan({ appName: APP, actor: { name: 'Kim Teammate', email: 'kim@example.com' }, ...plan }), refundIdFor(createdAt), createdAt);
  return { ...planned, state, updatedAt: createdAt + 60_000 };
}

let nextNoteId = 500;
function note(body: string, contactId = 42): KeapNote {
  nextNoteId += 1;
  return { id: nextNoteId, contact_id: contactId, title: 'Refund Desk', body };
}
const closingNote = (record: RefundRecord) => note(refundNoteBody(record), record.contact.id);
const startedNote = (record: RefundRecord) => note(inProgressNote(record, record.createdAt).body, record.contact.id);

async function journal(): Promise<JournalDb> {
  return openTestJournal();
}

describe('mergeNotes', () => {
  it("adds a teammate's settled refund as their Refund Desk wrote it, keyed by its attempt id and marked from Keap", async () => {
    const db = await journal();
    const refund = teammateRefund('confirmed', { contact: { id: 42, name: 'Jane Doe', email: 'jane@example.com' }, amountOwedAfterMinor: 500 });
    const written = closingNote(refund);

    const merged = await mergeNotes(db, [written], APP, IMPORTED_AT);

    expect(merged).toEqual({ imported: [refund.id], alreadyInHistory: 0, finished: [refund.id], unfinished: [], olderNotes: [], malformed: [] });
    const stored = await db.refunds.get(refund.id);
    expect(stored).toEqual({
      ...refund,
      idempotencyKey: `keap-note:${refund.id}`,
      // The note names the contact and the person, not their emails.
      contact: { id: 42, name: 'Jane Doe', email: '' },
      actor: { name: 'Kim Teammate', email: '' },
      searchTokens: ['jane', 'doe', '9001'],
      fromKeap: { noteId: written.id, importedAt: IMPORTED_AT },
    });
    expect((await eventsFor(db, refund.id)).map(({ from, to, at, note: why }) => ({ from, to, at, why }))).toEqual([
      { from: null, to: 'confirmed', at: refund.updatedAt, why: `Imported from Keap note ${written.id}` },
    ]);
    expect(await countAndTotal(db)).toEqual({ count: 1, refunded: [{ currency: 'USD', amountMinor: 6000 }] });
    expect((await listRecent(db, { filter: { search: 'jane' } })).records.map((record) => record.id)).toEqual([refund.id]);
  });

  it('never adds a refund twice: not one imported before, nor one this browser made itself, which stays as it is', async () => {
    const db = await journal();
    const imported = teammateRefund('confirmed');
    const own = teammateRefund('failed', {}, CREATED + 1);
    await storeRecords(db, [own]);
    await mergeNotes(db, [closingNote(imported)], APP, IMPORTED_AT);

    const again = await mergeNotes(db, [closingNote(imported), closingNote(own), closingNote(imported)], APP, IMPORTED_AT + 1);

    expect(again).toMatchObject({ imported: [], alreadyInHistory: 3 });
    expect(await db.refunds.count()).toBe(2);
    expect(await db.refunds.get(own.id)).toEqual(own);
    expect((await db.refunds.get(imported.id))?.fromKeap?.importedAt).toBe(IMPORTED_AT);
    expect(await countAndTotal(db)).toEqual({ count: 2, refunded: [{ currency: 'USD', amountMinor: 6000 }] });
  });

  it('one attempt in two closing notes on a page is added once', async () => {
    const db = await journal();
    const refund = teammateRefund('recorded');
    const merged = await mergeNotes(db, [closingNote(refund), closingNote(refund)], APP, IMPORTED_AT);
    expect(merged).toMatchObject({ imported: [refund.id], alreadyInHistory: 1 });
    expect(await db.refunds.count()).toBe(1);
  });

  it('ignores other notes, and reports a malformed Refund Desk line and one an older Refund Desk wrote, by note id, adding neither', async () => {
    const db = await journal();
    const older = teammateRefund('confirmed');
    const olderNote = note(attemptLineText({ attempt: older.id, order: 9001, payments: [7001], state: 'confirmed', by: 'Kim', at: CREATED }));
    const brokenNote = note('Refund Desk attempt: {"attempt": "half');
    const noTime = teammateRefund('confirmed');
    const randomIdNote = note(refundNoteBody({ ...noTime, id: '3f2b8c1e-7a4d-4b6e-9c2f-1d2e3f4a5b6c' }));
    const zeroOrder = note(refundNoteBody({ ...teammateRefund('confirmed', {}, CREATED + 5), orderId: 0 }));

    const merged = await mergeNotes(db, [note('Called the customer.'), olderNote, brokenNote, randomIdNote, zeroOrder, note('')], APP, IMPORTED_AT);

    expect(merged).toEqual({
      imported: [],
      alreadyInHistory: 0,
      finished: [],
      unfinished: [],
      olderNotes: [olderNote.id],
      malformed: [
        { noteId: brokenNote.id, problem: 'its Refund Desk line is not valid JSON' },
        { noteId: randomIdNote.id, problem: 'its attempt id carries no time' },
        { noteId: zeroOrder.id, problem: expect.stringMatching(/^its Refund Desk line does not read at order: /) },
      ],
    });
    expect(await db.refunds.count()).toBe(0);
    expect(await db.dailyTotals.count()).toBe(0);
  });

  it('a line whose refund the journal would refuse is reported, not stored', async () => {
    const db = await journal();
    const written = closingNote(teammateRefund('confirmed'));
    const merged = await mergeNotes(db, [written], 'not an app!', IMPORTED_AT);
    expect(merged.malformed).toEqual([{ noteId: written.id, problem: expect.stringMatching(/^its refund does not read at appName: /) }]);
    expect(await db.refunds.count()).toBe(0);
  });

  it('counts an attempt whose notes say it is not finished, without importing it', async () => {
    const db = await journal();
    const started = teammateRefund('planned');
    const waiting = teammateRefund('needs-manual', {}, CREATED + 1);
    const finished = teammateRefund('confirmed', {}, CREATED + 2);

    const merged = await mergeNotes(db, [startedNote(started), closingNote(waiting), startedNote(finished), closingNote(finished)], APP, IMPORTED_AT);

    expect(merged).toMatchObject({ imported: [finished.id], unfinished: [started.id, waiting.id] });
    expect(await db.refunds.count()).toBe(1);
  });

  it('counts what was settled as refunded: a skipped payment of a confirmed refund is not', async () => {
    const db = await journal();
    const planned = teammateRefund('confirmed', {
      lines: [
        { paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' },
        { paymentId: 7002, amountMinor: 2500, currency: 'USD', channel: 'keap-refund-screen' },
      ],
    });
    const refund: RefundRecord = {
      ...planned,
      lines: [
        { ...planned.lines[0]!, outcome: 'refunded' },
        { ...planned.lines[1]!, outcome: 'skipped' },
      ],
    };
    await mergeNotes(db, [closingNote(refund)], APP, IMPORTED_AT);
    expect(await countAndTotal(db)).toEqual({ count: 1, refunded: [{ currency: 'USD', amountMinor: 6000 }] });
  });
});

/** Keap's `GET /v1/notes` over `notes`, page by page; `failAt` makes the page at that offset fail once. */
function notesApi(notes: KeapNote[], options: { failAt?: number } = {}) {
  const asked: { offset: number; limit: number; contactId?: number }[] = [];
  let failAt = options.failAt;
  const client: NotesImportDeps['client'] = {
    listNotesPage: async (page): Promise<KeapResult<KeapNotePage>> => {
      asked.push(page);
      if (page.offset === failAt) {
        failAt = undefined;
        return { ok: false, error: keapDownError('GET /v1/notes', 503) };
      }
      const inScope = notes.filter((candidate) => page.contactId === undefined || candidate.contact_id === page.contactId);
      return { ok: true, value: { count: inScope.length, next: null, previous: null, notes: inScope.slice(page.offset, page.offset + page.limit) } };
    },
  };
  return { client, asked };
}

/** 3 teammates' refunds among ordinary notes: 7 notes, on two contacts. */
function teamNotes() {
  const refunds = [
    teammateRefund('confirmed', {}, CREATED),
    teammateRefund('failed', { contact: { id: 43, name: 'Lee Chen', email: '' } }, CREATED + 1),
    teammateRefund('recorded', {}, CREATED + 2),
  ];
  const [first, second, third] = refunds as [RefundRecord, RefundRecord, RefundRecord];
  const notes = [
    note('Called them.'),
    startedNote(first),
    closingNote(first),
    note('Sent the invoice.', 43),
    closingNote(second),
    note('Refund Desk attempt: nope'),
    closingNote(third),
  ];
  return { refunds, notes };
}

function depsFor(db: JournalDb, client: NotesImportDeps['client'], signal = new AbortController().signal) {
  const saved: NotesImport[] = [];
  const deps: NotesImportDeps = {
    client,
    db,
    now: () => IMPORTED_AT,
    save: async (progress) => {
      saved.push(progress);
    },
    signal,
    pageSize: 2,
  };
  return { deps, saved };
}

describe('runNotesImport', () => {
  it('reads every note page by page, merges each, and saves the progress after each page', async () => {
    const db = await journal();
    const { refunds, notes } = teamNotes();
    const api = notesApi(notes);
    const { deps, saved } = depsFor(db, api.client);

    const result = await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), deps);

    expect(api.asked).toEqual([0, 2, 4, 6].map((offset) => ({ offset, limit: 2 })));
    expect(saved.map((progress) => [progress.status, progress.nextOffset])).toEqual([
      ['running', 2],
      ['running', 4],
      ['running', 6],
      ['done', 7],
    ]);
    expect(result).toMatchObject({
      status: 'done',
      total: 7,
      notesRead: 7,
      imported: 3,
      alreadyInHistory: 0,
      unfinished: [],
      olderNotes: [],
      malformed: [{ noteId: notes[5]!.id }],
    });
    expect((await db.refunds.toCollection().primaryKeys()).sort()).toEqual(refunds.map((refund) => refund.id).sort());
  });

  it("reads one contact's notes only, when that is the scope", async () => {
    const db = await journal();
    const { refunds, notes } = teamNotes();
    const api = notesApi(notes);
    const result = await runNotesImport(newNotesImport(APP, { kind: 'contact', contactId: 43 }, IMPORTED_AT), depsFor(db, api.client).deps);
    expect(api.asked).toEqual([{ offset: 0, limit: 2, contactId: 43 }]);
    expect(result).toMatchObject({ status: 'done', total: 2, notesRead: 2, imported: 1 });
    expect(await db.refunds.toCollection().primaryKeys()).toEqual([refunds[1]!.id]);
  });

  it('a cancel stops it between pages; resumed from what it saved, it finishes, adding each refund once', async () => {
    const db = await journal();
    const { refunds, notes } = teamNotes();
    const api = notesApi(notes);
    const cancel = new AbortController();
    const first = depsFor(db, api.client, cancel.signal);
    first.deps.save = async (progress) => {
      first.saved.push(progress);
      if (progress.nextOffset === 4) cancel.abort();
    };

    const cancelled = await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), first.deps);

    expect(cancelled).toMatchObject({ status: 'cancelled', nextOffset: 4, notesRead: 4, imported: 1, unfinished: [] });
    expect(api.asked.map((page) => page.offset)).toEqual([0, 2]);
    expect(first.saved.at(-1)).toEqual(cancelled);

    const resumed = await runNotesImport(cancelled, depsFor(db, api.client).deps);

    expect(api.asked.map((page) => page.offset)).toEqual([0, 2, 4, 6]);
    expect(resumed).toMatchObject({ status: 'done', notesRead: 7, imported: 3, alreadyInHistory: 0 });
    expect(await db.refunds.count()).toBe(refunds.length);
  });

  it("stops when Keap's API fails, saying why; resumed, it goes on from the page that failed", async () => {
    const db = await journal();
    const { notes } = teamNotes();
    const api = notesApi(notes, { failAt: 2 });

    const stopped = await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), depsFor(db, api.client).deps);

    expect(stopped).toMatchObject({ status: 'stopped', nextOffset: 2, imported: 0, problem: "Keap's servers are having trouble (HTTP 503). Try again in a few minutes." });
    const resumed = await runNotesImport(stopped, depsFor(db, api.client).deps);
    expect(resumed.status).toBe('done');
    expect(resumed).not.toHaveProperty('problem');
    expect(resumed.imported).toBe(3);
  });

  it('an attempt started on one page and finished on a later one is imported, not counted as unfinished; imported again, it is already there', async () => {
    const db = await journal();
    const refund = teammateRefund('confirmed');
    const notes = [startedNote(refund), note('x'), note('y'), closingNote(refund)];
    const api = notesApi(notes);
    const firstRun = await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), depsFor(db, api.client).deps);
    expect(firstRun).toMatchObject({ imported: 1, unfinished: [] });
    const secondRun = await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), depsFor(db, api.client).deps);
    expect(secondRun).toMatchObject({ imported: 0, alreadyInHistory: 1, unfinished: [] });
    expect(await db.refunds.count()).toBe(1);
  });

  it('ends on an empty page even when Keap counts more notes', async () => {
    const db = await journal();
    const client: NotesImportDeps['client'] = { listNotesPage: async () => ({ ok: true, value: { count: 10, notes: [] } }) };
    expect(await runNotesImport(newNotesImport(APP, { kind: 'all' }, IMPORTED_AT), depsFor(db, client).deps)).toMatchObject({ status: 'done', notesRead: 0 });
  });
});
