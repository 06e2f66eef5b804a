import { i18n } from '#i18n';
import { createRoot } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { filterOnOpening } from '@/components/history/filter';
import { openJournal } from '@/lib/audit/db';
import { requestPersistentStorage } from '@/lib/audit/journal';
import { countRefundsNeedingYou } from '@/lib/service/badge';
import { setRefundTarget } from '@/lib/service/refund-target';
import { openSidePanel } from '@/lib/service/side-panel';
import { App } from './App';
import { activeKeapPage, backgroundImporter, NO_KEAP_PAGE } from './background-importer';
import '@/components/theme.css';
import './popup.css';

const root = createRoot(document.getElementById('root')!);

function openOptions(): void {
  void browser.runtime.openOptionsPage();
}

function openQueue(): void {
  void browser.tabs.create({ url: browser.runtime.getURL('/queue.html') }).then(() => window.close());
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

// Asked while the journal opens: "Import from Keap" reads the app (and contact) of the tab the popup is over.
const keapPage = activeKeapPage().catch(() => NO_KEAP_PAGE);

openJournal().then(
  async (db) => {
    void requestPersistentStorage();
    // Clicking the toolbar button while its badge counts refunds that need the person shows those.
    const needingYou = await countRefundsNeedingYou(db).catch(() => 0);
    const importer = backgroundImporter(await keapPage);
    root.render(
      <App db={db} onOpenOptions={openOptions} onOpenQueue={openQueue} onContinue={continueInSidePanel} initialFilter={filterOnOpening(needingYou)} importer={importer} />,
    );
  },
  (error: unknown) => {
    root.render(
      <main className="history">
        <h1>{i18n.t('history.title')}</h1>
        <p role="alert">{i18n.t('history.couldNotOpen', [error instanceof Error ? error.message : String(error)])}</p>
      </main>,
    );
  },
);
