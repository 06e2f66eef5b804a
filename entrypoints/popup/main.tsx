import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { openJournal } from '@/lib/audit/db';
import { requestPersistentStorage } from '@/lib/audit/journal';
import { callBackground } from '@/lib/messaging/protocol';
import { App } from './App';
import './popup.css';

const root = createRoot(document.getElementById('root')!);

function openOptions(): void {
  void browser.runtime.openOptionsPage();
}

// Known before any click, so "Continue in side panel" asks for the side panel while the click still counts as a gesture.
let windowId: number | undefined;
void browser.windows.getCurrent().then((current) => {
  windowId = current.id;
});

function continueInSidePanel(refundId: string): void {
  if (windowId === undefined) return;
  void callBackground('openRefundInSidePanel', { refundId, windowId }).then((answer) => {
    if (answer.ok) window.close();
  });
}

openJournal().then(
  (db) => {
    void requestPersistentStorage();
    root.render(<App db={db} onOpenOptions={openOptions} onContinue={continueInSidePanel} />);
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
