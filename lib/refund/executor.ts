import { findActiveForPayment, findByIdempotencyKey, markState, planRefund } from '@/lib/audit/journal';
import type { JournalDb } from '@/lib/audit/db';
import type { LineOutcome, RefundChannel, RefundRecord } from '@/lib/audit/schema';
import type { KeapClient } from '@/lib/keap/client';
import type { KeapError, KeapResult } from '@/lib/keap/errors';
import { derivePaymentFacts } from '@/lib/keap/payment-facts';
import type { KeapContact, KeapInvoicePayment, KeapOrder, KeapTransaction } from '@/lib/keap/schemas';
import { formatMoney } from '@/lib/money';
import type { RefundScreenPlan, RefundScreenResult } from '@/lib/page/refund-screen-driver';
import { baselineOf, checkRefundEvidence } from './evidence';
import { type RefundForm, type RefundFormErrors, validateRefundForm } from './form';
import { planGroupsByChannel } from './plan';
import { reasonText } from './rules';
import { refundNoteBody } from './note';

/** Drives Keap's own refund screen for one order in the user's logged-in session. */
export type RefundScreenRunner = (plan: RefundScreenPlan, target: { appOrigin: string }) => Promise<RefundScreenResult>;

export interface ExecutorDeps {
  db: JournalDb;
  client: KeapClient;
  runRefundScreen: RefundScreenRunner;
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
    const baseline = baselineOf(order, payments, transactions);
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

function screenPlanFor(record: RefundRecord): RefundScreenPlan {
  const channel = record.lines[0]?.channel;
  return {
    orderId: record.orderId,
    lines: record.lines.map((line) => ({ paymentId: line.paymentId, amountMinor: line.amountMinor })),
    currency: record.lines[0]?.currency ?? 'USD',
    reason: reasonText(record.reason as { preset: Parameters<typeof reasonText>[0]['preset']; details: string }),
    method: channel === 'manual' ? 'manual-refund' : 'refund',
    errorHandling: record.errorHandling,
    amountOwedMinor: record.amountOwedAfterMinor,
  };
}

type ScreenOutcome = Extract<RefundScreenResult, { ok: true }>['results'][number];

/** "Payment 7001: Automatic refund failed (Declined by gateway); payment skipped" → "declined by gateway". */
function whySkipped(screenText: string): string {
  const inParentheses = /\(([^)]+)\)/.exec(screenText)?.[1];
  return (inParentheses ?? screenText).trim().toLowerCase();
}

/** The journal's outcome for a line, from what the API shows and what Keap's screen said. */
function lineOutcome(channel: RefundChannel, confirmedByApi: boolean, screen: ScreenOutcome | undefined): { outcome: LineOutcome; detail?: string } {
  if (confirmedByApi) {
    if (screen?.outcome === 'recorded-anyway') {
      return { outcome: 'recorded', detail: `${screen.text}. The customer has not been paid back: refund them in the merchant account.` };
    }
    // A manual line was refunded outside Keap; Keap only recorded it, whatever its results step showed.
    if (channel === 'manual' || screen?.outcome === 'manual-recorded') return { outcome: 'recorded' };
    return { outcome: 'refunded' };
  }
  if (screen?.outcome === 'skipped') return { outcome: 'skipped', detail: whySkipped(screen.text) };
  return { outcome: 'pending', detail: "Keap's API does not show this refund yet." };
}

/**
 * Carries out one planned refund: marks it `submitting`, drives Keap's refund screen, then
 * believes only Keap's API. Each step is written to the journal before the next one starts.
 */
export async function executeRefund(refundId: string, deps: ExecutorDeps): Promise<RefundRecord> {
  const planned = await deps.db.refunds.get(refundId);
  if (!planned) throw new Error(`Refund ${refundId} is not in the journal.`);
  let record = await markState(deps.db, refundId, 'submitting', {}, { from: 'planned', now: deps.now() });
  const appOrigin = `https://${record.appName}.infusionsoft.com`;
  let screen: RefundScreenResult;
  try {
    screen = await deps.runRefundScreen(screenPlanFor(record), { appOrigin });
  } catch (cause) {
    screen = {
      ok: false,
      sent: false,
      stoppedAt: 'open-dialog',
      problem: `Refund Desk could not open Keap's order page (${cause instanceof Error ? cause.message : String(cause)}).`,
      stepsLeft: [`Open order #${record.orderId} in Keap and use Refund Payment`],
    };
  }
  deps.onContactChanged(record.contact.id);

  if (!screen.ok && !screen.sent) {
    // Nothing reached Keap's Finish button: safe to stop and hand over to a person.
    record = await markState(
      deps.db,
      refundId,
      'needs-manual',
      { error: { kind: 'refund-screen-stopped', message: `${screen.problem} Steps left: ${screen.stepsLeft.join(' → ')}.` } },
      { from: 'submitting', now: deps.now() },
    );
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
    const outcomes = record.lines.map((line) => {
      const evidence = check.lines.find((candidate) => candidate.paymentId === line.paymentId);
      return { paymentId: line.paymentId, ...lineOutcome(line.channel, evidence?.refundRowId != null, screenLines.find((result) => result.paymentId === line.paymentId)) };
    });
    const waiting = outcomes.some((line) => line.outcome === 'pending');
    const evidence = {
      refundTransactionIds: check.refundTransactionIds,
      refundInvoicePaymentIds: check.refundInvoicePaymentIds,
      orderRefundTotalMinor: Math.max(0, check.orderRefundTotalMinor),
      checkedAt: deps.now(),
    };
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
  const reason = screen.ok ? `Keap's refund screen finished, but ${apiWords}` : `${screen.problem} The refund may have been sent. ${apiWords}`;
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
