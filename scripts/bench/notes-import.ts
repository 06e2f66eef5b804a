import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openJournal } from '@/lib/audit/db';
import { refundIdFor } from '@/lib/audit/ids';
import { newNotesImport, runNotesImport } from '@/lib/audit/import';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { createKeapClient } from '@/lib/keap/client';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { refundNoteBody } from '@/lib/refund/note';
import { inProgressNote } from '@/lib/refund/team-notes';
import { SEED } from '../../test/sandbox/seed';
import { startSandbox } from '../../test/sandbox/server';

/** Every how many notes one is a teammate's settled refund (its in-progress note just before it). */
const REFUND_EVERY = 50;
/** Every how many notes one is a Refund Desk line that does not read. */
const MALFORMED_EVERY = 1000;

export interface NotesImportResult {
  notes: number;
  /** Settled refunds among the notes, each with its in-progress note too. */
  refunds: number;
  imported: number;
  malformed: number;
  /** Requests to Keap's API: `GET /v1/notes`, a page each. */
  apiCalls: number;
  /** 429s the sandbox sent (Keap's limits for a personal access token). */
  throttledBySandbox: number;
  /** The first page asked for to the last page merged into the journal (ms). */
  elapsedMs: number;
}

/** The sandbox's notes: `count` in all, on the demo contact, mostly people's own notes. */
function seedNotes(sandbox: Awaited<ReturnType<typeof startSandbox>>, count: number): number {
  const state = sandbox.state;
  const start = Date.parse('2025-01-01T00:00:00Z');
  const at = new Date(start).toISOString();
  const bodies: string[] = [];
  const room = count - state.notes.length;
  let refunds = 0;
  while (bodies.length < room) {
    const index = bodies.length;
    if (index % REFUND_EVERY === REFUND_EVERY - 2 && index + 2 <= room) {
      const createdAt = start + index * 60_000;
      const plan = buildPlannedRecord(
        {
          idempotencyKey: `bench-${index}`,
          appName: SEED.appName,
          contact: { id: SEED.contacts.demo, name: 'Dana Whitfield', email: '' },
          orderId: SEED.orders.twoPayments,
          lines: [{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 1000 + index, currency: 'USD', channel: 'keap-refund-screen' }],
          reason: { preset: 'Sent wrong size', details: '' },
          errorHandling: 'skip-payment',
          amountOwedAfterMinor: 0,
          actor: { name: 'Kim Teammate', email: '' },
        },
        refundIdFor(createdAt),
        createdAt,
      );
      const settled: RefundRecord = { ...plan, state: 'confirmed', updatedAt: createdAt + 30_000, lines: plan.lines.map((line) => ({ ...line, outcome: 'refunded' })) };
      bodies.push(inProgressNote(settled, createdAt).body, refundNoteBody(settled));
      refunds += 1;
    } else if (index % MALFORMED_EVERY === MALFORMED_EVERY - 3) {
      bodies.push('Refund Desk attempt: {"attempt":');
    } else {
      bodies.push(`Called about the renewal (${index}). Left a voicemail; will try again on Friday.`);
    }
  }
  for (const body of bodies) {
    state.notes.push({ id: state.nextIds.note++, contactId: SEED.contacts.demo, title: 'Note', body, type: 'Other', userId: SEED.userId, dateCreated: at, lastUpdated: at });
  }
  return refunds;
}

/**
 * "Import from Keap" of all notes, `count` of them: the extension's own import (lib/audit/import.ts)
 * with its Keap client and rate limiter at their defaults, against the sandbox over HTTP with
 * `latencyMs` added to each answer and Keap's limits for a personal access token. The journal is
 * Dexie on fake-indexeddb in Node, not the browser's IndexedDB.
 */
export async function measureNotesImport(count = 5000, latencyMs = 40): Promise<NotesImportResult> {
  const sandbox = await startSandbox({ port: 0, latencyMs });
  try {
    const refunds = seedNotes(sandbox, count);
    let apiCalls = 0;
    const client = createKeapClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.apiBase,
      limiter: createRateLimiter(),
      fetch: (input, init) => {
        apiCalls += 1;
        return fetch(input, init);
      },
    });
    const db = await openJournal({ name: 'bench-notes-import', factory: { indexedDB: new IDBFactory(), IDBKeyRange } });
    const startedAt = performance.now();
    const result = await runNotesImport(newNotesImport(SEED.appName, { kind: 'all' }, Date.now()), {
      client,
      db,
      now: () => Date.now(),
      save: () => Promise.resolve(),
      signal: new AbortController().signal,
    });
    const elapsedMs = performance.now() - startedAt;
    db.close();
    if (result.status !== 'done') throw new Error(`The import ended ${result.status}: ${result.problem ?? ''}`);
    return { notes: result.notesRead, refunds, imported: result.imported, malformed: result.malformed.length, apiCalls, throttledBySandbox: sandbox.stats().throttled, elapsedMs };
  } finally {
    await sandbox.close();
  }
}
