import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeKeapTabs, installFakeKeapTabs } from '@/test/support/fake-keap-tabs';
import type { RefundScreenPlan, ScreenProgress } from '@/lib/page/refund-screen/protocol';
import type * as GuidedRefunds from './guided-refunds';
import type * as Session from './refund-screen-session';

// WXT's storage items and `wxt/browser` need a browser global when they are defined, and `#i18n`,
// imported through this file's imports, defines `wxt/browser`: the global is stubbed before them.
await vi.hoisted(async () => {
  const { fakeBrowser: browser } = await import('@webext-core/fake-browser');
  vi.stubGlobal('chrome', browser);
  vi.stubGlobal('browser', browser);
});

type Sender = Parameters<typeof Session.refundScreenProgress>[1];

const APP_ORIGIN = 'https://acme.infusionsoft.com';
const ORDER_URL = `${APP_ORIGIN}/Job/manageJob.jsp?view=edit&ID=5001`;
const CLASSIC = { kind: 'classic-order' } as const;
const NEWER_ORIGIN = 'https://keap.app';
const NEWER = { kind: 'newer-app-contact', origin: NEWER_ORIGIN, contactId: 42 } as const;
const NEWER_CONTACT_URL = `${NEWER_ORIGIN}/contacts/list/all/contact/42/activity`;
const ATTEMPT = '0190a000-0000-7000-8000-000000000001';
const OTHER_ATTEMPT = '0190a000-0000-7000-8000-000000000002';

const plan: RefundScreenPlan = {
  orderId: 5001,
  lines: [{ paymentId: 7001, amountMinor: 6000 }],
  orderPayments: [
    { paymentId: 7001, payDate: '2025-05-01T10:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
    { paymentId: 7002, payDate: '2025-05-01T11:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
  ],
  currency: 'USD',
  reason: 'Customer did not want it: changed their mind',
  method: 'refund',
  errorHandling: 'skip-payment',
  amountOwedMinor: 0,
};
const learned = { 'credit-final': ['Make it so'] };
const NO_PROGRESS: ScreenProgress = { opened: false, submitted: [], finalClicked: false };
const paymentsDone: ScreenProgress = { opened: true, submitted: ['payments'], finalClicked: false };
const results = { kind: 'results', lines: [{ paymentId: 7001, text: 'Payment 7001: refunded', outcome: 'refunded' }] } as const;

/** Refund Desk's refund-screen script on a page of tab `tabId`, in the Keap app at `origin`. */
const screenPage = (tabId: number, origin = APP_ORIGIN): Sender => ({
  kind: 'content-script',
  tabId,
  windowId: 0,
  frameId: 0,
  page: { kind: 'classic-order', orderId: 5001 },
  origin,
});
const sidePanel: Sender = { kind: 'extension-page', url: 'chrome-extension://refund-desk/sidepanel.html' };
const refused = { ok: false, error: { kind: 'refused', message: 'This page is not carrying out that refund.' } };

/** A page that never answers a walk: it is waiting for Keap, until it unloads. */
const pending = () => new Promise<never>(() => undefined);

let session: typeof Session;
let guided: typeof GuidedRefunds;
let keap: FakeKeapTabs;

/** A fresh service worker: sessions live in its memory only. */
beforeEach(async () => {
  fakeBrowser.reset();
  keap = installFakeKeapTabs();
  vi.resetModules();
  session = await import('./refund-screen-session');
  guided = await import('./guided-refunds');
  session.listenForRefundScreenTabs();
});
afterEach(() => {
  expect(keap.malformed).toEqual([]);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Starts a walk of `plan` for ATTEMPT and waits until its order tab is open; the tab's id and the walk. */
async function startWalk() {
  const walk = session.walkRefundScreenInTab(plan, { appOrigin: APP_ORIGIN, attemptId: ATTEMPT, learned, page: CLASSIC });
  await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
  return { tabId: keap.opened[0]!.tabId, walk };
}

/** Waits until `count` walks were sent (to `tabId`, when given). */
const walksSent = (count: number, tabId?: number) => vi.waitFor(() => expect(keap.sentOf('walkRefundScreen', tabId)).toHaveLength(count));

async function guidedChecklist() {
  return guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), ATTEMPT);
}

describe('walkRefundScreenInTab', () => {
  it("opens the order in an inactive tab and walks it once the page has loaded with Refund Desk's script", async () => {
    keap.answer('walkRefundScreen', () => results);
    const { tabId, walk } = await startWalk();
    expect(keap.opened).toEqual([{ tabId, url: ORDER_URL, active: false }]);
    expect(keap.sent).toEqual([]);

    await keap.loadPage(tabId);
    expect(await walk).toEqual({ ok: true, results: results.lines });
    expect(keap.injections).toEqual([tabId]);
    expect(keap.injectedScripts).toEqual(['/content-scripts/refund-screen.js']);
    expect(keap.sentOf('walkRefundScreen')).toEqual([{ attemptId: ATTEMPT, plan, progress: NO_PROGRESS, learned }]);
    expect(session.screenTabOf(ATTEMPT)).toBe(tabId);
  });

  it('loads its script once per page: a frame finishing in the page starts no second walk', async () => {
    let finish: (answer: unknown) => void = () => undefined;
    keap.answer('walkRefundScreen', () => new Promise((resolve) => (finish = resolve)));
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);

    await keap.frameLoaded(tabId);
    await keap.frameLoaded(tabId);
    finish(results);
    expect((await walk).ok).toBe(true);
    expect(keap.injections).toEqual([tabId]);
    expect(keap.sentOf('walkRefundScreen')).toHaveLength(1);
  });

  it('goes on on the next page Keap loads, from the progress the last page saved', async () => {
    keap.answer('walkRefundScreen', ({ progress }, tabId) => {
      if (progress.opened) return results;
      // The page saves its progress before the click that loads Keap's next page.
      expect(session.refundScreenProgress({ attemptId: ATTEMPT, progress: paymentsDone }, screenPage(tabId))).toEqual({ ok: true });
      return pending();
    });
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);

    await keap.loadPage(tabId);
    expect(await walk).toEqual({ ok: true, results: results.lines });
    expect(keap.sentOf('walkRefundScreen').map((request) => request.progress)).toEqual([NO_PROGRESS, paymentsDone]);
    expect(keap.injections).toEqual([tabId, tabId]);
  });

  it('follows the screen into a window Keap opens, calling the walk on the order page off', async () => {
    keap.answer('walkRefundScreen', (_request, tabId) => (tabId === orderTab ? pending() : results));
    const { tabId: orderTab, walk } = await startWalk();
    await keap.loadPage(orderTab);
    await walksSent(1, orderTab);

    const screenTab = await keap.openWindow(orderTab, `${APP_ORIGIN}/Job/refundPayment.jsp?orderId=5001`);
    await keap.loadPage(screenTab);
    expect(await walk).toEqual({ ok: true, results: results.lines });
    expect(keap.sentOf('callOffRefundScreen', orderTab)).toEqual([{ attemptId: ATTEMPT }]);
    expect(keap.sentOf('walkRefundScreen', screenTab)).toHaveLength(1);
    expect(session.screenTabOf(ATTEMPT)).toBe(screenTab);
  });

  it('gives nothing to a page of another Keap app in the refund’s tab, and stops when no page of its own loads', async () => {
    vi.useFakeTimers();
    keap.answer('walkRefundScreen', () => results);
    const walk = session.walkRefundScreenInTab(plan, { appOrigin: APP_ORIGIN, attemptId: ATTEMPT, learned, page: CLASSIC });
    await vi.advanceTimersByTimeAsync(0);
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId, 'https://beta.infusionsoft.com/Job/manageJob.jsp?view=edit&ID=5001');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(keap.injections).toEqual([]);
    expect(keap.sent).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(await walk).toEqual({ ok: false, sent: false, stoppedAt: 'open', problem: "Keap's refund page did not load." });
  });

  it('stops, as not sent, when the tab is closed before the final click', async () => {
    keap.answer('walkRefundScreen', pending);
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);

    await keap.closeTab(tabId);
    expect(await walk).toEqual({ ok: false, sent: false, stoppedAt: 'open', problem: expect.stringMatching(/^Keap's refund (page|window) was closed/) });
  });

  it('stops, as possibly sent, when the tab is closed after the final click was approved', async () => {
    keap.answer('walkRefundScreen', async (_request, tabId) => {
      expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), () => Promise.resolve(true))).toEqual({ ok: true, go: true });
      return pending();
    });
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);

    await keap.closeTab(tabId);
    expect(await walk).toMatchObject({ ok: false, sent: true, stoppedAt: 'results' });
  });

  it('takes a stop before the final click as nothing sent, with the control Refund Desk could not name', async () => {
    keap.answer('walkRefundScreen', () => ({ kind: 'stopped', step: 'credit', problem: 'No button reads like Finish.', learnable: 'credit-final' }));
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    expect(await walk).toEqual({ ok: false, sent: false, stoppedAt: 'credit', problem: 'No button reads like Finish.', learnable: 'credit-final' });
  });

  it('takes a stop after the approved final click as possibly sent, whatever the page says', async () => {
    keap.answer('walkRefundScreen', async (_request, tabId) => {
      await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), () => Promise.resolve(true));
      return { kind: 'stopped', step: 'credit', problem: 'Keap showed no results.' };
    });
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    expect(await walk).toEqual({ ok: false, sent: true, stoppedAt: 'results', problem: 'Keap showed no results.' });
  });

  it('stops when Keap keeps loading more pages than a refund has', async () => {
    keap.answer('walkRefundScreen', (_request, tabId) => {
      // Each page answers by loading another.
      queueMicrotask(() => void keap.loadPage(tabId));
      return pending();
    });
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    expect(await walk).toEqual({ ok: false, sent: false, stoppedAt: 'open', problem: "Keap's refund screen kept loading more pages than a refund has." });
    expect(keap.sentOf('walkRefundScreen')).toHaveLength(12);
  });
});

describe('approveFinalClick', () => {
  /** A walk waiting on its first page for the final-click handshake. */
  async function walkAtFinalStep() {
    keap.answer('walkRefundScreen', pending);
    const started = await startWalk();
    await keap.loadPage(started.tabId);
    await walksSent(1);
    return started.tabId;
  }
  const live = () => Promise.resolve(true);

  it('says no to anyone but a page of the attempt’s own tabs in its own Keap app', async () => {
    const tabId = await walkAtFinalStep();
    const isLive = vi.fn(live);
    const approve = (sender: Sender, attemptId = ATTEMPT) => session.approveFinalClick({ attemptId }, sender, isLive);
    expect(await approve(sidePanel)).toEqual({ ok: true, go: false });
    expect(await approve(screenPage(tabId + 1))).toEqual({ ok: true, go: false });
    expect(await approve(screenPage(tabId, 'https://beta.infusionsoft.com'))).toEqual({ ok: true, go: false });
    expect(await approve(screenPage(tabId), OTHER_ATTEMPT)).toEqual({ ok: true, go: false });
    // None of them got as far as asking the journal.
    expect(isLive).not.toHaveBeenCalled();
  });

  it('says no while the journal has the attempt as no longer being sent, and yes once, when it is', async () => {
    const tabId = await walkAtFinalStep();
    const isLive = vi.fn<(attemptId: string) => Promise<boolean>>().mockResolvedValueOnce(false).mockResolvedValue(true);
    expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), isLive)).toEqual({ ok: true, go: false });
    expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), isLive)).toEqual({ ok: true, go: true });
    expect(isLive).toHaveBeenCalledWith(ATTEMPT);
    expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), isLive)).toEqual({ ok: true, go: false });
  });

  it('tells exactly one of two pages asking at once to click: the order’s tab and a window Keap opened', async () => {
    const orderTab = await walkAtFinalStep();
    const keapWindow = await keap.openWindow(orderTab, `${APP_ORIGIN}/Job/refundPayment.jsp?orderId=5001`);
    const journalAnswers: Array<(live: boolean) => void> = [];
    const isLive = vi.fn(() => new Promise<boolean>((resolve) => journalAnswers.push(resolve)));

    const answers = Promise.all([
      session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(orderTab), isLive),
      session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(keapWindow), isLive),
    ]);
    await vi.waitFor(() => expect(journalAnswers.length).toBeGreaterThan(0));
    for (const answer of journalAnswers) answer(true);
    // The window asked while the journal was still being read for the order's tab: a no, without asking.
    expect(await answers).toEqual([
      { ok: true, go: true },
      { ok: true, go: false },
    ]);
    expect(isLive).toHaveBeenCalledTimes(1);
  });

  it('after the approval, takes no more progress from the page, and the next page knows the final click was made', async () => {
    const tabId = await walkAtFinalStep();
    expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(tabId), live)).toEqual({ ok: true, go: true });
    expect(session.refundScreenProgress({ attemptId: ATTEMPT, progress: NO_PROGRESS }, screenPage(tabId))).toEqual(refused);

    await keap.loadPage(tabId);
    await walksSent(2);
    expect(keap.sentOf('walkRefundScreen')[1]?.progress).toEqual({ ...NO_PROGRESS, finalClicked: true });
  });
});

describe('refundScreenProgress', () => {
  it('refuses progress from anyone but a page of the walking attempt', async () => {
    keap.answer('walkRefundScreen', pending);
    const { tabId } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);
    const progress = (sender: Sender, attemptId = ATTEMPT) => session.refundScreenProgress({ attemptId, progress: paymentsDone }, sender);
    expect(progress(sidePanel)).toEqual(refused);
    expect(progress(screenPage(tabId + 1))).toEqual(refused);
    expect(progress(screenPage(tabId, 'https://beta.infusionsoft.com'))).toEqual(refused);
    expect(progress(screenPage(tabId), OTHER_ATTEMPT)).toEqual(refused);

    // Guided, the person works the screen: a walk's progress has no place there.
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    expect(progress(screenPage(tabId))).toEqual(refused);
  });
});

describe('guideRefundScreen', () => {
  it('opens the order in a tab at the front when no walk is under way, stores the checklist, and guides the page once it loads', async () => {
    const focus = vi.spyOn(fakeBrowser.windows, 'update');
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned, problem: 'No button reads like Finish.', learnable: 'credit-final' });
    expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: ORDER_URL, active: true }]);
    const tabId = keap.opened[0]!.tabId;
    expect(await guidedChecklist()).toEqual({ items: [], problem: 'No button reads like Finish.', learnable: 'credit-final', watch: 'watching' });
    expect(focus).toHaveBeenCalledWith((await fakeBrowser.tabs.get(tabId)).windowId, { focused: true });
    expect(session.screenTabOf(ATTEMPT)).toBe(tabId);

    await keap.loadPage(tabId);
    await vi.waitFor(() => expect(keap.sentOf('guideRefundScreen', tabId)).toEqual([{ attemptId: ATTEMPT, plan, progress: NO_PROGRESS, learned }]));
    expect(keap.injections).toEqual([tabId]);
  });

  it('takes over the tab where the walk stopped, guiding it at once from the progress so far, with the words known now', async () => {
    keap.answer('walkRefundScreen', (_request, tabId) => {
      session.refundScreenProgress({ attemptId: ATTEMPT, progress: paymentsDone }, screenPage(tabId));
      return { kind: 'stopped', step: 'options', problem: 'No option reads like "Skip the payment".' };
    });
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    expect((await walk).ok).toBe(false);
    const toFront = vi.spyOn(fakeBrowser.tabs, 'update');

    const nowLearned = { ...learned, 'options-next': ['Onward'] };
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned: nowLearned });
    expect(keap.opened).toHaveLength(1);
    expect(toFront).toHaveBeenCalledWith(tabId, { active: true });
    await vi.waitFor(() => expect(keap.sentOf('guideRefundScreen', tabId)).toEqual([{ attemptId: ATTEMPT, plan, progress: paymentsDone, learned: nowLearned }]));
  });

  it('opens a new tab when the tab of the stopped walk was closed', async () => {
    keap.answer('walkRefundScreen', pending);
    const { tabId, walk } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);
    await keap.closeTab(tabId);
    await walk;

    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    expect(keap.opened).toHaveLength(2);
    expect(keap.opened[1]).toMatchObject({ url: ORDER_URL, active: true });
    expect(session.screenTabOf(ATTEMPT)).toBe(keap.opened[1]!.tabId);
  });

  it('keeps the checklist items already reported and watches again, without an old problem', async () => {
    const items = [{ id: 'open', text: 'Click Refund Payment', done: true }];
    await guided.updateGuidedRefund(ATTEMPT, () => ({ items, problem: 'Earlier problem', watch: 'ended' }));
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    expect(await guidedChecklist()).toEqual({ items, watch: 'watching' });
  });
});

describe('refundScreenGuide', () => {
  const items = [
    { id: 'open', text: 'Click Refund Payment', done: true },
    { id: 'final', text: 'Click Finish', done: false },
  ];

  /** A guided attempt whose page has loaded; its tab. */
  async function guiding() {
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId);
    return tabId;
  }

  it('stores what the person has done, and calls onFinalClick once, when they click the final button', async () => {
    const tabId = await guiding();
    const onFinalClick = vi.fn();
    const report = (progress: ScreenProgress) => session.refundScreenGuide({ attemptId: ATTEMPT, progress, items }, screenPage(tabId), onFinalClick);

    expect(await report(paymentsDone)).toEqual({ ok: true });
    expect(await guidedChecklist()).toEqual({ items, watch: 'watching' });
    expect(onFinalClick).not.toHaveBeenCalled();

    expect(await report({ ...paymentsDone, finalClicked: true })).toEqual({ ok: true });
    expect(await report({ ...paymentsDone, finalClicked: true })).toEqual({ ok: true });
    expect(onFinalClick).toHaveBeenCalledExactlyOnceWith(ATTEMPT);
  });

  it('follows the person to the tab they report from', async () => {
    const orderTab = await guiding();
    const screenTab = await keap.openWindow(orderTab, `${APP_ORIGIN}/Job/refundPayment.jsp?orderId=5001`);
    await keap.loadPage(screenTab);
    // A page loading in a window Keap opened is guided at once, and is where the screen is now.
    await vi.waitFor(() => expect(keap.sentOf('guideRefundScreen', screenTab)).toHaveLength(1));
    expect(session.screenTabOf(ATTEMPT)).toBe(screenTab);

    expect(await session.refundScreenGuide({ attemptId: ATTEMPT, progress: paymentsDone, items }, screenPage(orderTab), vi.fn())).toEqual({ ok: true });
    expect(session.screenTabOf(ATTEMPT)).toBe(orderTab);
  });

  it('refuses reports from anyone but a page of the guided attempt, storing nothing', async () => {
    const tabId = await guiding();
    const onFinalClick = vi.fn();
    const report = (sender: Sender, attemptId = ATTEMPT) =>
      session.refundScreenGuide({ attemptId, progress: { ...paymentsDone, finalClicked: true }, items }, sender, onFinalClick);
    expect(await report(sidePanel)).toEqual(refused);
    expect(await report(screenPage(tabId + 1))).toEqual(refused);
    expect(await report(screenPage(tabId, 'https://beta.infusionsoft.com'))).toEqual(refused);
    expect(await report(screenPage(tabId), OTHER_ATTEMPT)).toEqual(refused);
    expect(onFinalClick).not.toHaveBeenCalled();
    expect(await guidedChecklist()).toEqual({ items: [], watch: 'watching' });
  });

  it('refuses checklist reports while Refund Desk walks the screen itself', async () => {
    keap.answer('walkRefundScreen', pending);
    const { tabId } = await startWalk();
    await keap.loadPage(tabId);
    await walksSent(1);
    expect(await session.refundScreenGuide({ attemptId: ATTEMPT, progress: paymentsDone, items }, screenPage(tabId), vi.fn())).toEqual(refused);
  });

  it('creates no checklist for an attempt that has none', async () => {
    const tabId = await guiding();
    await guided.updateGuidedRefund(ATTEMPT, () => null);
    expect(await session.refundScreenGuide({ attemptId: ATTEMPT, progress: paymentsDone, items }, screenPage(tabId), vi.fn())).toEqual({ ok: true });
    expect(await guidedChecklist()).toBeNull();
  });
});

describe('endRefundScreenSession', () => {
  it('calls the attempt off in every tab it has, whose pages are refused from then on', async () => {
    keap.answer('walkRefundScreen', pending);
    const { tabId: orderTab } = await startWalk();
    await keap.loadPage(orderTab);
    await walksSent(1);
    const otherWindow = await keap.openWindow(orderTab, `${APP_ORIGIN}/Job/refundPayment.jsp?orderId=5001`);

    session.endRefundScreenSession(ATTEMPT);
    await vi.waitFor(() => expect(keap.sentOf('callOffRefundScreen')).toHaveLength(2));
    expect(keap.sent.filter((message) => message.type === 'callOffRefundScreen').map(({ tabId, data }) => ({ tabId, data }))).toEqual([
      { tabId: orderTab, data: { attemptId: ATTEMPT } },
      { tabId: otherWindow, data: { attemptId: ATTEMPT } },
    ]);
    expect(session.screenTabOf(ATTEMPT)).toBeNull();
    expect(session.refundScreenProgress({ attemptId: ATTEMPT, progress: paymentsDone }, screenPage(orderTab))).toEqual(refused);
    expect(await session.approveFinalClick({ attemptId: ATTEMPT }, screenPage(orderTab), () => Promise.resolve(true))).toEqual({ ok: true, go: false });
  });

  it('does nothing for an attempt without a session', () => {
    session.endRefundScreenSession(OTHER_ATTEMPT);
    expect(keap.sent).toEqual([]);
  });
});

describe('pickOnRefundScreen', () => {
  it('asks nothing for an attempt without a session', async () => {
    expect(await session.pickOnRefundScreen(ATTEMPT, 'credit-final')).toBeNull();
    expect(keap.sent).toEqual([]);
  });

  it("brings the screen's tab to the front and answers the word of the control the person clicked", async () => {
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    const tabId = keap.opened[0]!.tabId;
    const toFront = vi.spyOn(fakeBrowser.tabs, 'update');
    keap.answer('pickRefundScreenControl', () => ({ name: 'Make it so' }));

    expect(await session.pickOnRefundScreen(ATTEMPT, 'credit-final')).toBe('Make it so');
    expect(toFront).toHaveBeenCalledWith(tabId, { active: true });
    expect(keap.sentOf('pickRefundScreenControl', tabId)).toEqual([{ attemptId: ATTEMPT, plan, learned, slot: 'credit-final' }]);
  });

  it('answers no word when the person clicked nothing Refund Desk could name, or the page is gone', async () => {
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: CLASSIC, learned });
    keap.answer('pickRefundScreenControl', () => ({ name: null }));
    expect(await session.pickOnRefundScreen(ATTEMPT, 'credit-final')).toBeNull();
    keap.answer('pickRefundScreenControl', () => Promise.reject(new Error('The page unloaded')));
    expect(await session.pickOnRefundScreen(ATTEMPT, 'credit-final')).toBeNull();
  });
});

describe("a refund through Keap's newer app", () => {
  const newerPage = (tabId: number, origin = NEWER_ORIGIN): Sender => ({
    kind: 'content-script',
    tabId,
    windowId: 0,
    frameId: 0,
    page: { kind: 'newer-app-contact', contactId: 42, tab: 'activity' },
    origin,
  });

  it("opens the contact's activity in the newer app, walks it there, and lets only that page make the final click once", async () => {
    let approvals: unknown[] = [];
    keap.answer('walkRefundScreen', async ({ attemptId }, tabId) => {
      expect(session.refundScreenProgress({ attemptId, progress: paymentsDone }, newerPage(tabId))).toEqual({ ok: true });
      approvals = [
        await session.approveFinalClick({ attemptId }, newerPage(tabId, APP_ORIGIN), async () => true),
        await session.approveFinalClick({ attemptId }, newerPage(tabId), async () => true),
        await session.approveFinalClick({ attemptId }, newerPage(tabId), async () => true),
      ];
      return results;
    });
    const walk = session.walkRefundScreenInTab(plan, { appOrigin: APP_ORIGIN, attemptId: ATTEMPT, learned, page: NEWER });
    await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
    const tabId = keap.opened[0]!.tabId;
    expect(keap.opened).toEqual([{ tabId, url: NEWER_CONTACT_URL, active: false }]);

    await keap.loadPage(tabId, NEWER_CONTACT_URL);
    expect(await walk).toEqual({ ok: true, results: results.lines });
    expect(keap.injections).toEqual([tabId]);
    expect(keap.injectedScripts).toEqual(['/content-scripts/newer-app-refund.js']);
    // The classic app's origin is not the newer app's: its page gets no go.
    expect(approvals).toEqual([
      { ok: true, go: false },
      { ok: true, go: true },
      { ok: true, go: false },
    ]);
  });

  it('stops, nothing sent, when the walk on the newer app stops, and hands over to the person there', async () => {
    keap.answer('walkRefundScreen', () => ({ kind: 'stopped', step: 'credit', problem: "Keap's newer app refunds whole payments only" }));
    const walk = session.walkRefundScreenInTab(plan, { appOrigin: APP_ORIGIN, attemptId: ATTEMPT, learned, page: NEWER });
    await vi.waitFor(() => expect(keap.opened).toHaveLength(1));
    const tabId = keap.opened[0]!.tabId;
    await keap.loadPage(tabId, NEWER_CONTACT_URL);
    expect(await walk).toEqual({ ok: false, sent: false, stoppedAt: 'credit', problem: "Keap's newer app refunds whole payments only" });

    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: NEWER, learned });
    await vi.waitFor(() => expect(keap.sentOf('guideRefundScreen', tabId)).toHaveLength(1));
    expect(keap.opened).toHaveLength(1);
    expect(await session.refundScreenGuide({ attemptId: ATTEMPT, progress: paymentsDone, items: [] }, newerPage(tabId), () => undefined)).toEqual({ ok: true });
  });

  it('opens the newer app for guided mode when no walk is under way, and calls the page off when the refund is over', async () => {
    await session.guideRefundScreen(ATTEMPT, { plan, appOrigin: APP_ORIGIN, page: NEWER, learned });
    expect(keap.opened).toEqual([{ tabId: expect.any(Number), url: NEWER_CONTACT_URL, active: true }]);
    const tabId = keap.opened[0]!.tabId;
    keap.answer('guideRefundScreen', () => undefined);
    keap.answer('callOffRefundScreen', () => undefined);
    await keap.loadPage(tabId, NEWER_CONTACT_URL);
    await vi.waitFor(() => expect(keap.sentOf('guideRefundScreen', tabId)).toHaveLength(1));
    session.endRefundScreenSession(ATTEMPT);
    await vi.waitFor(() => expect(keap.sentOf('callOffRefundScreen', tabId)).toEqual([{ attemptId: ATTEMPT }]));
  });
});
