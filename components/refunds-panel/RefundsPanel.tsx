import { useId, useMemo, useState } from 'react';
import { formatMoney } from '@/lib/money';
import { filterOrderRows, type PanelOrderRow } from '@/lib/panel/order-rows';

export type ApiState =
  | { kind: 'loading' }
  /** The newest orders' amounts are in; the rest of the contact's `orderCount` orders follow at once. */
  | { kind: 'first-page'; orderCount: number }
  | { kind: 'ready' }
  | { kind: 'no-key' }
  /** The key Refund Desk has is another Keap app's (or not yet shown to be this one's). */
  | { kind: 'other-app'; message: string }
  /** The page does not show the contact Keap's API has under this id: no amounts are shown for it. */
  | { kind: 'not-on-page' }
  /** Many contacts were asked for in this tab within a minute: amounts wait for the person. */
  | { kind: 'paused'; message: string }
  | { kind: 'error'; message: string };

export interface RefundsPanelProps {
  contactId: number;
  rows: PanelOrderRow[];
  api: ApiState;
  /** False when the page's own list of the contact's money could not be read (Keap changed it, or it is not drawn). */
  pageListFound: boolean;
  /** What that list is called on this kind of page (default "Orders table", the classic contact record's). */
  pageListName?: string;
  /** Where the page and Keap's API disagree beyond any one order's row, in words. */
  pageDisagreements?: readonly string[];
  /** False while only the first rows of a long Orders table have been read (default true). */
  pageRowsComplete?: boolean;
  onRefund: (orderId: number) => void;
  onRetry: () => void;
  /** The person asks for amounts after loading was paused (a click a page script fakes is ignored). */
  onLoadAmounts: () => void;
  onOpenOptions: () => void;
  pageSize?: number;
}

function money(minor: number | null, currency: string): string {
  return minor === null ? '…' : formatMoney(minor, currency);
}

function refundBlocker(row: PanelOrderRow, api: ApiState): string | null {
  if (api.kind === 'no-key') return 'Add your Keap API key in Refund Desk options to refund.';
  if (api.kind === 'other-app') return 'Refund Desk has no API key for this Keap app.';
  if (api.kind === 'not-on-page') return "This page does not show the contact Keap's API has under this id.";
  if (api.kind === 'paused') return 'Click "Load amounts" first.';
  if (api.kind === 'loading' || (api.kind === 'first-page' && !row.fromApi)) return "Checking this order with Keap's API…";
  if (api.kind === 'error') return "Keap's API did not answer, so amounts cannot be confirmed.";
  if (!row.fromApi) return "Keap's API does not list this order.";
  // A pending payment opens the side panel anyway, which says how to void it.
  if (row.refundableNowMinor === 0 && !row.badges.some((badge) => badge.kind === 'pending')) return 'Nothing left to refund on this order.';
  return null;
}

/** Orders per page of the panel; the content script reads this many of Keap's rows first. */
export const REFUNDS_PANEL_PAGE_SIZE = 20;

/** The Refunds panel on a Keap contact record. Presentational: data and callbacks come in. */
export function RefundsPanel({
  contactId,
  rows,
  api,
  pageListFound,
  pageListName = 'Orders table',
  pageDisagreements = [],
  pageRowsComplete = true,
  onRefund,
  onRetry,
  onLoadAmounts,
  onOpenOptions,
  pageSize = REFUNDS_PANEL_PAGE_SIZE,
}: RefundsPanelProps) {
  const [filter, setFilter] = useState('');
  const [pageIndex, setPageIndex] = useState(0);
  const headingId = useId();
  const filterId = useId();
  const visible = useMemo(() => filterOrderRows(rows, filter), [rows, filter]);
  // Until every order's amounts are in, the API's count covers orders the page has not shown.
  const orderCount = api.kind === 'first-page' ? Math.max(rows.length, api.orderCount) : rows.length;
  const pageCount = Math.max(1, Math.ceil(visible.length / pageSize));
  const currentPage = Math.min(pageIndex, pageCount - 1);
  const shown = visible.slice(currentPage * pageSize, (currentPage + 1) * pageSize);

  return (
    <section className="rd-panel" aria-labelledby={headingId} data-contact-id={contactId}>
      <header className="rd-header">
        <h2 id={headingId}>Refunds</h2>
        <span className="rd-brand">Refund Desk</span>
      </header>
      {api.kind === 'no-key' && (
        <p className="rd-banner rd-banner-info" role="note">
          Refunding is off until you add your Keap API key.{' '}
          <button type="button" className="rd-link" onClick={onOpenOptions}>
            Open Refund Desk options
          </button>
        </p>
      )}
      {api.kind === 'other-app' && (
        <p className="rd-banner rd-banner-info" role="note">
          {api.message}{' '}
          <button type="button" className="rd-link" onClick={onOpenOptions}>
            Open Refund Desk options
          </button>
        </p>
      )}
      {api.kind === 'not-on-page' && (
        <p className="rd-banner rd-banner-info" role="note">
          This page does not show the contact Keap's API has under this id, so Refund Desk shows no amounts for it.
        </p>
      )}
      {api.kind === 'paused' && (
        <p className="rd-banner rd-banner-info" role="note">
          {api.message}{' '}
          <button
            type="button"
            onClick={(event) => {
              // A click a page script dispatched is not the person's.
              if (event.nativeEvent.isTrusted) onLoadAmounts();
            }}
          >
            Load amounts
          </button>
        </p>
      )}
      {api.kind === 'error' && (
        <div className="rd-banner rd-banner-error" role="alert">
          <span>{api.message}</span>{' '}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
      {api.kind === 'loading' && (
        <p className="rd-banner rd-banner-muted" role="status">
          Checking amounts with Keap's API…
        </p>
      )}
      {!pageListFound && api.kind === 'ready' && <p className="rd-banner rd-banner-muted">Orders come from Keap's API (the page's {pageListName} was not found).</p>}
      {pageDisagreements.length > 0 && (
        <ul className="rd-banner rd-page-disagreements" aria-label="Where the page and Keap's API disagree">
          {pageDisagreements.map((note) => (
            <li key={note} className="rd-discrepancy">
              {note}
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <div className="rd-tools">
          <label htmlFor={filterId}>Filter orders</label>
          <input
            id={filterId}
            type="search"
            value={filter}
            placeholder="Order #, title or date"
            onChange={(event) => {
              setFilter(event.target.value);
              setPageIndex(0);
            }}
          />
          <span className="rd-count">
            {!pageRowsComplete && api.kind !== 'ready' && api.kind !== 'first-page'
              ? `Reading Keap's orders… ${rows.length} so far`
              : visible.length === rows.length
                ? `${orderCount} ${orderCount === 1 ? 'order' : 'orders'}`
                : `${visible.length} of ${orderCount} orders`}
          </span>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="rd-empty">{api.kind === 'loading' ? 'Looking for orders…' : 'This contact has no orders.'}</p>
      ) : (
        <table className="rd-table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Date</th>
              <th scope="col">Title</th>
              <th scope="col">Total</th>
              <th scope="col">Paid</th>
              <th scope="col">Refunded</th>
              <th scope="col">Refundable now</th>
              <th scope="col">
                <span className="rd-visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const blocker = refundBlocker(row, api);
              const blockerId = `rd-blocker-${row.orderId}`;
              return (
                <tr key={row.orderId} data-order-id={row.orderId}>
                  <td>#{row.orderId}</td>
                  <td>{row.orderDate ?? '—'}</td>
                  <td className="rd-title">
                    <span>{row.title}</span>
                    {row.badges.length > 0 && (
                      <ul className="rd-badges" aria-label={`Notes on order #${row.orderId}`}>
                        {row.badges.map((badge) => (
                          <li key={badge.kind + badge.text} className={`rd-badge rd-badge-${badge.kind}`}>
                            {badge.text}
                          </li>
                        ))}
                      </ul>
                    )}
                    {row.discrepancies.map((note) => (
                      <p key={note} className="rd-discrepancy">
                        {note}
                      </p>
                    ))}
                  </td>
                  <td>{money(row.totalMinor, row.currency)}</td>
                  <td>{money(row.paidMinor, row.currency)}</td>
                  <td>{money(row.refundedMinor, row.currency)}</td>
                  <td className="rd-refundable">{money(row.refundableNowMinor, row.currency)}</td>
                  <td>
                    <button
                      type="button"
                      className="rd-refund"
                      disabled={blocker !== null}
                      aria-describedby={blocker ? blockerId : undefined}
                      onClick={(event) => {
                        // A click a page script dispatched is not the user's: ignore it.
                        if (event.nativeEvent.isTrusted) onRefund(row.orderId);
                      }}
                    >
                      Refund order #{row.orderId}
                    </button>
                    {blocker && (
                      <span id={blockerId} className="rd-blocker">
                        {blocker}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pageCount > 1 && (
        <nav className="rd-paging" aria-label="Order pages">
          <button type="button" disabled={currentPage === 0} onClick={() => setPageIndex(currentPage - 1)}>
            Newer
          </button>
          <span>
            Page {currentPage + 1} of {pageCount}
          </span>
          <button type="button" disabled={currentPage >= pageCount - 1} onClick={() => setPageIndex(currentPage + 1)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
