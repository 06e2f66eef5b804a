import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import { classicOrderUrl } from '@/lib/keap-hosts';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { tabMessenger } from '@/lib/messaging/tab-protocol';
import { NO_PROGRESS, type RefundScreenPlan, type ScreenProgress } from '@/lib/page/refund-screen/protocol';
import type { LearnedWords, LearnSlot } from '@/lib/page/refund-screen/words';
import { newerAppActivityUrl, type RefundPage } from '@/lib/refund/refund-page';
import { type RefundScreenResult, screenResultOf } from '@/lib/refund/screen-result';
import { updateGuidedRefund } from './guided-refunds';

/*
 * Keap's refund screen, driven from the background. Refund Desk opens the order (or, in Keap's
 * newer app, the contact record, whose own refund flow the same script walks) in a tab of the
 * person's own session and injects its refund-screen script into that tab, into every page Keap
 * loads there, and into any window that tab opens: the screen may be a dialog, a frame, a page per
 * step or a window of its own. Progress is kept here, so a walk picks up on the next page where
 * the last one left off. Only the live attempt may make the final click.
 */

/** The script each kind of refund page gets: the classic screen's driver, or the newer app's. */
const CLASSIC_SCREEN_SCRIPT = '/content-scripts/refund-screen.js';
const NEWER_APP_SCRIPT = '/content-scripts/newer-app-refund.js';
/** How long Keap may take to load a page of the refund before Refund Desk stops and says so. */
const PAGE_LOAD_TIMEOUT_MS = 30_000;
/** More pages than Keap's documented flow loads, with room to spare: past this, something loops. */
const MAX_PAGES = 12;

interface ScreenSession {
  attemptId: string;
  /** The Keap app the refund is made in (its key's app, or the newer app's host): pages of any other origin get nothing. */
  appOrigin: string;
  plan: RefundScreenPlan;
  learned: LearnedWords;
  /** The order's tab and every window it opened: where Keap may draw the screen. */
  tabIds: Set<number>;
  /** The tab the screen is in now. */
  screenTabId: number;
  /** The refund-page script this refund's pages get. */
  script: string;
  progress: ScreenProgress;
  mode: 'walking' | 'guiding';
  /** Set by the final-click handshake: from then on the refund may have been sent. */
  finalApproved: boolean;
  /** While the journal is asked about one page's final click: every other page is told no meanwhile. */
  finalApprovalAsked: boolean;
  /** Refund Desk's script is loaded in these tabs' current pages, counted per page load. */
  pageLoads: Map<number, number>;
  onPageLoad: Set<() => void>;
}

/** Sessions live in the service worker's memory only: after a restart no walk may make its final click. */
const sessions = new Map<string, ScreenSession>();

function sessionOfTab(tabId: number): ScreenSession | undefined {
  for (const session of sessions.values()) if (session.tabIds.has(tabId)) return session;
  return undefined;
}

/** Whether the tab's page already runs Refund Desk's refund-screen script (it marks its isolated world). */
function alreadyInjected(): boolean {
  return (globalThis as { refundDeskRefundScreen?: true }).refundDeskRefundScreen === true;
}

const injecting = new Map<number, Promise<boolean>>();

/**
 * Loads the refund-screen script into the tab's page, unless it is there already: a frame loading
 * in the page also reports the tab complete, and a second copy would take over from the first
 * (WXT ends the older one) mid-walk. One injection per tab at a time. True when a new page got it.
 */
function injectOnce(tabId: number, script: string): Promise<boolean> {
  const previous = injecting.get(tabId) ?? Promise.resolve(false);
  const next = previous.then(async () => {
    try {
      const [present] = await browser.scripting.executeScript({ target: { tabId }, func: alreadyInjected });
      if (present?.result === true) return false;
      await browser.scripting.executeScript({ target: { tabId }, files: [script] });
      return true;
    } catch {
      return false;
    }
  });
  injecting.set(tabId, next);
  void next.then(() => {
    if (injecting.get(tabId) === next) injecting.delete(tabId);
  });
  return next;
}

function sendGuide(session: ScreenSession, tabId: number): void {
  void tabMessenger
    .sendMessage('guideRefundScreen', { attemptId: session.attemptId, plan: session.plan, progress: session.progress, learned: session.learned }, tabId)
    .catch(() => undefined);
}

/** A page finished loading in one of a refund's tabs: load the script there, and guide the person if they are at work. */
async function onTabLoaded(tabId: number): Promise<void> {
  const session = sessionOfTab(tabId);
  // Only pages of the refund's own Keap app get the script: a tab that went elsewhere gets nothing.
  if (!session || !(await showsApp(tabId, session.appOrigin)) || !(await injectOnce(tabId, session.script))) return;
  session.pageLoads.set(tabId, (session.pageLoads.get(tabId) ?? 0) + 1);
  for (const notify of session.onPageLoad) notify();
  if (session.mode === 'guiding') {
    session.screenTabId = tabId;
    sendGuide(session, tabId);
  }
}

async function showsApp(tabId: number, appOrigin: string): Promise<boolean> {
  const tab = await browser.tabs.get(tabId).catch(() => undefined);
  if (!tab?.url) return false;
  try {
    return new URL(tab.url).origin.toLowerCase() === appOrigin.toLowerCase();
  } catch {
    return false;
  }
}

/** Registered once at background start, so that events that wake the service worker find them. */
export function listenForRefundScreenTabs(): void {
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'complete') void onTabLoaded(tabId);
  });
  // Keap may open its refund screen in a window of its own.
  browser.tabs.onCreated.addListener((tab) => {
    if (tab.id === undefined || tab.openerTabId === undefined) return;
    const session = sessionOfTab(tab.openerTabId);
    if (!session) return;
    session.tabIds.add(tab.id);
    for (const notify of session.onPageLoad) notify();
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    const session = sessionOfTab(tabId);
    if (!session) return;
    session.tabIds.delete(tabId);
    for (const notify of session.onPageLoad) notify();
  });
}

/**
 * Waits until `ready` holds, checking it whenever a page of the session loads or a tab comes or
 * goes; null after `timeoutMs` (when given) or when `signal` ends.
 */
function waitForSession<T>(session: ScreenSession, ready: () => T | null, timeoutMs: number | null, signal?: AbortSignal): Promise<T | null> {
  const now = ready();
  if (now !== null) return Promise.resolve(now);
  return new Promise((resolve) => {
    const check = () => {
      const value = ready();
      if (value !== null) done(value);
    };
    const onAbort = () => done(null);
    const timer = timeoutMs === null ? undefined : setTimeout(onAbort, timeoutMs);
    function done(value: T | null) {
      clearTimeout(timer);
      session.onPageLoad.delete(check);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    }
    session.onPageLoad.add(check);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A tab of the session other than those known so far, once its page has Refund Desk's script. */
function newScreenTab(session: ScreenSession, known: ReadonlySet<number>): number | null {
  for (const tabId of session.tabIds) if (!known.has(tabId) && (session.pageLoads.get(tabId) ?? 0) > 0) return tabId;
  return null;
}

/** The page a refund's tab opens on, and the origin its pages must have. */
function startingPage(page: RefundPage, appOrigin: string, orderId: number): { url: string; origin: string; script: string } {
  if (page.kind === 'newer-app-contact') return { url: newerAppActivityUrl(page.origin, page.contactId), origin: page.origin, script: NEWER_APP_SCRIPT };
  return { url: classicOrderUrl(appOrigin, orderId), origin: appOrigin, script: CLASSIC_SCREEN_SCRIPT };
}

function stoppedResult(session: ScreenSession, problem: string): RefundScreenResult {
  if (session.finalApproved) return { ok: false, sent: true, stoppedAt: 'results', problem };
  return { ok: false, sent: false, stoppedAt: session.progress.submitted.length > 0 ? 'options' : 'open', problem };
}

/**
 * Opens the order (or the newer app's contact record) in an inactive tab of the person's window and
 * walks Keap's refund there, page after page, window after window. The tab stays open when the
 * walk stops, for guided mode.
 */
export async function walkRefundScreenInTab(
  plan: RefundScreenPlan,
  target: { appOrigin: string; attemptId: string; learned: LearnedWords; page: RefundPage; reuseTabId?: number },
): Promise<RefundScreenResult> {
  const start = startingPage(target.page, target.appOrigin, plan.orderId);
  const tab = (target.reuseTabId === undefined ? undefined : await reuseTab(target.reuseTabId, start.url)) ?? (await browser.tabs.create({ url: start.url, active: false }));
  if (tab.id === undefined) throw new Error(i18n.t('refunding.screen.noTab'));
  const session: ScreenSession = {
    attemptId: target.attemptId,
    appOrigin: start.origin,
    plan,
    learned: target.learned,
    tabIds: new Set([tab.id]),
    screenTabId: tab.id,
    script: start.script,
    progress: NO_PROGRESS,
    mode: 'walking',
    finalApproved: false,
    finalApprovalAsked: false,
    pageLoads: new Map(),
    onPageLoad: new Set(),
  };
  sessions.set(target.attemptId, session);
  return walkAcrossPages(session);
}

async function walkAcrossPages(session: ScreenSession): Promise<RefundScreenResult> {
  let loadsSeen = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const tabId = session.screenTabId;
    const loaded = await waitForSession(session, () => ((session.pageLoads.get(tabId) ?? 0) > loadsSeen ? true : !session.tabIds.has(tabId) ? false : null), PAGE_LOAD_TIMEOUT_MS);
    if (loaded !== true) return stoppedResult(session, loaded === false ? i18n.t('refunding.screen.pageClosed') : i18n.t('refunding.screen.pageNotLoaded'));
    loadsSeen = session.pageLoads.get(tabId) ?? 0;
    const known = new Set(session.tabIds);
    const walk = tabMessenger
      .sendMessage('walkRefundScreen', { attemptId: session.attemptId, plan: session.plan, progress: session.progress, learned: session.learned }, tabId)
      .then(
        (answer) => ({ kind: 'answer' as const, answer }),
        () => ({ kind: 'page-gone' as const }),
      );
    const watching = new AbortController();
    const windowOpened = waitForSession(session, () => newScreenTab(session, known), null, watching.signal).then((opened) => ({
      kind: 'window' as const,
      opened,
    }));
    const first = await Promise.race([walk, windowOpened]);
    watching.abort();
    if (first.kind === 'window' && first.opened !== null) {
      // Keap drew its screen in a window of its own: the walk on the order page is called off there.
      void tabMessenger.sendMessage('callOffRefundScreen', { attemptId: session.attemptId }, tabId).catch(() => undefined);
      session.screenTabId = first.opened;
      loadsSeen = 0;
      continue;
    }
    if (first.kind !== 'answer') {
      // Keap loaded another page (the next step, or its results): the walk goes on there.
      if (session.tabIds.has(tabId)) continue;
      const other = [...session.tabIds][0];
      if (other === undefined) return stoppedResult(session, i18n.t('refunding.screen.windowClosed'));
      session.screenTabId = other;
      loadsSeen = session.pageLoads.get(other) ?? 0;
      continue;
    }
    const result = screenResultOf(first.answer, session.finalApproved);
    if (result !== 'walk-on') return result;
  }
  return stoppedResult(session, i18n.t('refunding.screen.tooManyPages'));
}

/**
 * A queue's one tab, loaded with the next refund's page: the earlier refund's walk there is ended
 * first. Undefined when the tab is gone (the person closed it).
 */
async function reuseTab(tabId: number, url: string): Promise<{ id?: number } | undefined> {
  const earlier = sessionOfTab(tabId);
  if (earlier) endRefundScreenSession(earlier.attemptId);
  return browser.tabs.update(tabId, { url }).catch(() => undefined);
}

/** Where the attempt's screen is, for a person to finish it there. */
export function screenTabOf(attemptId: string): number | null {
  return sessions.get(attemptId)?.screenTabId ?? null;
}

/**
 * Guided mode: the person works Keap's screen (in the tab where a walk stopped, or in a tab
 * opened for them), Refund Desk's checklist follows them. The tab comes to the front.
 */
export async function guideRefundScreen(
  attemptId: string,
  start: { plan: RefundScreenPlan; appOrigin: string; page: RefundPage; learned: LearnedWords; problem?: string; learnable?: LearnSlot },
): Promise<void> {
  let session = sessions.get(attemptId);
  if (session && !session.tabIds.has(session.screenTabId)) session = undefined;
  if (!session) {
    const opening = startingPage(start.page, start.appOrigin, start.plan.orderId);
    const tab = await browser.tabs.create({ url: opening.url, active: true });
    if (tab.id === undefined) return;
    session = {
      attemptId,
      appOrigin: opening.origin,
      plan: start.plan,
      learned: start.learned,
      tabIds: new Set([tab.id]),
      screenTabId: tab.id,
      script: opening.script,
      progress: NO_PROGRESS,
      mode: 'guiding',
      finalApproved: false,
      finalApprovalAsked: false,
      pageLoads: new Map(),
      onPageLoad: new Set(),
    };
    sessions.set(attemptId, session);
  } else {
    session.mode = 'guiding';
    session.learned = start.learned;
    sendGuide(session, session.screenTabId);
  }
  await updateGuidedRefund(attemptId, (current) => ({
    items: current?.items ?? [],
    ...(start.problem ? { problem: start.problem } : {}),
    ...(start.learnable ? { learnable: start.learnable } : {}),
    ...(start.page.kind === 'newer-app-contact' ? { classicScreen: true } : {}),
    watch: 'watching',
  }));
  const tab = await browser.tabs.update(session.screenTabId, { active: true }).catch(() => undefined);
  if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
}

/** The attempt is over (confirmed, or given up): its tabs get no more commands. */
export function endRefundScreenSession(attemptId: string): void {
  const session = sessions.get(attemptId);
  if (!session) return;
  sessions.delete(attemptId);
  for (const tabId of session.tabIds) void tabMessenger.sendMessage('callOffRefundScreen', { attemptId }, tabId).catch(() => undefined);
}

/** "Show Refund Desk this control": waits for the person's click on Keap's screen; the word, or null. */
export async function pickOnRefundScreen(attemptId: string, slot: LearnSlot): Promise<string | null> {
  const session = sessions.get(attemptId);
  if (!session) return null;
  const tab = await browser.tabs.update(session.screenTabId, { active: true }).catch(() => undefined);
  if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
  const answer = await tabMessenger
    .sendMessage('pickRefundScreenControl', { attemptId, plan: session.plan, learned: session.learned, slot }, session.screenTabId)
    .catch(() => ({ name: null }));
  return typeof answer?.name === 'string' ? answer.name : null;
}

/** Whether `sender` is a page of the refund screen of live attempt `attemptId`, in the attempt's own Keap app. */
function sessionFor(attemptId: string, sender: SenderIdentity): ScreenSession | null {
  if (sender.kind !== 'content-script') return null;
  const session = sessions.get(attemptId);
  return session?.tabIds.has(sender.tabId) && sender.origin.toLowerCase() === session.appOrigin.toLowerCase() ? session : null;
}

const notThisAttempt = () => ({ ok: false as const, error: { kind: 'refused', message: i18n.t('refunding.screen.notThisAttempt') } });

export function refundScreenProgress({ attemptId, progress }: MessageData<'refundScreenProgress'>, sender: SenderIdentity): MessageOutput<'refundScreenProgress'> {
  const session = sessionFor(attemptId, sender);
  if (!session || session.mode !== 'walking' || session.finalApproved) return notThisAttempt();
  session.progress = progress;
  return { ok: true };
}

/**
 * The handshake before the final click. `isLive` asks the journal whether the attempt is still the
 * one being sent; a walk left over from before a restart, or one called off, gets "no".
 */
export async function approveFinalClick(
  { attemptId }: MessageData<'approveFinalClick'>,
  sender: SenderIdentity,
  isLive: (attemptId: string) => Promise<boolean>,
): Promise<MessageOutput<'approveFinalClick'>> {
  const session = sessionFor(attemptId, sender);
  if (!session || session.mode !== 'walking' || session.finalApproved || session.finalApprovalAsked) return { ok: true, go: false };
  // Claimed before the journal is asked: two pages of one walk (the order's tab and a window Keap
  // opened) asking at once must not both be told to click.
  session.finalApprovalAsked = true;
  try {
    if (!(await isLive(attemptId))) return { ok: true, go: false };
  } finally {
    session.finalApprovalAsked = false;
  }
  session.finalApproved = true;
  session.progress = { ...session.progress, finalClicked: true };
  return { ok: true, go: true };
}

/** A checklist report from guided mode: stored for the side panel; `onFinalClick` when the person sent it. */
export async function refundScreenGuide(
  { attemptId, progress, items }: MessageData<'refundScreenGuide'>,
  sender: SenderIdentity,
  onFinalClick: (attemptId: string) => void,
): Promise<MessageOutput<'refundScreenGuide'>> {
  const session = sessionFor(attemptId, sender);
  if (!session || session.mode !== 'guiding') return notThisAttempt();
  const wasSent = session.progress.finalClicked;
  session.progress = progress;
  session.screenTabId = sender.kind === 'content-script' ? sender.tabId : session.screenTabId;
  await updateGuidedRefund(attemptId, (current) => (current ? { ...current, items } : null));
  if (progress.finalClicked && !wasSent) onFinalClick(attemptId);
  return { ok: true };
}
