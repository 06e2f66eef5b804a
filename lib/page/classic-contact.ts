import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { ordersTableIn } from '@/lib/page/orders-table';
import type { PanelAnchor } from '@/lib/page/panel-anchor';

/**
 * Where the panel goes on a classic contact record: just above the contact's tabs (one of which is
 * Orders), so it shows whichever tab is open; else above Keap's Orders table; else atop the page.
 * `ordersTable` is passed by a caller that has just read the page (null: there is none), so it is
 * not looked up again.
 */
export function classicPanelAnchor(document: Document, ordersTable?: Element | null): PanelAnchor {
  const tabs = document.querySelector('ul.tabs');
  if (tabs) return { element: tabs, where: 'before' };
  const table = ordersTable === undefined ? ordersTableIn(document) : ordersTable;
  if (table) return { element: table, where: 'before' };
  return { element: document.body, where: 'prepend' };
}

/**
 * Whether a classic page shows `name`, as a person reads it (case and spacing aside). A classic
 * contact record is one contact's page, drawn by the server: its text anywhere will do.
 */
export function classicPageShows(document: Document, name: string): boolean {
  const wanted = normaliseWhitespace(name).toLowerCase();
  return (
    wanted !== '' &&
    normaliseWhitespace(document.body.textContent ?? '')
      .toLowerCase()
      .includes(wanted)
  );
}
