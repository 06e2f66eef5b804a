import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLinkedOrderId, sentOrderSortKey, sentTransactionLinks } from '@/lib/keap/listing';
import type { KeapTransactionListing } from '@/lib/keap/schemas';
import { v2OrderListing, v2TransactionListing } from '@/lib/keap/v2/listing';
import { orderV2Json, transactionV2Json } from '@/lib/keap/v2/test-fixtures';
import { orderV2Schema, transactionV2Schema } from '@/lib/keap/v2/schemas';

const ENDPOINT = 'GET /v2/orders';
/** The links of a transaction as the full check keeps them (the domain's comma-separated `order_ids`). */
const linksSchema = transactionV2Schema.pick({ order_ids: true }).transform((transaction): KeapTransactionListing => ({
  currency: 'USD',
  status: 'APPROVED',
  type: 'CAPTURE',
  gateway: null,
  gateway_account_name: null,
  collection_method: null,
  orders: null,
  order_ids: transaction.order_ids?.join(',') ?? null,
  amount: 0,
}));

function valueOf<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('a contact’s v2 orders as a listing', () => {
  it('gives the domain’s order listing, Money amounts in minor units', () => {
    const listing = v2OrderListing(ENDPOINT, [orderV2Json(5001, { refund_total: undefined }), orderV2Json(5002)]);
    expect(listing.length).toBe(2);
    expect(valueOf(listing.all())).toEqual([
      { id: 5001, title: 'Order 5001', total: 6000, total_paid: 6000, refund_total: 0, order_date: '2025-01-10T15:00:00Z' },
      { id: 5002, title: 'Order 5002', total: 6000, total_paid: 6000, refund_total: 0, order_date: '2025-01-10T15:00:00Z' },
    ]);
  });

  it('names a bad order by its place and v2’s field', () => {
    const listing = v2OrderListing(ENDPOINT, [orderV2Json(5001), orderV2Json(5002, { total: 60 })]);
    const checked = listing.all();
    expect(checked.ok ? 'ok' : checked.error.message).toBe("Keap's answer to GET /v2/orders had an unexpected value at orders[1].total.");
    expect(listing.some([0]).ok).toBe(true);
  });

  it('lets the panel’s readers read each order’s id and date as sent', () => {
    const listing = v2OrderListing(ENDPOINT, [orderV2Json(5001)]);
    expect(sentOrderSortKey(listing.sent?.[0])).toEqual({ id: 5001, orderDate: '2025-01-10' });
  });

  // The readers may give up on more than the schema refuses, never on less (as for v1, lib/keap/listing.test.ts).
  const anyValue = fc.oneof(fc.anything(), fc.integer(), fc.string(), fc.constantFrom('5001', '-1', '007', '2025-01-10T15:00:00Z', '2025-01-10', null, undefined));

  it('property: an order the sort-key reader accepts has the same id and date after the full check', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (id, orderTime) => {
        const listing = v2OrderListing(ENDPOINT, [orderV2Json(1, { id, order_time: orderTime })]);
        const key = sentOrderSortKey(listing.sent?.[0]);
        if (key === null) return;
        const checked = orderV2Schema.pick({ id: true, order_time: true }).parse(orderV2Json(1, { id, order_time: orderTime }));
        expect(key).toEqual({ id: checked.id, orderDate: checked.order_time.slice(0, 10) });
      }),
    );
  });

  it('property: links the reader accepts are the links the full check keeps', () => {
    const orderIds = fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 }));
    fc.assert(
      fc.property(orderIds, (ids) => {
        const item = transactionV2Json({ order_ids: ids });
        const listing = v2TransactionListing('GET /v2/sales/transactions', [item], linksSchema);
        const links = sentTransactionLinks(listing.sent?.[0]);
        if (links === null) return;
        const checked = valueOf(listing.all())[0];
        const visitedAsSent: number[] = [];
        const visitedChecked: number[] = [];
        forEachLinkedOrderId(links, (orderId) => visitedAsSent.push(orderId));
        if (checked) forEachLinkedOrderId(checked, (orderId) => visitedChecked.push(orderId));
        expect(visitedAsSent).toEqual(visitedChecked);
      }),
    );
  });
});
