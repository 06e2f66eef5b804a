import { useEffect, useId, useRef } from 'react';

type Props = { finishedCount: number; onConfirm: () => void; onCancel: () => void };

/** Asks before deleting: the journal is the only trace of past refunds in this browser. */
export function ClearHistoryDialog({ finishedCount, onConfirm, onCancel }: Props) {
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  const noun = finishedCount === 1 ? 'refund' : 'refunds';
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
      <p id={titleId}>
        Delete {finishedCount} finished {noun} from this browser? In-progress ones are kept.
      </p>
      <div className="dialog__buttons">
        <button type="button" className="danger" onClick={onConfirm}>
          Delete
        </button>
        <button type="button" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
