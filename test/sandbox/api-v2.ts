import { z } from 'zod';
import { type ApiAnswer, type ApiRequest, NOT_A_TRANSACTION_ID_BASE } from './api';
import { formatUsd, toKeapDecimal } from './money';
import {
  findContact,
  findMerchant,
  findOrder,
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
 * Keap REST v2, answered from the same books as v1 (api.ts) in the field names and types of
 * keap-rest-v2.yml: ids as text, order money as CurrencyValue objects in cents, `page_size` /
 * `page_token` / `next_page_token` paging, `filter` expressions, and v2's Error body. Auth,
 * throttling and faults are the server's business (server.ts), as for v1.
 *
 * The v2 file leaves the unit of its plain amounts open (keap-facts: "Money in v2"): its examples
 * give an order payment's `amount` as 10000 and a transaction's as 123.34. The sandbox follows each
 * example, so order payments carry cents and transactions decimals, and a client that assumed one
 * unit for both would misread one of them.
 */

/** Whether the account serves REST v2: "v1 only" accounts answer every v2 route 404 or 501. */
export const V2_AVAILABILITIES = ['served', 'not-found', 'not-implemented'] as const;
export const v2AvailabilitySchema = z.enum(V2_AVAILABILITIES);
export type V2Availability = z.infer<typeof v2AvailabilitySchema>;

/** The largest page of Keap v2's lists, and the users list's. */
const MAX_PAGE_SIZE = 1000;
const MAX_USERS_PAGE_SIZE = 100;
const CURRENCY = 'USD';

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  501: 'UNIMPLEMENTED',
};

/** v2's Error: `{code, message, status, details[{domain, resource}]}`. */
function v2Error(status: number, message: string, resource: string): ApiAnswer {
  return { status, body: { code: status, message, status: HTTP_STATUS_NAMES[status] ?? 'UNKNOWN', details: [{ domain: 'crm', resource }] } };
}

/** What a "v1 only" account answers on a v2 route. */
export function v2Unavailable(availability: Exclude<V2Availability, 'served'>, apiPath: string): ApiAnswer {
  return availability === 'not-found' ? v2Error(404, `No resource at ${apiPath}`, apiPath) : v2Error(501, 'Method Not Implemented', apiPath);
}

const CreateNoteRequestSchema = z.object({
  title: z.string().optional(),
  text: z.string().optional(),
  type: NoteTypeSchema.optional(),
  user_id: z.string().regex(/^\d+$/),
  is_pinned: z.boolean().optional(),
});

/** A page token: where the next page starts, opaque to callers as Keap's are. */
function pageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`, 'utf8').toString('base64url');
}

function offsetOfToken(token: string): number | undefined {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

type FilterValue = string | number | boolean | null | undefined | readonly string[];
/** The fields a list may be filtered by, each read from an item. */
type FilterFields<T> = Record<string, (item: T) => FilterValue>;

interface Condition {
  field: string;
  operator: '==' | '!=' | '<=' | '>=' | '<' | '>';
  value: string;
}

/** `a==1;b>2` → conditions; undefined for text that is not a filter. */
function parseFilter(text: string): Condition[] | undefined {
  const conditions: Condition[] = [];
  for (const part of text.split(';')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(==|!=|<=|>=|<|>)(.*)$/.exec(part.trim());
    if (!match) return undefined;
    const [, field = '', operator = '==', value = ''] = match;
    conditions.push({ field, operator: operator as Condition['operator'], value });
  }
  return conditions;
}

function compare(actual: number | string, operator: Condition['operator'], wanted: number | string): boolean {
  switch (operator) {
    case '==':
      return actual === wanted;
    case '!=':
      return actual !== wanted;
    case '<':
      return actual < wanted;
    case '<=':
      return actual <= wanted;
    case '>':
      return actual > wanted;
    case '>=':
      return actual >= wanted;
  }
}

/**
 * Whether a value meets one condition: lists by membership, numbers and times in order, text with a
 * trailing `*` by prefix. `…since_time==T` means at T or later and `…until_time==T` at T or earlier.
 */
function meets(actual: FilterValue, condition: Condition): boolean {
  const { value } = condition;
  const operator = condition.operator !== '==' ? condition.operator : condition.field.endsWith('since_time') ? '>=' : condition.field.endsWith('until_time') ? '<=' : '==';
  if (Array.isArray(actual)) {
    const wanted = value.split(',').map((part) => part.trim());
    const shared = wanted.some((candidate) => actual.includes(candidate));
    return operator === '!=' ? !shared : shared;
  }
  if (actual === null || actual === undefined) return operator === '!=';
  if (typeof actual === 'boolean') return compare(String(actual), operator, value.toLowerCase());
  if (typeof actual === 'number') {
    const wanted = Number(value);
    return Number.isFinite(wanted) && compare(actual, operator, wanted);
  }
  const time = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time)) return compare(Date.parse(actual as string), operator, time);
  if (operator === '==' && value.endsWith('*')) return (actual as string).toLowerCase().startsWith(value.slice(0, -1).toLowerCase());
  return compare(actual as string, operator, value);
}

/** One page of `items` after `filter`, in v2's paging; an answer when the request cannot be read. */
function listPage<T>(
  request: ApiRequest,
  items: readonly T[],
  fields: FilterFields<T>,
  options: { maxPageSize?: number; minPageSize?: number } = {},
): { page: T[]; nextPageToken: string } | ApiAnswer {
  const { query, apiPath } = request;
  const filterText = query.get('filter');
  let filtered = items;
  if (filterText !== null && filterText !== '') {
    const conditions = parseFilter(filterText);
    if (!conditions) return v2Error(400, `Invalid filter: ${filterText}`, apiPath);
    const unknown = conditions.find((condition) => fields[condition.field] === undefined);
    if (unknown) return v2Error(400, `Invalid filter field: ${unknown.field}`, apiPath);
    filtered = items.filter((item) => conditions.every((condition) => meets(fields[condition.field]?.(item), condition)));
  }
  const maxPageSize = options.maxPageSize ?? MAX_PAGE_SIZE;
  const sizeText = query.get('page_size');
  const size = sizeText === null || sizeText === '' ? Number.NaN : Number(sizeText);
  if (sizeText !== null && sizeText !== '' && (!Number.isInteger(size) || size < (options.minPageSize ?? 0) || size > maxPageSize)) {
    return v2Error(400, `page_size must be a whole number from ${options.minPageSize ?? 0} to ${maxPageSize}`, apiPath);
  }
  const pageSize = Number.isNaN(size) || size === 0 ? maxPageSize : size;
  const token = query.get('page_token');
  const offset = token === null || token === '' ? 0 : offsetOfToken(token);
  if (offset === undefined) return v2Error(400, 'Invalid page_token', apiPath);
  const end = offset + pageSize;
  // Keap v2 follows Google's API rules here: an empty token says there is no next page.
  return { page: filtered.slice(offset, end), nextPageToken: end < filtered.length ? pageToken(end) : '' };
}

function isAnswer<T>(value: { page: T[]; nextPageToken: string } | ApiAnswer): value is ApiAnswer {
  return 'status' in value;
}

/** A path id: v2 ids are text, and the sandbox's are whole numbers. */
function pathId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

export function answerApiV2(state: SandboxState, request: ApiRequest): ApiAnswer {
  const path = request.apiPath.replace(/\/+$/, '');
  const segments = path.split('/').filter(Boolean);
  const [version, resource, second, third, ...rest] = segments;
  const get = request.method === 'GET';
  const noResource = v2Error(404, `No resource at ${request.method} ${request.apiPath}`, request.apiPath);
  if (version !== 'v2' || resource === undefined) return noResource;
  if (resource === 'businessProfile' && get && second === undefined) return { status: 200, body: businessProfile(state) };
  if (resource === 'oauth' && get && second === 'connect' && third === 'userinfo' && rest.length === 0) {
    // Keap does not say which keys this answers (keap-facts); the fault plays a key it refuses, as for v1.
    if (request.faults?.userInfoUnavailable === true) return v2Error(403, 'Access to user info is not allowed for this token', request.apiPath);
    return { status: 200, body: userInfo(state) };
  }
  if (resource === 'users' && get && second === undefined) return listUsers(state, request);
  if (resource === 'merchants' && get && second === undefined) return listMerchants(state, request);
  if (resource === 'notes' && get && second === undefined) return listNotes(state, request, state.notes);
  if (resource === 'sales' && get && third === undefined) {
    if (second === 'transactions') return listTransactions(state, request);
    if (second === 'payments') return listPayments(state, request);
  }
  if (resource === 'contacts' && second !== undefined && rest.length === 0) {
    const contactId = pathId(second);
    const contact = contactId === undefined ? undefined : findContact(state, contactId);
    if (!contact) return v2Error(404, `Contact ${second} not found`, request.apiPath);
    if (get && third === undefined) return { status: 200, body: fullContact(contact, request.query) };
    if (third === 'notes' && get)
      return listNotes(
        state,
        request,
        state.notes.filter((note) => note.contactId === contact.id),
      );
    if (third === 'notes' && request.method === 'POST') return createNote(state, request, contact);
  }
  if (resource === 'orders' && get) {
    if (second === undefined) return listOrders(state, request);
    const orderId = pathId(second);
    const order = orderId === undefined ? undefined : findOrder(state, orderId);
    if (!order || rest.length > 0) return v2Error(404, `Order ${second} not found`, request.apiPath);
    if (third === undefined) return { status: 200, body: orderV2(state, order) };
    if (third === 'payments') return listOrderPayments(state, request, order);
  }
  return noResource;
}

/** CurrencyValue: cents, the currency, and the amount as the account's locale shows it. */
function currencyValue(minor: number) {
  return { amount: minor, currency_code: CURRENCY, formatted_amount: formatUsd(minor) };
}

function businessProfile(state: SandboxState) {
  return {
    name: state.appName,
    email: 'owner@refunddemo.example.com',
    website: `https://${state.appName}.infusionsoft.com`,
    phone: '555-0100',
    address: { line1: '100 Main St', locality: 'Springfield', region: 'Illinois', country_code: 'USA', postal_code: '62701' },
    time_zone: 'America/New_York',
    currency_code: CURRENCY,
    language_tag: 'en-US',
    business_type: 'Coaching',
  };
}

/** The user the full key belongs to; `tenant_id` names the Keap app (keap-facts: likely, not confirmed). */
function userInfo(state: SandboxState) {
  const { user } = state;
  return {
    email: user.email,
    sub: String(user.id),
    id: `global-${user.id}`,
    keap_id: user.email,
    family_name: user.familyName,
    given_name: user.givenName,
    is_admin: user.isAdmin,
    tenant_id: state.appName,
  };
}

function listUsers(state: SandboxState, request: ApiRequest): ApiAnswer {
  const { user } = state;
  const users = [user];
  const page = listPage(
    request,
    users,
    {
      email: (candidate) => candidate.email,
      given_name: (candidate) => candidate.givenName,
      include_inactive: () => true,
      include_partners: () => true,
      user_ids: (candidate) => [String(candidate.id)],
    },
    { maxPageSize: MAX_USERS_PAGE_SIZE, minPageSize: 1 },
  );
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: {
      users: page.page.map((candidate) => ({
        id: String(candidate.id),
        global_user_id: `global-${candidate.id}`,
        keap_id: candidate.email,
        given_name: candidate.givenName,
        family_name: candidate.familyName,
        admin: candidate.isAdmin,
        partner: false,
        status: 'ACTIVE',
        email_addresses: [{ email: candidate.email, field: 'EMAIL1' }],
      })),
      next_page_token: page.nextPageToken,
    },
  };
}

/** Contact: every field unless `fields` names some (id always). */
function fullContact(contact: Contact, query: URLSearchParams) {
  const body: Record<string, unknown> = {
    id: String(contact.id),
    given_name: contact.givenName,
    family_name: contact.familyName,
    email_addresses: [{ email: contact.email, field: 'EMAIL1', is_opt_in: true, email_opt_status: 'SINGLE_OPT_IN' }],
    phone_numbers: [{ number: contact.phone, field: 'PHONE1', type: 'Work' }],
    addresses: [],
    company: { id: `${contact.id}`, company_name: contact.companyName },
    create_time: contact.dateCreated,
    update_time: contact.dateCreated,
    owner_id: '1',
    source_type: 'MANUAL',
    tag_ids: [],
    preferred_locale: 'en_US',
    time_zone: 'America/New_York',
  };
  const fields = query.get('fields');
  if (fields === null || fields === '') return body;
  const wanted = new Set(['id', ...fields.split(',').map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(body).filter(([name]) => wanted.has(name)));
}

function listMerchants(state: SandboxState, request: ApiRequest): ApiAnswer {
  const page = listPage(request, state.merchants, {
    id: (merchant) => String(merchant.id),
    name: (merchant) => merchant.accountName,
    type: (merchant) => merchant.type,
  });
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: {
      default_merchant_account_id: String(state.defaultMerchantId),
      merchant_accounts: page.page.map((merchant) => ({ id: String(merchant.id), name: merchant.accountName, type: merchant.type, is_test: merchant.isTest })),
      next_page_token: page.nextPageToken,
    },
  };
}

function dateOnly(isoTime: string): string {
  return isoTime.slice(0, 10);
}

function orderV2(state: SandboxState, order: Order) {
  const contact = findContact(state, order.contactId);
  return {
    id: String(order.id),
    title: order.title,
    status: order.totalDueMinor === 0 ? 'PAID' : 'SENT',
    total: currencyValue(order.totalMinor),
    contact: { id: String(order.contactId), email: contact?.email ?? '', given_name: contact?.givenName ?? '', family_name: contact?.familyName ?? '' },
    notes: '',
    terms: '',
    order_type: 'OFFLINE',
    source_type: 'INVOICE',
    creation_time: order.orderDate,
    modification_time: order.modificationDate,
    order_time: order.orderDate,
    lead_affiliate_id: '0',
    sales_affiliate_id: '0',
    total_paid: currencyValue(order.totalPaidMinor),
    total_due: currencyValue(order.totalDueMinor),
    refund_total: currencyValue(order.refundTotalMinor),
    allow_payment: order.totalDueMinor > 0,
    allow_paypal: false,
    order_items: order.items.map((item) => ({
      id: String(item.id),
      name: item.name,
      description: '',
      notes: '',
      quantity: item.quantity,
      item_type: 'PRODUCT',
      cost_per_unit: currencyValue(0),
      price_per_unit: currencyValue(item.priceMinor),
      product: { id: String(item.id), name: item.name, sku: `SKU-${item.id}`, description: '', shippable: false, taxable: false },
    })),
    payment_plan: {
      auto_charge: true,
      max_charge_attempts: 3,
      days_between_retries: 1,
      initial_payment_amount: currencyValue(0),
      initial_payment_percent: 0,
      initial_payment_date: dateOnly(order.orderDate),
      plan_start_date: dateOnly(order.orderDate),
      number_of_payments: order.numberOfPayments,
      days_between_payments: order.numberOfPayments > 1 ? 30 : 0,
    },
    invoice_number: String(order.invoiceNumber),
    invoice_id: String(order.invoiceId),
    synced: false,
  };
}

function listOrders(state: SandboxState, request: ApiRequest): ApiAnswer {
  const orders = [...state.orders];
  const orderBy = request.query.get('order_by');
  if (orderBy !== null && orderBy !== '') {
    const match = /^(id|order_time|modification_time)(?: (asc|desc))?$/.exec(orderBy);
    if (!match) return v2Error(400, `Invalid order_by: ${orderBy}`, request.apiPath);
    const [, field, direction] = match;
    const keyOf = (order: Order) => (field === 'id' ? order.id : Date.parse(field === 'order_time' ? order.orderDate : order.modificationDate));
    const sign = direction === 'desc' ? -1 : 1;
    orders.sort((a, b) => sign * (keyOf(a) - keyOf(b)));
  }
  const page = listPage(request, orders, {
    id: (order) => order.id,
    ids: (order) => [String(order.id)],
    contact_id: (order) => String(order.contactId),
    invoice_id: (order) => String(order.invoiceId),
    paid: (order) => order.totalDueMinor === 0,
    title: (order) => order.title,
    order_type: () => 'OFFLINE',
    created_since_time: (order) => order.orderDate,
    created_until_time: (order) => order.orderDate,
    modified_since_time: (order) => order.modificationDate,
    modified_until_time: (order) => order.modificationDate,
  });
  if (isAnswer(page)) return page;
  return { status: 200, body: { orders: page.page.map((order) => orderV2(state, order)), next_page_token: page.nextPageToken } };
}

/** `transactionIdsHidden`: `payment_id` is of Keap's own numbering, not the charging transaction's id (the v1 fault, alike). */
function invoiceOrderPayment(payment: InvoicePayment, transactionIdsHidden: boolean) {
  return {
    id: String(payment.id),
    // Cents, as the v2 file's example (10000) has it.
    amount: payment.amountMinor,
    note: payment.note,
    invoice_id: String(payment.invoiceId),
    payment_id: String(transactionIdsHidden ? NOT_A_TRANSACTION_ID_BASE + payment.id : payment.transactionId),
    pay_time: payment.payDate,
    pay_status: payment.payStatus,
    last_updated_time: payment.lastUpdated,
    skip_commission: false,
    ...(payment.refundOfPaymentId === null ? {} : { refund_invoice_payment_id: String(payment.refundOfPaymentId) }),
  };
}

function listOrderPayments(state: SandboxState, request: ApiRequest, order: Order): ApiAnswer {
  const payments = paymentsOfOrder(state, order.id);
  const page = listPage(request, payments, {
    invoice_id: (payment) => String(payment.invoiceId),
    payment_id: (payment) => String(payment.transactionId),
    amount: (payment) => payment.amountMinor,
    pay_status: (payment) => payment.payStatus,
    skip_commission: () => false,
  });
  if (isAnswer(page)) return page;
  const transactionIdsHidden = request.faults?.paymentIdsAreNotTransactionIds === true;
  return {
    status: 200,
    body: { invoice_order_payments: page.page.map((payment) => invoiceOrderPayment(payment, transactionIdsHidden)), next_page_token: page.nextPageToken },
  };
}

function transactionV2(state: SandboxState, transaction: Transaction) {
  const merchant = findMerchant(state, transaction.merchantAccountId);
  const contact = findContact(state, transaction.contactId);
  return {
    // A decimal, as the v2 file's example (123.34) has it.
    amount: toKeapDecimal(transaction.amountMinor),
    status: transaction.status,
    contact: { id: String(transaction.contactId), email: contact?.email ?? '', given_name: contact?.givenName ?? '', family_name: contact?.familyName ?? '' },
    order_ids: [String(transaction.orderId)],
    contact_id: String(transaction.contactId),
    transaction_method: transaction.type,
    transaction_time: transaction.transactionDate,
    ...(transaction.errors === '' ? {} : { error_details: transaction.errors }),
    // The sandbox numbers a transaction and the payment it made alike (the v1 contract's payment_id).
    payment_id: String(transaction.id),
    is_successful: transaction.status === 'APPROVED',
    ...(merchant ? { merchant_account_id: String(merchant.id), merchant_account_type: merchant.type } : {}),
  };
}

function listTransactions(state: SandboxState, request: ApiRequest): ApiAnswer {
  const transactionOrder = request.query.get('order_by');
  if (transactionOrder !== null && transactionOrder !== '' && !/^(amount|transaction_time|contact_id)(?: (asc|desc))?$/.test(transactionOrder)) {
    return v2Error(400, `Invalid order_by: ${transactionOrder}`, request.apiPath);
  }
  const page = listPage(request, state.transactions, {
    amount: (transaction) => toKeapDecimal(transaction.amountMinor),
    order_id: (transaction) => String(transaction.orderId),
    contact_id: (transaction) => String(transaction.contactId),
    since_time: (transaction) => transaction.transactionDate,
    until_time: (transaction) => transaction.transactionDate,
    merchant_account_id: (transaction) => (transaction.merchantAccountId === null ? null : String(transaction.merchantAccountId)),
    merchant_account_type: (transaction) => findMerchant(state, transaction.merchantAccountId)?.type,
    status: (transaction) => transaction.status,
    transaction_method: (transaction) => transaction.type,
    is_successful: (transaction) => transaction.status === 'APPROVED',
  });
  if (isAnswer(page)) return page;
  return { status: 200, body: { transactions: page.page.map((transaction) => transactionV2(state, transaction)), next_page_token: page.nextPageToken } };
}

/** Payments as `/sales/payments` lists them: one per invoice payment, numbered by the transaction that made it. */
function listPayments(state: SandboxState, request: ApiRequest): ApiAnswer {
  const page = listPage(request, state.payments, {
    id: (payment) => payment.transactionId,
    ids: (payment) => [String(payment.transactionId)],
    amount: (payment) => toKeapDecimal(payment.amountMinor),
    order_id: (payment) => String(payment.orderId),
    order_ids: (payment) => [String(payment.orderId)],
    contact_id: (payment) => String(findOrder(state, payment.orderId)?.contactId ?? ''),
    since_time: (payment) => payment.payDate,
    until_time: (payment) => payment.payDate,
    merchant_account_id: (payment) => String(state.transactions.find((transaction) => transaction.id === payment.transactionId)?.merchantAccountId ?? ''),
    merchant_account_type: (payment) => findMerchant(state, state.transactions.find((transaction) => transaction.id === payment.transactionId)?.merchantAccountId ?? null)?.type,
  });
  if (isAnswer(page)) return page;
  return {
    status: 200,
    body: {
      payments: page.page.map((payment) => {
        const refund = state.payments.find((candidate) => candidate.refundOfPaymentId === payment.id);
        const charge = state.transactions.find((transaction) => transaction.id === payment.transactionId);
        const merchant = findMerchant(state, charge?.merchantAccountId ?? null);
        return {
          id: String(payment.transactionId),
          type: merchant ? 'Credit Card' : 'Check',
          amount: toKeapDecimal(payment.amountMinor),
          note: payment.note,
          status: payment.payStatus === 'PENDING' ? 'PENDING' : 'COMPLETED',
          commissioned: false,
          synced: false,
          payment_time: payment.payDate,
          ...(refund ? { refund_payment_id: String(refund.transactionId) } : {}),
          contact_id: String(findOrder(state, payment.orderId)?.contactId ?? ''),
          order_ids: [String(payment.orderId)],
          update_time: payment.lastUpdated,
          ...(merchant ? { merchant_account_id: String(merchant.id), merchant_account_type: merchant.type } : {}),
        };
      }),
      next_page_token: page.nextPageToken,
    },
  };
}

function noteV2(state: SandboxState, note: Note) {
  const { user } = state;
  return {
    id: String(note.id),
    text: note.body,
    title: note.title,
    type: note.type,
    contact_id: String(note.contactId),
    assigned_to_user: { id: String(user.id), given_name: user.givenName, family_name: user.familyName, email_address: user.email },
    create_time: note.dateCreated,
    update_time: note.lastUpdated,
    last_updated_by_user_id: String(note.userId),
    created_by_user_id: String(note.userId),
  };
}

function listNotes(state: SandboxState, request: ApiRequest, notes: readonly Note[]): ApiAnswer {
  const orderBy = request.query.get('order_by');
  const sorted = [...notes];
  if (orderBy !== null && orderBy !== '') {
    const match = /^(id|create_time|update_time)(?: (asc|desc))?$/.exec(orderBy);
    if (!match) return v2Error(400, `Invalid order_by: ${orderBy}`, request.apiPath);
    const [, field, direction] = match;
    const keyOf = (note: Note) => (field === 'id' ? note.id : Date.parse(field === 'create_time' ? note.dateCreated : note.lastUpdated));
    const sign = direction === 'desc' ? -1 : 1;
    sorted.sort((a, b) => sign * (keyOf(a) - keyOf(b)));
  }
  const page = listPage(request, sorted, {
    id: (note) => note.id,
    ids: (note) => [String(note.id)],
    title: (note) => note.title,
    contact_id: (note) => String(note.contactId),
    assigned_to_user_id: () => String(state.user.id),
    since_time: (note) => note.dateCreated,
    until_time: (note) => note.dateCreated,
  });
  if (isAnswer(page)) return page;
  return { status: 200, body: { notes: page.page.map((note) => noteV2(state, note)), next_page_token: page.nextPageToken } };
}

function createNote(state: SandboxState, request: ApiRequest, contact: Contact): ApiAnswer {
  const parsed = CreateNoteRequestSchema.safeParse(request.body);
  if (!parsed.success) return v2Error(400, 'Input could not be converted to a valid request: user_id is required', request.apiPath);
  const input = parsed.data;
  if (Number(input.user_id) !== state.user.id) return v2Error(400, `User ${input.user_id} not found`, request.apiPath);
  if (!input.title && !input.type) return v2Error(400, 'A value for either title or type is required', request.apiPath);
  const at = request.now.toISOString();
  const note: Note = {
    id: state.nextIds.note++,
    contactId: contact.id,
    title: input.title ?? '',
    body: input.text ?? '',
    type: input.type ?? 'Other',
    userId: state.user.id,
    dateCreated: at,
    lastUpdated: at,
  };
  state.notes.push(note);
  return { status: 201, body: noteV2(state, note) };
}
