import { fakeBrowser } from '@webext-core/fake-browser';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalDb } from '@/lib/audit/db';
import { markState, planRefund } from '@/lib/audit/journal';
import { freshFactory, openTestJournal as openJournalIn, samplePlan } from '@/lib/audit/test-support';
import type * as Badge from './badge';

// `wxt/browser` reads the browser global when it is first imported, which the journal's `#i18n`
// does before this file's code runs: the global is stubbed before the imports.
await vi.hoisted(async () => {
  const { fakeBrowser: browser } = await import('@webext-core/fake-browser');
  vi.stubGlobal('chrome', browser);
  vi.stubGlobal('browser', browser);
});

const badge: typeof Badge = await import('./badge');

/** The background starting, on the journal the browser keeps on disk. */
function startBackground(db: JournalDb): void {
  badge.showRefundsNeedingYou(Promise.resolve(db));
}

const shown = async () => ({ text: await fakeBrowser.action.getBadgeText({}), title: await fakeBrowser.action.getTitle({}) });

/** A refund that stopped and waits for the person. */
async function refundNeedingYou(db: JournalDb): Promise<string> {
  const { id } = await planRefund(db, samplePlan());
  await markState(db, id, 'submitting');
  await markState(db, id, 'needs-manual', { error: { kind: 'refund-screen-stopped', message: 'Stopped before sending.' } });
  return id;
}

// liveQuery only runs where Dexie sees an IndexedDB of its own (it looks once, at import); node has none.
const originalDependencies = { ...Dexie.dependencies };

const opened: JournalDb[] = [];

/** The journal in `disk`, an IndexedDB Dexie takes for the browser's own. */
async function openTestJournal(disk = freshFactory()): Promise<JournalDb> {
  Object.assign(Dexie.dependencies, disk);
  const db = await openJournalIn(disk);
  opened.push(db);
  return db;
}

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  // Dexie tells every journal of the same name about a write: close this test's, so that no live query of it answers in the next.
  for (const db of opened.splice(0)) db.close();
  Object.assign(Dexie.dependencies, originalDependencies);
});

describe('toolbarBadgeFor', () => {
  it('says nothing on the badge and the plain name in the title when no refund needs the person', () => {
    expect(badge.toolbarBadgeFor(0)).toEqual({ text: '', title: 'Refund Desk' });
  });
  it('counts in figures on the badge and in words in the title', () => {
    expect(badge.toolbarBadgeFor(1)).toEqual({ text: '1', title: 'Refund Desk: 1 refund needs you' });
    expect(badge.toolbarBadgeFor(2)).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });
  });
  it('keeps the badge to four characters, the title exact', () => {
    expect(badge.toolbarBadgeFor(1234)).toEqual({ text: '999+', title: 'Refund Desk: 1234 refunds need you' });
  });
});

describe('the toolbar badge', () => {
  it('follows the journal: each refund that comes to need the person, and each one settled', async () => {
    const db = await openTestJournal();
    startBackground(db);
    await expect.poll(shown).toEqual({ text: '', title: 'Refund Desk' });
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0x9a, 0x67, 0x00, 255]);

    const first = await refundNeedingYou(db);
    await expect.poll(shown).toEqual({ text: '1', title: 'Refund Desk: 1 refund needs you' });
    await refundNeedingYou(db);
    await expect.poll(shown).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });

    // A refund still being confirmed, or confirmed, is not the person's to finish.
    const sent = await planRefund(db, samplePlan());
    await markState(db, sent.id, 'submitting');
    await markState(db, sent.id, 'unconfirmed');
    await markState(db, first, 'failed', { error: { kind: 'not-refunded', message: 'The person says no refund was made.' } });
    await expect.poll(shown).toEqual({ text: '1', title: 'Refund Desk: 1 refund needs you' });
  });

  it('is right again after a browser restart, from the journal kept on disk', async () => {
    const disk = freshFactory();
    const before = await openTestJournal(disk);
    startBackground(before);
    await refundNeedingYou(before);
    await refundNeedingYou(before);
    await expect.poll(shown).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });

    // The browser closes: its badge goes; the journal stays.
    before.close();
    fakeBrowser.reset();
    expect(await shown()).toEqual({ text: '', title: '' });
    startBackground(await openTestJournal(disk));
    await expect.poll(shown).toEqual({ text: '2', title: 'Refund Desk: 2 refunds need you' });
  });

  it('asks the browser to start the background with it, so the badge is set without waiting for a Keap page', async () => {
    startBackground(await openTestJournal());
    expect(fakeBrowser.runtime.onStartup.hasListeners()).toBe(true);
  });
});

describe('toolbarButton', () => {
  it('is the action in Chrome (Manifest V3)', () => {
    expect(badge.toolbarButton()).toBe(fakeBrowser.action);
  });
  it("is Firefox's browserAction where there is no action (Manifest V2)", () => {
    const { action } = fakeBrowser;
    Object.assign(fakeBrowser, { action: undefined });
    try {
      expect(badge.toolbarButton()).toBe(fakeBrowser.browserAction);
    } finally {
      Object.assign(fakeBrowser, { action });
    }
  });
});
