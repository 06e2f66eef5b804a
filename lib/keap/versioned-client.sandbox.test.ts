import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import type { KeapResult } from '@/lib/keap/errors';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { createKeapV2Client } from '@/lib/keap/v2/client';
import { createVersionedKeapClient } from '@/lib/keap/versioned-client';
import { contactOrderRowsOf } from '@/lib/panel/contact-orders';
import { baselineOf, checkRefundEvidence } from '@/lib/refund/evidence';
import { postRefund } from '@/test/sandbox/http-helpers';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';

/**
 * One code path above the client: everything Refund Desk derives from Keap's API (payment facts,
 * order summaries, the Refunds panel's rows, refund evidence) comes out the same whether REST v2
 * or REST v1 answered, against the sandbox, which keeps one set of books for both.
 */

function valueOf<T>(result: KeapResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

function clients() {
  const options = { apiKey: sandbox.apiKey, baseUrl: sandbox.apiBase, limiter: createRateLimiter() };
  const reported: string[] = [];
  const v1 = createKeapClient(options);
  return {
    v1,
    versioned: createVersionedKeapClient({ v1: createKeapClient(options), v2: createKeapV2Client(options), onV1Only: (endpoint) => reported.push(endpoint) }),
    reported,
  };
}

/** What the side panel and the refund rules derive from an order. */
async function orderFacts(client: KeapClient, orderId: number) {
  const [order, payments, transactions, merchants] = await Promise.all([
    client.getOrder(orderId),
    client.listOrderPayments(orderId),
    client.listOrderTransactions(orderId),
    client.listMerchants(),
  ]);
  const facts = derivePaymentFacts({ order: valueOf(order), payments: valueOf(payments), transactions: valueOf(transactions), merchants: valueOf(merchants) });
  return { summary: summarizeOrder(valueOf(order), facts), facts };
}

/** What the Refunds panel shows for a contact: its first page read as sent, then every order checked. */
async function panelRows(client: KeapClient, contactId: number) {
  const [orders, transactions, merchants] = await Promise.all([client.listOrdersForContact(contactId), client.listTransactionsForContact(contactId), client.listMerchants()]);
  const lists = { orders: valueOf(orders), transactions: valueOf(transactions), merchants: valueOf(merchants) };
  return { firstPage: valueOf(contactOrderRowsOf(lists, 20)), all: valueOf(contactOrderRowsOf(lists)) };
}

const ORDERS = Object.values(SEED.orders);

describe('REST v2 and REST v1 give Refund Desk the same facts', () => {
  it('for every seeded kind of order: payments, their gateways and limits, test mode, pending and manual payments, refunds', async () => {
    const { v1, versioned, reported } = clients();
    const fromV2 = [];
    for (const orderId of ORDERS) fromV2.push(await orderFacts(versioned, orderId));
    // v1 only for the gateway of the one PayPal account, which v2 calls PAYPAL.
    expect(Object.keys(sandbox.stats().byPath).filter((path) => path.startsWith('/crm/rest/v1/'))).toEqual([`/crm/rest/v1/orders/${SEED.orders.paypalExpress}/transactions`]);
    expect(reported).toEqual([]);
    for (const [index, orderId] of ORDERS.entries()) expect(fromV2[index], `order ${orderId}`).toEqual(await orderFacts(v1, orderId));
  });

  it('for the Refunds panel’s rows of a contact, the first page and the whole list', async () => {
    const { v1, versioned } = clients();
    for (const contactId of [SEED.contacts.demo, SEED.contacts.hostile, SEED.contacts.fiftyOrders, SEED.contacts.thousandOrders]) {
      expect(await panelRows(versioned, contactId), `contact ${contactId}`).toEqual(await panelRows(v1, contactId));
    }
  });

  it('for the contact and the key’s user', async () => {
    const { v1, versioned } = clients();
    const pick = (contact: { id: number; given_name?: string | null; family_name?: string | null; email_addresses?: { email: string }[] | null }) => ({
      id: contact.id,
      name: [contact.given_name, contact.family_name],
      emails: contact.email_addresses?.map((address) => address.email),
    });
    expect(pick(valueOf(await versioned.getContact(SEED.contacts.hostile)))).toEqual(pick(valueOf(await v1.getContact(SEED.contacts.hostile))));
    const user = (info: { given_name?: string | null; family_name?: string | null; email?: string | null }) => [info.given_name, info.family_name, info.email];
    expect(user(valueOf(await versioned.getUserInfo()))).toEqual(user(valueOf(await v1.getUserInfo())));
    expect(valueOf(await versioned.getAccountProfile()).name).toBe(SEED.appName);
  });

  it('when invoice payments do not name their charge (the linking guess wrong)', async () => {
    sandbox.setFaults({ paymentIdsAreNotTransactionIds: true });
    const { v1, versioned } = clients();
    for (const orderId of [SEED.orders.twoPayments, SEED.orders.fivePayments, SEED.orders.partiallyRefunded]) {
      expect(await orderFacts(versioned, orderId)).toEqual(await orderFacts(v1, orderId));
    }
  });
});

describe('a refund made on Keap’s refund screen shows in v2 as in v1', () => {
  it('is confirmed by the same evidence against the same “before” snapshot', async () => {
    const { v1, versioned } = clients();
    const snapshot = async (client: KeapClient) =>
      baselineOf(
        valueOf(await client.getOrder(SEED.orders.twoPayments)),
        valueOf(await client.listOrderPayments(SEED.orders.twoPayments)),
        valueOf(await client.listOrderTransactions(SEED.orders.twoPayments)),
      );
    const before = await snapshot(versioned);
    expect(before).toEqual(await snapshot(v1));
    await postRefund(sandbox, {
      orderId: SEED.orders.twoPayments,
      reason: 'Damaged',
      method: 'refund',
      onFailure: 'skip',
      amountOwed: '0.00',
      payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '25.00' }],
    });
    const evidence = async (client: KeapClient) =>
      checkRefundEvidence([{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 2500 }], before, {
        order: valueOf(await client.getOrder(SEED.orders.twoPayments)),
        payments: valueOf(await client.listOrderPayments(SEED.orders.twoPayments)),
        transactions: valueOf(await client.listOrderTransactions(SEED.orders.twoPayments)),
      });
    const fromV2 = await evidence(versioned);
    expect(fromV2).toMatchObject({ allConfirmed: true, orderRefundTotalMinor: 2500 });
    expect(fromV2.refundTransactionIds).toHaveLength(1);
    expect(fromV2).toEqual(await evidence(v1));
  });

  it('and a note written through v2 is on the contact for v1 too', async () => {
    const { v1, versioned } = clients();
    const written = valueOf(await versioned.createNote({ contact_id: SEED.contacts.demo, title: 'Refund Desk: $25.00', body: 'Refunded', type: 'Other' }));
    expect(valueOf(await v1.listNotesForContact(SEED.contacts.demo)).find((note) => note.id === written.id)).toMatchObject({ title: 'Refund Desk: $25.00', body: 'Refunded' });
    expect(valueOf(await versioned.listNotesForContact(SEED.contacts.demo)).map((note) => note.id)).toContain(written.id);
    expect(sandbox.stats().byPath[`/crm/rest/v2/contacts/${SEED.contacts.demo}/notes`]).toBe(2);
  });
});

describe('an account that answers v2 only with 404 or 501 ("v1 only")', () => {
  it.each(['not-found', 'not-implemented'] as const)('%s: the same facts and rows, through v1, each endpoint reported once', async (availability) => {
    sandbox.setV2(availability);
    const { v1, versioned, reported } = clients();
    expect(await orderFacts(versioned, SEED.orders.twoPayments)).toEqual(await orderFacts(v1, SEED.orders.twoPayments));
    expect(await orderFacts(versioned, SEED.orders.paypalExpress)).toEqual(await orderFacts(v1, SEED.orders.paypalExpress));
    expect(await panelRows(versioned, SEED.contacts.demo)).toEqual(await panelRows(v1, SEED.contacts.demo));
    valueOf(await versioned.createNote({ contact_id: SEED.contacts.demo, title: 'Refund Desk', body: 'Refunded', type: 'Other' }));
    expect([...reported].sort()).toEqual(
      [
        'GET /v2/orders/{order_id}',
        'GET /v2/orders/{order_id}/payments',
        'GET /v2/sales/transactions',
        'GET /v2/merchants',
        'GET /v2/orders',
        'GET /v2/oauth/connect/userinfo',
        'POST /v2/contacts/{contact_id}/notes',
      ].sort(),
    );
    const v2Calls = Object.entries(sandbox.stats().byPath).filter(([path]) => path.startsWith('/crm/rest/v2/'));
    // Each v2 endpoint was asked once, then left alone; an item endpoint is told from a missing thing by v1's answer.
    expect(v2Calls.every(([, count]) => count === 1)).toBe(true);
  });
});
