import { browser } from 'wxt/browser';
import { serveMessages } from '@/lib/messaging/serve';
import { showRefundsNeedingYou } from './badge';
import { bindKeapApp, getContactOrders } from './contact-handlers';
import { cancelHistoryImport, importHistoryFromKeap, resumeHistoryImport, resumeHistoryImportAtStart } from './history-import';
import { openOptions, openRefundPanel } from './panel-handlers';
import { requestPersistentStorage } from '@/lib/audit/journal';
import { prepareMoneyFormatting } from '@/lib/money';
import {
  applyHistoryRetention,
  approveFinalClick,
  backgroundJournal,
  checkWatchedRefund,
  continueInKeap,
  getOrderForRefund,
  learnControl,
  markNotRefunded,
  reconcileAtStart,
  recheckRefund,
  refundScreenGuide,
  startRefund,
} from './refund-handlers';
import { listenForRefundScreenTabs, refundScreenProgress } from './refund-screen-session';
import { listenForWatchAlarm } from './refund-watch';
import {
  addOrdersToQueue,
  listenForQueueAlarm,
  queueAddRows,
  queueCancel,
  queueCheck,
  queueNew,
  queuePause,
  queueRemoveRow,
  queueRun,
  queueUpdate,
  resumeQueues,
} from './queue-handlers';
import { forgetLearnedWord, getSettings, removeConnection, saveConnection, saveSettings, testConnection } from './settings-handlers';
import { showWhereRefundDeskWorks } from './toolbar-icon';

interface StorageAreaWithAccessLevel {
  setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' | 'TRUSTED_AND_UNTRUSTED_CONTEXTS' }) => Promise<void>;
}

/** Chrome's switch that keeps content scripts out of local storage; a failure is logged, never thrown before the handlers exist. */
function keepStorageFromContentScripts(): void {
  const local = browser.storage.local as unknown as StorageAreaWithAccessLevel;
  if (!local.setAccessLevel) return;
  const report = (error: unknown) => console.error('Refund Desk could not keep its storage from content scripts:', error);
  try {
    local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(report);
  } catch (error) {
    report(error);
  }
}

/**
 * Everything the background does, registered synchronously at start so that a message that woke
 * the service worker finds its handler.
 */
export function startBackgroundService(extension: { id: string; origin: string }): void {
  // Content scripts run beside Keap's pages: keep them out of the storage that holds the API key
  // (Chrome only; Firefox has no such switch and content scripts there never ask for the key).
  keepStorageFromContentScripts();
  serveMessages(
    {
      getContactOrders,
      bindKeapApp,
      openRefundPanel,
      openOptions,
      refundScreenProgress,
      approveFinalClick,
      refundScreenGuide,
      getOrderForRefund,
      startRefund,
      recheckRefund,
      markNotRefunded,
      continueInKeap,
      learnControl,
      getSettings,
      saveSettings,
      saveConnection,
      removeConnection,
      forgetLearnedWord,
      testConnection,
      importHistoryFromKeap,
      resumeHistoryImport,
      cancelHistoryImport,
      addOrdersToQueue,
      queueAddRows,
      queueRemoveRow,
      queueUpdate,
      queueCheck,
      queueRun,
      queuePause,
      queueCancel,
      queueNew,
    },
    extension,
  );
  listenForRefundScreenTabs();
  listenForWatchAlarm(checkWatchedRefund);
  showRefundsNeedingYou(backgroundJournal());
  showWhereRefundDeskWorks();
  listenForQueueAlarm();
  // Reading Keap's amounts asks Intl for the currency's decimal places (and notes format amounts);
  // the browser's first currency formatter costs a frame or more: make it while the first Keap
  // requests are in flight rather than when their answers arrive. It runs on every wake-up.
  setTimeout(() => prepareMoneyFormatting(), 0);
  void requestPersistentStorage();
  // A queue goes on only once the journal has settled what a stopped worker left half done.
  void reconcileAtStart()
    .catch((cause: unknown) => console.error('Refund Desk: reconciling interrupted refunds failed', cause))
    .then(() => resumeQueues())
    .catch((cause: unknown) => console.error('Refund Desk: resuming the refund queue failed', cause));
  void applyHistoryRetention().catch((cause: unknown) => console.error('Refund Desk: applying the history retention failed', cause));
  void resumeHistoryImportAtStart().catch((cause: unknown) => console.error('Refund Desk: resuming the import from Keap failed', cause));
}
