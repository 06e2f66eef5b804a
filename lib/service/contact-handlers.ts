import { i18n } from '#i18n';
import { contactDisplayName } from '@/lib/keap/contacts';
import { isKeapAppPage, isNewerAppOrigin } from '@/lib/keap-hosts';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { contactOrderRowsOf } from '@/lib/panel/contact-orders';
import { readConnections, writeConnections } from './api-key';
import { type AccessResult, newerAppAccess, storedAccess } from './keap-access';

/** Distinct contacts a tab may load amounts for in a minute before the person has to ask. */
export const CONTACTS_PER_TAB_PER_MINUTE = 4;
const MINUTE_MS = 60_000;

/** Contacts each tab loaded recently: a script on a Keap page steering the panel through ids gets no further. */
const recentContacts = new Map<number, { contactId: number; at: number }[]>();

function withinTabLimit(tabId: number, contactId: number, personAsked: boolean, now: number): boolean {
  const recent = (recentContacts.get(tabId) ?? []).filter((entry) => now - entry.at < MINUTE_MS);
  const known = recent.some((entry) => entry.contactId === contactId);
  const distinct = new Set(recent.map((entry) => entry.contactId)).size;
  if (!known && distinct >= CONTACTS_PER_TAB_PER_MINUTE && !personAsked) {
    recentContacts.set(tabId, recent);
    return false;
  }
  recentContacts.set(tabId, [...recent.filter((entry) => entry.contactId !== contactId), { contactId, at: now }]);
  return true;
}

/** `acme` for https://acme.infusionsoft.com; null for a page that names no classic Keap app (the API host names none). */
export function appNameOfOrigin(origin: string): string | null {
  if (!isKeapAppPage(`${origin}/`)) return null;
  const match = /^https:\/\/([a-z0-9-]+)\.infusionsoft\.com$/i.exec(origin);
  return match?.[1]?.toLowerCase() ?? null;
}

function appOfSender(data: { appOrigin?: string | undefined }, sender: SenderIdentity): string | null {
  if (sender.kind === 'content-script') return appNameOfOrigin(sender.origin);
  return data.appOrigin ? appNameOfOrigin(data.appOrigin) : null;
}

const noApp = () => ({ ok: false as const, error: { kind: 'other-app', message: i18n.t('refunding.access.pageAppUnknown') } });

/** How to find the key a request is answered with: its Keap app's, or for a page of the newer app the one key there is. */
function accessOfSender(data: { appOrigin?: string | undefined }, sender: SenderIdentity): (() => Promise<AccessResult>) | null {
  const origin = sender.kind === 'content-script' ? sender.origin : data.appOrigin;
  if (origin !== undefined && isNewerAppOrigin(origin)) return newerAppAccess;
  const appName = appOfSender(data, sender);
  return appName === null ? null : () => storedAccess(appName);
}

export async function getContactOrders(data: MessageData<'getContactOrders'>, sender: SenderIdentity): Promise<MessageOutput<'getContactOrders'>> {
  const { contactId, refresh, newest, personAsked } = data;
  const findAccess = accessOfSender(data, sender);
  if (findAccess === null) return noApp();
  if (sender.kind === 'content-script' && !withinTabLimit(sender.tabId, contactId, personAsked === true, Date.now())) {
    return {
      ok: false,
      error: {
        kind: 'paused',
        message: i18n.t('refunding.access.tooManyContacts', [i18n.t('panel.banner.loadAmounts')]),
      },
    };
  }
  const stored = await findAccess();
  if (!stored.ok) return stored.unbound && sender.kind === 'content-script' ? proofFor(stored, contactId) : { ok: false, error: stored.error };
  const { contacts } = stored.access;
  if (refresh) contacts.invalidateContact(contactId);
  const loaded = await contacts.getContactOrders(contactId);
  if (!loaded.ok) return loaded;
  const rows = contactOrderRowsOf(loaded.value, newest);
  if (!rows.ok) {
    // Like a failed read, lists that fail their check are not kept: the next look reads Keap again.
    contacts.invalidateContact(contactId);
    return rows;
  }
  return { ok: true, contactId, contactName: contactDisplayName(loaded.value.contact), orders: rows.value, orderCount: loaded.value.orders.length };
}

/** For a key not bound to any app yet: the contact's name and order ids, and no amounts, for the page to match. */
async function proofFor(stored: Extract<AccessResult, { ok: false }>, contactId: number): Promise<MessageOutput<'getContactOrders'>> {
  const loaded = await stored.unbound!.contacts.getContactOrders(contactId);
  if (!loaded.ok) return { ok: false, error: stored.error };
  const orders = loaded.value.orders.all();
  if (!orders.ok) return { ok: false, error: stored.error };
  return {
    ok: false,
    error: { kind: 'key-unbound', message: i18n.t('refunding.access.checkingKey') },
    proof: { contactName: contactDisplayName(loaded.value.contact), orderIds: orders.value.map((order) => order.id) },
  };
}

/**
 * The page showed the contact and orders an unbound key's API has for this id: the key is bound to
 * the page's Keap app. The orders are checked again here against the key's API.
 */
export async function bindKeapApp({ contactId, orderIds }: MessageData<'bindKeapApp'>, sender: SenderIdentity): Promise<MessageOutput<'bindKeapApp'>> {
  const appName = sender.kind === 'content-script' ? appNameOfOrigin(sender.origin) : null;
  if (appName === null) return noApp();
  const stored = await storedAccess(appName);
  if (stored.ok) return { ok: true, appName };
  if (!stored.unbound) return { ok: false, error: stored.error };
  const loaded = await stored.unbound.contacts.getContactOrders(contactId);
  const orders = loaded.ok ? loaded.value.orders.all() : null;
  const apiIds = new Set(orders?.ok ? orders.value.map((order) => order.id) : []);
  if (!orders?.ok || orderIds.some((orderId) => !apiIds.has(orderId)) || (orderIds.length === 0) !== (apiIds.size === 0)) {
    return { ok: false, error: { kind: 'no-match', message: i18n.t('refunding.access.ordersDoNotMatch') } };
  }
  const connections = await readConnections();
  const key = stored.unbound.connection.apiKey;
  await writeConnections(connections.map((connection) => (connection.apiKey === key && connection.appName === null ? { ...connection, appName, boundBy: 'page' } : connection)));
  return { ok: true, appName };
}
