import { browser } from 'wxt/browser';
import { classifyKeapUrl, contactIdOfPage, isKeapPageUrl } from '@/lib/keap-hosts';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { EXTENSION_PAGE_MESSAGES } from '@/lib/messaging/extension-page-messages';
import { historyImportItem, historyImportOf } from '@/lib/service/history-import-state';
import type { KeapImporter } from './keap-import';

export type KeapPageOfPopup = { origin: string | null; contactId: number | null };

export const NO_KEAP_PAGE: KeapPageOfPopup = { origin: null, contactId: null };

/** The Keap page in the popup's window, whose app (and contact) an import reads. */
export async function activeKeapPage(): Promise<KeapPageOfPopup> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  const url = tab?.url;
  if (url === undefined) return NO_KEAP_PAGE;
  if (!isKeapPageUrl(url)) return NO_KEAP_PAGE;
  return { origin: new URL(url).origin, contactId: contactIdOfPage(classifyKeapUrl(url)) };
}

const callBackground = backgroundCaller(EXTENSION_PAGE_MESSAGES);

export function backgroundImporter(page: KeapPageOfPopup): KeapImporter {
  return {
    contactOnPage: page.contactId,
    start: (scope) => callBackground('importHistoryFromKeap', { scope, pageOrigin: page.origin }),
    resume: () => callBackground('resumeHistoryImport', {}),
    cancel: () => callBackground('cancelHistoryImport', {}),
    watch(onChange) {
      let changed = false;
      void historyImportItem.getValue().then((value) => {
        if (!changed) onChange(historyImportOf(value));
      });
      return historyImportItem.watch((value) => {
        changed = true;
        onChange(historyImportOf(value));
      });
    },
  };
}
