import type { KeapClient } from '@/lib/keap/client';
import { formatFieldPath, unexpectedAnswerError, type KeapError, type KeapResult } from '@/lib/keap/errors';
import { ok } from '@/lib/keap/request';
import type { KeapMerchantList } from '@/lib/keap/schemas';
import { unitShownByTotals, type AmountsAndTotal } from '@/lib/keap/v2/amount-unit';
import type { KeapV2Client } from '@/lib/keap/v2/client';
import { v2OrderListing, v2TransactionListing } from '@/lib/keap/v2/listing';
import {
  accountProfileOf,
  contactOf,
  invoicePaymentsOf,
  merchantListOf,
  noteOf,
  orderOf,
  transactionListingOfV2Schema,
  transactionsOf,
  userInfoOf,
  type PlainAmounts,
  type TransactionContext,
} from '@/lib/keap/v2/domain';
import { orderV2Schema, transactionV2Schema, type InvoiceOrderPayment, type OrderV2, type TransactionV2 } from '@/lib/keap/v2/schemas';
import { DEFAULT_CURRENCY } from '@/lib/money';

/**
 * The Keap client the extension uses: Keap's default API, REST v2, for every read and write v2
 * covers, answered in the domain types of schemas.ts (v2/domain.ts), so nothing above the client
 * knows which version answered. REST v1 is used only where v2 lacks something Refund Desk needs
 * (docs/keap-api-use.md lists each use and why):
 * - a v2 endpoint the account answers 404 (and v1 has what v2 said was not there) or 501: that
 *   endpoint goes to v1 for the rest of the session, reported once through `onV1Only`;
 * - v2's plain amounts (payments', transactions') until their unit is confirmed against an order's
 *   Money totals (v2/amount-unit.ts): a read whose unit cannot be confirmed is answered from v1;
 * - the gateway of a PayPal merchant account (v2 says only PAYPAL, and PayPal Express cannot refund
 *   from Keap while PayPal Commerce can): read once per account from v1's transactions;
 * - a note, when v2 cannot name the Keap user writing it (v2 requires one; v1 does not);
 * - one page of notes by offset, with the count of all (v2 pages by token and counts nothing).
 */

export interface VersionedKeapClientOptions {
  v1: KeapClient;
  v2: KeapV2Client;
  /** Told once per session of each v2 endpoint that now answers through v1 ("GET /v2/orders"). */
  onV1Only?: (endpoint: string) => void;
}

/** The v2 endpoints behind each read and write, as the fallback names them. */
const V2_ENDPOINTS = {
  businessProfile: 'GET /v2/businessProfile',
  userInfo: 'GET /v2/oauth/connect/userinfo',
  contact: 'GET /v2/contacts/{contact_id}',
  orders: 'GET /v2/orders',
  order: 'GET /v2/orders/{order_id}',
  orderPayments: 'GET /v2/orders/{order_id}/payments',
  transactions: 'GET /v2/sales/transactions',
  merchants: 'GET /v2/merchants',
  contactNotes: 'GET /v2/contacts/{contact_id}/notes',
  createNote: 'POST /v2/contacts/{contact_id}/notes',
} as const;
type V2Endpoint = (typeof V2_ENDPOINTS)[keyof typeof V2_ENDPOINTS];

/**
 * `list`: a 404 can only mean the endpoint is missing. `item`: a 404 may mean the thing named is
 * not there, so v1 is asked: v1 having it means v2 lacks the endpoint.
 */
type EndpointKind = 'list' | 'item';

/**
 * Whether an error is the answer of this endpoint itself ("GET /v2/orders/5001" of
 * "GET /v2/orders/{order_id}"), rather than of another read made on its behalf.
 */
function isAnswerOf(endpoint: V2Endpoint, error: KeapError): boolean {
  const pattern = endpoint.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(error.endpoint);
}

/** What a v2 read answers when its amounts' unit is not confirmed: this one read goes to v1. */
const READ_FROM_V1 = Symbol('read from v1');

/** At most this many orders are fetched to confirm the unit of a contact's transaction amounts. */
const MAX_UNIT_PROBES = 3;

const NOT_COLLECTED_PAY_STATUSES = new Set(['VOIDED', 'FAILED', 'ERROR']);

function isRefundRow(payment: InvoiceOrderPayment): boolean {
  const refunded = payment.refund_invoice_payment_id;
  return payment.amount < 0 || (refunded != null && refunded > 0 && refunded !== payment.id);
}

/** The sums an order's payments must make: what was collected (its `total_paid`) and refunded (its `refund_total`). */
function paymentSums(payments: readonly InvoiceOrderPayment[], order: OrderV2): AmountsAndTotal[] {
  const collected = payments.filter((payment) => !isRefundRow(payment) && !NOT_COLLECTED_PAY_STATUSES.has(payment.pay_status.toUpperCase()));
  return [
    { amounts: collected.map((payment) => payment.amount), totalMinor: order.total_paid.amount },
    { amounts: payments.filter(isRefundRow).map((payment) => Math.abs(payment.amount)), totalMinor: order.refund_total?.amount ?? 0 },
  ];
}

/** The sums an order's transactions must make: charges less voids (its `total_paid`), and refunds (its `refund_total`). */
function transactionSums(transactions: readonly TransactionV2[], order: OrderV2): AmountsAndTotal[] {
  const method = (transaction: TransactionV2) => transaction.transaction_method.toUpperCase();
  const status = (transaction: TransactionV2) => transaction.status.toUpperCase();
  const charges = transactions.filter(
    (transaction) => (method(transaction) === 'CAPTURE' || method(transaction) === 'MANUAL') && ['APPROVED', 'PENDING'].includes(status(transaction)),
  );
  const voids = transactions.filter((transaction) => method(transaction) === 'VOID' && status(transaction) === 'APPROVED');
  const refunds = transactions.filter((transaction) => method(transaction) === 'REFUND' && status(transaction) === 'APPROVED');
  return [
    { amounts: [...charges.map((transaction) => transaction.amount), ...voids.map((transaction) => -transaction.amount)], totalMinor: order.total_paid.amount },
    { amounts: refunds.map((transaction) => transaction.amount), totalMinor: order.refund_total?.amount ?? 0 },
  ];
}

export function createVersionedKeapClient(options: VersionedKeapClientOptions): KeapClient {
  const { v1, v2 } = options;
  const v1Only = new Set<V2Endpoint>();
  /**
   * How the plain amounts of order payments and of transactions read: their unit, confirmed once
   * per session against an order's Money totals (a unit does not change from one answer to the
   * next), and the currency of those totals.
   */
  const readings: { payments?: PlainAmounts; transactions?: PlainAmounts } = {};
  let accountCurrency: Promise<KeapResult<string>> | undefined;
  /**
   * The contact whose v2 orders were last asked for, and that answer: the Refunds panel asks for a
   * contact's orders and transactions at once, and the orders' Money totals confirm the unit of the
   * transactions' amounts without another request.
   */
  let lastContactOrders: { contactId: number; orders: Promise<KeapResult<unknown[]>> } | undefined;
  /** Reads of one v2 order at the same moment (a refund's order, and its totals confirming a unit) share one request. */
  const ordersInFlight = new Map<number, Promise<KeapResult<OrderV2>>>();
  let merchantList: KeapMerchantList | undefined;
  /** Callers asking for the merchant accounts at the same moment share one read. */
  let merchantsInFlight: Promise<KeapResult<KeapMerchantList>> | undefined;
  /** By PayPal merchant account id: its gateway's name as v1 gives it, null when v1 did not say. */
  const gatewayNames = new Map<number, string | null>();
  /** The Keap user v2's notes are written by; null when v2 cannot name one for this key. */
  let noteAuthor: string | null | undefined;

  function switchToV1(endpoint: V2Endpoint): void {
    if (v1Only.has(endpoint)) return;
    v1Only.add(endpoint);
    options.onV1Only?.(endpoint);
  }

  const isAbsent = (error: KeapError) => error.kind === 'not-found' || (error.kind === 'keap-down' && error.status === 501);

  /**
   * v2 first; v1 when the account does not serve this endpoint in v2 (see EndpointKind), or for this
   * one read when v2's answer cannot be read with certainty (READ_FROM_V1).
   */
  async function choose<T>(
    endpoint: V2Endpoint,
    kind: EndpointKind,
    viaV2: () => Promise<KeapResult<T> | typeof READ_FROM_V1>,
    viaV1: () => Promise<KeapResult<T>>,
  ): Promise<KeapResult<T>> {
    if (v1Only.has(endpoint)) return viaV1();
    const answer = await viaV2();
    if (answer === READ_FROM_V1) return viaV1();
    // Only the endpoint's own 404 or 501 says it is missing, not that of a read made on its behalf.
    if (answer.ok || !isAbsent(answer.error) || !isAnswerOf(endpoint, answer.error)) return answer;
    const fromV1 = await viaV1();
    const endpointMissing = answer.error.kind === 'keap-down' || kind === 'list' || fromV1.ok;
    if (endpointMissing) switchToV1(endpoint);
    // v1 has no such thing either: v2 was right, and its answer stands.
    if (!fromV1.ok && fromV1.error.kind === 'not-found' && !endpointMissing) return answer;
    return fromV1;
  }

  function mapped<A, B>(result: KeapResult<A>, map: (value: A) => B): KeapResult<B> {
    return result.ok ? ok(map(result.value)) : result;
  }

  /** The account's currency, for Money totals that name none. Read once; a failed read is tried again next time. */
  function currency(): Promise<KeapResult<string>> {
    accountCurrency ??= client.getAccountProfile().then((profile) => {
      if (!profile.ok) accountCurrency = undefined;
      // As v1's amounts are read: an account that names no currency is read in the default one.
      return profile.ok ? ok(profile.value.currency_code || DEFAULT_CURRENCY) : profile;
    });
    return accountCurrency;
  }

  function v2Order(orderId: number): Promise<KeapResult<OrderV2>> {
    let pending = ordersInFlight.get(orderId);
    if (pending === undefined) {
      pending = v2.getOrder(orderId).finally(() => ordersInFlight.delete(orderId));
      ordersInFlight.set(orderId, pending);
    }
    return pending;
  }

  /** The merchant accounts these ids name, as last read; read again when one is not known. */
  function merchants(knownIds: readonly number[]): Promise<KeapResult<KeapMerchantList>> {
    const known = merchantList;
    if (known !== undefined && knownIds.every((id) => known.merchant_accounts.some((account) => account.id === id))) return Promise.resolve(ok(known));
    return client.listMerchants();
  }

  /**
   * The gateways of PayPal accounts these transactions went through, from v1's transactions of an
   * order of each (v1 names the gateway; v2 only says PAYPAL).
   */
  async function learnPayPalGateways(transactions: readonly TransactionV2[], accounts: KeapMerchantList): Promise<KeapResult<void>> {
    for (const transaction of transactions) {
      const merchantId = transaction.merchant_account_id;
      const orderId = transaction.order_ids?.[0];
      if (merchantId == null || orderId === undefined || gatewayNames.has(merchantId)) continue;
      const account = accounts.merchant_accounts.find((candidate) => candidate.id === merchantId);
      const type = (account?.type ?? transaction.merchant_account_type ?? '').toUpperCase();
      if (type !== 'PAYPAL') continue;
      const fromV1 = await v1.listOrderTransactions(orderId);
      if (!fromV1.ok) return fromV1;
      const named = fromV1.value.find((candidate) => candidate.gateway && candidate.gateway_account_name === account?.account_name);
      gatewayNames.set(merchantId, named?.gateway ?? null);
    }
    return ok(undefined);
  }

  /** Everything a v2 transaction is mapped with, its amounts read as `reading` says. */
  async function transactionContext(transactions: readonly TransactionV2[], reading: PlainAmounts): Promise<KeapResult<TransactionContext>> {
    const merchantIds = transactions.flatMap((transaction) => (transaction.merchant_account_id == null ? [] : [transaction.merchant_account_id]));
    const accounts = await merchants(merchantIds);
    if (!accounts.ok) return accounts;
    const learned = await learnPayPalGateways(transactions, accounts.value);
    if (!learned.ok) return learned;
    const byId = new Map(
      accounts.value.merchant_accounts.map((account) => [account.id, { id: account.id, name: account.account_name, type: account.type, is_test: account.is_test }]),
    );
    return ok({ ...reading, merchants: byId, gatewayNames });
  }

  /** How plain amounts read, when `order`'s Money totals confirm the sums they must make; undefined when they do not. */
  async function readingShownBy(order: OrderV2, sums: (order: OrderV2) => AmountsAndTotal[]): Promise<KeapResult<PlainAmounts | undefined>> {
    const currencyOfOrder = order.total.currency_code ? ok(order.total.currency_code) : await currency();
    if (!currencyOfOrder.ok) return currencyOfOrder;
    const unit = unitShownByTotals(sums(order), currencyOfOrder.value);
    return ok(unit === undefined ? undefined : { unit, currency: currencyOfOrder.value });
  }

  /** A v2 order's Money totals, to confirm a unit by; undefined when v2 does not give them. */
  async function orderTotals(orderId: number): Promise<KeapResult<OrderV2 | undefined>> {
    if (v1Only.has(V2_ENDPOINTS.order)) return ok(undefined);
    const order = await v2Order(orderId);
    if (order.ok) return order;
    return isAbsent(order.error) ? ok(undefined) : order;
  }

  /** Transactions as sent, checked: the list's label names the first bad one. */
  function checkedTransactions(sent: readonly unknown[]): KeapResult<TransactionV2[]> {
    const checked: TransactionV2[] = [];
    for (const [index, item] of sent.entries()) {
      const parsed = transactionV2Schema.safeParse(item);
      if (!parsed.success)
        return { ok: false, error: unexpectedAnswerError(V2_ENDPOINTS.transactions, formatFieldPath(['transactions', index, ...(parsed.error.issues[0]?.path ?? [])])) };
      checked.push(parsed.data);
    }
    return ok(checked);
  }

  /** The contact's orders as v2 just sent them, by id, when they were asked for with its transactions. */
  async function ordersJustListed(contactId: number): Promise<Map<number, unknown>> {
    const listed = lastContactOrders?.contactId === contactId ? await lastContactOrders.orders : undefined;
    if (lastContactOrders?.contactId === contactId) lastContactOrders = undefined;
    const byId = new Map<number, unknown>();
    for (const item of listed?.ok ? listed.value : []) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === 'string' || typeof id === 'number') byId.set(Number(id), item);
    }
    return byId;
  }

  /**
   * How a contact's transaction amounts read, from the first of its orders whose Money totals tell:
   * the orders listed with them, else each order read.
   */
  async function readingOfContactTransactions(contactId: number, transactions: readonly TransactionV2[]): Promise<KeapResult<PlainAmounts | undefined>> {
    const byOrder = new Map<number, TransactionV2[]>();
    for (const transaction of transactions) {
      const [orderId, ...others] = transaction.order_ids ?? [];
      if (orderId === undefined || others.length > 0) continue;
      byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), transaction]);
    }
    const listed = await ordersJustListed(contactId);
    const probes = [...byOrder.entries()].filter(([, ofOrder]) => ofOrder.some((transaction) => transaction.amount !== 0)).slice(0, MAX_UNIT_PROBES);
    for (const [orderId, ofOrder] of probes) {
      const fromList = orderV2Schema.safeParse(listed.get(orderId));
      const order = fromList.success ? ok(fromList.data) : await orderTotals(orderId);
      if (!order.ok) return order;
      if (order.value === undefined) return ok(undefined);
      const reading = await readingShownBy(order.value, (totals) => transactionSums(ofOrder, totals));
      if (!reading.ok || reading.value !== undefined) return reading;
    }
    return ok(undefined);
  }

  const client: KeapClient = {
    getAccountProfile: () =>
      choose(
        V2_ENDPOINTS.businessProfile,
        'list',
        async () => mapped(await v2.getBusinessProfile(), accountProfileOf),
        () => v1.getAccountProfile(),
      ),
    getUserInfo: () =>
      choose(
        V2_ENDPOINTS.userInfo,
        'list',
        async () => mapped(await v2.getUserInfo(), userInfoOf),
        () => v1.getUserInfo(),
      ),
    getContact: (contactId) =>
      choose(
        V2_ENDPOINTS.contact,
        'item',
        async () => mapped(await v2.getContact(contactId), contactOf),
        () => v1.getContact(contactId),
      ),
    listOrdersForContact: (contactId) =>
      choose(
        V2_ENDPOINTS.orders,
        'list',
        async () => {
          const orders = v2.listOrders({ contact_id: contactId });
          // Kept for the transactions' unit only while it is unknown, so a contact's whole list is not held after.
          if (readings.transactions === undefined) lastContactOrders = { contactId, orders };
          return mapped(await orders, (sent) => v2OrderListing(V2_ENDPOINTS.orders, sent));
        },
        () => v1.listOrdersForContact(contactId),
      ),
    getOrder: (orderId) =>
      choose(
        V2_ENDPOINTS.order,
        'item',
        async () => mapped(await v2Order(orderId), orderOf),
        () => v1.getOrder(orderId),
      ),
    listOrderPayments: (orderId) =>
      choose(
        V2_ENDPOINTS.orderPayments,
        'item',
        async () => {
          const [payments, order] = await Promise.all([v2.listOrderPayments(orderId), readings.payments ? undefined : orderTotals(orderId)]);
          if (!payments.ok) return payments;
          if (order !== undefined && !order.ok) return order;
          let reading = readings.payments;
          if (reading === undefined && order?.value !== undefined) {
            const shown = await readingShownBy(order.value, (totals) => paymentSums(payments.value, totals));
            if (!shown.ok) return shown;
            reading = shown.value;
          }
          // A unit not confirmed is not guessed: v1's decimals have a known unit.
          if (reading === undefined) return READ_FROM_V1;
          readings.payments = reading;
          const domain = invoicePaymentsOf(payments.value, reading);
          return domain.ok ? ok(domain.value) : { ok: false, error: unexpectedAnswerError(`GET /v2/orders/${orderId}/payments`, domain.fieldPath) };
        },
        () => v1.listOrderPayments(orderId),
      ),
    listOrderTransactions: (orderId) =>
      choose(
        V2_ENDPOINTS.transactions,
        'list',
        async () => {
          const [sent, order] = await Promise.all([v2.listTransactions({ order_id: orderId }), readings.transactions ? undefined : orderTotals(orderId)]);
          if (!sent.ok) return sent;
          if (order !== undefined && !order.ok) return order;
          const transactions = checkedTransactions(sent.value);
          if (!transactions.ok) return transactions;
          let reading = readings.transactions;
          if (reading === undefined && order?.value !== undefined) {
            const shown = await readingShownBy(order.value, (totals) => transactionSums(transactions.value, totals));
            if (!shown.ok) return shown;
            reading = shown.value;
          }
          if (reading === undefined) return READ_FROM_V1;
          readings.transactions = reading;
          const context = await transactionContext(transactions.value, reading);
          if (!context.ok) return context;
          const domain = transactionsOf(transactions.value, context.value);
          return domain.ok ? ok(domain.value) : { ok: false, error: unexpectedAnswerError(V2_ENDPOINTS.transactions, domain.fieldPath) };
        },
        () => v1.listOrderTransactions(orderId),
      ),
    listTransactionsForContact: (contactId) =>
      choose(
        V2_ENDPOINTS.transactions,
        'list',
        async () => {
          const sent = await v2.listTransactions({ contact_id: contactId });
          if (!sent.ok) return sent;
          // Only what the unit, the merchants and PayPal's gateways are read from is checked now; each transaction is when read.
          const readable = sent.value.flatMap((item) => {
            const parsed = transactionV2Schema.safeParse(item);
            return parsed.success ? [parsed.data] : [];
          });
          let reading = readings.transactions;
          if (reading === undefined) {
            const shown = await readingOfContactTransactions(contactId, readable);
            if (!shown.ok) return shown;
            reading = shown.value;
          }
          if (reading === undefined) return READ_FROM_V1;
          readings.transactions = reading;
          const context = await transactionContext(readable, reading);
          if (!context.ok) return context;
          return ok(v2TransactionListing(V2_ENDPOINTS.transactions, sent.value, transactionListingOfV2Schema(context.value)));
        },
        () => v1.listTransactionsForContact(contactId),
      ),
    listMerchants: () => {
      merchantsInFlight ??= choose(
        V2_ENDPOINTS.merchants,
        'list',
        async () => mapped(await v2.listMerchants(), merchantListOf),
        () => v1.listMerchants(),
      ).then((listed) => {
        merchantsInFlight = undefined;
        if (listed.ok) merchantList = listed.value;
        return listed;
      });
      return merchantsInFlight;
    },
    listNotesForContact: (contactId) =>
      choose(
        V2_ENDPOINTS.contactNotes,
        'item',
        async () => mapped(await v2.listContactNotes(contactId), (notes) => notes.map(noteOf)),
        () => v1.listNotesForContact(contactId),
      ),
    // v2's /notes pages by token and gives no count: the history import resumes from an offset.
    listNotesPage: (page) => v1.listNotesPage(page),
    createNote: async (note) => {
      if (v1Only.has(V2_ENDPOINTS.createNote)) return v1.createNote(note);
      const author = await noteAuthorId();
      if (!author.ok) return author;
      const userId = author.value;
      // v2 requires the Keap user writing the note; v1 writes it as the key's user.
      if (userId === null) return v1.createNote(note);
      return choose(
        V2_ENDPOINTS.createNote,
        'item',
        async () => mapped(await v2.createNote(note.contact_id, { title: note.title, text: note.body, type: note.type, user_id: userId }), noteOf),
        () => v1.createNote(note),
      );
    },
  };

  /** The Keap user the key belongs to, as `/users` numbers them (a note's `user_id`): by the email user info gives. */
  async function noteAuthorId(): Promise<KeapResult<string | null>> {
    if (noteAuthor !== undefined) return ok(noteAuthor);
    const info = await client.getUserInfo();
    if (!info.ok) {
      if (info.error.kind !== 'forbidden' && info.error.kind !== 'not-found') return info;
      noteAuthor = null;
      return ok(null);
    }
    const email = info.value.email?.trim().toLowerCase();
    if (!email) {
      noteAuthor = null;
      return ok(null);
    }
    const users = await v2.listUsersByEmail(email);
    if (!users.ok) {
      if (!isAbsent(users.error) && users.error.kind !== 'forbidden') return users;
      // Without v2's users there is no naming the note's writer in v2: notes go through v1.
      if (isAbsent(users.error)) switchToV1(V2_ENDPOINTS.createNote);
    }
    const matching = users.ok ? users.value.filter((user) => user.email_addresses?.some((address) => address.email.trim().toLowerCase() === email)) : [];
    const [only, ...more] = matching;
    noteAuthor = only !== undefined && more.length === 0 ? String(only.id) : null;
    return ok(noteAuthor);
  }

  return client;
}
