import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import { type JournalDb, openJournal } from '@/lib/audit/db';
import { applyRetention, markState, reconcileInterrupted, type CheckRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { classicAppOrigin, classifyKeapUrl, CONTENT_SCRIPT_MATCHES, contactIdOfPage, isNewerAppOrigin } from '@/lib/keap-hosts';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { tabMessenger } from '@/lib/messaging/tab-protocol';
import { checkRefundEvidence, refundsSince } from '@/lib/refund/evidence';
import { type ApiCheck, confirmFromApi, type ExecutorDeps, settleQuietWait, executeRefund, prepareRefund, readOrderNow, screenPlanFor } from '@/lib/refund/executor';
import { type RefundPage, refundPageFor } from '@/lib/refund/refund-page';
import { refundChannelFor } from '@/lib/refund/rules';
import { learnedWordsItem, readLearnedWords, readSettings } from '@/lib/settings';
import type { RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import { LEARN_SLOT_DESCRIPTIONS, LEARNED_WORD_MAX_LENGTH, LEARNED_WORDS_PER_SLOT, type LearnedWords, type LearnSlot } from '@/lib/page/refund-screen/words';
import { guidedRefundOf, guidedRefundsItem, updateGuidedRefund } from './guided-refunds';
import { appNameOfOrigin } from './contact-handlers';
import { type KeapAccess, newerAppAccess, storedAccess } from './keap-access';
import {
  approveFinalClick as approveFinalClickFor,
  endRefundScreenSession,
  guideRefundScreen,
  pickOnRefundScreen,
  refundScreenGuide as refundScreenGuideFor,
  walkRefundScreenInTab,
} from './refund-screen-session';
import { type Watch, watches, watchRefund } from './refund-watch';

let journal: Promise<JournalDb> | null = null;
export function backgroundJournal(): Promise<JournalDb> {
  journal ??= openJournal();
  return journal;
}

/** Keap tabs showing a contact learn that its money changed, so their Refunds panels reload. */
async function announceContactChanged(contactId: number): Promise<void> {
  const tabs = await browser.tabs.query({ url: CONTENT_SCRIPT_MATCHES });
  for (const tab of tabs) {
    if (tab.id === undefined || !tab.url) continue;
    if (contactIdOfPage(classifyKeapUrl(tab.url)) === contactId) {
      void tabMessenger.sendMessage('contactChanged', { contactId }, tab.id).catch(() => undefined);
    }
  }
}

function appNameOf(record: { appName: string }): string {
  return record.appName.toLowerCase();
}

export async function learnedFor(appName: string): Promise<LearnedWords> {
  return (await readLearnedWords())[appName.toLowerCase()] ?? {};
}

/** Asks Keap's API for a refund the person is making on Keap's screen; settles it when it shows. */
/** One look in Keap's API for a watched refund: a guided one the person is making, or one in its quiet period. */
export async function checkWatchedRefund(refundId: string, watch: Watch): Promise<ApiCheck> {
  const access = await depsForRefund(refundId);
  if (!access.ok) return { kind: 'unreadable', reason: access.error.message };
  if (watch.kind === 'quiet') return settleQuietWait(refundId, watch.until, access.deps);
  const check = await confirmFromApi(refundId, access.deps, "Confirmed by Keap's API after the person finished it on Keap's screen");
  if (check.kind === 'confirmed') endRefundScreenSession(refundId);
  return check;
}

/** Hands a refund to the person on `page` with the guided checklist, and watches Keap's API for it. */
async function guideOn(page: RefundPage, record: RefundRecord, plan: RefundScreenPlan, stop: { problem: string; learnable?: LearnSlot } | null): Promise<void> {
  await guideRefundScreen(record.id, {
    plan,
    appOrigin: classicAppOrigin(record.appName),
    page,
    learned: await learnedFor(appNameOf(record)),
    ...(stop ? { problem: stop.problem, ...(stop.learnable ? { learnable: stop.learnable } : {}) } : {}),
  });
  await watchRefund(record.id, checkWatchedRefund);
}

export type DepsResult = { ok: true; deps: ExecutorDeps; access: KeapAccess } | { ok: false; error: { kind: string; message: string } };

/** Everything a refund in Keap app `appName` needs, with that app's own key. */
export async function executorDeps(appName: string): Promise<DepsResult> {
  const [stored, settings] = await Promise.all([storedAccess(appName), readSettings()]);
  if (!stored.ok) return { ok: false, error: stored.error };
  const { client, contacts } = stored.access;
  return {
    ok: true,
    access: stored.access,
    deps: {
      db: await backgroundJournal(),
      client,
      runRefundScreen: async (plan, target) => walkRefundScreenInTab(plan, { ...target, learned: await learnedFor(appName) }),
      handOver: (record, plan, stop) => guideOn(refundPageFor(record, settings.refundThrough), record, plan, stop),
      watchQuiet: (refundId, until) => watchRefund(refundId, checkWatchedRefund, { quietUntil: until }),
      quietPeriodMs: settings.quietPeriodSeconds * 1000,
      refundThrough: settings.refundThrough,
      yourName: settings.yourName,
      onContactChanged: (contactId) => {
        contacts.invalidateContact(contactId);
        void announceContactChanged(contactId);
      },
      // Keap's API usually shows a refund at once; give it about a minute before asking a person.
      confirmation: { attempts: 6, intervalMs: 10_000 },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => Date.now(),
    },
  };
}

/** The deps for a journal record's refund, with the key of the Keap app it was made in. */
async function depsForRefund(refundId: string): Promise<DepsResult> {
  const record = await (await backgroundJournal()).refunds.get(refundId);
  if (!record) return { ok: false, error: { kind: 'not-found', message: i18n.t('refunding.refundGone') } };
  return executorDeps(appNameOf(record));
}

/** The final-click handshake: only an attempt the journal still has as being sent may click. */
export async function approveFinalClick(data: MessageData<'approveFinalClick'>, sender: SenderIdentity): Promise<MessageOutput<'approveFinalClick'>> {
  return approveFinalClickFor(data, sender, async (attemptId) => (await (await backgroundJournal()).refunds.get(attemptId))?.state === 'submitting');
}

export function refundScreenGuide(data: MessageData<'refundScreenGuide'>, sender: SenderIdentity): Promise<MessageOutput<'refundScreenGuide'>> {
  // The person clicked Keap's final button: look in Keap's API soon.
  return refundScreenGuideFor(data, sender, (attemptId) => void watchRefund(attemptId, checkWatchedRefund, { soon: true }));
}

type RefundApp = { ok: true; appName: string; newerAppOrigin?: string } | { ok: false; error: { kind: string; message: string } };

/**
 * The Keap app a refund started on a page at `origin` is made in: a classic page's own app, or for
 * a page of the newer app (whose address names no app) the app of the one key Refund Desk has.
 * The journal and the classic screen need that app's name.
 */
export async function refundAppOf(origin: string): Promise<RefundApp> {
  if (isNewerAppOrigin(origin)) {
    const access = await newerAppAccess();
    if (!access.ok) return access;
    const { appName } = access.access.connection;
    if (appName === null) {
      return { ok: false, error: { kind: 'app-unknown', message: i18n.t('refunding.access.keyAppUnknown') } };
    }
    return { ok: true, appName, newerAppOrigin: origin };
  }
  const appName = appNameOfOrigin(origin);
  if (appName === null) return { ok: false, error: { kind: 'other-app', message: i18n.t('refunding.access.orderAppUnknown') } };
  return { ok: true, appName };
}

export async function getOrderForRefund({ orderId, contactId, appOrigin }: MessageData<'getOrderForRefund'>): Promise<MessageOutput<'getOrderForRefund'>> {
  const app = await refundAppOf(appOrigin);
  if (!app.ok) return app;
  const { appName } = app;
  const stored = await storedAccess(appName);
  if (!stored.ok) return { ok: false, error: stored.error };
  const { client } = stored.access;
  const [orderNow, merchants, contact, settings] = await Promise.all([readOrderNow(client, orderId), client.listMerchants(), client.getContact(contactId), readSettings()]);
  if (!orderNow.ok) return orderNow;
  if (!merchants.ok) return merchants;
  if (!contact.ok) return contact;
  const { order } = orderNow.value;
  if (order.contact.id !== contactId) {
    return { ok: false, error: { kind: 'wrong-contact', message: i18n.t('refunding.handlers.wrongContact', [String(orderId)]) } };
  }
  const facts = derivePaymentFacts({ ...orderNow.value, merchants: merchants.value });
  const name = [contact.value.given_name, contact.value.family_name].filter(Boolean).join(' ');
  return {
    ok: true,
    view: {
      contact: { id: contactId, name: name || i18n.t('refunding.handlers.unnamedContact', [String(contactId)]), email: contact.value.email_addresses?.[0]?.email ?? '' },
      order: {
        orderId,
        title: order.title ?? '',
        orderDate: order.order_date.slice(0, 10),
        totalMinor: order.total,
        totalDueMinor: order.total_due,
        summary: summarizeOrder(order, facts),
      },
      payments: facts.filter((fact) => !fact.isRefundRow).map((fact) => ({ ...fact, channel: refundChannelFor(fact) })),
      defaultErrorHandling: settings.defaultErrorHandling,
      defaultRefundMode: settings.defaultRefundMode,
    },
  };
}

export async function startRefund(data: MessageData<'startRefund'>): Promise<MessageOutput<'startRefund'>> {
  const app = await refundAppOf(data.appOrigin);
  if (!app.ok) return app;
  // Only the key of the app the refund is made in reads, checks and notes it.
  const access = await executorDeps(app.appName);
  if (!access.ok) return access;
  const prepared = await prepareRefund({ ...data, appOrigin: classicAppOrigin(app.appName), ...(app.newerAppOrigin ? { newerAppOrigin: app.newerAppOrigin } : {}) }, access.deps);
  if (!prepared.ok) return prepared;
  // Carried out here in the background, so closing the side panel does not stop it; the side
  // panel follows progress in the journal.
  void (async () => {
    for (const refundId of prepared.refundIds) {
      const record = await access.deps.db.refunds.get(refundId);
      if (record?.state === 'planned') await executeRefund(refundId, access.deps, data.mode);
    }
  })().catch((cause: unknown) => console.error('Refund Desk: a refund stopped unexpectedly', cause));
  return prepared;
}

/** Looks in Keap's API for the refund a record describes, against the baseline taken before it was sent. */
function checkAgainstKeap(deps: ExecutorDeps): CheckRecord {
  return async (record) => {
    if (!record.baseline) return { confirmed: false, reason: i18n.t('refunding.noBaseline') };
    const orderNow = await readOrderNow(deps.client, record.orderId);
    // Thrown, not answered: reconciliation leaves the record as it was, to be checked again later.
    if (!orderNow.ok) throw new Error(orderNow.error.message);
    const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
    if (!check.allConfirmed) {
      return { confirmed: false, reason: i18n.t('refunding.handlers.notShownOnOrder', [String(record.orderId)]) };
    }
    return {
      confirmed: true,
      evidence: {
        refundTransactionIds: check.refundTransactionIds,
        refundInvoicePaymentIds: check.refundInvoicePaymentIds,
        orderRefundTotalMinor: Math.max(0, check.orderRefundTotalMinor),
        checkedAt: deps.now(),
      },
    };
  };
}

/** At background start: settle what a stopped service worker or a closed browser left half done. */
export async function reconcileAtStart(): Promise<void> {
  const db = await backgroundJournal();
  // A refund in its quiet period, or guided, is its watch's to settle.
  const watched = new Set(Object.keys(await watches()));
  const report = await reconcileInterrupted(db, watched, async (record) => {
    const access = await executorDeps(appNameOf(record));
    // Thrown, not answered: the record stays as it is, to be checked again later.
    if (!access.ok) throw new Error(access.error.message);
    return checkAgainstKeap(access.deps)(record);
  });
  const touched = [...report.confirmed, ...report.recorded, ...report.needsManual];
  for (const id of touched) {
    const record = await db.refunds.get(id);
    if (!record) continue;
    const access = await executorDeps(appNameOf(record));
    if (access.ok) access.deps.onContactChanged(record.contact.id);
  }
}

export async function recheckRefund({ refundId }: MessageData<'recheckRefund'>): Promise<MessageOutput<'recheckRefund'>> {
  const access = await depsForRefund(refundId);
  if (!access.ok) return access;
  const check = await confirmFromApi(refundId, access.deps, 'Confirmed when a person asked to check again');
  switch (check.kind) {
    case 'confirmed':
      endRefundScreenSession(refundId);
      return { ok: true, state: check.to };
    case 'settled': {
      const record = await access.deps.db.refunds.get(refundId);
      return record ? { ok: true, state: record.state } : { ok: false, error: { kind: 'not-found', message: check.reason } };
    }
    case 'not-shown':
      return { ok: false, error: { kind: 'not-confirmed', message: i18n.t('refunding.handlers.checkOrder', [check.reason]) } };
    case 'unreadable':
      return { ok: false, error: { kind: 'keap-unavailable', message: check.reason } };
  }
}

/**
 * A person says no refund happened. Keap's API is asked first: while it shows a refund of one of
 * the payments made after this one was planned, the answer is no, so the payment is never freed
 * for a second refund while the first may have landed.
 */
export async function markNotRefunded({ refundId }: MessageData<'markNotRefunded'>): Promise<MessageOutput<'markNotRefunded'>> {
  const access = await depsForRefund(refundId);
  if (!access.ok) return access;
  const { db, client } = access.deps;
  const record = await db.refunds.get(refundId);
  if (!record) return { ok: false, error: { kind: 'not-found', message: i18n.t('refunding.refundGone') } };
  if (record.state !== 'needs-manual') {
    return { ok: false, error: { kind: 'not-allowed', message: i18n.t('refunding.handlers.onlyWaiting') } };
  }
  const orderNow = await readOrderNow(client, record.orderId);
  if (!orderNow.ok) {
    return { ok: false, error: { kind: 'keap-unavailable', message: i18n.t('refunding.handlers.couldNotCheckFirst', [orderNow.error.message]) } };
  }
  const newer = record.baseline
    ? refundsSince(
        record.baseline,
        orderNow.value.payments,
        record.lines.map((line) => line.paymentId),
      )
    : [];
  if (!record.baseline || newer.length > 0) {
    const which = newer.map((row) => i18n.t('refunding.handlers.paymentItem', [String(row.refundedPaymentId)])).join(', ');
    return {
      ok: false,
      error: {
        kind: 'refund-shown',
        message: record.baseline ? i18n.t('refunding.handlers.refundShown', [which, i18n.t('refundFlow.progress.checkAgain')]) : i18n.t('refunding.handlers.noBaselineToTell'),
      },
    };
  }
  await markState(
    db,
    refundId,
    'failed',
    { error: { kind: 'not-refunded', message: i18n.t('refunding.handlers.notRefunded') }, note: 'Marked as not refunded by a person' },
    { from: 'needs-manual' },
  );
  endRefundScreenSession(refundId);
  await updateGuidedRefund(refundId, () => null);
  return { ok: true };
}

/** Opens Keap's screen for a refund that needs the person, with the checklist following them. */
export async function continueInKeap({ refundId, onClassicScreen }: MessageData<'continueInKeap'>): Promise<MessageOutput<'continueInKeap'>> {
  const access = await depsForRefund(refundId);
  if (!access.ok) return access;
  const record = await access.deps.db.refunds.get(refundId);
  if (!record) return { ok: false, error: { kind: 'not-found', message: i18n.t('refunding.refundGone') } };
  if (record.state !== 'needs-manual') return { ok: false, error: { kind: 'not-allowed', message: i18n.t('refunding.handlers.noLongerNeedsYou') } };
  const plan = screenPlanFor(record);
  if (!plan) return { ok: false, error: { kind: 'no-plan', message: i18n.t('refunding.handlers.cannotGuide', [String(record.orderId)]) } };
  if (onClassicScreen) {
    if (!record.newerAppOrigin) return { ok: false, error: { kind: 'not-allowed', message: i18n.t('refunding.handlers.alreadyClassic') } };
    // The newer app's tab and checklist give way to the classic screen's.
    endRefundScreenSession(refundId);
    await updateGuidedRefund(refundId, () => null);
    await guideOn({ kind: 'classic-order' }, record, plan, null);
    return { ok: true };
  }
  await access.deps.handOver(record, plan, null);
  return { ok: true };
}

/** "Show Refund Desk this control": the person's click on Keap's screen teaches Refund Desk that control's word for this Keap app. */
export async function learnControl({ refundId }: MessageData<'learnControl'>): Promise<MessageOutput<'learnControl'>> {
  const db = await backgroundJournal();
  const record = await db.refunds.get(refundId);
  const guided = guidedRefundOf(await guidedRefundsItem.getValue(), refundId);
  if (!record || !guided?.learnable) return { ok: false, error: { kind: 'not-allowed', message: i18n.t('refunding.handlers.nothingToLearn') } };
  const slot = guided.learnable;
  const word = await pickOnRefundScreen(refundId, slot);
  if (word === null) {
    return { ok: false, error: { kind: 'not-picked', message: i18n.t('refunding.handlers.clickNotSeen', [LEARN_SLOT_DESCRIPTIONS[slot]]) } };
  }
  if (word.trim().length > LEARNED_WORD_MAX_LENGTH) {
    return { ok: false, error: { kind: 'not-allowed', message: i18n.t('refunding.handlers.nameTooLong', [String(LEARNED_WORD_MAX_LENGTH)]) } };
  }
  const appName = appNameOf(record);
  const all = await readLearnedWords();
  const forApp = all[appName] ?? {};
  const words = forApp[slot] ?? [];
  // The newest words win: the oldest goes once a control has as many as it keeps.
  const learned = words.includes(word.trim()) ? words : [...words, word.trim()].slice(-LEARNED_WORDS_PER_SLOT);
  await learnedWordsItem.setValue({ ...all, [appName]: { ...forApp, [slot]: learned } });
  await updateGuidedRefund(refundId, (current) => {
    if (!current) return null;
    const { learnable: _learned, ...rest } = current;
    return rest;
  });
  return { ok: true, slot, word };
}

/** Removes finished refunds older than the retention setting; in-flight ones are always kept. */
export async function applyHistoryRetention(): Promise<void> {
  const { historyRetentionDays } = await readSettings();
  if (historyRetentionDays > 0) await applyRetention(await backgroundJournal(), { olderThanDays: historyRetentionDays });
}
