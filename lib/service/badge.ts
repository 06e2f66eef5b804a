import { i18n } from '#i18n';
import { liveQuery } from 'dexie';
import { browser } from 'wxt/browser';
import type { JournalDb } from '@/lib/audit/db';

/*
 * The toolbar badge: how many refunds need the person, from the journal. A refund needs the person
 * when it is `needs-manual`: stopped before anything was sent, sent but not shown by Keap's API
 * after the executor's minute of checks, or guided (a guided refund stays `needs-manual` through its
 * watch on Keap's API and after the watch ends, until the API shows it or the person says none was
 * made). An `unconfirmed` refund is still Refund Desk's to settle: the executor's checks, a quiet
 * watch, or the check at every start of the background, which hands it to the person when Keap's
 * API does not show it. The popup's "Needs you" filter lists exactly these refunds.
 */

/** The warning colour of Refund Desk's pages (`--attention`), which the popup's "Needs you" also wears. */
const BADGE_COLOUR = '#9a6700';

export function countRefundsNeedingYou(db: JournalDb): Promise<number> {
  return db.refunds.where('state').equals('needs-manual').count();
}

/** What the toolbar button shows for `count` refunds needing the person. */
export function toolbarBadgeFor(count: number): { text: string; title: string } {
  if (count === 0) return { text: '', title: i18n.t('common.brand') };
  return {
    // Chrome's badge has room for about four characters.
    text: count > 999 ? '999+' : String(count),
    title: i18n.t('history.badge.title', count),
  };
}

/** The toolbar button's API: `action` in Chrome (MV3), `browserAction` in Firefox (MV2). */
export function toolbarButton(): typeof browser.action {
  return browser.action ?? browser.browserAction;
}

/**
 * Keeps the badge and the button's title equal to the journal's count, from a live query: every
 * write to the journal, the background's or an extension page's, updates it, and so does each start
 * of the background. Registered at background start.
 */
export function showRefundsNeedingYou(journal: Promise<JournalDb>): void {
  // The browser starts a background at its own start only for an extension that listens for it: the
  // badge is then right after a browser restart before anything else wakes Refund Desk.
  browser.runtime.onStartup.addListener(() => undefined);
  const button = toolbarButton();
  let shown: Promise<void> = button.setBadgeBackgroundColor({ color: BADGE_COLOUR });
  void journal.then(
    (db) =>
      liveQuery(() => countRefundsNeedingYou(db)).subscribe({
        next: (count) => {
          const { text, title } = toolbarBadgeFor(count);
          // In order: a slow write must not land after a newer count's.
          shown = shown.catch(() => undefined).then(() => Promise.all([button.setBadgeText({ text }), button.setTitle({ title })]).then(() => undefined));
          shown.catch((cause: unknown) => console.error('Refund Desk: updating the toolbar badge failed', cause));
        },
        error: (cause: unknown) => console.error('Refund Desk: counting the refunds that need you failed', cause),
      }),
    (cause: unknown) => console.error('Refund Desk: counting the refunds that need you failed', cause),
  );
}
