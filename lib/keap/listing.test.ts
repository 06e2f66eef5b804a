import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLinkedOrderId, keapListing, sentOrderSortKey, sentTransactionLinks } from '@/lib/keap/listing';
import { orderListingSchema, orderSchema, transactionSchema } from '@/lib/keap/schemas';
import { orderJson, transactionJson } from '@/lib/keap/test-fixtures';

const ordersAsSent = (items: unknown[]) => keapListing('GET /v1/orders', 'orders', items, orderListingSchema);

describe('keapListing', () => {
  it('all() checks every item, names the first bad one by its place, and keeps the items as sent after a failure', () => {
    const listing = ordersAsSent([orderJson(1), orderJson(2), orderJson(3, { total: 'lots' }), orderJson(4, { total_paid: null })]);
    const checked = listing.all();
    expect(checked.ok ? null : checked.error).toEqual({
      kind: 'unexpected-answer',
      endpoint: 'GET /v1/orders',
      fieldPath: 'orders[2].total',
      message: "Keap's answer to GET /v1/orders had an unexpected value at orders[2].total.",
    });
    expect(listing.sent).toHaveLength(4);
    // A failure is kept: asking again gives it without checking the items again.
    expect(listing.all()).toBe(checked);
  });

  it('all() checks once: the items become minor units and the items as sent are let go', () => {
    const listing = ordersAsSent([orderJson(1, { total: 19.99 }), orderJson(2)]);
    const first = listing.all();
    expect(first.ok && first.value.map((order) => order.total)).toEqual([1999, 6000]);
    expect(listing.sent).toBeUndefined();
    expect(listing.length).toBe(2);
    const again = listing.all();
    expect(again.ok && first.ok && again.value === first.value).toBe(true);
  });

  it('some() checks only the items asked for, in the order asked', () => {
    const listing = ordersAsSent([orderJson(1), orderJson(2, { total: 'lots' }), orderJson(3)]);
    const picked = listing.some([2, 0]);
    expect(picked.ok && picked.value.map((order) => order.id)).toEqual([3, 1]);
    const bad = listing.some([0, 1]);
    expect(bad.ok ? null : bad.error.message).toBe("Keap's answer to GET /v1/orders had an unexpected value at orders[1].total.");
    expect(listing.sent).toHaveLength(3);
  });

  it('some() after all() hands out the checked items', () => {
    const listing = ordersAsSent([orderJson(1), orderJson(2)]);
    const all = listing.all();
    const picked = listing.some([1]);
    expect(all.ok && picked.ok && picked.value[0] === all.value[1]).toBe(true);
  });
});

describe('forEachLinkedOrderId', () => {
  it('visits orders[] first, then each id in order_ids; bad parts are skipped, repeats visited again', () => {
    const visited: number[] = [];
    forEachLinkedOrderId({ orders: [{ id: 4 }, { id: 9 }], order_ids: ' 3, 4 ,x,, -5, 0, 1.5' }, (orderId) => visited.push(orderId));
    expect(visited).toEqual([4, 9, 3, 4]);
  });

  it('a transaction linked to nothing visits nothing', () => {
    const visited: number[] = [];
    forEachLinkedOrderId({ orders: null, order_ids: null }, (orderId) => visited.push(orderId));
    forEachLinkedOrderId({}, (orderId) => visited.push(orderId));
    expect(visited).toEqual([]);
  });
});

describe('reading an order’s sort key and a transaction’s links as sent', () => {
  it('reads a well-formed order’s id and day', () => {
    expect(sentOrderSortKey(orderJson(7, { order_date: '2025-03-04T23:59:00+0000' }))).toEqual({ id: 7, orderDate: '2025-03-04' });
  });

  it.each([
    ['not an object', 'order 7'],
    ['an array', [7, '2025-03-04']],
    ['an id that is text', orderJson(7, { id: '7' })],
    ['an id with a fraction', orderJson(7, { id: 7.5 })],
    ['an id beyond the safe integers', orderJson(7, { id: 2 ** 53 })],
    ['no order date', orderJson(7, { order_date: undefined })],
    ['an order date that is a number', orderJson(7, { order_date: 20250304 })],
    ['an order date that is not a date', orderJson(7, { order_date: 'yesterday' })],
  ])('gives up on %s', (_label, item) => {
    expect(sentOrderSortKey(item)).toBeNull();
  });

  it('reads well-formed links, absent or null ones included', () => {
    const linked = transactionJson(1, { orders: [{ id: 4 }], order_ids: '4,5' });
    expect(sentTransactionLinks(linked)).toBe(linked);
    const unlinked = transactionJson(1, { orders: null, order_ids: null });
    expect(sentTransactionLinks(unlinked)).toBe(unlinked);
    expect(sentTransactionLinks({ amount: 1 })).toEqual({ amount: 1 });
  });

  it.each([
    ['not an object', null],
    ['order_ids that is a number', transactionJson(1, { order_ids: 4 })],
    ['orders that is not an array', transactionJson(1, { orders: { id: 4 } })],
    ['an order without an id', transactionJson(1, { orders: [{ number: 4 }] })],
    ['an order id that is text', transactionJson(1, { orders: [{ id: '4' }] })],
    ['an order that is null', transactionJson(1, { orders: [null] })],
    ['an order that is an array', transactionJson(1, { orders: [[4]] })],
  ])('gives up on %s', (_label, item) => {
    expect(sentTransactionLinks(item)).toBeNull();
  });

  // The readers may give up on more than the schemas refuse, never on less: what they read is what a full check keeps.
  const anyValue = fc.oneof(fc.anything(), fc.integer(), fc.string(), fc.constantFrom('2025-01-10T15:00:00Z', '2025-01-10', null, undefined));

  it('property: an order the sort-key reader accepts has the same id and date after the full check', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (id, orderDate) => {
        const item = orderJson(1, { id, order_date: orderDate });
        const key = sentOrderSortKey(item);
        if (key === null) return;
        const checked = orderSchema.pick({ id: true, order_date: true }).parse(item);
        expect(key).toEqual({ id: checked.id, orderDate: checked.order_date.slice(0, 10) });
      }),
    );
  });

  it('property: links the reader accepts are the links the full check keeps', () => {
    const ordersValue = fc.oneof(anyValue, fc.array(fc.oneof(anyValue, fc.record({ id: anyValue }))));
    fc.assert(
      fc.property(ordersValue, anyValue, (orders, orderIds) => {
        const item = transactionJson(1, { orders, order_ids: orderIds });
        const links = sentTransactionLinks(item);
        if (links === null) return;
        const checked = transactionSchema.pick({ orders: true, order_ids: true }).parse(item);
        const visitedAsSent: number[] = [];
        const visitedChecked: number[] = [];
        forEachLinkedOrderId(links, (orderId) => visitedAsSent.push(orderId));
        forEachLinkedOrderId(checked, (orderId) => visitedChecked.push(orderId));
        expect(visitedAsSent).toEqual(visitedChecked);
      }),
    );
  });
});
