import { browser } from 'wxt/browser';
import { type JournalDb, openJournal } from '@/lib/audit/db';
import { applyRetention, markConfirmedByApi, markState, reconcileInterrupted, type CheckRecord } from '@/lib/audit/journal';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { classifyKeapUrl } from '@/lib/keap-hosts';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { tabMessenger } from '@/lib/messaging/tab-protocol';
import { checkRefundEvidence } from '@/lib/refund/evidence';
import { type ExecutorDeps, executeRefund, prepareRefund, readOrderNow } from '@/lib/refund/executor';
import { refundChannelFor } from '@/lib/refund/rules';
import { readSettings } from '@/lib/settings';
import { storedAccess } from './keap-access';
import { markOrderPageReady, runRefundScreenInTab } from './refund-screen-tab';

let journal: Promise<JournalDb> | null = null;
export function backgroundJournal(): Promise<JournalDb> {
  journal ??= openJournal();
  return journal;
}

/** Keap tabs showing a contact learn that its money changed, so their Refunds panels reload. */
async function announceContactChanged(contactId: number): Promise<void> {
  const tabs = await browser.tabs.query({ url: ['https://*.infusionsoft.com/Contact/*', 'https://keap.app/*', 'https://*.keap.app/*'] });
  for (const tab of tabs) {
    if (tab.id === undefined || !tab.url) continue;
    const page = classifyKeapUrl(tab.url);
    if ((page.kind === 'classic-contact' || page.kind === 'new-ui-contact') && page.contactId === contactId) {
      void tabMessenger.sendMessage('contactChanged', { contactId }, tab.id).catch(() => undefined);
    }
  }
}

async function executorDeps(): Promise<{ ok: true; deps: ExecutorDeps } | { ok: false; error: { kind: string; message: string } }> {
  const stored = await storedAccess();
  if (!stored.ok) return stored;
  const { client, contacts } = stored.access;
  return {
    ok: true,
    deps: {
      db: await backgroundJournal(),
      client,
      runRefundScreen: runRefundScreenInTab,
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

export function orderPageReady(_data: MessageData<'orderPageReady'>, sender: SenderIdentity): MessageOutput<'orderPageReady'> {
  if (sender.kind === 'content-script') markOrderPageReady(sender.tabId);
  return { ok: true };
}

export async function getOrderForRefund({ orderId, contactId }: MessageData<'getOrderForRefund'>): Promise<MessageOutput<'getOrderForRefund'>> {
  const stored = await storedAccess();
  if (!stored.ok) return stored;
  const { client } = stored.access;
  const [orderNow, merchants, contact, settings] = await Promise.all([
    readOrderNow(client, orderId),
    client.listMerchants(),
    client.getContact(contactId),
    readSettings(),
  ]);
  if (!orderNow.ok) return orderNow;
  if (!merchants.ok) return merchants;
  if (!contact.ok) return contact;
  const { order } = orderNow.value;
  if (order.contact.id !== contactId) {
    return { ok: false, error: { kind: 'wrong-contact', message: `Order #${orderId} belongs to another contact.` } };
  }
  const facts = derivePaymentFacts({ ...orderNow.value, merchants: merchants.value });
  const name = [contact.value.given_name, contact.value.family_name].filter(Boolean).join(' ');
  return {
    ok: true,
    view: {
      contact: { id: contactId, name: name || `Contact ${contactId}`, email: contact.value.email_addresses?.[0]?.email ?? '' },
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
    },
  };
}

export async function startRefund(data: MessageData<'startRefund'>): Promise<MessageOutput<'startRefund'>> {
  const access = await executorDeps();
  if (!access.ok) return access;
  const prepared = await prepareRefund(data, access.deps);
  if (!prepared.ok) return prepared;
  // Carried out here in the background, so closing the side panel does not stop it; the side
  // panel follows progress in the journal.
  void (async () => {
    for (const refundId of prepared.refundIds) {
      const record = await access.deps.db.refunds.get(refundId);
      if (record?.state === 'planned') await executeRefund(refundId, access.deps);
    }
  })().catch((cause: unknown) => console.error('Refund Desk: a refund stopped unexpectedly', cause));
  return prepared;
}

/** Looks in Keap's API for the refund a record describes, against the baseline taken before it was sent. */
function checkAgainstKeap(deps: ExecutorDeps): CheckRecord {
  return async (record) => {
    if (!record.baseline) return { confirmed: false, reason: 'Refund Desk has no "before" picture of this order to compare with. Check the order in Keap.' };
    const orderNow = await readOrderNow(deps.client, record.orderId);
    // Thrown, not answered: reconciliation leaves the record as it was, to be checked again later.
    if (!orderNow.ok) throw new Error(orderNow.error.message);
    const check = checkRefundEvidence(record.lines, record.baseline, orderNow.value);
    if (!check.allConfirmed) {
      return { confirmed: false, reason: `Keap's API does not show this refund on order #${record.orderId}. Check the order in Keap before trying again.` };
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
  const access = await executorDeps();
  if (!access.ok) return;
  const report = await reconcileInterrupted(access.deps.db, checkAgainstKeap(access.deps));
  const touched = [...report.confirmed, ...report.recorded, ...report.needsManual];
  for (const id of touched) {
    const record = await access.deps.db.refunds.get(id);
    if (record) access.deps.onContactChanged(record.contact.id);
  }
}

export async function recheckRefund({ refundId }: MessageData<'recheckRefund'>): Promise<MessageOutput<'recheckRefund'>> {
  const access = await executorDeps();
  if (!access.ok) return access;
  const record = await access.deps.db.refunds.get(refundId);
  if (!record) return { ok: false, error: { kind: 'not-found', message: 'This refund is no longer in the history.' } };
  if (record.state !== 'needs-manual') return { ok: true, state: record.state };
  let result;
  try {
    result = await checkAgainstKeap(access.deps)(record);
  } catch (cause) {
    return { ok: false, error: { kind: 'keap-unavailable', message: cause instanceof Error ? cause.message : String(cause) } };
  }
  if (!result.confirmed) return { ok: false, error: { kind: 'not-confirmed', message: result.reason } };
  const to = await markConfirmedByApi(access.deps.db, record, result.evidence, 'Confirmed when a person asked to check again', { from: 'needs-manual' });
  access.deps.onContactChanged(record.contact.id);
  return { ok: true, state: to };
}

export async function markNotRefunded({ refundId }: MessageData<'markNotRefunded'>): Promise<MessageOutput<'markNotRefunded'>> {
  const db = await backgroundJournal();
  const record = await db.refunds.get(refundId);
  if (!record) return { ok: false, error: { kind: 'not-found', message: 'This refund is no longer in the history.' } };
  if (record.state !== 'needs-manual') {
    return { ok: false, error: { kind: 'not-allowed', message: 'Only a refund waiting for you can be marked as not refunded.' } };
  }
  await markState(db, refundId, 'failed', { error: { kind: 'not-refunded', message: 'A person checked in Keap: no refund was made.' }, note: 'Marked as not refunded by a person' }, { from: 'needs-manual' });
  return { ok: true };
}

/** Removes finished refunds older than the retention setting; in-flight ones are always kept. */
export async function applyHistoryRetention(): Promise<void> {
  const { historyRetentionDays } = await readSettings();
  if (historyRetentionDays > 0) await applyRetention(await backgroundJournal(), { olderThanDays: historyRetentionDays });
}
