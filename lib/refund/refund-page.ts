import type { RefundThrough } from '@/lib/settings';

/** Where Keap's own refund is made: the classic order page's Refund Payment screen, or the newer app's contact record. */
export type RefundPage = { kind: 'classic-order' } | { kind: 'newer-app-contact'; origin: string; contactId: number };

/**
 * "Refund through: the app I am in" makes a refund started on a page of Keap's newer app in that
 * app's own flow, and one started on a classic page on the classic screen; "always the classic
 * screen" makes every refund there.
 */
export function refundPageFor(record: { newerAppOrigin?: string | undefined; contact: { id: number } }, refundThrough: RefundThrough): RefundPage {
  if (refundThrough === 'app-in-use' && record.newerAppOrigin) return { kind: 'newer-app-contact', origin: record.newerAppOrigin, contactId: record.contact.id };
  return { kind: 'classic-order' };
}

/**
 * The newer app's contact record on its activity tab, where its Money card is. keap-facts.md: a
 * WordPress plugin builds `https://infusionsoft.app/contacts/list/all/contact/<id>/activity`, and
 * help.keap.com: "Click the Money card in the Contact activity section".
 */
export function newerAppActivityUrl(origin: string, contactId: number): string {
  return `${origin}/contacts/list/all/contact/${contactId}/activity`;
}
