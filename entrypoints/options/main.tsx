import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { type Feedback, OptionsForm } from '@/components/options/OptionsForm';
import { callBackground, type MessageOutput } from '@/lib/messaging/protocol';
import { settingsSchema } from '@/lib/settings';
import './options.css';

type Loaded = Extract<MessageOutput<'getSettings'>, { ok: true }>;

function OptionsApp() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saveFeedback, setSaveFeedback] = useState<Feedback>(null);
  const [connectionFeedback, setConnectionFeedback] = useState<Feedback>(null);

  useEffect(() => {
    void callBackground('getSettings', {}).then((answer) => (answer.ok ? setLoaded(answer) : setLoadError(answer.error.message)));
  }, []);

  if (loadError) return <p role="alert">{loadError}</p>;
  if (!loaded) return <p role="status">Loading settings…</p>;

  const save = async (candidate: unknown, apiKey: string | null | undefined) => {
    const settings = settingsSchema.safeParse(candidate);
    if (!settings.success) {
      setSaveFeedback({ tone: 'error', text: 'Keep finished refunds for (days) must be a whole number, 0 or more.' });
      return;
    }
    setBusy(true);
    const answer = await callBackground('saveSettings', { settings: settings.data, apiKey });
    setBusy(false);
    if (!answer.ok) {
      setSaveFeedback({ tone: 'error', text: answer.error.message });
      return;
    }
    setLoaded({ ...loaded, settings: settings.data, status: answer.status });
    setSaveFeedback({ tone: 'success', text: apiKey === null ? 'Saved. The API key was removed.' : 'Saved.' });
  };

  return (
    <OptionsForm
      key={loaded.status.maskedApiKey ?? 'no-key'}
      settings={loaded.settings}
      maskedApiKey={loaded.status.maskedApiKey}
      busy={busy}
      saveFeedback={saveFeedback}
      connectionFeedback={connectionFeedback}
      onSave={(settings, apiKey) => void save(settings, apiKey)}
      onRemoveKey={() => void save(loaded.settings, null)}
      learnedWords={loaded.learnedWords}
      onForgetWord={(appName, slot, word) => {
        setBusy(true);
        void callBackground('forgetLearnedWord', { appName, slot, word }).then((answer) => {
          setBusy(false);
          if (answer.ok) setLoaded({ ...loaded, learnedWords: answer.learnedWords });
          else setSaveFeedback({ tone: 'error', text: answer.error.message });
        });
      }}
      onTestConnection={(apiHost, apiKey) => {
        setBusy(true);
        setConnectionFeedback({ tone: 'info', text: 'Testing the connection to Keap…' });
        void callBackground('testConnection', { apiHost, apiKey }).then((answer) => {
          setBusy(false);
          setConnectionFeedback(
            answer.ok
              ? { tone: 'success', text: `Connected to Keap app "${answer.appName}".` }
              : { tone: 'error', text: answer.error.message },
          );
        });
      }}
    />
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsApp />
  </StrictMode>,
);
