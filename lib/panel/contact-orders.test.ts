import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keapListing } from '@/lib/keap/listing';
import { merchantListSchema, orderListingSchema, transactionListingSchema } from '@/lib/keap/schemas';
import { merchantsJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';
import { contactOrderRows, contactOrderRowsOf, summarizeFromTransactions } from './contact-orders';

// Raw v1 JSON through the schemas the contact's lists are read with, so decimals become cents as they do for real.
const order = (id: number, overrides: Record<string, unknown> = {}) => orderListingSchema.parse(orderJson(id, overrides));
const transaction = (id: number, overrides: Record<string, unknown> = {}) => transactionListingSchema.parse(transactionJson(id, overrides));
const merchants = merchantListSchema.parse(merchantsJson);
const summarize = (listed: ReturnType<typeof order>, transactions: ReturnType<typeof transaction>[]) => summarizeFromTransactions(listed, transactions, merchants);

describe('summarizeFromTransactions', () => {
  it('a settled card charge is refundable in full', () => {
    expect(summarize(order(1), [transaction(9001)])).toEqual({
      orderId: 1,
      currency: 'USD',
      totalMinor: 6000,
      paidMinor: 6000,
      refundedMinor: 0,
      refundableNowMinor: 6000,
      hasPending: false,
      hasManual: false,
      gatewayLimits: [],
      partiallyRefunded: false,
      fullyRefunded: false,
    });
  });

  it('refundable is settled charges minus the order’s refund_total; refund rows are not charges', () => {
    const summary = summarize(order(1, { total: 80, total_paid: 80, refund_total: 25.5 }), [
      transaction(9001, { amount: 50 }),
      transaction(9002, { amount: 30 }),
      transaction(9003, { type: 'REFUND', amount: 25.5 }),
    ]);
    expect(summary).toMatchObject({ totalMinor: 8000, refundedMinor: 2550, refundableNowMinor: 5450, partiallyRefunded: true, fullyRefunded: false });
  });

  it('an order refunded in full has nothing left and is fully refunded', () => {
    const summary = summarize(order(1, { refund_total: 60 }), [transaction(9001), transaction(9002, { type: 'REFUND' })]);
    expect(summary).toMatchObject({ refundedMinor: 6000, refundableNowMinor: 0, partiallyRefunded: false, fullyRefunded: true });
  });

  it('pending, failed and voided money is not refundable; pending is flagged', () => {
    const summary = summarize(order(1, { total: 120, total_paid: 30 }), [
      transaction(9001, { amount: 30 }),
      transaction(9002, { amount: 30, status: 'PENDING' }),
      transaction(9003, { amount: 30, status: 'FAILED' }),
      transaction(9004, { amount: 30, type: 'VOID' }),
    ]);
    expect(summary).toMatchObject({ refundableNowMinor: 3000, hasPending: true });
  });

  it('reads statuses and types without regard to case', () => {
    const summary = summarize(order(1), [transaction(9001, { status: 'approved', type: 'capture' }), transaction(9002, { type: 'refund' })]);
    expect(summary).toMatchObject({ refundableNowMinor: 6000, hasPending: false });
  });

  it('a manual payment is flagged, by type or by collection method', () => {
    expect(summarize(order(1), [transaction(9001, { type: 'MANUAL', gateway: null })]).hasManual).toBe(true);
    expect(summarize(order(1), [transaction(9001, { collection_method: 'manual' })]).hasManual).toBe(true);
    expect(summarize(order(1), [transaction(9001)]).hasManual).toBe(false);
  });

  it('names each gateway Refund Desk cannot refund through with Keap’s screen, once, with its limit', () => {
    const summary = summarize(order(1, { total: 120, total_paid: 120 }), [
      transaction(9001, { amount: 30, gateway: 'PayPal Express' }),
      transaction(9002, { amount: 30, gateway: 'PayPal Express' }),
      transaction(9003, { amount: 30, gateway: 'Stripe' }),
      transaction(9004, { amount: 30, gateway: 'Braintree', gateway_account_name: null }),
    ]);
    expect(summary.gatewayLimits).toEqual([
      { gatewayName: 'PayPal Express', text: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' },
      { gatewayName: 'Braintree', text: 'Refund Desk does not know whether Braintree can refund from Keap: refund it in your merchant account, then record it here' },
    ]);
    expect(summarize(order(1), [transaction(9001, { gateway: 'eWAY' })]).gatewayLimits.map((limit) => limit.gatewayName)).toEqual(['eWAY']);
  });

  it('reads a charge without a gateway name by its merchant account’s type; manual charges name no gateway', () => {
    const ewayMerchants = merchantListSchema.parse({ merchant_accounts: [{ id: 5, account_name: 'eWAY AU', type: 'EWAY' }] });
    const summary = summarizeFromTransactions(order(1), [transaction(9001, { gateway: null, gateway_account_name: 'eWAY AU' })], ewayMerchants);
    expect(summary.gatewayLimits.map((limit) => limit.gatewayName)).toEqual(['eWAY']);
    expect(summarize(order(1), [transaction(9001, { type: 'MANUAL', gateway: 'PayPal Express' })]).gatewayLimits).toEqual([]);
  });

  it('takes the currency from the transactions, USD when there are none', () => {
    expect(summarize(order(1), [transaction(9001, { currency: 'EUR' })]).currency).toBe('EUR');
    expect(summarize(order(1), [])).toMatchObject({ currency: 'USD', refundableNowMinor: 0, fullyRefunded: false });
  });

  it('a refund_total larger than what settled leaves nothing, never a negative amount', () => {
    const summary = summarize(order(1, { refund_total: 100 }), [transaction(9001)]);
    expect(summary).toMatchObject({ refundableNowMinor: 0, fullyRefunded: true });
  });
});

describe('contactOrderRows', () => {
  it('links each transaction to its orders by orders[] or order_ids, and ignores unlinked ones', () => {
    const rows = contactOrderRows(
      [order(1), order(2, { total: 40, total_paid: 40 }), order(3)],
      [
        transaction(9001, { order_ids: '1' }),
        transaction(9002, { amount: 40, order_ids: null, orders: [{ id: 2 }] }),
        transaction(9003, { amount: 99, order_ids: null, orders: null }),
      ],
      merchants,
    );
    const refundable = Object.fromEntries(rows.map((row) => [row.orderId, row.summary.refundableNowMinor]));
    expect(refundable).toEqual({ 1: 6000, 2: 4000, 3: 0 });
  });

  it('counts a transaction once for an order it names in both orders[] and order_ids, or twice in either', () => {
    const rows = contactOrderRows(
      [order(4), order(9)],
      [transaction(9001, { amount: 30, order_ids: ' 4, 4 ,x,, -5, 0, 1.5', orders: [{ id: 4 }, { id: 9 }, { id: 9 }] })],
      merchants,
    );
    const refundable = Object.fromEntries(rows.map((row) => [row.orderId, row.summary.refundableNowMinor]));
    expect(refundable).toEqual({ 4: 3000, 9: 3000 });
  });

  it('a row carries the order’s id, title and date (without the time)', () => {
    const [row] = contactOrderRows([order(7, { title: null, order_date: '2025-02-03T23:59:00.000+0000' })], [], merchants);
    expect(row).toMatchObject({ orderId: 7, title: '', orderDate: '2025-02-03' });
  });

  it('sorts newest first, and by id (newest first) within a day', () => {
    const rows = contactOrderRows(
      [
        order(1, { order_date: '2024-01-05T10:00:00.000Z' }),
        order(2, { order_date: '2025-06-01T08:00:00.000Z' }),
        order(3, { order_date: '2024-01-05T09:00:00.000Z' }),
        order(4, { order_date: '2024-12-31T00:00:00.000Z' }),
      ],
      [],
      merchants,
    );
    expect(rows.map((row) => row.orderId)).toEqual([2, 4, 3, 1]);
  });

  it('gives only the newest orders when asked for a first page, summed up as in the whole list', () => {
    const orders = [
      order(1, { order_date: '2024-01-05T10:00:00.000Z' }),
      order(2, { order_date: '2025-06-01T08:00:00.000Z', total: 40, total_paid: 40 }),
      order(3, { order_date: '2024-01-05T09:00:00.000Z' }),
    ];
    const transactions = [transaction(9001, { order_ids: '1' }), transaction(9002, { amount: 40, order_ids: '2' })];
    const firstPage = contactOrderRows(orders, transactions, merchants, 2);
    expect(firstPage.map((row) => row.orderId)).toEqual([2, 3]);
    expect(firstPage).toEqual(contactOrderRows(orders, transactions, merchants).slice(0, 2));
  });

  it('a contact without orders has no rows', () => {
    expect(contactOrderRows([], [transaction(9001)], merchants)).toEqual([]);
  });
});

/** A contact's lists as the client hands them over: Keap's JSON, checked when read; `checked` counts the items checked. */
function listsAsSent(orders: unknown[], transactions: unknown[]) {
  const checked = { orders: 0, transactions: 0 };
  return {
    checked,
    merchants,
    orders: keapListing(
      'GET /v1/orders',
      'orders',
      orders,
      orderListingSchema.refine(() => ++checked.orders > 0),
    ),
    transactions: keapListing(
      'GET /v1/transactions',
      'transactions',
      transactions,
      transactionListingSchema.refine(() => ++checked.transactions > 0),
    ),
  };
}

/** Order 1, newer (the first page of one), and order 2, older, with `olderOverrides`. */
function newerAndOlder(olderOverrides: Record<string, unknown> = {}) {
  return [orderJson(1, { order_date: '2025-06-01T10:00:00Z' }), orderJson(2, { order_date: '2024-01-01T10:00:00Z', ...olderOverrides })];
}

describe('contactOrderRowsOf', () => {
  // A small id range and few dates, so orders share days and transactions link to several orders, to none, or to missing ones.
  const orderId = fc.integer({ min: 1, max: 40 });
  const day = fc.constantFrom('2024-01-05', '2024-12-31', '2025-06-01', '2025-06-02');
  const cents = fc.integer({ min: 0, max: 50_000 }).map((value) => value / 100);
  const orderArbitrary = fc.record({ id: orderId, day, total: cents, refund: fc.option(cents, { nil: null }) });
  const transactionArbitrary = fc.record({
    amount: cents,
    // Which charge names the currency first depends on the transactions' order, kept by both paths.
    currency: fc.constantFrom('USD', 'EUR', null),
    status: fc.constantFrom('APPROVED', 'PENDING', 'FAILED'),
    type: fc.constantFrom('CAPTURE', 'REFUND', 'MANUAL'),
    gateway: fc.constantFrom('Stripe', 'PayPal Express', null),
    listed: fc.option(fc.array(orderId, { maxLength: 2 }), { nil: null }),
    text: fc.option(
      fc.array(orderId, { maxLength: 2 }).map((ids) => ids.join(',')),
      { nil: null },
    ),
  });
  const contactArbitrary = fc.record({
    orders: fc.array(orderArbitrary, { minLength: 1, maxLength: 30 }),
    transactions: fc.array(transactionArbitrary, { maxLength: 40 }),
    newest: fc.integer({ min: 1, max: 30 }),
  });

  it('property: a first page read as sent is the whole checked list’s first page, and leaves the rest unchecked', () => {
    fc.assert(
      fc.property(contactArbitrary, (contact) => {
        const ordersJson = contact.orders.map((item) =>
          orderJson(item.id, { order_date: `${item.day}T10:00:00.000Z`, total: item.total, total_paid: item.total, refund_total: item.refund }),
        );
        const transactionsJson = contact.transactions.map((item, index) =>
          transactionJson(9000 + index, {
            amount: item.amount,
            currency: item.currency,
            status: item.status,
            type: item.type,
            gateway: item.gateway,
            orders: item.listed?.map((id) => ({ id })) ?? null,
            order_ids: item.text,
          }),
        );
        const expected = contactOrderRows(
          ordersJson.map((json) => orderListingSchema.parse(json)),
          transactionsJson.map((json) => transactionListingSchema.parse(json)),
          merchants,
          contact.newest,
        );
        const lists = listsAsSent(ordersJson, transactionsJson);
        expect(contactOrderRowsOf(lists, contact.newest)).toEqual({ ok: true, value: expected });
        if (contact.newest >= contact.orders.length) {
          expect(lists.checked).toEqual({ orders: contact.orders.length, transactions: contact.transactions.length });
          return;
        }
        // A first page smaller than the list checks its orders and the transactions naming them, nothing else.
        const firstPageIds = new Set(expected.map((row) => row.orderId));
        const namingFirstPage = contact.transactions.filter((item) =>
          [...(item.listed ?? []), ...(item.text ? item.text.split(',').map(Number) : [])].some((id) => firstPageIds.has(id)),
        );
        expect(lists.checked).toEqual({ orders: contact.newest, transactions: namingFirstPage.length });
        expect(lists.orders.sent).toHaveLength(contact.orders.length);
      }),
    );
  });

  it('a bad order outside the first page lets the first page through; asking for all then fails on it', () => {
    const lists = listsAsSent(newerAndOlder({ total: 'lots' }), [transactionJson(9001, { order_ids: '1' }), transactionJson(9002, { order_ids: '2', status: 7 })]);
    const firstPage = contactOrderRowsOf(lists, 1);
    expect(firstPage.ok && firstPage.value.map((row) => [row.orderId, row.summary.refundableNowMinor])).toEqual([[1, 6000]]);
    const all = contactOrderRowsOf(lists);
    expect(all.ok ? null : all.error.message).toBe("Keap's answer to GET /v1/orders had an unexpected value at orders[1].total.");
  });

  it('a bad transaction of a first-page order fails the first page, named by its place in Keap’s list', () => {
    const lists = listsAsSent(newerAndOlder(), [transactionJson(9001, { order_ids: '2' }), transactionJson(9002, { order_ids: '1', status: 7 })]);
    const firstPage = contactOrderRowsOf(lists, 1);
    expect(firstPage.ok ? null : firstPage.error.message).toBe("Keap's answer to GET /v1/transactions had an unexpected value at transactions[1].status.");
  });

  it('links it cannot read as sent make it check everything first', () => {
    const lists = listsAsSent(newerAndOlder(), [transactionJson(9001, { order_ids: '1' }), transactionJson(9002, { order_ids: 2 })]);
    const firstPage = contactOrderRowsOf(lists, 1);
    expect(firstPage.ok ? null : firstPage.error.message).toBe("Keap's answer to GET /v1/transactions had an unexpected value at transactions[1].order_ids.");
    expect(lists.checked.orders).toBe(2);
  });

  it('once everything is checked, a first page comes from the checked lists', () => {
    const lists = listsAsSent(newerAndOlder(), [transactionJson(9001, { order_ids: '1', amount: 12.5 })]);
    expect(contactOrderRowsOf(lists).ok).toBe(true);
    expect(lists.orders.sent).toBeUndefined();
    const firstPage = contactOrderRowsOf(lists, 1);
    expect(firstPage.ok && firstPage.value.map((row) => [row.orderId, row.summary.refundableNowMinor])).toEqual([[1, 1250]]);
  });
});
