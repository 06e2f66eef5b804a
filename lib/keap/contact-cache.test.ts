import { describe, expect, it } from 'vitest';
import type { KeapClient } from '@/lib/keap/client';
import { type ContactOrders, createContactCache } from '@/lib/keap/contact-cache';
import { keapDownError, notFoundError, notFoundMessage, type KeapResult } from '@/lib/keap/errors';
import { keapListing } from '@/lib/keap/listing';
import { contactSchema, merchantListSchema, orderListingSchema, transactionListingSchema } from '@/lib/keap/schemas';
import { merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';

/** The total of a cached contact's first order, in minor units. */
function firstOrderTotal(result: KeapResult<ContactOrders>): number | undefined {
  if (!result.ok) return undefined;
  const orders = result.value.orders.all();
  return orders.ok ? orders.value[0]?.total : undefined;
}

function stubClient() {
  const calls: string[] = [];
  let failMerchants = false;
  let failContact = false;
  let givenName = 'Ada';
  let orderTotal = 60;
  const unused = async (): Promise<never> => {
    throw new Error('not used by the cache');
  };
  const client: KeapClient = {
    getAccountProfile: unused,
    getUserInfo: unused,
    getContact: async (contactId) => {
      calls.push(`contact ${contactId}`);
      if (failContact) return { ok: false, error: notFoundError(`GET /v1/contacts/${contactId}`, notFoundMessage({ what: 'contact', id: contactId })) };
      return {
        ok: true,
        value: contactSchema.parse({ id: contactId, given_name: givenName, family_name: 'Lovelace', email_addresses: [{ email: 'ada@example.com', field: 'EMAIL1' }] }),
      };
    },
    getOrder: unused,
    listOrderPayments: unused,
    listOrderTransactions: unused,
    createNote: unused,
    listNotesForContact: unused,
    listNotesPage: unused,
    listOrdersForContact: async (contactId) => {
      calls.push(`orders ${contactId}`);
      return { ok: true, value: keapListing('GET /v1/orders', 'orders', [orderJson(1, { total: orderTotal })], orderListingSchema) };
    },
    listTransactionsForContact: async (contactId) => {
      calls.push(`transactions ${contactId}`);
      return { ok: true, value: keapListing('GET /v1/transactions', 'transactions', [transactionJson(9001)], transactionListingSchema) };
    },
    listMerchants: async () => {
      calls.push('merchants');
      if (failMerchants) return { ok: false, error: keapDownError('GET /v1/merchants', 503) };
      return { ok: true, value: merchantListSchema.parse(merchantsJson) };
    },
  };
  return {
    client,
    calls,
    setOrderTotal: (total: number) => void (orderTotal = total),
    setFailMerchants: (fail: boolean) => void (failMerchants = fail),
    setFailContact: (fail: boolean) => void (failContact = fail),
    setGivenName: (name: string) => void (givenName = name),
  };
}

describe('contact cache', () => {
  it('combines orders, transactions and merchants and serves repeats from the cache within the TTL', async () => {
    let now = 1_000;
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, ttlMs: 60_000, now: () => now });
    const first = await cache.getContactOrders(42);
    expect(first.ok && first.value).toMatchObject({ contactId: 42, fetchedAt: 1_000 });
    expect(firstOrderTotal(first)).toBe(6000);
    expect(first.ok && first.value.merchants.merchant_accounts).toHaveLength(3);
    now += 59_999;
    await cache.getContactOrders(42);
    expect(stub.calls).toEqual(['contact 42', 'orders 42', 'transactions 42', 'merchants']);
  });

  it('fetches again after the TTL, asking for merchants only once', async () => {
    let now = 0;
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, ttlMs: 60_000, now: () => now });
    await cache.getContactOrders(42);
    now += 60_000;
    stub.setOrderTotal(75);
    const again = await cache.getContactOrders(42);
    expect(firstOrderTotal(again)).toBe(7500);
    expect(stub.calls).toEqual(['contact 42', 'orders 42', 'transactions 42', 'merchants', 'contact 42', 'orders 42', 'transactions 42']);
  });

  it('invalidateContact forces a fresh read of that contact only', async () => {
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, now: () => 0 });
    await cache.getContactOrders(42);
    await cache.getContactOrders(43);
    cache.invalidateContact(42);
    stub.setOrderTotal(10);
    const fresh = await cache.getContactOrders(42);
    const other = await cache.getContactOrders(43);
    expect(firstOrderTotal(fresh)).toBe(1000);
    expect(firstOrderTotal(other)).toBe(6000);
  });

  it('a fetch started before invalidation is not kept', async () => {
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, now: () => 0 });
    const early = cache.getContactOrders(42);
    cache.invalidateContact(42);
    await early;
    stub.setOrderTotal(10);
    const after = await cache.getContactOrders(42);
    expect(firstOrderTotal(after)).toBe(1000);
  });

  it('callers at the same moment share one fetch', async () => {
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, now: () => 0 });
    await Promise.all([cache.getContactOrders(42), cache.getContactOrders(42), cache.getContactOrders(42)]);
    expect(stub.calls.filter((call) => call === 'orders 42')).toHaveLength(1);
  });

  it('does not cache failures', async () => {
    const stub = stubClient();
    stub.setFailMerchants(true);
    const cache = createContactCache({ client: stub.client, now: () => 0 });
    const failed = await cache.getContactOrders(42);
    expect(failed.ok ? null : failed.error.kind).toBe('keap-down');
    stub.setFailMerchants(false);
    expect((await cache.getContactOrders(42)).ok).toBe(true);
    expect(stub.calls.filter((call) => call === 'merchants')).toHaveLength(2);
  });

  it("brings back the contact as Keap's API has it, read again with the orders", async () => {
    let now = 0;
    const stub = stubClient();
    const cache = createContactCache({ client: stub.client, ttlMs: 60_000, now: () => now });
    const first = await cache.getContactOrders(42);
    expect(first.ok && first.value.contact).toMatchObject({
      id: 42,
      given_name: 'Ada',
      family_name: 'Lovelace',
      email_addresses: [{ email: 'ada@example.com' }],
    });
    stub.setGivenName('Augusta');
    // Within the TTL the cached contact stands; after it, the contact is read again.
    const cached = await cache.getContactOrders(42);
    expect(cached.ok && cached.value.contact.given_name).toBe('Ada');
    now += 60_000;
    const again = await cache.getContactOrders(42);
    expect(again.ok && again.value.contact.given_name).toBe('Augusta');
    expect(stub.calls.filter((call) => call === 'contact 42')).toHaveLength(2);
  });

  it('a failed contact read fails the load and is not cached', async () => {
    const stub = stubClient();
    stub.setFailContact(true);
    const cache = createContactCache({ client: stub.client, now: () => 0 });
    const failed = await cache.getContactOrders(42);
    expect(failed.ok).toBe(false);
    expect(failed.ok ? null : failed.error.kind).toBe('not-found');
    // The orders were read, but no amounts come back without the contact.
    expect(failed).not.toHaveProperty('value');
    stub.setFailContact(false);
    const next = await cache.getContactOrders(42);
    expect(next.ok && next.value.contact.id).toBe(42);
    expect(stub.calls.filter((call) => call === 'contact 42')).toHaveLength(2);
    expect(stub.calls.filter((call) => call === 'orders 42')).toHaveLength(2);
  });
});
