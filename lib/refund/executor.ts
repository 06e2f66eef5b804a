import { findActiveForPayment, findByIdempotencyKey, markConfirmedByApi, markState, planRefund } from '@/lib/audit/journal';
import type { JournalDb } from '@/lib/audit/db';
import type { LineOutcome, RefundChannel, RefundEvidence, RefundRecord } from '@/lib/audit/schema';
import type { KeapClient } from '@/lib/keap/client';
import type { KeapError, KeapResult } from '@/lib/keap/errors';
import { derivePaymentFacts } from '@/lib/keap/payment-facts';
import type { KeapContact, KeapInvoicePayment, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';
import { formatMoney } from '@/lib/money';
import type { RefundScreenPlan, ResultLine, ScreenStep } from '@/lib/page/refund-screen/protocol';
import type { LearnSlot } from '@/lib/page/refund-screen/words';
import type { RefundMode } from '@/lib/settings';
import { baselineOf, checkRefundEvidence } from './evidence';
import { type RefundForm, type RefundFormErrors, validateRefundForm } from './form';
import { planGroupsByChannel } from './plan';
import { reasonText } from './rules';
import { refundNoteBody } from './note';

/** How a walk through Keap's refund screen ended, as the executor sees it. */
export type RefundScreenResult =
  | { ok: true; results: ResultLine[] }
  | {
      ok: false;
      /** True once the final click was made: the refund may have been sent, so it is unconfirmed, not failed. */
      sent: boolean;
      stoppedAt: ScreenStep;
      /** Plain words for the person, e.g. "Keap's refund screen does not list payment 7001". */
      problem: string;
      /** A control whose word Refund Desk does not know, which the person can show it. */
      learnable?: LearnSlot;
    };

/** Drives Keap's own refund screen for one order in the user's logged-in session. */
export type RefundScreenRunner = (plan: RefundScreenPlan, target: { appOrigin: string; attemptId: string }) => Promise<RefundScreenResult>;

/** Hands a refund to the person on Keap's screen, with the guided checklist and a watch on Keap's API. */
export type GuidedHandover = (record: RefundRecord, plan: RefundScreenPlan, stop: { problem: string; learnable?: LearnSlot } | null) => Promise<void>;

export interface ExecutorDeps {
  db: JournalDb;
  client: KeapClient;
  runRefundScreen: RefundScreenRunner;
  handOver: GuidedHandover;
  /** Called after anything that may have changed the contact's money in Keap. */
  onContactChanged: (contactId: number) => void;
  /** How long to wait for Keap's API to show a refund before handing it to a person. */
  confirmation: { attempts: number; intervalMs: number };
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
}

export type StartRefundResult =
  | { ok: true; refundIds: string[] }
  | { ok: false; error: { kind: string; message: string }; fieldErrors?: RefundFormErrors };

interface OrderNow {
  order: KeapOrder;
  payments: KeapInvoicePayment[];
  transactions: KeapTransaction[];
}

function fail(kind: string, message: string): StartRefundResult {
  return { ok: false, error: { kind, message } };
}

function keapFailure(error: KeapError): StartRefundResult {
  return { ok: false, error: { kind: error.kind, message: error.message } };
}

/** The order with its invoice payments and transactions, as Keap's API shows them now. */
export async function readOrderNow(client: KeapClient, orderId: number): Promise<KeapResult<OrderNow>> {
  const [order, payments, transactions] = await Promise.all([
    client.getOrder(orderId),
    client.listOrderPayments(orderId),
    client.listOrderTransactions(orderId),
  ]);
  if (!order.ok) return order;
  if (!payments.ok) return payments;
  if (!transactions.ok) return transactions;
  return { ok: true, value: { order: order.value, payments: payments.value, transactions: transactions.value } };
}

function contactName(contact: KeapContact): string {
  return [contact.given_name, contact.family_name].filter(Boolean).join(' ').trim() || `Contact ${contact.id}`;
}

/** One refund per order at a time inside this background; the journal guards across restarts. */
const orderQueues = new Map<number, Promise<unknown>>();
function withOrderLock<T>(orderId: number, work: () => Promise<T>): Promise<T> {
  const previous = orderQueues.get(orderId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  orderQueues.set(orderId, settled);
  void settled.then(() => {
    if (orderQueues.get(orderId) === settled) orderQueues.delete(orderId);
  });
  return next;
}

/**
 * Checks a refund against what Keap's API says right now and writes it to the journal as
 * `planned`, one record per channel, before anything is sent. Refuses when a payment already has
 * a refund in flight or awaiting a person, so the same payment is never refunded twice.
 */
export function prepareRefund(input: StartRefundInput, deps: ExecutorDeps): Promise<StartRefundResult> {
  return withOrderLock(input.form.orderId, async () => {
    const existing = await Promise.all(['keap-refund-screen', 'manual'].map((channel) => findByIdempotencyKey(deps.db, `${input.idempotencyKey}:${channel}`)));
    const alreadyPlanned = existing.filter((record): record is RefundRecord => record !== undefined);
    // A double click or a resent message: the same refund, not a second one.
    if (alreadyPlanned.length > 0) return { ok: true, refundIds: alreadyPlanned.map((record) => record.id) };
    const { form } = input;
    const [orderNow, merchants, contact, profile] = await Promise.all([
      readOrderNow(deps.client, form.orderId),
      deps.client.listMerchants(),
      deps.client.getContact(form.contactId),
      deps.client.getAccountProfile(),
    ]);
    if (!orderNow.ok) return keapFailure(orderNow.error);
    if (!merchants.ok) return keapFailure(merchants.error);
    if (!contact.ok) return keapFailure(contact.error);
    if (!profile.ok) return keapFailure(profile.error);
    const { order, payments, transactions } = orderNow.value;
    if (order.contact.id !== form.contactId) return fail('wrong-contact', `Order #${order.id} does not belong to this contact.`);

    // Amounts are checked against what is refundable now, not when the form was opened.
    const facts = derivePaymentFacts({ order, payments, transactions, merchants: merchants.value });
    const validation = validateRefundForm(form, facts, order.total);
    if (!validation.ok) {
      return { ok: false, error: { kind: 'invalid-form', message: 'Some fields need your attention.' }, fieldErrors: validation.errors };
    }
    const { plan } = validation;
    for (const line of plan.lines) {
      const active = await findActiveForPayment(deps.db, line.paymentId);
      if (active.length > 0) {
        return fail(
          'refund-in-progress',
          `Payment ${line.paymentId} already has a refund in progress or waiting for you (started ${new Date(active[0]!.createdAt).toLocaleString()}). Finish that one first.`,
        );
      }
    }
    const groups = planGroupsByChannel(plan);
    if (groups.manual.length > 0 && !input.manualRefundsDone) {
      return fail('manual-not-confirmed', 'Refund the manual payments in your merchant account first, then tick the box to confirm you did.');
    }
    const appName = new URL(input.appOrigin).hostname.split('.')[0] ?? '';
    // The order's payments as the API has them: Keap's refund screen must list the same ones.
    const orderPayments = facts
      .filter((fact) => !fact.isRefundRow)
      .map((fact) => ({ paymentId: fact.paymentId, payDate: fact.payDate, amountMinor: fact.amountMinor, refundableMinor: fact.refundableMinor }));
    const baseline = { ...baselineOf(order, payments, transactions), payments: orderPayments };
    const email = contact.value.email_addresses?.[0]?.email ?? '';
    const refundIds: string[] = [];
    for (const [channel, lines] of [
      ['keap-refund-screen', groups.keapScreen],
      ['manual', groups.manual],
    ] as const) {
      if (lines.length === 0) continue;
      const record = await planRefund(deps.db, {
        idempotencyKey: `${input.idempotencyKey}:${channel}`,
        appName,
        contact: { id: form.contactId, name: contactName(contact.value), email },
        orderId: order.id,
        lines: lines.map((line) => ({ paymentId: line.paymentId, amountMinor: line.amountMinor, currency: plan.currency, channel })),
        reason: plan.reason,
        errorHandling: plan.errorHandling,
        amountOwedAfterMinor: plan.amountOwedAfterMinor,
        actor: { name: profile.value.name ?? '', email: profile.value.email ?? '' },
        baseline,
      });
      refundIds.push(record.id);
    }
    return { ok: true, refundIds };
  });
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
): { outcome: LineOutcome; detail?: string } {
  const { channel } = line;
  if (confirmedByApi) {
    if (screen?.outcome === 'recorded-anyway') {
      return { outcome: 'recorded', detail: `${screen.text}. The customer has not been paid back: refund them in the merchant account.` };
    }
    // A manual line was refunded outside Keap; Keap only recorded it, whatever its results step showed.
    if (channel === 'manual' || screen?.outcome === 'manual-recorded') return { outcome: 'recorded' };
    // Keap's API shows a refund row either way; only the results say whether the gateway paid it back.
    if (record.errorHandling === 'record-anyway' && (screen === undefined || screen.outcome === 'unknown' || screen.outcome === 'failed')) {
      return {
        outcome: 'refunded',
        detail: "Refund Desk could not read from Keap's results whether the automatic refund went through; if it failed, Keap recorded it anyway: check the merchant account",
      };
    }
    return { outcome: 'refunded' };
  }
  if (screen?.outcome === 'skipped') return { outcome: 'skipped', detail: whySkipped(screen.text) };
  return { outcome: 'pending', detail: "Keap's API does not show this refund yet." };
}

/** Words that end as a sentence, whether or not they came with a full stop. */
function sentence(words: string): string {
  const trimmed = words.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Kept as the record's error while the person finishes a refund in Keap with the checklist. */
export const GUIDED_MESSAGE = "You are finishing this refund on Keap's screen; Refund Desk follows your steps and confirms it through Keap's API.";

/**
 * Carries out one planned refund: marks it `submitting`, then either drives Keap's refund screen
 * and believes only Keap's API, or (guided, or when the walk stops before sending) hands it to the
 * person on Keap's screen with a checklist and a watch on the API. Each step is written to the
 * journal before the next one starts.
 */
export async function executeRefund(refundId: string, deps: ExecutorDeps, mode: RefundMode = 'automatic'): Promise<RefundRecord> {
  const planned = await deps.db.refunds.get(refundId);
  if (!planned) throw new Error(`Refund ${refundId} is not in the journal.`);
  let record = await markState(deps.db, refundId, 'submitting', {}, { from: 'planned', now: deps.now() });
  const appOrigin = `https://${record.appName}.infusionsoft.com`;
  const plan = screenPlanFor(record);
  if (plan === null) {
    record = await markState(
      deps.db,
      refundId,
      'needs-manual',
      { error: { kind: 'refund-screen-stopped', message: "Refund Desk has no picture of the order's payments to check Keap's screen against: nothing was sent. Refund it in Keap." } },
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
    screen = await deps.runRefundScreen(plan, { appOrigin, attemptId: refundId });
  } catch (cause) {
    screen = {
      ok: false,
      sent: false,
      stoppedAt: 'open',
      problem: `Refund Desk could not open Keap's order page (${cause instanceof Error ? cause.message : String(cause)}).`,
    };
  }
  deps.onContactChanged(record.contact.id);

  if (!screen.ok && !screen.sent) {
    // Nothing reached Keap's final button: safe to stop and hand over to the person, where it stopped.
    record = await markState(
      deps.db,
      refundId,
      'needs-manual',
      { error: { kind: 'refund-screen-stopped', message: `${sentence(screen.problem)} Nothing was sent; finish it on Keap's screen with the checklist.` } },
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
    const orderNow = await readOrderNow(deps.client, record.orderId);
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
      return { paymentId: line.paymentId, ...lineOutcome(line, current, evidence?.refundRowId != null, screenLines.find((result) => result.paymentId === line.paymentId)) };
    });
    const waiting = outcomes.some((line) => line.outcome === 'pending');
    const evidence = evidenceOf(check, deps);
    if (!waiting) {
      const to = outcomes.every((line) => line.outcome === 'skipped')
        ? 'skipped'
        : outcomes.some((line) => line.outcome === 'refunded')
          ? 'confirmed'
          : 'recorded';
      const skippedNote = outcomes.find((line) => line.outcome === 'skipped')?.detail;
      record = await markState(
        deps.db,
        refundId,
        to,
        { lineOutcomes: outcomes, evidence, ...(to === 'skipped' && skippedNote ? { error: { kind: 'skipped', message: skippedNote } } : {}) },
        { from: state, now: deps.now() },
      );
      deps.onContactChanged(record.contact.id);
      await writeNote(record, deps);
      return record;
    }
    record = await markState(deps.db, refundId, 'unconfirmed', { lineOutcomes: outcomes }, { from: state, now: deps.now() });
    state = 'unconfirmed';
  }
  const apiWords = apiReadOnce
    ? "Keap's API does not show the refund."
    : `Refund Desk could not read the order from Keap's API to confirm it (${lastReadError?.message ?? 'no answer'}).`;
  const reason = screen.ok ? `Keap's refund screen finished, but ${apiWords}` : `${sentence(screen.problem)} The refund may have been sent. ${apiWords}`;
  record = await markState(
    deps.db,
    refundId,
    'needs-manual',
    { error: { kind: 'not-confirmed', message: `${reason} Check order #${record.orderId} in Keap before trying again.` } },
    { from: state, now: deps.now() },
  );
  deps.onContactChanged(record.contact.id);
  await writeNote(record, deps);
  return record;
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
  if (!record) return { kind: 'settled', reason: 'This refund is no longer in the history.' };
  if (record.state !== 'needs-manual') return { kind: 'settled', reason: `This refund is already ${record.state}.` };
  if (!record.baseline) return { kind: 'not-shown', reason: 'Refund Desk has no "before" picture of this order to compare with. Check the order in Keap.' };
  const orderNow = await readOrderNow(deps.client, record.orderId);
  if (!orderNow.ok) return { kind: 'unreadable', reason: orderNow.error.message };
  const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
  if (!check.allConfirmed) {
    return { kind: 'not-shown', reason: `Keap's API does not show this refund on order #${record.orderId} yet.` };
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
