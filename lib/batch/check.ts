import { i18n } from '#i18n';
import type { JournalDb } from '@/lib/audit/db';
import { findActiveForPayment } from '@/lib/audit/journal';
import type { KeapClient } from '@/lib/keap/client';
import { contactDisplayName } from '@/lib/keap/contacts';
import type { KeapError } from '@/lib/keap/errors';
import { derivePaymentFacts, type PaymentFacts } from '@/lib/keap/payment-facts';
import type { KeapMerchantList } from '@/lib/keap/schemas';
import { formatMoney, toDecimalString } from '@/lib/money';
import { type OrderNow, readOrderNow } from '@/lib/refund/executor';
import { type RefundForm, validateRefundForm } from '@/lib/refund/form';
import { defaultAmountText, refundChannelFor, REFUND_REASON_PRESETS } from '@/lib/refund/rules';
import type { QueueDefaults, QueueRow, QueueRowCheck } from './schema';

/*
 * A queue's rows checked against Keap's API before anything is sent: each row is ready (what it
 * will refund, for whom, through which gateway) or has a plain reason why not. A bad row never
 * stops the others; Keap not answering stops the check, and the rows not yet checked wait for
 * the next one.
 */

export interface CheckDeps {
  client: KeapClient;
  journal: JournalDb;
  /** The Keap app the queue refunds in, for messages. */
  appName: string;
  now: () => number;
}

/** Keap errors that say nothing about the row: the check stops and can be run again, and a run pauses. */
export const STOPPING_ERRORS: ReadonlySet<string> = new Set<KeapError['kind']>(['throttled', 'quota-exhausted', 'network', 'keap-down', 'timeout', 'bad-key', 'forbidden']);

export type CheckOutcome = { ok: true } | { ok: false; error: { kind: string; message: string; retryAfterSeconds?: number } };

/** The form a ready row is refunded with: its lines, and its reason and choices or the queue's. */
export function formOfRow(row: QueueRow, defaults: QueueDefaults, ready: Extract<QueueRowCheck, { status: 'ready' }>): RefundForm {
  const { draft } = row;
  // Only a row whose order id reads is ever checked ready.
  if (draft.orderId === undefined) throw new Error(`Row ${row.position + 1} has no order id.`);
  const ownReason = draft.reasonPreset !== undefined;
  return {
    orderId: draft.orderId,
    contactId: ready.contact.id,
    currency: ready.currency,
    payments: ready.lines.map((line) => ({ paymentId: line.paymentId, selected: true, amount: toDecimalString(line.amountMinor, ready.currency) })),
    // Checked rows always have a reason: their own or the queue's.
    reasonPreset: draft.reasonPreset ?? defaults.reasonPreset ?? 'Other',
    reasonDetails: ownReason ? draft.reasonDetails : draft.reasonDetails || defaults.reasonDetails,
    errorHandling: draft.errorHandling ?? defaults.errorHandling,
    amountOwed: draft.amountOwedAfter ?? '0',
  };
}

function invalid(problem: string, now: number): QueueRowCheck {
  return { status: 'invalid', problem, checkedAt: now };
}

/** A refund channel's reason, a sentence of its own, put after a colon in a row's problem. */
function asClause(reason: string): string {
  return `${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
}

/** The form of a row being checked: every payment it names or every refundable one, at its amount or in full. */
function draftForm(row: QueueRow, defaults: QueueDefaults, chosen: readonly PaymentFacts[], currency: string, contactId: number): RefundForm {
  const unchecked = { status: 'ready' as const, contact: { id: contactId, name: '', email: '' }, currency, lines: [], totalMinor: 0, checkedAt: 0 };
  return {
    ...formOfRow(row, defaults, unchecked),
    payments: chosen.map((fact) => ({ paymentId: fact.paymentId, selected: true, amount: row.draft.amount ?? defaultAmountText(fact) })),
  };
}

/**
 * Checks the rows that have no check yet, in order, writing each result through `save` as it comes
 * so that progress shows and a stopped check loses nothing. Reads merchants once and each order
 * and contact once.
 */
export async function checkQueueRows(rows: readonly QueueRow[], defaults: QueueDefaults, deps: CheckDeps, save: (row: QueueRow) => Promise<void>): Promise<CheckOutcome> {
  let merchants: KeapMerchantList | null = null;
  const orders = new Map<number, OrderNow>();
  const contacts = new Map<number, { name: string; email: string }>();
  /** Payments earlier ready rows refund: the row that has each, from 1. */
  const claimed = new Map<number, number>();
  for (const row of rows) {
    if (row.check?.status === 'ready') for (const line of row.check.lines) claimed.set(line.paymentId, row.position + 1);
  }

  for (const row of rows) {
    if (row.check) continue;
    const now = deps.now();
    const { draft } = row;
    if (draft.problem !== undefined || draft.orderId === undefined) {
      await save({ ...row, check: invalid(draft.problem ?? i18n.t('queueRun.check.noOrderId'), now) });
      continue;
    }
    const { orderId } = draft;
    if (draft.reasonPreset === undefined && defaults.reasonPreset === undefined) {
      await save({ ...row, check: invalid(i18n.t('queueRun.check.noReason', [REFUND_REASON_PRESETS.join('; ')]), now) });
      continue;
    }
    if (merchants === null) {
      const answer = await deps.client.listMerchants();
      if (!answer.ok) return { ok: false, error: answer.error };
      merchants = answer.value;
    }
    let orderNow = orders.get(orderId);
    if (!orderNow) {
      const answer = await readOrderNow(deps.client, orderId);
      if (!answer.ok) {
        if (STOPPING_ERRORS.has(answer.error.kind)) return { ok: false, error: answer.error };
        const problem =
          answer.error.kind === 'not-found'
            ? i18n.t('queueRun.check.orderNotInApp', [String(orderId), deps.appName])
            : i18n.t('queueRun.check.orderUnreadable', [String(orderId), answer.error.message]);
        await save({ ...row, check: invalid(problem, now) });
        continue;
      }
      orderNow = answer.value;
      orders.set(orderId, orderNow);
    }
    const { order } = orderNow;
    let contact = contacts.get(order.contact.id);
    if (!contact) {
      const answer = await deps.client.getContact(order.contact.id);
      if (!answer.ok) {
        if (STOPPING_ERRORS.has(answer.error.kind)) return { ok: false, error: answer.error };
        await save({ ...row, check: invalid(i18n.t('queueRun.check.contactUnreadable', [String(orderId), answer.error.message]), now) });
        continue;
      }
      contact = { name: contactDisplayName(answer.value), email: answer.value.email_addresses?.[0]?.email ?? '' };
      contacts.set(order.contact.id, contact);
    }
    const check = await checkRow({ ...row, draft: { ...draft, orderId } }, orderId, defaults, { orderNow, merchants, contact, claimed }, deps);
    if (check.status === 'ready') for (const line of check.lines) claimed.set(line.paymentId, row.position + 1);
    await save({ ...row, check, ...(check.status === 'ready' ? { checkedOrder: orderNow } : {}) });
  }
  return { ok: true };
}

interface RowContext {
  orderNow: OrderNow;
  merchants: KeapMerchantList;
  contact: { name: string; email: string };
  claimed: ReadonlyMap<number, number>;
}

async function checkRow(row: QueueRow, orderId: number, defaults: QueueDefaults, context: RowContext, deps: CheckDeps): Promise<QueueRowCheck> {
  const now = deps.now();
  const { draft } = row;
  const { order, payments, transactions } = context.orderNow;
  const facts = derivePaymentFacts({ order, payments, transactions, merchants: context.merchants }).filter((fact) => !fact.isRefundRow);

  let chosen: PaymentFacts[];
  if (draft.paymentId !== undefined) {
    const named = facts.find((fact) => fact.paymentId === draft.paymentId);
    if (!named) return invalid(i18n.t('queueRun.check.paymentNotOnOrder', [String(draft.paymentId), String(orderId)]), now);
    chosen = [named];
  } else {
    chosen = facts.filter((fact) => refundChannelFor(fact).kind !== 'blocked');
    if (chosen.length === 0) {
      const first = facts[0];
      const channel = first ? refundChannelFor(first) : null;
      return invalid(
        channel?.kind === 'blocked'
          ? i18n.t('queueRun.check.nothingToRefundBecause', [String(orderId), asClause(channel.reason)])
          : i18n.t('queueRun.check.nothingToRefund', [String(orderId)]),
        now,
      );
    }
    if (draft.amount !== undefined && chosen.length > 1) {
      return invalid(i18n.t('queueRun.check.severalPayments', [String(orderId), String(chosen.length)]), now);
    }
  }
  for (const fact of chosen) {
    const channel = refundChannelFor(fact);
    if (channel.kind === 'blocked') return invalid(i18n.t('queueRun.check.paymentBlocked', [String(fact.paymentId), asClause(channel.reason)]), now);
    if (channel.kind === 'manual') return invalid(i18n.t('queueRun.check.paymentManual', [String(fact.paymentId), channel.reason]), now);
    const earlierRow = context.claimed.get(fact.paymentId);
    if (earlierRow !== undefined) return invalid(i18n.t('queueRun.check.paymentInEarlierRow', [String(fact.paymentId), String(earlierRow)]), now);
  }
  const currency = chosen[0]?.currency ?? 'USD';
  const form = draftForm(row, defaults, chosen, currency, order.contact.id);
  const validation = validateRefundForm(form, facts, order.total);
  if (!validation.ok) {
    const problems = Object.values(validation.errors);
    return invalid(problems.join(' '), now);
  }
  const { plan } = validation;

  for (const line of plan.lines) {
    const active = await findActiveForPayment(deps.journal, line.paymentId);
    if (active.length > 0) return invalid(i18n.t('queueRun.check.refundInProgress', [String(line.paymentId)]), now);
  }
  // The same refund made before: a row given twice across queues, or a file imported again.
  const earlier = await deps.journal.refunds.where('orderId').equals(orderId).toArray();
  for (const line of plan.lines) {
    const same = earlier.find(
      (record) =>
        (record.state === 'confirmed' || record.state === 'recorded') && record.lines.some((done) => done.paymentId === line.paymentId && done.amountMinor === line.amountMinor),
    );
    if (same) {
      return invalid(
        i18n.t('queueRun.check.refundedBefore', [formatMoney(line.amountMinor, currency), String(line.paymentId), new Date(same.createdAt).toLocaleDateString()]),
        now,
      );
    }
  }
  return {
    status: 'ready',
    contact: { id: order.contact.id, ...context.contact },
    currency: plan.currency.toUpperCase(),
    lines: plan.lines.map((line) => {
      const fact = chosen.find((candidate) => candidate.paymentId === line.paymentId);
      return { paymentId: line.paymentId, amountMinor: line.amountMinor, gateway: fact?.gatewayName ?? fact?.merchantAccountName ?? i18n.t('queueRun.check.unknownGateway') };
    }),
    totalMinor: plan.totalMinor,
    checkedAt: now,
  };
}
