import { i18n } from '#i18n';
import { useMemo } from 'react';
import { formatWhen } from '@/components/history/format';
import type { Queue, QueueRow } from '@/lib/batch/schema';
import { formatCount, runProgress, type QueueProgress } from '@/lib/batch/summary';

export interface QueueRunControlsProps {
  queue: Queue;
  rows: QueueRow[];
  /** True while a request about the queue is on its way: its buttons wait. */
  busy: boolean;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onExport: () => void;
}

/** The run's heading: where it is. */
function heading(state: Queue['state']): string {
  switch (state) {
    case 'running':
      return i18n.t('queue.run.heading.running');
    case 'paused':
      return i18n.t('queue.run.heading.paused');
    case 'cancelled':
      return i18n.t('queue.run.heading.cancelled');
    case 'finished':
      return i18n.t('queue.run.heading.finished');
    default:
      return i18n.t('queue.run.heading.other');
  }
}

/** "12 of 37 done". */
function progressText(progress: QueueProgress): string {
  return i18n.t('queue.run.progress', [formatCount(progress.done), formatCount(progress.total)]);
}

/** "2 need you · 1 not refunded · 22 waiting": what is not done, each part only when there is some. */
function restText(progress: QueueProgress): string {
  const parts = [
    progress.running > 0 ? i18n.t('queue.run.refundingNow', [formatCount(progress.running)]) : '',
    progress.needsYou > 0 ? i18n.t('queue.run.needsYou', progress.needsYou, [formatCount(progress.needsYou)]) : '',
    progress.notRefunded > 0 ? i18n.t('queue.run.notRefunded', [formatCount(progress.notRefunded)]) : '',
    progress.waiting > 0 ? i18n.t('queue.run.waiting', [formatCount(progress.waiting)]) : '',
    progress.cancelled > 0 ? i18n.t('queue.run.cancelledRows', [formatCount(progress.cancelled)]) : '',
  ];
  return parts.filter((part) => part !== '').join(' · ');
}

/** The run's progress and its Pause, Resume, Cancel and report buttons. Presentational. */
export function QueueRunControls({ queue, rows, busy, onPause, onResume, onCancel, onExport }: QueueRunControlsProps) {
  const progress = useMemo(() => runProgress(rows), [rows]);
  const settled = progress.done + progress.needsYou + progress.notRefunded + progress.cancelled;
  const rest = restText(progress);
  const { state, pausedBecause } = queue;
  return (
    <section className="queue-run" aria-labelledby="queue-run-heading">
      <h2 id="queue-run-heading">{heading(state)}</h2>
      <progress
        className="queue-run__bar"
        aria-label={i18n.t('queue.run.progressLabel')}
        max={Math.max(progress.total, 1)}
        value={settled}
        aria-valuetext={progressText(progress)}
      />
      <p className="summary" aria-live="polite">
        {progressText(progress)}
        {rest !== '' && ` · ${rest}`}
      </p>
      {state === 'paused' && (
        <div className="queue-run__paused" role="status">
          <p>{pausedBecause?.message ?? i18n.t('queue.run.pausedByYou')}</p>
          {pausedBecause?.resumeAt !== undefined && <p>{i18n.t('queue.run.resumesAt', [formatWhen(pausedBecause.resumeAt)])}</p>}
        </div>
      )}
      {state === 'cancelled' && <p>{i18n.t('queue.run.cancelledNote')}</p>}
      <div className="actions">
        {state === 'running' && (
          <button type="button" disabled={busy} onClick={onPause}>
            {i18n.t('queue.run.pause')}
          </button>
        )}
        {state === 'paused' && (
          <button type="button" className="primary" disabled={busy} onClick={onResume}>
            {i18n.t('queue.run.resume')}
          </button>
        )}
        {(state === 'running' || state === 'paused') && (
          <button type="button" disabled={busy} onClick={onCancel}>
            {i18n.t('queue.run.cancel')}
          </button>
        )}
        <button type="button" disabled={rows.length === 0} onClick={onExport}>
          {i18n.t('queue.run.exportReport')}
        </button>
      </div>
    </section>
  );
}
