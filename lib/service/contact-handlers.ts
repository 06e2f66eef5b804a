import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import { contactOrderRowsOf } from '@/lib/panel/contact-orders';
import { storedAccess } from './keap-access';

export async function getContactOrders({ contactId, refresh, newest }: MessageData<'getContactOrders'>): Promise<MessageOutput<'getContactOrders'>> {
  const stored = await storedAccess();
  if (!stored.ok) return stored;
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
  return { ok: true, contactId, orders: rows.value, orderCount: loaded.value.orders.length };
}
