import { describe, expect, it } from 'vitest';
import type { KeapClient } from '@/lib/keap/client';
import { type ContactOrders, createContactCache } from '@/lib/keap/contact-cache';
import { keapDownError, type KeapResult } from '@/lib/keap/errors';
import { keapListing } from '@/lib/keap/listing';
import { merchantListSchema, orderListingSchema, transactionListingSchema } from '@/lib/keap/schemas';
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
  let orderTotal = 60;
  const unused = async (): Promise<never> => {
    throw new Error('not used by the cache');
  };
  const client: KeapClient = {
    getAccountProfile: unused,
    getContact: unused,
    getOrder: unused,
    listOrderPayments: unused,
    listOrderTransactions: unused,
    createNote: unused,
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
      if (failMerchants) return { ok: false, error: keapDownError('GET /v1/merchants', 503) } as KeapResult<never>;
      return { ok: true, value: merchantListSchema.parse(merchantsJson) };
    },
  };
  return {
    client,
    calls,
    setOrderTotal: (total: number) => void (orderTotal = total),
    setFailMerchants: (fail: boolean) => void (failMerchants = fail),
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
    expect(stub.calls).toEqual(['orders 42', 'transactions 42', 'merchants']);
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
    expect(stub.calls).toEqual(['orders 42', 'transactions 42', 'merchants', 'orders 42', 'transactions 42']);
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
});
