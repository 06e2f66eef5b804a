import { i18n } from '#i18n';
import { findActiveForPayment, findByIdempotencyKey, markConfirmedByApi, markState, planRefund } from '@/lib/audit/journal';
import type { JournalDb } from '@/lib/audit/db';
import type { LineOutcome, RefundChannel, RefundEvidence, RefundRecord } from '@/lib/audit/schema';
import type { KeapClient } from '@/lib/keap/client';
import { type KeapError, type KeapResult, retryAtOf } from '@/lib/keap/errors';
import { contactDisplayName } from '@/lib/keap/contacts';
import { derivePaymentFacts } from '@/lib/keap/payment-facts';
import type { KeapInvoicePayment, KeapMerchantList, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';
import { formatMoney } from '@/lib/money';
import type { RefundScreenPlan, ResultLine } from '@/lib/page/refund-screen/protocol';
import type { LearnSlot } from '@/lib/page/refund-screen/words';
import type { RefundMode, RefundThrough } from '@/lib/settings';
import { type RefundPage, refundPageFor } from './refund-page';
import { baselineOf, checkRefundEvidence } from './evidence';
import { type RefundForm, type RefundFormErrors, validateRefundForm } from './form';
import { planGroupsByChannel } from './plan';
import { actorOf, type RefundActor } from './actor';
import type { RefundScreenResult } from './screen-result';
import { reasonText } from './rules';
import { attemptsInProgress, inProgressNote, type NoteOnContact, teammateRefusal } from './team-notes';
import { refundNoteBody } from './note';

/** Drives Keap's own refund screen for one order in the user's logged-in session. */
export type { RefundScreenResult };

export type RefundScreenRunner = (plan: RefundScreenPlan, target: { appOrigin: string; attemptId: string; page: RefundPage }) => Promise<RefundScreenResult>;

/** Hands a refund to the person on Keap's screen, with the guided checklist and a watch on Keap's API. */
type GuidedHandover = (record: RefundRecord, plan: RefundScreenPlan, stop: { problem: string; learnable?: LearnSlot } | null) => Promise<void>;

export interface ExecutorDeps {
  db: JournalDb;
  client: KeapClient;
  runRefundScreen: RefundScreenRunner;
  handOver: GuidedHandover;
  /** Keeps a refund Keap's screen said it skipped locked, checking Keap's API until `until`. */
  watchQuiet: (refundId: string, until: number) => Promise<void>;
  /** How long Keap's API must go on not showing a refund the screen said it skipped. */
  quietPeriodMs: number;
  /** Options: make a refund started in Keap's newer app through that app's flow, or always on the classic screen. */
  refundThrough: RefundThrough;
  /** Who makes refunds when Keap's API does not say which Keap user the key is (options). */
  yourName: string;
  /** Called after anything that may have changed the contact's money in Keap. */
  onContactChanged: (contactId: number) => void;
  /**
   * How long to wait for Keap's API to show a refund before handing it to a person; `withTransactions`
   * false: the confirming reads leave out the order's transactions, which only add their ids to the
   * evidence (a refund is confirmed by its refund rows and the order's refund total either way).
   */
  confirmation: { attempts: number; intervalMs: number; withTransactions?: boolean };
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface StartRefundInput {
  idempotencyKey: string;
  form: RefundForm;
  /** The Keap app the user works in, e.g. https://ab123.infusionsoft.com. */
  appOrigin: string;
  /** The person's word that manual lines were already refunded in the merchant account. */
  manualRefundsDone: boolean;
  /** The origin of the newer Keap app page the refund was started from, when it was. */
  newerAppOrigin?: string;
}

export type StartRefundResult =
  | { ok: true; refundIds: string[] }
  /** `retryAt`: when Keap's limits allow asking again, for a refusal by them. */
  | { ok: false; error: { kind: string; message: string; retryAt?: number }; fieldErrors?: RefundFormErrors };

export interface OrderNow {
  order: KeapOrder;
  payments: KeapInvoicePayment[];
  transactions: KeapTransaction[];
}

function fail(kind: string, message: string): StartRefundResult {
  return { ok: false, error: { kind, message } };
}

function keapFailure(error: KeapError): StartRefundResult {
  const retryAt = retryAtOf(error);
  return { ok: false, error: { kind: error.kind, message: error.message, ...(retryAt === undefined ? {} : { retryAt }) } };
}

/**
 * The order with its invoice payments and transactions, as Keap's API shows them now. Without
 * `transactions`, the transactions are left unread: the order and payments decide whether a refund shows.
 */
export async function readOrderNow(client: KeapClient, orderId: number, { transactions: withTransactions = true } = {}): Promise<KeapResult<OrderNow>> {
  const [order, payments, transactions] = await Promise.all([
    client.getOrder(orderId),
    client.listOrderPayments(orderId),
    withTransactions ? client.listOrderTransactions(orderId) : Promise.resolve<KeapResult<KeapTransaction[]>>({ ok: true, value: [] }),
  ]);
  if (!order.ok) return order;
  if (!payments.ok) return payments;
  if (!transactions.ok) return transactions;
  return { ok: true, value: { order: order.value, payments: payments.value, transactions: transactions.value } };
}

/**
 * One refund per order at a time across the background and every extension page of this origin:
 * a Web Lock per order (Chrome 69+, Firefox 96+, everywhere Refund Desk runs). The journal guards
 * across restarts.
 */
async function withOrderLock<T>(orderId: number, work: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks;
  if (locks === undefined) {
    throw new Error('This browser has no Web Locks API (navigator.locks), which Refund Desk needs to keep two refunds of one order apart.');
  }
  return locks.request(`refund-desk:order:${orderId}`, () => work());
}

/** Reads the order, its contact and the contact's notes from Keap's API now, and plans the refund against them (`planFromPicture`). */
export function prepareRefund(input: StartRefundInput, deps: ExecutorDeps): Promise<StartRefundResult> {
  return withOrderLock(input.form.orderId, async () => {
    const alreadyPlanned = await plannedFor(input.idempotencyKey, deps);
    // A double click or a resent message: the same refund, not a second one.
    if (alreadyPlanned.length > 0) return { ok: true, refundIds: alreadyPlanned };
    const { form } = input;
    const [orderNow, merchants, contact, notes, actor] = await Promise.all([
      readOrderNow(deps.client, form.orderId),
      deps.client.listMerchants(),
      deps.client.getContact(form.contactId),
      deps.client.listNotesForContact(form.contactId),
      actorOf(deps.client, deps.yourName),
    ]);
    if (!orderNow.ok) return keapFailure(orderNow.error);
    if (!merchants.ok) return keapFailure(merchants.error);
    if (!contact.ok) return keapFailure(contact.error);
    // Without the contact's notes Refund Desk cannot see a teammate's refund in progress: it waits.
    if (!notes.ok) return keapFailure(notes.error);
    const email = contact.value.email_addresses?.[0]?.email ?? '';
    return planFromPicture(
      input,
      { orderNow: orderNow.value, merchants: merchants.value, contact: { name: contactDisplayName(contact.value), email }, notes: notes.value, actor },
      deps,
    );
  });
}

/** The journal records already planned under an idempotency key (one per channel). */
async function plannedFor(idempotencyKey: string, deps: Pick<ExecutorDeps, 'db'>): Promise<string[]> {
  const existing = await Promise.all(['keap-refund-screen', 'manual'].map((channel) => findByIdempotencyKey(deps.db, `${idempotencyKey}:${channel}`)));
  return existing.filter((record): record is RefundRecord => record !== undefined).map((record) => record.id);
}

/** What Keap's API showed, read just before a refund is planned. */
export interface OrderPicture {
  orderNow: OrderNow;
  merchants: KeapMerchantList;
  contact: { name: string; email: string };
  /**
   * The contact's notes, to refuse a refund a teammate's Refund Desk has in progress; null when
   * the caller leaves that to the second look after the in-progress note (a queue's run).
   */
  notes: readonly NoteOnContact[] | null;
  actor: RefundActor;
}

/**
 * A refund of a queue's row: its order as the queue's check read it, with the order's payments
 * read again now. Keap changes an order's refunded money only by adding refund rows to its
 * payments, so when the payments show the same refund rows as at the check, the check's order
 * and transactions still hold and are not read again; otherwise they are.
 */
export function prepareQueuedRefund(input: StartRefundInput, checked: Omit<OrderPicture, 'notes'>, deps: ExecutorDeps): Promise<StartRefundResult> {
  return withOrderLock(input.form.orderId, async () => {
    const alreadyPlanned = await plannedFor(input.idempotencyKey, deps);
    if (alreadyPlanned.length > 0) return { ok: true, refundIds: alreadyPlanned };
    const payments = await deps.client.listOrderPayments(input.form.orderId);
    if (!payments.ok) return keapFailure(payments.error);
    const refundRows = (rows: readonly KeapInvoicePayment[]) => baselineOf(checked.orderNow.order, rows, []).refundRowIds.join(',');
    let orderNow: OrderNow = { ...checked.orderNow, payments: payments.value };
    if (refundRows(payments.value) !== refundRows(checked.orderNow.payments)) {
      const fresh = await readOrderNow(deps.client, input.form.orderId);
      if (!fresh.ok) return keapFailure(fresh.error);
      orderNow = fresh.value;
    }
    return planFromPicture(input, { ...checked, orderNow, notes: null }, deps);
  });
}

/**
 * Checks a refund against `picture` and writes it to the journal as `planned`, one record per
 * channel, before anything is sent. Refuses when a payment already has a refund in flight or
 * awaiting a person, so the same payment is never refunded twice. Runs under the order's lock.
 */
async function planFromPicture(input: StartRefundInput, picture: OrderPicture, deps: ExecutorDeps): Promise<StartRefundResult> {
  const { form } = input;
  const { order, payments, transactions } = picture.orderNow;
  if (order.contact.id !== form.contactId) return fail('wrong-contact', i18n.t('refunding.executor.wrongContact', [String(order.id)]));

  // Amounts are checked against what is refundable now, not when the form was opened.
  const facts = derivePaymentFacts({ order, payments, transactions, merchants: picture.merchants });
  const validation = validateRefundForm(form, facts, order.total);
  if (!validation.ok) {
    return { ok: false, error: { kind: 'invalid-form', message: i18n.t('refunding.executor.invalidForm') }, fieldErrors: validation.errors };
  }
  const { plan } = validation;
  for (const line of plan.lines) {
    const active = await findActiveForPayment(deps.db, line.paymentId);
    if (active.length > 0) {
      return fail('refund-in-progress', i18n.t('refunding.executor.paymentBusy', [String(line.paymentId), new Date(active[0]!.createdAt).toLocaleString()]));
    }
  }
  if (picture.notes !== null) {
    // Another Refund Desk (another browser, a teammate) refunding one of these payments right now.
    const teammate = attemptsInProgress(
      picture.notes,
      plan.lines.map((line) => line.paymentId),
      await ownAttemptsOn(deps.db, order.id),
      deps.now(),
    )[0];
    if (teammate) return fail('teammate-in-progress', teammateRefusal(teammate));
  }
  const groups = planGroupsByChannel(plan);
  if (groups.manual.length > 0 && !input.manualRefundsDone) {
    return fail('manual-not-confirmed', i18n.t('refunding.executor.manualNotConfirmed'));
  }
  const appName = new URL(input.appOrigin).hostname.split('.')[0] ?? '';
  // The order's payments as the API has them: Keap's refund screen must list the same ones.
  const orderPayments = facts
    .filter((fact) => !fact.isRefundRow)
    .map((fact) => ({ paymentId: fact.paymentId, payDate: fact.payDate, amountMinor: fact.amountMinor, refundableMinor: fact.refundableMinor }));
  const baseline = { ...baselineOf(order, payments, transactions), payments: orderPayments };
  const refundIds: string[] = [];
  for (const [channel, lines] of [
    ['keap-refund-screen', groups.keapScreen],
    ['manual', groups.manual],
  ] as const) {
    if (lines.length === 0) continue;
    const record = await planRefund(deps.db, {
      idempotencyKey: `${input.idempotencyKey}:${channel}`,
      appName,
      contact: { id: form.contactId, name: picture.contact.name, email: picture.contact.email },
      orderId: order.id,
      lines: lines.map((line) => ({ paymentId: line.paymentId, amountMinor: line.amountMinor, currency: plan.currency, channel })),
      reason: plan.reason,
      errorHandling: plan.errorHandling,
      amountOwedAfterMinor: plan.amountOwedAfterMinor,
      actor: { name: picture.actor.name, email: picture.actor.email },
      baseline,
      ...(input.newerAppOrigin ? { newerAppOrigin: input.newerAppOrigin } : {}),
    });
    refundIds.push(record.id);
  }
  return { ok: true, refundIds };
}

/** What Keap's refund screen must be told for `record`; null for a record planned without the order's payments. */
export function screenPlanFor(record: RefundRecord): RefundScreenPlan | null {
  const orderPayments = record.baseline?.payments;
  if (!orderPayments || orderPayments.length === 0) return null;
  const channel = record.lines[0]?.channel;
  return {
    orderId: record.orderId,
    lines: record.lines.map((line) => ({ paymentId: line.paymentId, amountMinor: line.amountMinor })),
    orderPayments,
    currency: record.lines[0]?.currency ?? 'USD',
    reason: reasonText(record.reason as { preset: Parameters<typeof reasonText>[0]['preset']; details: string }),
    method: channel === 'manual' ? 'manual-refund' : 'refund',
    errorHandling: record.errorHandling,
    amountOwedMinor: record.amountOwedAfterMinor,
  };
}

/** "Payment 7001: Automatic refund failed (Declined by gateway); payment skipped" → "declined by gateway". */
function whySkipped(screenText: string): string {
  const inParentheses = /\(([^)]+)\)/.exec(screenText)?.[1];
  return (inParentheses ?? screenText).trim().toLowerCase();
}

/** The journal's outcome for a line, from what the API shows and what Keap's screen said. */
function lineOutcome(
  line: { channel: RefundChannel },
  record: RefundRecord,
  confirmedByApi: boolean,
  screen: ResultLine | undefined,
): { outcome: LineOutcome; detail?: string; quiet?: true } {
  const { channel } = line;
  if (confirmedByApi) {
    if (screen?.outcome === 'recorded-anyway') {
      return { outcome: 'recorded', detail: i18n.t('refunding.executor.recordedAnyway', [screen.text]) };
    }
    // A manual line was refunded outside Keap; Keap only recorded it, whatever its results step showed.
    if (channel === 'manual' || screen?.outcome === 'manual-recorded') return { outcome: 'recorded' };
    // Keap's API shows a refund row either way; only the results say whether the gateway paid it back.
    if (record.errorHandling === 'record-anyway' && (screen === undefined || screen.outcome === 'unknown' || screen.outcome === 'failed')) {
      return { outcome: 'refunded', detail: i18n.t('refunding.executor.resultsUnread') };
    }
    return { outcome: 'refunded' };
  }
  // Keap's word that it skipped (or failed) a payment frees nothing yet: the refund may still land.
  if (screen?.outcome === 'skipped' || screen?.outcome === 'failed') return { outcome: 'pending', detail: whySkipped(screen.text), quiet: true };
  return { outcome: 'pending', detail: i18n.t('refunding.executor.notShownYet') };
}

/**
 * This browser's attempts on the order. Their notes are not a teammate's: the journal settles them
 * (one a closed browser cut short may have left its in-progress note open) and keeps them from
 * being sent twice.
 */
async function ownAttemptsOn(db: JournalDb, orderId: number): Promise<ReadonlySet<string>> {
  return new Set(await db.refunds.where('orderId').equals(orderId).primaryKeys());
}

type Announcement = { ok: true } | { ok: false; kind: string; message: string; noteWritten: boolean };

/**
 * Before the first click on Keap's screen: the in-progress note on the contact, for teammates'
 * Refund Desks to see, then a second look at the notes. When two installs start the same payment
 * at once, both see both notes; the earlier note (Keap counts note ids up) goes ahead.
 */
async function announceToTeam(record: RefundRecord, deps: ExecutorDeps): Promise<Announcement> {
  const note = inProgressNote(record, deps.now());
  const written = await deps.client.createNote({ contact_id: record.contact.id, title: note.title, body: note.body, type: 'Other' });
  if (!written.ok) {
    return {
      ok: false,
      kind: 'note-not-written',
      message: i18n.t('refunding.executor.noteNotWritten', [written.error.message]),
      noteWritten: false,
    };
  }
  const notes = await deps.client.listNotesForContact(record.contact.id);
  if (!notes.ok)
    return {
      ok: false,
      kind: 'notes-unreadable',
      message: i18n.t('refunding.executor.notesUnreadable', [notes.error.message]),
      noteWritten: true,
    };
  const earlier = attemptsInProgress(
    notes.value,
    record.lines.map((line) => line.paymentId),
    await ownAttemptsOn(deps.db, record.orderId),
    deps.now(),
  ).find((attempt) => attempt.noteId < written.value.id);
  if (earlier) return { ok: false, kind: 'teammate-in-progress', message: i18n.t('refunding.executor.teammateFirst', [teammateRefusal(earlier)]), noteWritten: true };
  return { ok: true };
}

/** Words that end as a sentence, whether or not they came with a full stop. */
function sentence(words: string): string {
  const trimmed = words.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Why a sent (or possibly sent) refund waits for the person: Keap's screen finished, or stopped
 * after the final click; Keap's API did not show the refund (`unreadable` null) or could not be read (why).
 */
function notConfirmedMessage(orderId: number, screen: RefundScreenResult, unreadable: string | null): string {
  const order = String(orderId);
  if (screen.ok) return unreadable === null ? i18n.t('refunding.executor.finishedNotShown', [order]) : i18n.t('refunding.executor.finishedUnreadable', [order, unreadable]);
  const stopped = sentence(screen.problem);
  return unreadable === null ? i18n.t('refunding.executor.mayBeSentNotShown', [order, stopped]) : i18n.t('refunding.executor.mayBeSentUnreadable', [order, stopped, unreadable]);
}

/** Kept as the record's error while the person finishes a refund in Keap with the checklist. */
export const GUIDED_MESSAGE = i18n.t('refunding.executor.guided');

/**
 * Carries out one planned refund: marks it `submitting`, then either drives Keap's refund screen
 * and believes only Keap's API, or (guided, or when the walk stops before sending) hands it to the
 * person on Keap's screen with a checklist and a watch on the API. Each step is written to the
 * journal before the next one starts.
 */
export async function executeRefund(refundId: string, deps: ExecutorDeps, mode: RefundMode = 'automatic'): Promise<RefundRecord> {
  const planned = await deps.db.refunds.get(refundId);
  if (!planned) throw new Error(`Refund ${refundId} is not in the journal.`);
  const announced = await announceToTeam(planned, deps);
  if (!announced.ok) {
    const failed = await markState(deps.db, refundId, 'failed', { error: { kind: announced.kind, message: announced.message } }, { from: 'planned', now: deps.now() });
    // The closing note ends this attempt for the teammates who saw its in-progress note.
    if (announced.noteWritten) await writeNote(failed, deps);
    return failed;
  }
  let record = await markState(deps.db, refundId, 'submitting', {}, { from: 'planned', now: deps.now() });
  const appOrigin = `https://${record.appName}.infusionsoft.com`;
  const plan = screenPlanFor(record);
  if (plan === null) {
    record = await markState(
      deps.db,
      refundId,
      'needs-manual',
      {
        error: { kind: 'refund-screen-stopped', message: i18n.t('refunding.executor.noPicture') },
      },
      { from: 'submitting', now: deps.now() },
    );
    return record;
  }
  if (mode === 'guided') {
    record = await markState(deps.db, refundId, 'needs-manual', { error: { kind: 'guided', message: GUIDED_MESSAGE } }, { from: 'submitting', now: deps.now() });
    await deps.handOver(record, plan, null);
    return record;
  }
  let screen: RefundScreenResult;
  try {
    screen = await deps.runRefundScreen(plan, { appOrigin, attemptId: refundId, page: refundPageFor(record, deps.refundThrough) });
  } catch (cause) {
    screen = {
      ok: false,
      sent: false,
      stoppedAt: 'open',
      problem: i18n.t('refunding.executor.orderPageNotOpened', [cause instanceof Error ? cause.message : String(cause)]),
    };
  }
  deps.onContactChanged(record.contact.id);

  if (!screen.ok && !screen.sent) {
    // Nothing reached Keap's final button: safe to stop and hand over to the person, where it stopped.
    record = await markState(
      deps.db,
      refundId,
      'needs-manual',
      { error: { kind: 'refund-screen-stopped', message: i18n.t('refunding.executor.stoppedNothingSent', [sentence(screen.problem)]) } },
      { from: 'submitting', now: deps.now() },
    );
    await deps.handOver(record, plan, { problem: screen.problem, ...(screen.learnable ? { learnable: screen.learnable } : {}) });
    await writeNote(record, deps);
    return record;
  }

  const screenLines = screen.ok ? screen.results : [];
  let state: RefundRecord['state'] = 'submitting';
  let apiReadOnce = false;
  let lastReadError: KeapError | null = null;
  for (let attempt = 0; attempt < deps.confirmation.attempts; attempt++) {
    if (attempt > 0) await deps.sleep(deps.confirmation.intervalMs);
    const orderNow = await readOrderNow(deps.client, record.orderId, { transactions: deps.confirmation.withTransactions !== false });
    if (!orderNow.ok) {
      lastReadError = orderNow.error;
      continue;
    }
    apiReadOnce = true;
    if (!record.baseline) break;
    const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
    const current = record;
    const outcomes = record.lines.map((line) => {
      const evidence = check.lines.find((candidate) => candidate.paymentId === line.paymentId);
      return {
        paymentId: line.paymentId,
        ...lineOutcome(
          line,
          current,
          evidence?.refundRowId != null,
          screenLines.find((result) => result.paymentId === line.paymentId),
        ),
      };
    });
    const waiting = outcomes.filter((line) => line.outcome === 'pending');
    const lineOutcomes = outcomes.map(({ quiet: _quiet, ...line }) => line);
    if (waiting.length === 0) {
      record = await settle(record, lineOutcomes, evidenceOf(check, deps), state, deps);
      return record;
    }
    if (waiting.every((line) => line.quiet)) {
      // Keap's screen says it skipped these payments. They stay locked until Keap's API has been
      // read again after a quiet period without the refund showing up.
      const until = deps.now() + deps.quietPeriodMs;
      record = await markState(
        deps.db,
        refundId,
        'unconfirmed',
        {
          lineOutcomes,
          error: { kind: 'quiet', message: i18n.t('refunding.executor.quiet', waiting.length, [new Date(until).toLocaleTimeString()]) },
        },
        { from: state, now: deps.now() },
      );
      await deps.watchQuiet(refundId, until);
      return record;
    }
    record = await markState(deps.db, refundId, 'unconfirmed', { lineOutcomes }, { from: state, now: deps.now() });
    state = 'unconfirmed';
  }
  record = await markState(
    deps.db,
    refundId,
    'needs-manual',
    {
      error: {
        kind: 'not-confirmed',
        message: notConfirmedMessage(record.orderId, screen, apiReadOnce ? null : (lastReadError?.message ?? i18n.t('refunding.executor.noAnswer'))),
      },
    },
    { from: state, now: deps.now() },
  );
  deps.onContactChanged(record.contact.id);
  await writeNote(record, deps);
  return record;
}

type LineOutcomes = { paymentId: number; outcome: LineOutcome; detail?: string }[];

/** Settles a refund whose every line Keap's API has shown (or, after a quiet period, not shown): journal, panels, note. */
async function settle(record: RefundRecord, lineOutcomes: LineOutcomes, evidence: RefundEvidence, from: RefundRecord['state'], deps: ExecutorDeps): Promise<RefundRecord> {
  const to = lineOutcomes.every((line) => line.outcome === 'skipped') ? 'skipped' : lineOutcomes.some((line) => line.outcome === 'refunded') ? 'confirmed' : 'recorded';
  const skippedNote = lineOutcomes.find((line) => line.outcome === 'skipped')?.detail;
  const settled = await markState(
    deps.db,
    record.id,
    to,
    { lineOutcomes, evidence, ...(to === 'skipped' && skippedNote ? { error: { kind: 'skipped', message: skippedNote } } : {}) },
    { from, now: deps.now() },
  );
  deps.onContactChanged(settled.contact.id);
  await writeNote(settled, deps);
  return settled;
}

/**
 * The quiet period of a refund Keap's screen said it skipped: the refund is confirmed as soon as
 * Keap's API shows it; once `until` has passed with the API showing no refund of those payments,
 * they are skipped and free again.
 */
export async function settleQuietWait(refundId: string, until: number, deps: ExecutorDeps): Promise<ApiCheck> {
  const record = await deps.db.refunds.get(refundId);
  if (!record || record.state !== 'unconfirmed' || !record.baseline) return { kind: 'settled', reason: i18n.t('refunding.executor.noLongerWaiting') };
  const orderNow = await readOrderNow(deps.client, record.orderId);
  if (!orderNow.ok) return { kind: 'unreadable', reason: orderNow.error.message };
  const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
  const quietOver = deps.now() >= until;
  if (!check.allConfirmed && !quietOver) return { kind: 'not-shown', reason: i18n.t('refunding.executor.quietNotShownYet', [String(record.orderId)]) };
  const lineOutcomes = record.lines.map((line) => {
    const shown = check.lines.find((candidate) => candidate.paymentId === line.paymentId)?.refundRowId != null;
    if (shown) return { paymentId: line.paymentId, outcome: line.channel === 'manual' ? ('recorded' as const) : ('refunded' as const) };
    return { paymentId: line.paymentId, outcome: 'skipped' as const, ...(line.detail ? { detail: line.detail } : {}) };
  });
  const settled = await settle(record, lineOutcomes, evidenceOf(check, deps), 'unconfirmed', deps);
  return settled.state === 'confirmed' || settled.state === 'recorded'
    ? { kind: 'confirmed', to: settled.state }
    : { kind: 'settled', reason: i18n.t('refunding.executor.skipped') };
}

function evidenceOf(check: ReturnType<typeof checkRefundEvidence>, deps: Pick<ExecutorDeps, 'now'>): RefundEvidence {
  return {
    refundTransactionIds: check.refundTransactionIds,
    refundInvoicePaymentIds: check.refundInvoicePaymentIds,
    orderRefundTotalMinor: Math.max(0, check.orderRefundTotalMinor),
    checkedAt: deps.now(),
  };
}

export type ApiCheck =
  | { kind: 'confirmed'; to: 'confirmed' | 'recorded' }
  /** The refund no longer waits for a person (settled another way, or gone from the history). */
  | { kind: 'settled'; reason: string }
  | { kind: 'not-shown'; reason: string }
  | { kind: 'unreadable'; reason: string };

/**
 * Asks Keap's API whether a refund waiting for a person (guided, stopped, or unconfirmed) now shows,
 * and if so settles it as the executor would: journal, contact note, panels told. Read-only towards
 * Keap's money: it never sends anything.
 */
export async function confirmFromApi(refundId: string, deps: ExecutorDeps, note: string): Promise<ApiCheck> {
  const record = await deps.db.refunds.get(refundId);
  if (!record) return { kind: 'settled', reason: i18n.t('refunding.refundGone') };
  if (record.state !== 'needs-manual') return { kind: 'settled', reason: i18n.t('refunding.executor.alreadySettled', [record.state]) };
  if (!record.baseline) return { kind: 'not-shown', reason: i18n.t('refunding.noBaseline') };
  const orderNow = await readOrderNow(deps.client, record.orderId);
  if (!orderNow.ok) return { kind: 'unreadable', reason: orderNow.error.message };
  const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
  if (!check.allConfirmed) {
    return { kind: 'not-shown', reason: i18n.t('refunding.executor.notShownOnOrderYet', [String(record.orderId)]) };
  }
  const to = await markConfirmedByApi(deps.db, record, evidenceOf(check, deps), note, { from: 'needs-manual', now: deps.now() });
  deps.onContactChanged(record.contact.id);
  const settled = await deps.db.refunds.get(refundId);
  if (settled) await writeNote(settled, deps);
  return { kind: 'confirmed', to };
}

/** The team-visible record in Keap. A failed note never changes the refund's state. */
async function writeNote(record: RefundRecord, deps: ExecutorDeps): Promise<void> {
  const result = await deps.client.createNote({
    contact_id: record.contact.id,
    title: `Refund Desk: ${formatMoney(record.totalMinor, record.lines[0]?.currency)} on order #${record.orderId} — ${record.state}`,
    body: refundNoteBody(record),
    type: 'Other',
  });
  if (!result.ok) console.warn(`Refund Desk could not add a note for refund ${record.id}: ${result.error.message}`);
}
