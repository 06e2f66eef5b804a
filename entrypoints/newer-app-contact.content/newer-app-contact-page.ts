import { newerAppPanelAnchor, newerAppShowsContact, recordScope } from '@/lib/page/newer-app/contact-record';
import { watchPaymentsList } from '@/lib/page/newer-app/payments-list';
import { waitFor } from '@/lib/page/wait';
import { type ContactPageKind, NO_PAGE_LIST } from '../content/contact-panel';

/**
 * How long the newer app may take to draw the contact it moved to. It fetches each record after the
 * route changes, and Keap's API may answer from the background's copy before then (a guess: a few
 * seconds is ample for an app drawing one record).
 */
const CONTACT_NAME_WAIT_MS = 10_000;

/** The newer app's contact record (`keap.app/contacts/list/…/contact/<id>/<tab>`): read by meaning, drawn late. */
export const newerAppContactPage: ContactPageKind = {
  list: 'payments-list',
  watchList(report, signal) {
    watchPaymentsList(
      document.body,
      (reading) => report(reading.found ? { found: true, complete: true, orderRows: [], payments: reading.payments, element: reading.list } : NO_PAGE_LIST),
      { signal, scope: () => recordScope(document) },
    );
  },
  anchor: () => newerAppPanelAnchor(document),
  async showsContact(name, signal) {
    const shown = await waitFor(document.body, () => (newerAppShowsContact(document, name) ? true : null), { timeoutMs: CONTACT_NAME_WAIT_MS, signal });
    return shown.ok;
  },
};
