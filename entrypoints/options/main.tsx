import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { i18n } from '#i18n';
import { ConnectionsSection } from '@/components/options/ConnectionsSection';
import { type Feedback, OptionsForm } from '@/components/options/OptionsForm';
import { EXTENSION_PAGE_MESSAGES } from '@/lib/messaging/extension-page-messages';
import { backgroundCaller } from '@/lib/messaging/call-background';
import type { MessageOutput } from '@/lib/messaging/protocol';
import { settingsSchema } from '@/lib/settings';
import './options.css';

const callBackground = backgroundCaller(EXTENSION_PAGE_MESSAGES);

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
  if (!loaded) return <p role="status">{i18n.t('options.page.loading')}</p>;

  const save = async (candidate: unknown) => {
    const settings = settingsSchema.safeParse(candidate);
    if (!settings.success) {
      const field = settings.error.issues[0]?.path[0] === 'quietPeriodSeconds' ? i18n.t('options.page.quietPeriodInvalid') : i18n.t('options.page.retentionInvalid');
      setSaveFeedback({ tone: 'error', text: field });
      return;
    }
    setBusy(true);
    const answer = await callBackground('saveSettings', { settings: settings.data });
    setBusy(false);
    if (!answer.ok) {
      setSaveFeedback({ tone: 'error', text: answer.error.message });
      return;
    }
    setLoaded({ ...loaded, settings: settings.data });
    setSaveFeedback({ tone: 'success', text: i18n.t('options.page.saved') });
  };

  /** Stores a change of the connections, then shows them as the background now has them. */
  const changeConnections = async (change: Promise<MessageOutput<'saveConnection'>>, done: string) => {
    setBusy(true);
    const answer = await change;
    setBusy(false);
    if (!answer.ok) {
      setConnectionFeedback({ tone: 'error', text: answer.error.message });
      return;
    }
    setLoaded({ ...loaded, connections: answer.connections });
    setConnectionFeedback({ tone: 'success', text: done });
  };

  return (
    <main className="options">
      <h1>{i18n.t('options.page.title')}</h1>
      <ConnectionsSection
        key={loaded.connections.map((connection) => `${connection.appName}:${connection.maskedApiKey}`).join('|')}
        connections={loaded.connections}
        busy={busy}
        feedback={connectionFeedback}
        onSave={(edit) => void changeConnections(callBackground('saveConnection', edit), i18n.t('options.page.saved'))}
        onRemove={(index) => void changeConnections(callBackground('removeConnection', { index }), i18n.t('options.page.removed'))}
        onTest={(test) => {
          setBusy(true);
          setConnectionFeedback({ tone: 'info', text: i18n.t('options.page.testing') });
          void callBackground('testConnection', test).then((answer) => {
            setBusy(false);
            setConnectionFeedback(answer.ok ? { tone: 'success', text: i18n.t('options.page.connected', [answer.appName]) } : { tone: 'error', text: answer.error.message });
          });
        }}
      />
      <OptionsForm
        settings={loaded.settings}
        busy={busy}
        saveFeedback={saveFeedback}
        onSave={(settings) => void save(settings)}
        learnedWords={loaded.learnedWords}
        onForgetWord={(appName, slot, word) => {
          setBusy(true);
          void callBackground('forgetLearnedWord', { appName, slot, word }).then((answer) => {
            setBusy(false);
            if (answer.ok) setLoaded({ ...loaded, learnedWords: answer.learnedWords });
            else setSaveFeedback({ tone: 'error', text: answer.error.message });
          });
        }}
      />
    </main>
  );
}

// index.html's <title> is the English fallback until this runs.
document.title = i18n.t('options.page.title');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsApp />
  </StrictMode>,
);
