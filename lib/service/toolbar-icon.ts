import { browser } from 'wxt/browser';
import { type IconLook, iconPaths } from '@/lib/icons';
import { isKeapPageUrl } from '@/lib/keap-hosts';
import { toolbarButton } from './badge';

/*
 * The toolbar button in colour on Keap's tabs and grey on the others, so a person sees at a glance
 * where Refund Desk works. The colour mark is the manifest's default; each tab gets its look when
 * a page starts loading in it (Firefox resets a tab's icon on every new page).
 */

/** A page of a Keap app, classic or newer. Without the "tabs" permission only these tabs show Refund Desk their URL. */
export function isKeapTab(url: string | undefined): boolean {
  return url !== undefined && isKeapPageUrl(url);
}

function showLook(tabId: number, look: IconLook): void {
  toolbarButton()
    .setIcon({ tabId, path: iconPaths(look) })
    // The tab may have closed in the meantime.
    .catch(() => undefined);
}

function showLookFor(tab: { id?: number; url?: string }): void {
  if (tab.id !== undefined) showLook(tab.id, isKeapTab(tab.url) ? 'active' : 'disabled');
}

/** Registered at background start; tabs already open when Refund Desk is installed or updated get their look then. */
export function showWhereRefundDeskWorks(): void {
  browser.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (change.status === 'loading') showLookFor({ id: tabId, url: tab.url });
  });
  browser.runtime.onInstalled.addListener(() => {
    void browser.tabs.query({}).then((tabs) => tabs.forEach(showLookFor));
  });
}
