import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { openJournal } from '@/lib/audit/db';
import { requestPersistentStorage } from '@/lib/audit/journal';
import { App } from './App';
import './popup.css';

const root = createRoot(document.getElementById('root')!);

function openOptions(): void {
  void browser.runtime.openOptionsPage();
}

openJournal().then(
  (db) => {
    void requestPersistentStorage();
    root.render(<App db={db} onOpenOptions={openOptions} />);
  },
  (error: unknown) => {
    root.render(
      <main className="history">
        <h1>Refund history</h1>
        <p role="alert">
          The refund history could not be opened: {error instanceof Error ? error.message : String(error)}
        </p>
      </main>,
    );
  },
);
