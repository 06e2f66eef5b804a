import { i18n } from '#i18n';
import { unexpectedAnswerError, type KeapResult } from '@/lib/keap/errors';
import { createKeapRequester, fail, ok, type KeapRequestOptions, type RequestSpec } from '@/lib/keap/request';
import {
  contactSchema,
  errorSchema,
  getBusinessProfileResponseSchema,
  getUserInfoResponseSchema,
  listMerchantsResponseSchema,
  listNotesResponseSchema,
  listOrderPaymentsResponseSchema,
  listOrdersPageSchema,
  listTransactionsPageSchema,
  listUsersPaginatedResponseSchema,
  noteSchema,
  orderV2Schema,
  type Contact,
  type CreateNoteRequest,
  type GetBusinessProfileResponse,
  type GetUserInfoResponse,
  type InvoiceOrderPayment,
  type ListMerchantAccountResponse,
  type Note,
  type OrderV2,
  type User,
} from '@/lib/keap/v2/schemas';

/**
 * Keap REST v2 client (`/crm/rest/v2/…`, keap-rest-v2.yml) with the v1 client's qualities: the
 * same request machinery (key header, rate limiter, timeout, retries, typed errors; request.ts),
 * every answer checked, and lists read per list, page by page with `page_size` and `page_token`
 * until `next_page_token` is empty. It answers v2's own shapes; versioned-client.ts turns them
 * into the domain types the rest of Refund Desk uses.
 */

export interface KeapV2ClientOptions extends KeapRequestOptions {
  /** Keap v2's largest page (the users list's is 100). */
  pageSize?: number;
}

/** A v2 `filter`: each field compared with `==`, the comparisons joined by `;`. */
type Filter = Record<string, string | number>;

/** What the merchant list gives: the default account and every account. */
export interface MerchantAccounts {
  defaultMerchantAccountId: number | null;
  merchantAccounts: ListMerchantAccountResponse[];
}

export interface KeapV2Client {
  getBusinessProfile(): Promise<KeapResult<GetBusinessProfileResponse>>;
  getUserInfo(): Promise<KeapResult<GetUserInfoResponse>>;
  /** The users with this email (`filter=email==…`). */
  listUsersByEmail(email: string): Promise<KeapResult<User[]>>;
  getContact(contactId: number): Promise<KeapResult<Contact>>;
  /** Orders matching `filter`, every page, as sent (checked when read). */
  listOrders(filter: Filter): Promise<KeapResult<unknown[]>>;
  getOrder(orderId: number): Promise<KeapResult<OrderV2>>;
  listOrderPayments(orderId: number): Promise<KeapResult<InvoiceOrderPayment[]>>;
  /** `/sales/transactions` matching `filter`, every page, as sent (checked when read). */
  listTransactions(filter: Filter): Promise<KeapResult<unknown[]>>;
  listMerchants(): Promise<KeapResult<MerchantAccounts>>;
  listContactNotes(contactId: number): Promise<KeapResult<Note[]>>;
  createNote(contactId: number, note: CreateNoteRequest): Promise<KeapResult<Note>>;
}

/** A runaway token chain must end; 1,000 pages of 1,000 is far beyond any contact. */
const MAX_PAGES = 1000;
const USERS_PAGE_SIZE = 100;
/** A contact's fields Refund Desk reads: its name and email addresses (and the company, as v1 gives it). */
const CONTACT_FIELDS = 'given_name,family_name,email_addresses,company';

/** Keap's own words in a v2 Error body, when it has some. */
function errorMessage(text: string): string | undefined {
  try {
    const parsed = errorSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.message?.trim() ?? undefined) || undefined : undefined;
  } catch {
    return undefined;
  }
}

function filterText(filter: Filter): string {
  return Object.entries(filter)
    .map(([field, value]) => `${field}==${value}`)
    .join(';');
}

export function createKeapV2Client(options: KeapV2ClientOptions): KeapV2Client {
  const pageSize = options.pageSize ?? 1000;
  // 501 "Method Not Implemented" is how an account without a v2 endpoint answers: no retry.
  const { apiUrl, endpointLabel, send } = createKeapRequester(options, { finalServerStatuses: [501], refusalDetail: errorMessage });

  /** Every page of a list: `next_page_token` is followed until it is empty, repeats or names no new items. */
  async function collectPages<Page extends { next_page_token?: string | null | undefined }, Item>(
    spec: RequestSpec<Page>,
    itemsOf: (page: Page) => readonly Item[],
    size: number = pageSize,
  ): Promise<KeapResult<Item[]>> {
    const label = endpointLabel(spec.method, spec.url);
    const items: Item[] = [];
    const seenTokens = new Set<string>();
    let url = new URL(spec.url.href);
    url.searchParams.set('page_size', String(size));
    for (let pageNumber = 0; pageNumber < MAX_PAGES; pageNumber += 1) {
      const page = await send({ ...spec, url });
      if (!page.ok) return page;
      const pageItems = itemsOf(page.value);
      items.push(...pageItems);
      const token = page.value.next_page_token ?? '';
      if (token === '' || pageItems.length === 0) return ok(items);
      if (seenTokens.has(token)) return fail(unexpectedAnswerError(label, 'next_page_token', i18n.t('problems.keap.answer.samePageToken', [label])));
      seenTokens.add(token);
      url = new URL(url.href);
      url.searchParams.set('page_token', token);
    }
    return fail(unexpectedAnswerError(label, '', i18n.t('problems.keap.answer.tooManyPages', [label, String(MAX_PAGES)])));
  }

  function listUrl(path: string, filter: Filter, query: Record<string, string> = {}): URL {
    return apiUrl(path, { ...query, ...(Object.keys(filter).length > 0 ? { filter: filterText(filter) } : {}) });
  }

  return {
    getBusinessProfile: () =>
      send({
        method: 'GET',
        url: apiUrl('/v2/businessProfile'),
        schema: getBusinessProfileResponseSchema,
        action: 'readBusinessProfile',
        subject: { what: 'businessProfile' },
      }),
    getUserInfo: () =>
      send({
        method: 'GET',
        url: apiUrl('/v2/oauth/connect/userinfo'),
        schema: getUserInfoResponseSchema,
        action: 'readUserInfo',
        subject: { what: 'userInfo' },
      }),
    listUsersByEmail: (email) =>
      collectPages(
        {
          method: 'GET',
          url: listUrl('/v2/users', { email }),
          schema: listUsersPaginatedResponseSchema,
          action: 'readUsers',
          subject: { what: 'users' },
        },
        (page) => page.users ?? [],
        USERS_PAGE_SIZE,
      ),
    getContact: (contactId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v2/contacts/${contactId}`, { fields: CONTACT_FIELDS }),
        schema: contactSchema,
        action: 'readContacts',
        subject: { what: 'contact', id: contactId },
      }),
    listOrders: (filter) =>
      collectPages({ method: 'GET', url: listUrl('/v2/orders', filter), schema: listOrdersPageSchema, action: 'readOrders', subject: { what: 'orders' } }, (page) => page.orders),
    getOrder: (orderId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v2/orders/${orderId}`),
        schema: orderV2Schema,
        action: 'readOrders',
        subject: { what: 'order', id: orderId },
      }),
    listOrderPayments: (orderId) =>
      collectPages(
        {
          method: 'GET',
          url: apiUrl(`/v2/orders/${orderId}/payments`),
          schema: listOrderPaymentsResponseSchema,
          action: 'readOrderPayments',
          subject: { what: 'order', id: orderId },
        },
        (page) => page.invoice_order_payments ?? [],
      ),
    listTransactions: (filter) =>
      collectPages(
        {
          method: 'GET',
          url: listUrl('/v2/sales/transactions', filter),
          schema: listTransactionsPageSchema,
          action: 'readTransactions',
          subject: { what: 'transactions' },
        },
        (page) => page.transactions,
      ),
    listMerchants: async () => {
      let defaultMerchantAccountId: number | null = null;
      const accounts = await collectPages(
        {
          method: 'GET',
          url: apiUrl('/v2/merchants'),
          schema: listMerchantsResponseSchema,
          action: 'readMerchantAccounts',
          subject: { what: 'merchantAccounts' },
        },
        (page) => {
          defaultMerchantAccountId ??= page.default_merchant_account_id ?? null;
          return page.merchant_accounts ?? [];
        },
      );
      return accounts.ok ? ok({ defaultMerchantAccountId, merchantAccounts: accounts.value }) : accounts;
    },
    listContactNotes: (contactId) =>
      collectPages(
        {
          method: 'GET',
          url: apiUrl(`/v2/contacts/${contactId}/notes`),
          schema: listNotesResponseSchema,
          action: 'readNotes',
          subject: { what: 'notesOfContact', id: contactId },
        },
        (page) => page.notes ?? [],
      ),
    createNote: (contactId, note) =>
      send({
        method: 'POST',
        url: apiUrl(`/v2/contacts/${contactId}/notes`),
        schema: noteSchema,
        body: note,
        action: 'addNotes',
        subject: { what: 'contact', id: contactId },
        unsureWhetherSaved: 'note',
      }),
  };
}
