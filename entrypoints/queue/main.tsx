import { i18n } from '#i18n';
import { createRoot } from 'react-dom/client';
import { openQueueDb } from '@/lib/batch/db';
import { App } from './App';
import '@/components/theme.css';
import '@/components/queue/queue.css';
import './queue.css';

// index.html's title is the English fallback; the tab shows the page's name in the browser's language.
document.title = i18n.t('queue.page.documentTitle');
const root = createRoot(document.getElementById('root')!);

openQueueDb().then(
  (db) => root.render(<App db={db} />),
  (error: unknown) => {
    root.render(
      <main className="queue-page">
        <h1>{i18n.t('queue.page.title')}</h1>
        <p role="alert">{i18n.t('queue.page.openFailed', [error instanceof Error ? error.message : String(error)])}</p>
      </main>,
    );
  },
);
