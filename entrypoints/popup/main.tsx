import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { openJournal } from '@/lib/audit/db';
import { requestPersistentStorage } from '@/lib/audit/journal';
import { setRefundTarget } from '@/lib/service/refund-target';
import { openSidePanel } from '@/lib/service/side-panel';
import { App } from './App';
import './popup.css';

const root = createRoot(document.getElementById('root')!);

function openOptions(): void {
  void browser.runtime.openOptionsPage();
}

// Known before any click, so "Continue in side panel" opens the side panel while the click still counts as a gesture.
let windowId: number | undefined;
void browser.windows.getCurrent().then((current) => {
  windowId = current.id;
});

/** "Continue in side panel": the side panel opens on that refund, with its checklist and actions. */
function continueInSidePanel(refundId: string): void {
  if (windowId === undefined) return;
  const opening = openSidePanel({ windowId });
  void Promise.all([opening, setRefundTarget({ kind: 'refund', windowId, refundId, requestedAt: Date.now() })]).then(
    () => window.close(),
    // The browser refused (no side panel): the target is set, so opening it from the toolbar shows this refund.
    () => undefined,
  );
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
        <p role="alert">The refund history could not be opened: {error instanceof Error ? error.message : String(error)}</p>
      </main>,
    );
  },
);
