import { z } from 'zod';
import type { Faults } from './faults';
import { toKeapDecimal } from './money';
import {
  findContact,
  findMerchant,
  findOrder,
  findTransaction,
  NoteTypeSchema,
  paymentsOfOrder,
  type Contact,
  type InvoicePayment,
  type Note,
  type Order,
  type SandboxState,
  type Transaction,
} from './state';

/**
 * Keap REST v1, answered from the sandbox state in the field names and types of
 * keap-rest-v1.json. Auth, throttling and faults are the server's business (server.ts).
 */

export interface ApiRequest {
  method: string;
  /** Path after `/crm/rest`, e.g. `/v1/orders`. */
  apiPath: string;
  query: URLSearchParams;
  /** `${protocol}://${host}` of the request, for Keap's absolute `next`/`previous` links. */
  requestOrigin: string;
  body: unknown;
  now: Date;
  /** The fault switches that change what the API answers (the server's fault board). */
  faults?: Pick<Faults, 'paymentIdsAreNotTransactionIds' | 'userInfoUnavailable'>;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Keap's largest page; also its default when `limit` is absent. */
const MAX_PAGE_LIMIT = 1000;

const RequestNoteSchema = z.object({
  contact_id: z.number().int(),
  title: z.string().optional(),
  body: z.string().optional(),
  type: NoteTypeSchema.optional(),
  user_id: z.number().int().optional(),
});

function notFound(message: string): ApiAnswer {
  return { status: 404, body: { message } };
}

function badRequest(message: string): ApiAnswer {
  return { status: 400, body: { message } };
}

export function answerApi(state: SandboxState, request: ApiRequest): ApiAnswer {
  const path = request.apiPath.replace(/\/+$/, '');
  const segments = path.split('/').filter(Boolean);
  const [version, resource, idText, child, ...rest] = segments;
  if (version !== 'v1' || resource === undefined) return notFound(`No resource at ${request.apiPath}`);
  const get = request.method === 'GET';
  if (resource === 'account') {
    return get && idText === 'profile' && child === undefined ? { status: 200, body: accountProfile(state) } : notFound(`No resource at ${request.apiPath}`);
  }
  if (resource === 'oauth') {
    if (!(get && idText === 'connect' && child === 'userinfo' && rest.length === 0)) return notFound(`No resource at ${request.apiPath}`);
    // Keap does not say which keys this answers (keap-facts); the fault plays a key it refuses.
    if (request.faults?.userInfoUnavailable === true) return { status: 403, body: { message: 'Access to user info is not allowed for this token' } };
    return { status: 200, body: userInfo(state) };
  }
  const id = idText === undefined ? undefined : Number(idText);
  if (id !== undefined && !Number.isInteger(id)) return badRequest(`${idText} is not a valid id`);
  if (get && resource === 'contacts' && id !== undefined && child === undefined) {
    const contact = findContact(state, id);
    return contact ? { status: 200, body: fullContact(contact) } : notFound(`Contact ${id} not found`);
  }
  if (get && resource === 'merchants' && id === undefined) return { status: 200, body: merchantList(state) };
  if (resource === 'orders') {
    if (get && id === undefined) return listOrders(state, request);
    const order = id === undefined ? undefined : findOrder(state, id);
    if (id !== undefined && !order) return notFound(`Order ${id} not found`);
    if (get && order && child === undefined) return { status: 200, body: reportingOrder(state, order) };
    if (get && order && child === 'payments') {
      const transactionIdsHidden = request.faults?.paymentIdsAreNotTransactionIds === true;
      return { status: 200, body: paymentsOfOrder(state, order.id).map((payment) => invoicePayment(payment, transactionIdsHidden)) };
    }
    if (get && order && child === 'transactions') {
      const transactions = state.transactions.filter((transaction) => transaction.orderId === order.id);
      return transactionPage(state, request, transactions);
    }
  }
  if (get && resource === 'transactions') {
    if (id === undefined) {
      const contactId = optionalInteger(request.query, 'contact_id');
      if (contactId === null) return badRequest('contact_id must be a whole number');
      const transactions = state.transactions.filter((transaction) => contactId === undefined || transaction.contactId === contactId);
      return transactionPage(state, request, transactions);
    }
    const transaction = findTransaction(state, id);
    return transaction ? { status: 200, body: reportingTransaction(state, transaction) } : notFound(`Transaction ${id} not found`);
  }
  if (resource === 'notes' && id === undefined) {
    if (get) return listNotes(state, request);
    if (request.method === 'POST') return createNote(state, request);
  }
  return notFound(`No resource at ${request.method} ${request.apiPath}`);
}

/** Undefined when absent, null when present but not an integer. */
function optionalInteger(query: URLSearchParams, name: string): number | undefined | null {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

interface PageSlice<T> {
  items: T[];
  count: number;
  next: string;
  previous: string;
}

/** Keap-style offset pagination; `next`/`previous` are absolute URLs on the request's host, always present. */
function paginate<T>(items: T[], request: ApiRequest): PageSlice<T> | ApiAnswer {
  const limitParam = optionalInteger(request.query, 'limit');
  const offsetParam = optionalInteger(request.query, 'offset');
  if (limitParam === null || (limitParam !== undefined && limitParam < 0)) return badRequest('limit must be a whole number, 0 or more');
  if (offsetParam === null || (offsetParam !== undefined && offsetParam < 0)) return badRequest('offset must be a whole number, 0 or more');
  const limit = Math.min(limitParam === undefined || limitParam === 0 ? MAX_PAGE_LIMIT : limitParam, MAX_PAGE_LIMIT);
  const offset = offsetParam ?? 0;
  const link = (linkOffset: number): string => {
    const query = new URLSearchParams(request.query);
    query.set('limit', String(limit));
    query.set('offset', String(linkOffset));
    return `${request.requestOrigin}/crm/rest${request.apiPath.replace(/\/+$/, '')}/?${query.toString()}`;
  };
  return {
    items: items.slice(offset, offset + limit),
    count: items.length,
    next: link(offset + limit),
    previous: link(Math.max(0, offset - limit)),
  };
}

function isAnswer<T>(value: PageSlice<T> | ApiAnswer): value is ApiAnswer {
  return 'status' in value;
}

function listOrders(state: SandboxState, request: ApiRequest): ApiAnswer {
  const { query } = request;
  const contactId = optionalInteger(query, 'contact_id');
  if (contactId === null) return badRequest('contact_id must be a whole number');
  const paid = query.get('paid');
  if (paid !== null && paid !== 'true' && paid !== 'false') return badRequest('paid must be true or false');
  const since = query.get('since');
  const until = query.get('until');
  if ((since !== null && Number.isNaN(Date.parse(since))) || (until !== null && Number.isNaN(Date.parse(until)))) {
    return badRequest('since and until must be dates like 2017-01-01T22:17:59.039Z');
  }
  const sortBy = query.get('order');
  if (sortBy !== null && sortBy !== 'order_date' && sortBy !== 'update_date') return badRequest('order must be order_date or update_date');

  const orders = state.orders.filter(
    (order) =>
      (contactId === undefined || order.contactId === contactId) &&
      (paid === null || (order.totalDueMinor === 0) === (paid === 'true')) &&
      (since === null || Date.parse(order.orderDate) >= Date.parse(since)) &&
      (until === null || Date.parse(order.orderDate) <= Date.parse(until)),
  );
  // Dates sort most recent first (spec); the default keeps creation order.
  if (sortBy === 'order_date') orders.sort((a, b) => Date.parse(b.orderDate) - Date.parse(a.orderDate));
  if (sortBy === 'update_date') orders.sort((a, b) => Date.parse(b.modificationDate) - Date.parse(a.modificationDate));

  const page = paginate(orders, request);
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: { count: page.count, next: page.next, previous: page.previous, orders: page.items.map((order) => reportingOrder(state, order)) },
  };
}

function transactionPage(state: SandboxState, request: ApiRequest, transactions: Transaction[]): ApiAnswer {
  const page = paginate(transactions, request);
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: {
      count: page.count,
      next: page.next,
      previous: page.previous,
      transactions: page.items.map((transaction) => reportingTransaction(state, transaction)),
    },
  };
}

function listNotes(state: SandboxState, request: ApiRequest): ApiAnswer {
  const contactId = optionalInteger(request.query, 'contact_id');
  if (contactId === null) return badRequest('contact_id must be a whole number');
  const notes = state.notes.filter((note) => contactId === undefined || note.contactId === contactId);
  const page = paginate(notes, request);
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: { count: page.count, next: page.next, previous: page.previous, notes: page.items.map((note) => noteBody(state, note)) },
  };
}

function createNote(state: SandboxState, request: ApiRequest): ApiAnswer {
  const parsed = RequestNoteSchema.safeParse(request.body);
  if (!parsed.success) return badRequest('Input could not be converted to a valid request: contact_id is required');
  const input = parsed.data;
  if (!findContact(state, input.contact_id)) return badRequest(`Contact ${input.contact_id} not found`);
  if (!input.title && !input.body) return badRequest('Either a title or a body is required');
  const at = request.now.toISOString();
  const note: Note = {
    id: state.nextIds.note++,
    contactId: input.contact_id,
    title: input.title ?? '',
    body: input.body ?? '',
    type: input.type ?? 'Other',
    userId: input.user_id ?? state.user.id,
    dateCreated: at,
    lastUpdated: at,
  };
  state.notes.push(note);
  return { status: 201, body: noteBody(state, note) };
}

function accountProfile(state: SandboxState) {
  return {
    name: state.appName,
    email: 'owner@refunddemo.example.com',
    phone: '555-0100',
    website: `https://${state.appName}.infusionsoft.com`,
    currency_code: 'USD',
    language_tag: 'en-US',
    time_zone: 'America/New_York',
    business_type: 'Coaching',
    address: { field: 'BILLING', line1: '100 Main St', locality: 'Springfield', region: 'IL', postal_code: '62701', zip_code: '62701', country_code: 'USA' },
  };
}

/** UserInfoDTO: OpenID Connect's user info for the user the key belongs to. */
function userInfo(state: SandboxState) {
  const { user } = state;
  return {
    sub: String(user.id),
    global_user_id: user.id,
    infusionsoft_id: user.email,
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
    is_admin: user.isAdmin,
  };
}

function fullContact(contact: Contact) {
  return {
    id: contact.id,
    given_name: contact.givenName,
    family_name: contact.familyName,
    email_addresses: [{ email: contact.email, field: 'EMAIL1' }],
    phone_numbers: [{ number: contact.phone, field: 'PHONE1', type: 'Work' }],
    addresses: [],
    company_name: contact.companyName,
    date_created: contact.dateCreated,
    last_updated: contact.dateCreated,
    email_opted_in: true,
    email_status: 'SingleOptIn',
    owner_id: 1,
    tag_ids: [],
    custom_fields: [],
    source_type: 'MANUAL',
    ScoreValue: '0',
    preferred_locale: 'en_US',
    time_zone: 'America/New_York',
  };
}

function merchantList(state: SandboxState) {
  return {
    default_merchant_account: state.defaultMerchantId,
    merchant_accounts: state.merchants.map((merchant) => ({
      id: merchant.id,
      account_name: merchant.accountName,
      type: merchant.type,
      is_test: merchant.isTest,
    })),
  };
}

function reportingOrder(state: SandboxState, order: Order) {
  const contact = findContact(state, order.contactId);
  const merchant = findMerchant(state, order.merchantAccountId);
  return {
    id: order.id,
    title: order.title,
    status: order.totalDueMinor === 0 ? 'PAID' : 'SENT',
    recurring: false,
    total: toKeapDecimal(order.totalMinor),
    total_paid: toKeapDecimal(order.totalPaidMinor),
    total_due: toKeapDecimal(order.totalDueMinor),
    refund_total: toKeapDecimal(order.refundTotalMinor),
    invoice_number: order.invoiceNumber,
    order_date: order.orderDate,
    creation_date: order.orderDate,
    modification_date: order.modificationDate,
    order_type: 'Offline',
    source_type: 'INVOICE',
    allow_payment: order.totalDueMinor > 0,
    allow_paypal: false,
    lead_affiliate_id: 0,
    sales_affiliate_id: 0,
    notes: '',
    terms: '',
    contact: {
      id: order.contactId,
      first_name: contact?.givenName ?? '',
      last_name: contact?.familyName ?? '',
      email: contact?.email ?? '',
      company_name: contact?.companyName ?? '',
      job_title: '',
    },
    order_items: order.items.map((item) => ({
      id: item.id,
      name: item.name,
      description: '',
      type: 'Product',
      notes: '',
      quantity: item.quantity,
      price: toKeapDecimal(item.priceMinor),
      cost: 0,
      discount: 0,
      product: { id: item.id, name: item.name, description: '', sku: `SKU-${item.id}`, shippable: false, taxable: false },
    })),
    payment_plan: {
      auto_charge: true,
      credit_card_id: 0,
      days_between_payments: order.numberOfPayments > 1 ? 30 : 0,
      days_between_retries: 1,
      max_charge_attempts: 3,
      initial_payment_amount: 0,
      initial_payment_percent: 0,
      number_of_payments: order.numberOfPayments,
      plan_start_date: order.orderDate,
      initial_payment_date: order.orderDate,
      payment_method_id: '',
      payment_gateway: {
        merchant_account_id: order.merchantAccountId,
        merchant_account_name: merchant?.accountName ?? '',
        use_default: order.usesDefaultMerchant,
      },
    },
  };
}

/** Above every id the sandbox gives a transaction, so a `payment_id` from here names none. */
export const NOT_A_TRANSACTION_ID_BASE = 10_000_000;

/** `transactionIdsHidden`: `payment_id` is of Keap's own numbering, not the charging transaction's id. */
function invoicePayment(payment: InvoicePayment, transactionIdsHidden: boolean) {
  return {
    id: payment.id,
    amount: toKeapDecimal(payment.amountMinor),
    invoice_id: payment.invoiceId,
    payment_id: transactionIdsHidden ? NOT_A_TRANSACTION_ID_BASE + payment.id : payment.transactionId,
    pay_date: payment.payDate,
    pay_status: payment.payStatus,
    note: payment.note,
    last_updated: payment.lastUpdated,
    // Keap's int64 has no null: 0 means "not a refund".
    refund_invoice_payment_id: payment.refundOfPaymentId ?? 0,
    skip_commission: false,
  };
}

function reportingTransaction(state: SandboxState, transaction: Transaction) {
  const merchant = findMerchant(state, transaction.merchantAccountId);
  const order = findOrder(state, transaction.orderId);
  return {
    id: transaction.id,
    amount: toKeapDecimal(transaction.amountMinor),
    currency: transaction.currency,
    status: transaction.status,
    type: transaction.type,
    gateway: merchant?.gatewayName ?? '',
    gateway_account_name: merchant?.accountName ?? '',
    collection_method: transaction.collectionMethod,
    errors: transaction.errors,
    test: transaction.test,
    transaction_date: transaction.transactionDate,
    paymentDate: transaction.transactionDate,
    contact_id: transaction.contactId,
    order_ids: String(transaction.orderId),
    orders: order ? [reportingOrder(state, order)] : [],
  };
}

function noteBody(state: SandboxState, note: Note) {
  return {
    id: note.id,
    contact_id: note.contactId,
    title: note.title,
    body: note.body,
    type: note.type,
    user_id: note.userId,
    date_created: note.dateCreated,
    last_updated: note.lastUpdated,
    last_updated_by: { user_id: state.user.id, given_name: state.user.givenName, family_name: state.user.familyName },
  };
}
