import { REFUNDS_PANEL_PAGE_SIZE } from '@/components/refunds-panel/RefundsPanel';
import { classicPageShows, classicPanelAnchor } from '@/lib/page/classic-contact';
import { watchOrdersTable } from '@/lib/page/orders-table';
import { type ContactPageKind, NO_PAGE_LIST } from './contact-panel';

/** The classic contact record (`…infusionsoft.com/Contact/manageContact.jsp`): its Orders table, its tabs, its text. */
export const classicContactPage: ContactPageKind = {
  list: 'orders-table',
  watchList(report, signal) {
    watchOrdersTable(
      document.body,
      (reading) => report(reading.found ? { found: true, complete: reading.complete, orderRows: reading.rows, payments: [], element: reading.table } : NO_PAGE_LIST),
      { signal, firstRows: REFUNDS_PANEL_PAGE_SIZE },
    );
  },
  anchor: (ordersTable) => classicPanelAnchor(document, ordersTable),
  // Drawn by Keap's server with its contact: what it shows at load is what it shows.
  showsContact: (name) => Promise.resolve(classicPageShows(document, name)),
};
