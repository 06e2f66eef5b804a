import type { KeapClient } from '@/lib/keap/client';
import type { KeapResult } from '@/lib/keap/errors';
import type { KeapListing } from '@/lib/keap/listing';
import type { KeapContact, KeapMerchantList, KeapOrderListing, KeapTransactionListing } from '@/lib/keap/schemas';

/**
 * A short-lived copy of a contact's orders and transactions, so opening the panel, switching tabs
 * and re-rendering do not each cost Keap requests. It is only a copy: Keap stays the record, the
 * cache is dropped after `ttlMs` or on `invalidateContact`, and it vanishes with the service worker.
 */

export interface ContactOrders {
  contactId: number;
  /** The contact as Keap's API has it: its name must be on the page before amounts are shown there. */
  contact: KeapContact;
  /** Checked when read: the whole list once, or the few orders a first page needs before that. */
  orders: KeapListing<KeapOrderListing>;
  /** All of the contact's transactions (one paged list, not one request per order), checked when read. */
  transactions: KeapListing<KeapTransactionListing>;
  merchants: KeapMerchantList;
  fetchedAt: number;
}

export interface ContactCacheOptions {
  client: KeapClient;
  ttlMs?: number;
  now?: () => number;
}

export interface ContactCache {
  getContactOrders(contactId: number): Promise<KeapResult<ContactOrders>>;
  /** Call after anything that changes the contact's money in Keap (a refund, a note). */
  invalidateContact(contactId: number): void;
}

export function createContactCache(options: ContactCacheOptions): ContactCache {
  const { client } = options;
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? (() => Date.now());
  const entries = new Map<number, ContactOrders>();
  /** Callers asking at the same moment share one fetch. */
  const inFlight = new Map<number, Promise<KeapResult<ContactOrders>>>();
  /** Merchant accounts change rarely; asked for once, and again only after a failure. */
  let merchants: KeapMerchantList | undefined;
  /** Bumped on invalidation so a fetch started before it does not store stale data. */
  const generations = new Map<number, number>();

  async function loadMerchants(): Promise<KeapResult<KeapMerchantList>> {
    if (merchants !== undefined) return { ok: true, value: merchants };
    const result = await client.listMerchants();
    if (result.ok) merchants = result.value;
    return result;
  }

  async function fetchContact(contactId: number): Promise<KeapResult<ContactOrders>> {
    const generation = generations.get(contactId) ?? 0;
    const [contact, orders, transactions, merchantList] = await Promise.all([
      client.getContact(contactId),
      client.listOrdersForContact(contactId),
      client.listTransactionsForContact(contactId),
      loadMerchants(),
    ]);
    if (!contact.ok) return contact;
    if (!orders.ok) return orders;
    if (!transactions.ok) return transactions;
    if (!merchantList.ok) return merchantList;
    const value: ContactOrders = {
      contactId,
      contact: contact.value,
      orders: orders.value,
      transactions: transactions.value,
      merchants: merchantList.value,
      fetchedAt: now(),
    };
    if ((generations.get(contactId) ?? 0) === generation) entries.set(contactId, value);
    return { ok: true, value };
  }

  return {
    getContactOrders(contactId) {
      const cached = entries.get(contactId);
      if (cached !== undefined && now() - cached.fetchedAt < ttlMs) return Promise.resolve({ ok: true, value: cached });
      const pending = inFlight.get(contactId);
      if (pending !== undefined) return pending;
      const fetching = fetchContact(contactId).finally(() => {
        if (inFlight.get(contactId) === fetching) inFlight.delete(contactId);
      });
      inFlight.set(contactId, fetching);
      return fetching;
    },
    invalidateContact(contactId) {
      entries.delete(contactId);
      inFlight.delete(contactId);
      generations.set(contactId, (generations.get(contactId) ?? 0) + 1);
    },
  };
}
