import { type FormEvent, useId, useState } from 'react';
import type { LearnedWordsByApp } from '@/lib/messaging/extension-page-messages';
import { LEARN_SLOT_DESCRIPTIONS, type LearnSlot } from '@/lib/page/refund-screen/words';
import type { Settings } from '@/lib/settings';

export type Feedback = { tone: 'success' | 'error' | 'info'; text: string } | null;

export interface OptionsFormProps {
  settings: Settings;
  saveFeedback: Feedback;
  busy: boolean;
  onSave: (settings: Settings) => void;
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

/** Refund Desk's settings besides its Keap connections. Presentational: the entry point stores them. */
export function OptionsForm(props: OptionsFormProps) {
  const { settings, saveFeedback, busy } = props;
  const [errorHandling, setErrorHandling] = useState(settings.defaultErrorHandling);
  const [refundMode, setRefundMode] = useState(settings.defaultRefundMode);
  const [refundThrough, setRefundThrough] = useState(settings.refundThrough);
  const [retentionDays, setRetentionDays] = useState(String(settings.historyRetentionDays));
  const [quietSeconds, setQuietSeconds] = useState(String(settings.quietPeriodSeconds));
  const [yourName, setYourName] = useState(settings.yourName);
  const ids = { retention: useId(), retentionHelp: useId(), quiet: useId(), quietHelp: useId(), name: useId(), nameHelp: useId() };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Number('') is 0, which means "keep forever": an emptied field must not say that.
    const days = retentionDays.trim() === '' ? Number.NaN : Number(retentionDays);
    const quiet = quietSeconds.trim() === '' ? Number.NaN : Number(quietSeconds);
    props.onSave({
      defaultErrorHandling: errorHandling,
      defaultRefundMode: refundMode,
      refundThrough,
      historyRetentionDays: Number.isInteger(days) && days >= 0 ? days : -1,
      // Out of range is passed on as such, for the entry point's check to name.
      quietPeriodSeconds: Number.isInteger(quiet) ? quiet : -1,
      yourName,
    });
  };

  return (
    <form className="options" onSubmit={submit} aria-busy={busy}>
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
        <legend>You</legend>
        <label htmlFor={ids.name}>Your name</label>
        <input id={ids.name} type="text" maxLength={100} value={yourName} aria-describedby={ids.nameHelp} onChange={(event) => setYourName(event.target.value)} />
        <p id={ids.nameHelp} className="help">
          Written in the refund history and in the notes on the contact as who made a refund, when Keap's API does not say which Keap user the key belongs to.
        </p>
      </fieldset>
      <fieldset>
        <legend>When Keap says it skipped a payment</legend>
        <label htmlFor={ids.quiet}>Keep the payment locked for (seconds)</label>
        <input
          id={ids.quiet}
          type="number"
          min={10}
          max={3600}
          step={1}
          inputMode="numeric"
          value={quietSeconds}
          aria-describedby={ids.quietHelp}
          onChange={(event) => setQuietSeconds(event.target.value)}
        />
        <p id={ids.quietHelp} className="help">
          A refund Keap's screen reports as skipped or failed may still land. Refund Desk checks Keap's API for this long before it lets anyone refund that payment again. 10 to
          3600; 120 by default.
        </p>
      </fieldset>
      <fieldset>
        <legend>On Keap's refund screen (default)</legend>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'automatic'} onChange={() => setRefundMode('automatic')} />
          Refund Desk fills it in and sends it
        </label>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'guided'} onChange={() => setRefundMode('guided')} />I do it myself in Keap, guided step by step
        </label>
      </fieldset>
      <fieldset>
        <legend>Refund through</legend>
        <label className="choice">
          <input type="radio" name="refundThrough" checked={refundThrough === 'app-in-use'} onChange={() => setRefundThrough('app-in-use')} />
          The app I am in
        </label>
        <label className="choice">
          <input type="radio" name="refundThrough" checked={refundThrough === 'classic'} onChange={() => setRefundThrough('classic')} />
          Always the classic screen
        </label>
        <p className="help">
          "The app I am in": a refund started in Keap's newer app (keap.app) goes through that app's own refund, one started on a classic page through the classic Refund Payment
          screen.
        </p>
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
