import { i18n } from '#i18n';
import type { NotesImport, NotesImportScope } from '@/lib/audit/import';

export type KeapImportProps = {
  /** The latest import as stored; null when none was started. */
  progress: NotesImport | null;
  /** The contact the popup's tab shows, if any: "This contact" imports its notes. */
  contactOnPage: number | null;
  /** Waiting for the background to answer a click. */
  busy: boolean;
  /** Why the last click did nothing, in the background's words. */
  error: string | null;
  onImport: (scope: NotesImportScope) => void;
  onResume: () => void;
  onCancel: () => void;
};

const number = (value: number) => value.toLocaleString();

function readSoFar(progress: NotesImport): string {
  if (progress.total === null) return i18n.t('history.keapImport.notesRead', progress.notesRead, [number(progress.notesRead)]);
  return i18n.t('history.keapImport.notesReadOfTotal', progress.total, [number(progress.notesRead), number(progress.total)]);
}

/** What the import did, in one line: what was added, and what was read but left out. */
function outcome(progress: NotesImport): string {
  const unfinished = progress.unfinished.length;
  return [
    i18n.t('history.keapImport.refundsAdded', progress.imported, [number(progress.imported)]),
    ...(progress.alreadyInHistory > 0 ? [i18n.t('history.keapImport.alreadyHere', [number(progress.alreadyInHistory)])] : []),
    ...(unfinished > 0 ? [i18n.t('history.keapImport.leftOut', unfinished, [number(unfinished)])] : []),
  ].join(' · ');
}

/** Where the import got to, for whose notes it reads. */
function progressLine(progress: NotesImport): string {
  const { scope } = progress;
  const read = readSoFar(progress);
  switch (progress.status) {
    case 'running':
      return scope.kind === 'contact' ? i18n.t('history.keapImport.importingContact', [scope.contactId, read]) : i18n.t('history.keapImport.importingAll', [read]);
    case 'done':
      return scope.kind === 'contact' ? i18n.t('history.keapImport.importedContact', [scope.contactId, read]) : i18n.t('history.keapImport.importedAll', [read]);
    case 'cancelled':
      return i18n.t('history.keapImport.cancelledAfter', [read]);
    case 'stopped':
      return i18n.t('history.keapImport.stoppedAfter', [read, progress.problem ?? i18n.t('history.keapImport.noAnswer')]);
  }
}

function statusLine(progress: NotesImport): string {
  return `${progressLine(progress)} · ${outcome(progress)}`;
}

/** Refund Desk notes read but skipped: those that do not read, and those an older Refund Desk wrote. */
function SkippedNotes({ progress }: { progress: NotesImport }) {
  const skipped = [...progress.malformed, ...progress.olderNotes.map((noteId) => ({ noteId, problem: i18n.t('history.keapImport.olderNote') }))];
  if (skipped.length === 0) return null;
  return (
    <details className="keap-import__skipped">
      <summary>{i18n.t('history.keapImport.skippedNotes', skipped.length, [number(skipped.length)])}</summary>
      <ul>
        {skipped.map(({ noteId, problem }, index) => (
          // A note read twice (Keap's list moved while it was read) is listed twice.
          <li key={`${noteId}-${index}`}>{i18n.t('history.keapImport.skippedNote', [noteId, problem])}</li>
        ))}
      </ul>
    </details>
  );
}

/** "Import from Keap": teammates' refunds, from the notes their Refund Desks wrote on contacts. */
export function KeapImport({ progress, contactOnPage, busy, error, onImport, onResume, onCancel }: KeapImportProps) {
  const running = progress?.status === 'running';
  const resumable = progress?.status === 'cancelled' || progress?.status === 'stopped';
  return (
    <section className="keap-import" aria-labelledby="keap-import-title">
      <h2 id="keap-import-title">{i18n.t('history.keapImport.title')}</h2>
      <p className="keap-import__about">{i18n.t('history.keapImport.about')}</p>
      {progress !== null ? (
        <p className="keap-import__status" aria-live="polite">
          {statusLine(progress)}
        </p>
      ) : null}
      {error !== null ? (
        <p className="keap-import__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="keap-import__actions">
        {running ? (
          <button type="button" onClick={onCancel} disabled={busy}>
            {i18n.t('history.keapImport.cancel')}
          </button>
        ) : (
          <>
            {resumable ? (
              <button type="button" onClick={onResume} disabled={busy}>
                {i18n.t('history.keapImport.resume')}
              </button>
            ) : null}
            {contactOnPage !== null ? (
              <button type="button" onClick={() => onImport({ kind: 'contact', contactId: contactOnPage })} disabled={busy}>
                {i18n.t('history.keapImport.importContact')}
              </button>
            ) : null}
            <button type="button" onClick={() => onImport({ kind: 'all' })} disabled={busy}>
              {i18n.t('history.keapImport.importAll')}
            </button>
          </>
        )}
      </div>
      {progress !== null ? <SkippedNotes progress={progress} /> : null}
    </section>
  );
}
