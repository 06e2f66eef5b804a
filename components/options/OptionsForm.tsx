import { type FormEvent, useId, useState } from 'react';
import { i18n } from '#i18n';
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
        <legend>{i18n.t('options.form.errorHandling.legend')}</legend>
        <label className="choice">
          <input type="radio" name="errorHandling" checked={errorHandling === 'record-anyway'} onChange={() => setErrorHandling('record-anyway')} />
          {i18n.t('options.form.errorHandling.recordAnyway')}
        </label>
        <label className="choice">
          <input type="radio" name="errorHandling" checked={errorHandling === 'skip-payment'} onChange={() => setErrorHandling('skip-payment')} />
          {i18n.t('options.form.errorHandling.skipPayment')}
        </label>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.you.legend')}</legend>
        <label htmlFor={ids.name}>{i18n.t('options.form.you.nameLabel')}</label>
        <input id={ids.name} type="text" maxLength={100} value={yourName} aria-describedby={ids.nameHelp} onChange={(event) => setYourName(event.target.value)} />
        <p id={ids.nameHelp} className="help">
          {i18n.t('options.form.you.nameHelp')}
        </p>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.quietPeriod.legend')}</legend>
        <label htmlFor={ids.quiet}>{i18n.t('options.form.quietPeriod.label')}</label>
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
          {i18n.t('options.form.quietPeriod.help')}
        </p>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.refundMode.legend')}</legend>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'automatic'} onChange={() => setRefundMode('automatic')} />
          {i18n.t('options.form.refundMode.automatic')}
        </label>
        <label className="choice">
          <input type="radio" name="refundMode" checked={refundMode === 'guided'} onChange={() => setRefundMode('guided')} />
          {i18n.t('options.form.refundMode.guided')}
        </label>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.refundThrough.legend')}</legend>
        <label className="choice">
          <input type="radio" name="refundThrough" checked={refundThrough === 'app-in-use'} onChange={() => setRefundThrough('app-in-use')} />
          {i18n.t('options.form.refundThrough.appInUse')}
        </label>
        <label className="choice">
          <input type="radio" name="refundThrough" checked={refundThrough === 'classic'} onChange={() => setRefundThrough('classic')} />
          {i18n.t('options.form.refundThrough.classic')}
        </label>
        <p className="help">{i18n.t('options.form.refundThrough.help', [i18n.t('options.form.refundThrough.appInUse')])}</p>
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.learned.legend')}</legend>
        {learnedRows(props.learnedWords).length === 0 ? (
          <p className="help">{i18n.t('options.form.learned.none')}</p>
        ) : (
          <ul className="learned" aria-label={i18n.t('options.form.learned.listLabel')}>
            {learnedRows(props.learnedWords).map(({ appName, slot, word }) => (
              <li key={`${appName}:${slot}:${word}`}>
                <span>{i18n.t('options.form.learned.word', [word, LEARN_SLOT_DESCRIPTIONS[slot], appName])}</span>
                <button
                  type="button"
                  disabled={busy}
                  aria-label={i18n.t('options.form.learned.forgetLabel', [word, appName])}
                  onClick={() => props.onForgetWord(appName, slot, word)}
                >
                  {i18n.t('options.form.learned.forget')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <fieldset>
        <legend>{i18n.t('options.form.retention.legend')}</legend>
        <label htmlFor={ids.retention}>{i18n.t('options.form.retention.label')}</label>
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
          {i18n.t('options.form.retention.help')}
        </p>
      </fieldset>
      <button type="submit" disabled={busy}>
        {i18n.t('options.form.save')}
      </button>
      <p role="status" className={`feedback ${saveFeedback?.tone ?? ''}`}>
        {saveFeedback?.text}
      </p>
    </form>
  );
}
