import { i18n } from '#i18n';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { QueueImport } from '@/components/queue/QueueImport';
import { QueueReview } from '@/components/queue/QueueReview';
import { QueueRunControls } from '@/components/queue/QueueRunControls';
import { QueueTable } from '@/components/queue/QueueTable';
import { parsePastedOrderIds, parseQueueCsv, type QueueImportResult } from '@/lib/batch/csv';
import { currentQueue, type QueueDb, rowsOf } from '@/lib/batch/db';
import { queueReportCsv } from '@/lib/batch/report';
import type { QueueDefaults } from '@/lib/batch/schema';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { EXTENSION_PAGE_MESSAGES } from '@/lib/messaging/extension-page-messages';
import { QUEUE_MESSAGES } from '@/lib/messaging/queue-messages';
import { downloadBlob } from '../popup/download';

const callBackground = backgroundCaller({ ...QUEUE_MESSAGES, continueInKeap: EXTENSION_PAGE_MESSAGES.continueInKeap });

const NEW_QUEUE_DEFAULTS: QueueDefaults = { reasonDetails: '', errorHandling: 'skip-payment' };

/** The refund queue page: the queue as IndexedDB has it, live; every change goes through the background, which runs it. */
export function App({ db }: { db: QueueDb }) {
  // Wrapped, so that "still reading" (undefined) differs from "no queue yet": the page does not
  // offer a new queue's import for a moment before it shows the one that exists.
  const current = useLiveQuery(async () => ({ queue: await currentQueue(db) }), [db]);
  const queue = current?.queue;
  const rows = useLiveQuery(async () => (queue ? rowsOf(db, queue.id) : []), [db, queue?.id]) ?? [];
  const [error, setError] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (send: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await send();
      if (!answer.ok) setError(answer.error.message);
    } finally {
      setBusy(false);
    }
  };
  // Not through `ask`: a keystroke in the defaults must not disable the field being typed in.
  const updateDefaults = (defaults: QueueDefaults) => {
    void callBackground('queueUpdate', { defaults }).then((answer) => setError(answer.ok ? null : answer.error.message));
  };
  const addImported = (imported: QueueImportResult) => {
    if (!imported.ok) {
      setImportError(imported.error.message);
      return;
    }
    setImportError(null);
    void ask(() => callBackground('queueAddRows', { rows: imported.rows }));
  };

  if (!current) return <main className="queue-page" aria-busy="true" />;
  const state = queue?.state ?? 'draft';
  const making = state === 'draft' || state === 'checked';
  const ran = state === 'running' || state === 'paused' || state === 'cancelled' || state === 'finished';
  return (
    <main className="queue-page">
      <h1>{i18n.t('queue.page.title')}</h1>
      <p className="queue-page__app">{queue?.appName ? i18n.t('queue.page.aboutInApp', [queue.appName]) : i18n.t('queue.page.about')}</p>
      {error !== null && <p role="alert">{error}</p>}
      {queue?.pausedBecause && !ran && <p role="alert">{queue.pausedBecause.message}</p>}
      {making && (
        <QueueImport
          defaults={queue?.defaults ?? NEW_QUEUE_DEFAULTS}
          onDefaultsChange={updateDefaults}
          onCsvText={(text) => addImported(parseQueueCsv(text))}
          onPaste={(text) => addImported(parsePastedOrderIds(text))}
          error={importError}
          disabled={busy}
        />
      )}
      {queue && !ran && (
        <QueueReview
          state={state}
          rows={rows}
          busy={busy}
          onCheck={() => void ask(() => callBackground('queueCheck', {}))}
          onRun={() => void ask(() => callBackground('queueRun', {}))}
        />
      )}
      {queue && ran && (
        <QueueRunControls
          queue={queue}
          rows={rows}
          busy={busy}
          onPause={() => void ask(() => callBackground('queuePause', {}))}
          onResume={() => void ask(() => callBackground('queueRun', {}))}
          onCancel={() => void ask(() => callBackground('queueCancel', {}))}
          onExport={() => downloadBlob(new Blob([queueReportCsv(rows)], { type: 'text/csv' }), `refund-queue-${new Date().toISOString().slice(0, 10)}.csv`)}
        />
      )}
      {(state === 'finished' || state === 'cancelled') && (
        <button type="button" disabled={busy} onClick={() => void ask(() => callBackground('queueNew', {}))}>
          {i18n.t('queue.page.newQueue')}
        </button>
      )}
      {rows.length > 0 && (
        <QueueTable
          rows={rows}
          state={state}
          onRemove={(rowId) => void ask(() => callBackground('queueRemoveRow', { rowId }))}
          onFinishInKeap={(refundId) => void ask(() => callBackground('continueInKeap', { refundId }))}
        />
      )}
    </main>
  );
}
