import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalDb } from '@/lib/audit/db';
import { refundIdFor } from '@/lib/audit/ids';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { NotesImport } from '@/lib/audit/import';
import type { RefundRecord } from '@/lib/audit/schema';
import { samplePlan, storeRecords } from '@/lib/audit/test-support';
import { refundNoteBody } from '@/lib/refund/note';
import { useFreshExtensionJournalStorage } from '@/test/support/extension-journal';
import { routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type * as ApiKey from './api-key';
import type * as HistoryImport from './history-import';
import type * as HistoryImportState from './history-import-state';
import type * as RefundHandlers from './refund-handlers';

/*
 * "Import from Keap" in the background: the real journal (fake-indexeddb, opened as the background
 * opens it), the stored key, and Keap's notes served by the sandbox CRM over HTTP.
 */

// WXT's storage items and `wxt/browser` need a browser global when they are defined, and `#i18n`,
// imported through this file's imports, defines `wxt/browser`: the global is stubbed before them.
await vi.hoisted(async () => {
  const { fakeBrowser: browser } = await import('@webext-core/fake-browser');
  vi.stubGlobal('chrome', browser);
  vi.stubGlobal('browser', browser);
});

const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const CREATED = Date.parse('2025-06-02T15:00:00Z');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
  routeKeapApiToSandbox(sandbox);
});
afterAll(() => sandbox.close());

let service: typeof HistoryImport;
let state: typeof HistoryImportState;
let writeConnections: typeof ApiKey.writeConnections;
let db: JournalDb;

/** A service worker starting: its modules (and the import it runs) are its own; storage is the browser's. */
async function startServiceWorker(): Promise<void> {
  vi.resetModules();
  service = await import('./history-import');
  state = await import('./history-import-state');
  ({ writeConnections } = await import('./api-key'));
  const handlers: typeof RefundHandlers = await import('./refund-handlers');
  db = await handlers.backgroundJournal();
}

beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  useFreshExtensionJournalStorage();
  await startServiceWorker();
  await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
});
afterEach(() => db.close());

/** A teammate's settled refund, as their journal holds it. */
function teammateRefund(index: number): RefundRecord {
  const createdAt = CREATED + index * 1000;
  const plan = samplePlan({
    appName: SEED.appName,
    contact: { id: SEED.contacts.demo, name: 'Dana Whitfield', email: '' },
    orderId: 5001,
    actor: { name: 'Kim Teammate', email: '' },
  });
  return { ...buildPlannedRecord(plan, refundIdFor(createdAt), createdAt), state: 'confirmed', updatedAt: createdAt + 500 };
}

/** Notes on the sandbox's demo contact: `before` ordinary ones, then the refunds' closing notes. */
function addNotes(refunds: RefundRecord[], before = 0): void {
  const bodies = [...Array.from({ length: before }, (_, index) => `Called the customer (${index}).`), ...refunds.map((refund) => refundNoteBody(refund))];
  for (const body of bodies) {
    const at = new Date(CREATED).toISOString();
    sandbox.state.notes.push({ id: sandbox.state.nextIds.note++, contactId: SEED.contacts.demo, title: 'Note', body, type: 'Other', userId: 1, dateCreated: at, lastUpdated: at });
  }
}

async function stored(): Promise<NotesImport | null> {
  return state.historyImportOf(await state.historyImportItem.getValue());
}

async function untilSettled(): Promise<NotesImport> {
  await vi.waitFor(async () => expect((await stored())?.status).not.toBe('running'), { timeout: 10_000 });
  return (await stored())!;
}

describe('importHistoryFromKeap', () => {
  it("imports all notes of the page's Keap app, and shows progress as it goes", async () => {
    const refunds = [teammateRefund(1), teammateRefund(2)];
    addNotes(refunds, 3);

    expect(await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: APP_ORIGIN })).toEqual({ ok: true });
    const done = await untilSettled();

    const notesInKeap = sandbox.state.notes.length;
    expect(done).toMatchObject({ appName: SEED.appName, status: 'done', notesRead: notesInKeap, total: notesInKeap, imported: 2, malformed: [], olderNotes: [] });
    const imported = await db.refunds.bulkGet(refunds.map((refund) => refund.id));
    expect(imported.map((record) => [record?.state, record?.fromKeap?.noteId !== undefined, record?.appName])).toEqual([
      ['confirmed', true, SEED.appName],
      ['confirmed', true, SEED.appName],
    ]);
  });

  it('imported twice, each refund is there once', async () => {
    const refunds = [teammateRefund(1)];
    addNotes(refunds);
    await service.importHistoryFromKeap({ scope: { kind: 'contact', contactId: SEED.contacts.demo }, pageOrigin: APP_ORIGIN });
    await untilSettled();
    await service.importHistoryFromKeap({ scope: { kind: 'contact', contactId: SEED.contacts.demo }, pageOrigin: APP_ORIGIN });
    expect(await untilSettled()).toMatchObject({ status: 'done', imported: 0, alreadyInHistory: 1 });
    expect(await db.refunds.count()).toBe(1);
  });

  it('leaves a refund made in this browser as it is', async () => {
    const own = { ...teammateRefund(1), actor: { name: 'Me', email: 'me@example.com' } };
    await storeRecords(db, [own]);
    addNotes([own]);
    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null });
    expect(await untilSettled()).toMatchObject({ imported: 0, alreadyInHistory: 1 });
    expect(await db.refunds.get(own.id)).toEqual(own);
  });

  it('refuses a second import while one runs', async () => {
    addNotes([teammateRefund(1)], 2500);
    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null });
    expect(await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null })).toEqual({
      ok: false,
      error: { kind: 'import-running', message: 'An import from Keap is already running. Cancel it first, or wait until it ends.' },
    });
    await untilSettled();
  });
});

describe('which Keap app', () => {
  it("with no Keap page and one key, that key's app", async () => {
    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null });
    expect(await untilSettled()).toMatchObject({ appName: SEED.appName, status: 'done' });
  });

  it("on a page of Keap's newer app, the one key's app", async () => {
    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: 'https://keap.app' });
    expect(await untilSettled()).toMatchObject({ appName: SEED.appName, status: 'done' });
  });

  it('with keys for several apps and no Keap page, says to open a page of the app to import', async () => {
    await writeConnections([
      { appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' },
      { appName: 'otherapp', apiKey: 'KeapAK-other', apiHost: 'api.infusionsoft.com', boundBy: 'person' },
    ]);
    expect(await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null })).toEqual({
      ok: false,
      error: {
        kind: 'choose-app',
        message: `Refund Desk has API keys for several Keap apps (${SEED.appName}.infusionsoft.com, otherapp.infusionsoft.com). Open a page of the Keap app whose notes to import in this tab, then import again.`,
      },
    });
    expect(await stored()).toBeNull();
  });

  it('on a page of an app with no key, says whose key it has', async () => {
    const answer = await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: 'https://elsewhere.infusionsoft.com' });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'other-app' } });
  });

  it('with no key, says to add one', async () => {
    await writeConnections([]);
    expect(await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null })).toMatchObject({ ok: false, error: { kind: 'not-configured' } });
  });

  it('with one key whose app is not known yet, says to name it', async () => {
    await writeConnections([{ appName: null, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: null }]);
    expect(await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null })).toMatchObject({ ok: false, error: { kind: 'app-unknown' } });
  });
});

describe('cancel and resume', () => {
  it('a cancel stops it between pages; Resume finishes it, each refund added once', async () => {
    const refunds = [teammateRefund(1), teammateRefund(2), teammateRefund(3)];
    // Over two pages of 1,000: one refund on the first, two on the third.
    addNotes(refunds.slice(0, 1), 999);
    addNotes(refunds.slice(1), 1500);

    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null });
    expect(await service.cancelHistoryImport()).toEqual({ ok: true });

    const cancelled = await stored();
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(cancelled!.nextOffset).toBeLessThan(sandbox.state.notes.length);
    expect(cancelled!.nextOffset % 1000).toBe(0);

    expect(await service.resumeHistoryImport()).toEqual({ ok: true });
    expect(await untilSettled()).toMatchObject({ status: 'done', notesRead: sandbox.state.notes.length, imported: 3 });
    expect(await db.refunds.count()).toBe(3);
    expect(await service.resumeHistoryImport()).toMatchObject({ ok: false, error: { kind: 'nothing-to-resume' } });
  });

  it('a browser restart in the middle: the next start goes on from the page it had reached', async () => {
    const [early, late] = [teammateRefund(1), teammateRefund(2)];
    addNotes([early], 10);
    addNotes([late], 1200);
    // What a service worker cut off after its first page left in storage.
    const cutOff: NotesImport = {
      appName: SEED.appName,
      scope: { kind: 'all' },
      status: 'running',
      nextOffset: 1000,
      total: sandbox.state.notes.length,
      notesRead: 1000,
      imported: 0,
      alreadyInHistory: 0,
      unfinished: [],
      olderNotes: [],
      malformed: [],
      startedAt: CREATED,
      updatedAt: CREATED,
    };
    await state.historyImportItem.setValue(cutOff);

    await service.resumeHistoryImportAtStart();

    // Only the notes from offset 1,000 on were read: the early refund, on the first page, was not.
    expect(await untilSettled()).toMatchObject({ status: 'done', notesRead: sandbox.state.notes.length, imported: 1 });
    expect(await db.refunds.toCollection().primaryKeys()).toEqual([late.id]);
  });

  it('a cancel with nothing running (the service worker stopped) marks the stored import cancelled', async () => {
    await state.historyImportItem.setValue({ ...(await startedImport()), status: 'running' });
    await startServiceWorker();
    expect(await service.cancelHistoryImport()).toEqual({ ok: true });
    expect(await stored()).toMatchObject({ status: 'cancelled' });
  });

  it("stops, saying why, when Keap's API refuses; Resume goes on once it answers again", async () => {
    addNotes([teammateRefund(1)]);
    sandbox.setFaults({ malformedJson: { count: 1 } });
    await service.importHistoryFromKeap({ scope: { kind: 'all' }, pageOrigin: null });
    const stopped = await untilSettled();
    expect(stopped).toMatchObject({ status: 'stopped', nextOffset: 0, problem: expect.stringContaining('GET /v1/notes') });
    await service.resumeHistoryImport();
    expect(await untilSettled()).toMatchObject({ status: 'done', imported: 1 });
  });
});

async function startedImport(): Promise<NotesImport> {
  const { newNotesImport } = await import('@/lib/audit/import');
  return newNotesImport(SEED.appName, { kind: 'all' }, CREATED);
}
