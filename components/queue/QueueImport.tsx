import { i18n } from '#i18n';
import { type ChangeEvent, type FormEvent, useId, useState } from 'react';
import { MAX_QUEUE_FILE_BYTES, QUEUE_CSV_COLUMNS_TEXT } from '@/lib/batch/csv';
import type { QueueDefaults } from '@/lib/batch/schema';
import { ERROR_HANDLING_LABELS, REFUND_REASON_PRESETS, type RefundErrorHandling, type RefundReasonPreset } from '@/lib/refund/rules';

export interface QueueImportProps {
  defaults: QueueDefaults;
  onDefaultsChange: (defaults: QueueDefaults) => void;
  /** A chosen CSV file's text (cut just past the size limit, which the reader then reports). */
  onCsvText: (text: string, fileName: string) => void;
  onPaste: (text: string) => void;
  /** Why the last file or paste added nothing, in plain words. */
  error: string | null;
  /** True while the queue takes no rows (it is being checked or run) or an import is being saved. */
  disabled: boolean;
}

/** Adding rows to the refund queue: a CSV file or pasted order IDs, and what rows that do not say get. Presentational. */
export function QueueImport({ defaults, onDefaultsChange, onCsvText, onPaste, error, disabled }: QueueImportProps) {
  const ids = { file: useId(), fileHelp: useId(), paste: useId(), reason: useId(), details: useId(), handling: useId() };
  const [pasted, setPasted] = useState('');
  const [readError, setReadError] = useState<string | null>(null);
  // Typed here and shown at once: the saved defaults come back from the background a moment later.
  const [reasonDetails, setReasonDetails] = useState(defaults.reasonDetails);

  const chooseFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so that choosing the same file again (after fixing it) reads it again.
    input.value = '';
    if (file === undefined) return;
    setReadError(null);
    try {
      // A byte past the limit is enough for the reader to say the file is too large, without reading all of it.
      onCsvText(await file.slice(0, MAX_QUEUE_FILE_BYTES + 1).text(), file.name);
    } catch {
      setReadError(i18n.t('queue.import.fileUnreadable', [file.name]));
    }
  };
  const submitPaste = (event: FormEvent) => {
    event.preventDefault();
    onPaste(pasted);
    setPasted('');
  };
  const shownError = readError ?? error;

  return (
    <section className="queue-import" aria-labelledby="queue-import-heading">
      <h2 id="queue-import-heading">{i18n.t('queue.import.heading')}</h2>
      <label htmlFor={ids.file}>{i18n.t('queue.import.csvFile')}</label>
      <input id={ids.file} type="file" accept=".csv,text/csv" disabled={disabled} aria-describedby={ids.fileHelp} onChange={(event) => void chooseFile(event)} />
      <p id={ids.fileHelp} className="help">
        {i18n.t('queue.import.columnsHelp', [QUEUE_CSV_COLUMNS_TEXT])}
      </p>
      <form className="queue-import__paste" onSubmit={submitPaste}>
        <label htmlFor={ids.paste}>{i18n.t('queue.import.orderIds')}</label>
        <textarea id={ids.paste} rows={3} value={pasted} disabled={disabled} placeholder="5001, 5002, 5003" onChange={(event) => setPasted(event.target.value)} />
        <button type="submit" disabled={disabled}>
          {i18n.t('queue.import.addOrderIds')}
        </button>
      </form>
      {shownError !== null && (
        <p className="field-error" role="alert">
          {shownError}
        </p>
      )}
      <fieldset className="queue-import__defaults">
        <legend>{i18n.t('queue.import.defaultsLegend')}</legend>
        <label htmlFor={ids.reason}>{i18n.t('queue.import.defaultReason')}</label>
        <select
          id={ids.reason}
          disabled={disabled}
          value={defaults.reasonPreset ?? ''}
          onChange={(event) => onDefaultsChange({ ...defaults, reasonPreset: event.target.value === '' ? undefined : (event.target.value as RefundReasonPreset) })}
        >
          <option value="">{i18n.t('queue.import.chooseReason')}</option>
          {REFUND_REASON_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {preset}
            </option>
          ))}
        </select>
        <label htmlFor={ids.details}>{i18n.t('queue.import.defaultReasonDetails')}</label>
        <input
          id={ids.details}
          type="text"
          disabled={disabled}
          value={reasonDetails}
          onChange={(event) => {
            setReasonDetails(event.target.value);
            onDefaultsChange({ ...defaults, reasonDetails: event.target.value });
          }}
        />
        <label htmlFor={ids.handling}>{i18n.t('queue.import.errorHandling')}</label>
        <select
          id={ids.handling}
          disabled={disabled}
          value={defaults.errorHandling}
          onChange={(event) => onDefaultsChange({ ...defaults, errorHandling: event.target.value as RefundErrorHandling })}
        >
          {(Object.keys(ERROR_HANDLING_LABELS) as RefundErrorHandling[]).map((choice) => (
            <option key={choice} value={choice}>
              {ERROR_HANDLING_LABELS[choice]}
            </option>
          ))}
        </select>
      </fieldset>
    </section>
  );
}
