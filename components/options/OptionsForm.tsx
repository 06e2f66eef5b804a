import { type FormEvent, useId, useState } from 'react';
import { KEAP_API_HOSTS, type KeapApiHost } from '@/lib/keap-hosts';
import type { LearnedWordsByApp } from '@/lib/messaging/protocol';
import { LEARN_SLOT_DESCRIPTIONS, type LearnSlot } from '@/lib/page/refund-screen/words';
import type { Settings } from '@/lib/settings';

export type Feedback = { tone: 'success' | 'error' | 'info'; text: string } | null;

export interface OptionsFormProps {
  settings: Settings;
  /** e.g. "Keap…9f2c" when a key is stored; the key itself never comes back to this page. */
  maskedApiKey: string | null;
  saveFeedback: Feedback;
  connectionFeedback: Feedback;
  busy: boolean;
  /** `apiKey` undefined keeps the stored key. */
  onSave: (settings: Settings, apiKey: string | undefined) => void;
  onTestConnection: (apiHost: KeapApiHost, apiKey: string | undefined) => void;
  onRemoveKey: () => void;
  /** Words people showed Refund Desk on Keap's refund screen, per Keap app. */
  learnedWords: LearnedWordsByApp;
  onForgetWord: (appName: string, slot: LearnSlot, word: string) => void;
}

/** Every learned word as one row: app, the control it names, the word. */
function learnedRows(learned: LearnedWordsByApp): { appName: string; slot: LearnSlot; word: string }[] {
  return Object.entries(learned).flatMap(([appName, slots]) =>
    (Object.entries(slots) as [LearnSlot, string[]][]).flatMap(([slot, words]) => words.map((word) => ({ appName, slot, word }))),
  );
}

/** Refund Desk's settings. Presentational: the entry point stores and tests. */
export function OptionsForm(props: OptionsFormProps) {
  const { settings, maskedApiKey, saveFeedback, connectionFeedback, busy } = props;
  const [apiKey, setApiKey] = useState('');
  const [apiHost, setApiHost] = useState<KeapApiHost>(settings.apiHost);
  const [errorHandling, setErrorHandling] = useState(settings.defaultErrorHandling);
  const [refundMode, setRefundMode] = useState(settings.defaultRefundMode);
  const [retentionDays, setRetentionDays] = useState(String(settings.historyRetentionDays));
  const ids = { key: useId(), keyHelp: useId(), host: useId(), retention: useId(), retentionHelp: useId() };
  const typedKey = apiKey.trim() === '' ? undefined : apiKey.trim();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Number('') is 0, which means "keep forever": an emptied field must not say that.
    const days = retentionDays.trim() === '' ? Number.NaN : Number(retentionDays);
    props.onSave(
      { apiHost, defaultErrorHandling: errorHandling, defaultRefundMode: refundMode, historyRetentionDays: Number.isInteger(days) && days >= 0 ? days : -1 },
      typedKey,
    );
  };

  return (
    <form className="options" onSubmit={submit} aria-busy={busy}>
      <h1>Refund Desk settings</h1>
      <fieldset>
        <legend>Keap connection</legend>
        <label htmlFor={ids.key}>API key</label>
        <input
          id={ids.key}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          placeholder={maskedApiKey ? `Saved key ${maskedApiKey} — type to replace` : 'Paste a Personal Access Token or Service Account Key'}
          aria-describedby={ids.keyHelp}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <p id={ids.keyHelp} className="help">
          Create one in Keap under Settings → API Settings. It stays in this browser and is sent only to Keap's API.
          {maskedApiKey ? ` Saved key: ${maskedApiKey}.` : ' No key saved yet.'}
        </p>
        <label htmlFor={ids.host}>API host</label>
        <select id={ids.host} value={apiHost} onChange={(event) => setApiHost(event.target.value as KeapApiHost)}>
          {KEAP_API_HOSTS.map((host) => (
            <option key={host} value={host}>
              {host}
            </option>
          ))}
        </select>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => props.onTestConnection(apiHost, typedKey)}>
            Test connection
          </button>
          {maskedApiKey && (
            <button type="button" disabled={busy} onClick={props.onRemoveKey}>
              Remove saved key
            </button>
          )}
        </div>
        <p role="status" className={`feedback ${connectionFeedback?.tone ?? ''}`}>
          {connectionFeedback?.text}
        </p>
      </fieldset>
      <fieldset>
        <legend>If an automatic refund fails (default)</legend>
        <label className="choice">
          <input type="radio" name="errorHandling" checked={errorHandling === 'record-anyway'} onChange={() => setErrorHandling('record-anyway')} />
          Record the refund anyway
        </label>
        <label className="choice">
          <input type="radio" name="errorHandling" checked={errorHandling === 'skip-payment'} onChange={() => setErrorHandling('skip-payment')} />
          Skip that payment
        </label>
      </fieldset>
      <fieldset>
        <legend>On Keap's refund screen (default)</legend>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'automatic'} onChange={() => setRefundMode('automatic')} />
          Refund Desk fills it in and sends it
        </label>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'guided'} onChange={() => setRefundMode('guided')} />
          I do it myself in Keap, guided step by step
        </label>
      </fieldset>
      <fieldset>
        <legend>Words Refund Desk learned on Keap's refund screen</legend>
        {learnedRows(props.learnedWords).length === 0 ? (
          <p className="help">None. When Refund Desk stops at a control it does not know, you can show it that control once.</p>
        ) : (
          <ul className="learned" aria-label="Learned words">
            {learnedRows(props.learnedWords).map(({ appName, slot, word }) => (
              <li key={`${appName}:${slot}:${word}`}>
                <span>
                  “{word}” — {LEARN_SLOT_DESCRIPTIONS[slot]} ({appName})
                </span>
                <button type="button" disabled={busy} aria-label={`Forget “${word}” for ${appName}`} onClick={() => props.onForgetWord(appName, slot, word)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <fieldset>
        <legend>Refund history</legend>
        <label htmlFor={ids.retention}>Keep finished refunds for (days)</label>
        <input
          id={ids.retention}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          value={retentionDays}
          aria-describedby={ids.retentionHelp}
          onChange={(event) => setRetentionDays(event.target.value)}
        />
        <p id={ids.retentionHelp} className="help">
          0 keeps them forever. Refunds still in progress or needing you are never removed.
        </p>
      </fieldset>
      <button type="submit" disabled={busy}>
        Save
      </button>
      <p role="status" className={`feedback ${saveFeedback?.tone ?? ''}`}>
        {saveFeedback?.text}
      </p>
    </form>
  );
}
