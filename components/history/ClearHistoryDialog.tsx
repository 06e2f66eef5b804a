import { i18n } from '#i18n';
import { useEffect, useId, useRef } from 'react';

type Props = { finishedCount: number; onConfirm: () => void; onCancel: () => void };

/** Asks before deleting: the journal is the only trace of past refunds in this browser. */
export function ClearHistoryDialog({ finishedCount, onConfirm, onCancel }: Props) {
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  return (
    <div
      className="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <p id={titleId}>{i18n.t('history.clearDialog.question', finishedCount)}</p>
      <div className="dialog__buttons">
        <button type="button" className="danger" onClick={onConfirm}>
          {i18n.t('history.clearDialog.delete')}
        </button>
        <button type="button" ref={cancelRef} onClick={onCancel}>
          {i18n.t('history.clearDialog.cancel')}
        </button>
      </div>
    </div>
  );
}
