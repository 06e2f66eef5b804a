import { i18n } from '#i18n';
import type { z } from 'zod';
import { unexpectedAnswerError, type KeapResult } from '@/lib/keap/errors';
import { type KeapListing, keapListing } from '@/lib/keap/listing';
import { createKeapRequester, fail, ok, type KeapRequestOptions, type RequestSpec } from '@/lib/keap/request';
import {
  accountProfileSchema,
  contactSchema,
  invoicePaymentListSchema,
  merchantListSchema,
  noteListSchema,
  noteSchema,
  orderListingPageSchema,
  orderListingSchema,
  transactionListingPageSchema,
  transactionListingSchema,
  orderSchema,
  transactionListSchema,
  userInfoSchema,
  type KeapAccountProfile,
  type KeapContact,
  type KeapCreateNoteRequest,
  type KeapInvoicePayment,
  type KeapMerchantList,
  type KeapNote,
  type KeapNotePage,
  type KeapOrder,
  type KeapOrderListing,
  type KeapTransaction,
  type KeapTransactionListing,
  type KeapUserInfo,
} from '@/lib/keap/schemas';

/**
 * Keap REST v1 client for the background service worker. Every request carries the key, goes
 * through the shared rate limiter, has a timeout, and is validated; nothing throws: each method
 * answers a KeapResult.
 */

export interface KeapClientOptions extends KeapRequestOptions {
  /** Keap v1's largest page. */
  pageSize?: number;
}

export interface KeapClient {
  getAccountProfile(): Promise<KeapResult<KeapAccountProfile>>;
  /**
   * The Keap user the key belongs to (`GET /v1/oauth/connect/userinfo`). Keap does not document
   * whether every kind of key answers it: a refusal is an error like any other.
   */
  getUserInfo(): Promise<KeapResult<KeapUserInfo>>;
  getContact(contactId: number): Promise<KeapResult<KeapContact>>;
  /** Checked page by page; the orders themselves when read (see KeapListing). */
  listOrdersForContact(contactId: number): Promise<KeapResult<KeapListing<KeapOrderListing>>>;
  getOrder(orderId: number): Promise<KeapResult<KeapOrder>>;
  listOrderPayments(orderId: number): Promise<KeapResult<KeapInvoicePayment[]>>;
  listOrderTransactions(orderId: number): Promise<KeapResult<KeapTransaction[]>>;
  /** Checked page by page; the transactions themselves when read (see KeapListing). */
  listTransactionsForContact(contactId: number): Promise<KeapResult<KeapListing<KeapTransactionListing>>>;
  listMerchants(): Promise<KeapResult<KeapMerchantList>>;
  createNote(note: KeapCreateNoteRequest): Promise<KeapResult<KeapNote>>;
  /** Every note on a contact, all pages. */
  listNotesForContact(contactId: number): Promise<KeapResult<KeapNote[]>>;
  /** One page of notes (`GET /v1/notes?limit=&offset=`), of one contact when `contactId` is given; `count` is all there are. */
  listNotesPage(page: { offset: number; limit: number; contactId?: number }): Promise<KeapResult<KeapNotePage>>;
}

/** A runaway `next` chain must end; 1,000 pages of 1,000 is far beyond any contact. */
const MAX_PAGES = 1000;

export function createKeapClient(options: KeapClientOptions): KeapClient {
  const pageSize = options.pageSize ?? 1000;
  const { base, apiUrl, endpointLabel, send } = createKeapRequester(options);

  /** Keap's `next` is followed only on our own origin, so the key never goes anywhere else. */
  function nextPageUrl(next: string | null | undefined, current: URL, offset: number): URL {
    if (next) {
      try {
        const candidate = new URL(next);
        if (candidate.origin === base.origin && candidate.href !== current.href) return candidate;
      } catch {
        // An unreadable `next` is ignored; the offset below reaches the same page.
      }
    }
    const byOffset = new URL(current.href);
    byOffset.searchParams.set('limit', String(pageSize));
    byOffset.searchParams.set('offset', String(offset));
    return byOffset;
  }

  async function collectPages<Page extends { count?: number | null; next?: string | null }, Item>(
    spec: RequestSpec<Page>,
    itemsOf: (page: Page) => Item[],
  ): Promise<KeapResult<Item[]>> {
    const items: Item[] = [];
    let url = spec.url;
    for (let pageNumber = 0; pageNumber < MAX_PAGES; pageNumber += 1) {
      const page = await send({ ...spec, url });
      if (!page.ok) return page;
      const pageItems = itemsOf(page.value);
      items.push(...pageItems);
      const total = page.value.count;
      // Keap sends `next` even after the last page, so a short page (or the announced total) ends it.
      if (pageItems.length < pageSize || (typeof total === 'number' && items.length >= total)) return ok(items);
      url = nextPageUrl(page.value.next, url, items.length);
    }
    const label = endpointLabel(spec.method, spec.url);
    return fail(unexpectedAnswerError(label, '', i18n.t('problems.keap.answer.tooManyPages', [label, String(MAX_PAGES)])));
  }

  /** A list whose pages are checked as they come and whose items are checked when read. */
  async function collectListing<Field extends string, Item>(
    spec: RequestSpec<{ [key in Field]: unknown[] } & { count?: number | null; next?: string | null }>,
    field: Field,
    itemSchema: z.ZodType<Item>,
  ): Promise<KeapResult<KeapListing<Item>>> {
    const items = await collectPages(spec, (page) => page[field]);
    return items.ok ? ok(keapListing(endpointLabel(spec.method, spec.url), field, items.value, itemSchema)) : items;
  }

  function firstPage(path: string, query: Record<string, number>): URL {
    return apiUrl(path, { ...query, limit: pageSize, offset: 0 });
  }

  return {
    getAccountProfile: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/account/profile'),
        schema: accountProfileSchema,
        action: 'readAccountProfile',
        subject: { what: 'accountProfile' },
      }),
    getUserInfo: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/oauth/connect/userinfo'),
        schema: userInfoSchema,
        action: 'readUserInfo',
        subject: { what: 'userInfo' },
      }),
    getContact: (contactId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/contacts/${contactId}`),
        schema: contactSchema,
        action: 'readContacts',
        subject: { what: 'contact', id: contactId },
      }),
    listOrdersForContact: (contactId) =>
      collectListing(
        {
          method: 'GET',
          url: firstPage('/v1/orders', { contact_id: contactId }),
          schema: orderListingPageSchema,
          action: 'readOrders',
          subject: { what: 'ordersOfContact', id: contactId },
        },
        'orders',
        orderListingSchema,
      ),
    getOrder: (orderId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/orders/${orderId}`),
        schema: orderSchema,
        action: 'readOrders',
        subject: { what: 'order', id: orderId },
      }),
    listOrderPayments: (orderId) =>
      send({
        method: 'GET',
        url: apiUrl(`/v1/orders/${orderId}/payments`),
        schema: invoicePaymentListSchema,
        action: 'readOrderPayments',
        subject: { what: 'order', id: orderId },
      }),
    listOrderTransactions: (orderId) =>
      collectPages(
        {
          method: 'GET',
          url: firstPage(`/v1/orders/${orderId}/transactions`, {}),
          schema: transactionListSchema,
          action: 'readTransactions',
          subject: { what: 'order', id: orderId },
        },
        (page) => page.transactions,
      ),
    listTransactionsForContact: (contactId) =>
      collectListing(
        {
          method: 'GET',
          url: firstPage('/v1/transactions', { contact_id: contactId }),
          schema: transactionListingPageSchema,
          action: 'readTransactions',
          subject: { what: 'transactionsOfContact', id: contactId },
        },
        'transactions',
        transactionListingSchema,
      ),
    listMerchants: () =>
      send({
        method: 'GET',
        url: apiUrl('/v1/merchants'),
        schema: merchantListSchema,
        action: 'readMerchantAccounts',
        subject: { what: 'merchantAccounts' },
      }),
    listNotesForContact: (contactId) =>
      collectPages(
        {
          method: 'GET',
          url: firstPage('/v1/notes', { contact_id: contactId }),
          schema: noteListSchema,
          action: 'readNotes',
          subject: { what: 'notesOfContact', id: contactId },
        },
        (page) => page.notes,
      ),
    listNotesPage: ({ offset, limit, contactId }) =>
      send({
        method: 'GET',
        url: apiUrl('/v1/notes', { ...(contactId === undefined ? {} : { contact_id: contactId }), limit, offset }),
        schema: noteListSchema,
        action: 'readNotes',
        subject: contactId === undefined ? { what: 'notes' } : { what: 'notesOfContact', id: contactId },
      }),
    createNote: (note) =>
      send({
        method: 'POST',
        url: apiUrl('/v1/notes'),
        schema: noteSchema,
        body: note,
        action: 'addNotes',
        subject: { what: 'contact', id: note.contact_id },
        unsureWhetherSaved: 'note',
      }),
  };
}
