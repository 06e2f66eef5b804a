import { i18n } from '#i18n';
import { newNotesImport, runNotesImport, type NotesImport } from '@/lib/audit/import';
import type { KeapClient } from '@/lib/keap/client';
import { isNewerAppOrigin } from '@/lib/keap-hosts';
import type { AppError } from '@/lib/messaging/messages';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import { readConnections } from './api-key';
import { appNameOfOrigin } from './contact-handlers';
import { historyImportItem, historyImportOf } from './history-import-state';
import { newerAppAccess, notConfiguredError, storedAccess } from './keap-access';
import { backgroundJournal } from './refund-handlers';

/*
 * "Import from Keap" in the background: it goes on when the popup closes, resumes when the
 * browser starts again (its progress is in storage), and stops between pages when cancelled.
 */

type ImportApp = { ok: true; appName: string; client: KeapClient } | { ok: false; error: AppError };

const appUnknown = (): AppError => ({ kind: 'app-unknown', message: i18n.t('refunding.access.keyAppUnknown') });

/**
 * Whose notes to read: the Keap app of the page the popup was opened on, else the one app Refund
 * Desk has a key for. With keys for several apps and no Keap page, the person is told to choose.
 */
async function importApp(pageOrigin: string | null): Promise<ImportApp> {
  if (pageOrigin !== null && !isNewerAppOrigin(pageOrigin)) {
    const appName = appNameOfOrigin(pageOrigin);
    if (appName === null) return { ok: false, error: { kind: 'other-app', message: i18n.t('refunding.access.pageAppUnknown') } };
    const stored = await storedAccess(appName);
    return stored.ok ? { ok: true, appName, client: stored.access.client } : { ok: false, error: stored.error };
  }
  if (pageOrigin !== null) {
    const access = await newerAppAccess();
    if (!access.ok) return { ok: false, error: access.error };
    const { appName } = access.access.connection;
    return appName === null ? { ok: false, error: appUnknown() } : { ok: true, appName, client: access.access.client };
  }
  const connections = await readConnections();
  const [only] = connections;
  if (only === undefined) return { ok: false, error: notConfiguredError };
  if (connections.length > 1) {
    const apps = connections.map((connection) => (connection.appName ? `${connection.appName}.infusionsoft.com` : i18n.t('refunding.historyImport.unboundKey')));
    return { ok: false, error: { kind: 'choose-app', message: i18n.t('refunding.historyImport.severalApps', [apps.join(', ')]) } };
  }
  if (only.appName === null) return { ok: false, error: appUnknown() };
  const stored = await storedAccess(only.appName);
  return stored.ok ? { ok: true, appName: only.appName, client: stored.access.client } : { ok: false, error: stored.error };
}

/** The import running in this service worker, if any. */
let running: { controller: AbortController; done: Promise<void> } | null = null;

/** Start, resume and cancel are handled one at a time, so two clicks never start two imports. */
let handling: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const next = handling.then(task);
  handling = next.catch(() => undefined);
  return next;
}

async function save(progress: NotesImport): Promise<void> {
  await historyImportItem.setValue(progress);
}

/** Runs `from` in the background (its progress saved first, so the popup shows it at once). */
async function run(from: NotesImport, client: KeapClient): Promise<void> {
  const controller = new AbortController();
  const { problem: _earlierProblem, ...rest } = from;
  await save({ ...rest, status: 'running' });
  const done = (async () => {
    try {
      await runNotesImport(from, { client, db: await backgroundJournal(), now: () => Date.now(), save, signal: controller.signal });
    } catch (cause) {
      const latest = historyImportOf(await historyImportItem.getValue()) ?? from;
      await save({
        ...latest,
        status: 'stopped',
        problem: i18n.t('refunding.historyImport.couldNotAdd', [cause instanceof Error ? cause.message : String(cause)]),
        updatedAt: Date.now(),
      });
    } finally {
      if (running?.controller === controller) running = null;
    }
  })();
  running = { controller, done };
}

const alreadyRunning = (): AppError => ({ kind: 'import-running', message: i18n.t('refunding.historyImport.alreadyRunning') });

export function importHistoryFromKeap({ scope, pageOrigin }: MessageData<'importHistoryFromKeap'>): Promise<MessageOutput<'importHistoryFromKeap'>> {
  return oneAtATime(async () => {
    if (running) return { ok: false, error: alreadyRunning() };
    const app = await importApp(pageOrigin);
    if (!app.ok) return app;
    await run(newNotesImport(app.appName, scope, Date.now()), app.client);
    return { ok: true };
  });
}

/** Takes up the stored import where it stopped (cancelled, stopped by Keap, or cut off by a restart). */
export function resumeHistoryImport(): Promise<MessageOutput<'resumeHistoryImport'>> {
  return oneAtATime(async () => {
    if (running) return { ok: false, error: alreadyRunning() };
    const stored = historyImportOf(await historyImportItem.getValue());
    if (stored === null || stored.status === 'done') return { ok: false, error: { kind: 'nothing-to-resume', message: i18n.t('refunding.historyImport.nothingToResume') } };
    const access = await storedAccess(stored.appName);
    if (!access.ok) return { ok: false, error: access.error };
    await run(stored, access.access.client);
    return { ok: true };
  });
}

/** Stops the import before its next page; answers once it has stopped. */
export function cancelHistoryImport(): Promise<MessageOutput<'cancelHistoryImport'>> {
  return oneAtATime(async () => {
    if (running) {
      const { controller, done } = running;
      controller.abort();
      await done;
      return { ok: true };
    }
    // Saved as running by a service worker that stopped: nothing runs, so it is cancelled as it is.
    const stored = historyImportOf(await historyImportItem.getValue());
    if (stored?.status === 'running') await save({ ...stored, status: 'cancelled', updatedAt: Date.now() });
    return { ok: true };
  });
}

/** At background start: an import the browser or the service worker cut off goes on. */
export function resumeHistoryImportAtStart(): Promise<void> {
  return oneAtATime(async () => {
    const stored = historyImportOf(await historyImportItem.getValue());
    if (stored?.status !== 'running' || running) return;
    const access = await storedAccess(stored.appName);
    if (!access.ok) {
      await save({ ...stored, status: 'stopped', problem: access.error.message, updatedAt: Date.now() });
      return;
    }
    await run(stored, access.access.client);
  });
}
