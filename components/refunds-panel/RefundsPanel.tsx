import { i18n } from '#i18n';
import { useId, useMemo, useState } from 'react';
import { formatMoney } from '@/lib/money';
import { filterOrderRows, type AmountDisagreement, type OrderBadge, type PanelOrderRow } from '@/lib/panel/order-rows';
import type { UnaccountedPayment } from '@/lib/panel/page-payments';

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

/** The page's own list of the contact's money: the classic record's Orders table, or the newer app's payments list. */
export type PageListKind = 'orders-table' | 'payments-list';

export interface RefundsPanelProps {
  contactId: number;
  rows: PanelOrderRow[];
  api: ApiState;
  /** False when the page's own list of the contact's money could not be read (Keap changed it, or it is not drawn). */
  pageListFound: boolean;
  /** Which list that is on this kind of page (default the classic contact record's Orders table). */
  pageList?: PageListKind;
  /** Where the page and Keap's API disagree beyond any one order's row. */
  pageDisagreements?: readonly UnaccountedPayment[];
  /** False while only the first rows of a long Orders table have been read (default true). */
  pageRowsComplete?: boolean;
  onRefund: (orderId: number) => void;
  onRetry: () => void;
  /** The person asks for amounts after loading was paused (a click a page script fakes is ignored). */
  onLoadAmounts: () => void;
  onOpenOptions: () => void;
  /** "Add to queue": the chosen orders join Refund Desk's refund queue (a click a page script fakes is ignored). */
  onAddToQueue: (orderIds: number[]) => void;
  /** What the last "Add to queue" did, in words. */
  queueNotice?: string;
  pageSize?: number;
}

function money(minor: number | null, currency: string): string {
  return minor === null ? '…' : formatMoney(minor, currency);
}

function refundBlocker(row: PanelOrderRow, api: ApiState): string | null {
  if (api.kind === 'no-key') return i18n.t('panel.blocker.noKey');
  if (api.kind === 'other-app') return i18n.t('panel.blocker.otherApp');
  if (api.kind === 'not-on-page') return i18n.t('panel.blocker.notOnPage');
  if (api.kind === 'paused') return i18n.t('panel.blocker.paused');
  if (api.kind === 'loading' || (api.kind === 'first-page' && !row.fromApi)) return i18n.t('panel.blocker.checking');
  if (api.kind === 'error') return i18n.t('panel.blocker.apiError');
  if (!row.fromApi) return i18n.t('panel.blocker.notListed');
  // A pending payment opens the side panel anyway, which says how to void it.
  if (row.refundableNowMinor === 0 && !row.badges.some((badge) => badge.kind === 'pending')) return i18n.t('panel.blocker.nothingLeft');
  return null;
}

function badgeText(badge: OrderBadge): string {
  switch (badge.kind) {
    case 'gateway-cannot-refund':
      return badge.text;
    case 'pending':
      return i18n.t('panel.badge.pending');
    case 'manual-payment':
      return i18n.t('panel.badge.manualPayment');
    case 'partially-refunded':
      return i18n.t('panel.badge.partiallyRefunded');
    case 'fully-refunded':
      return i18n.t('panel.badge.fullyRefunded');
  }
}

function disagreementText({ amount, pageMinor, apiMinor }: AmountDisagreement, currency: string): string {
  const amounts: [string, string] = [formatMoney(pageMinor, currency), formatMoney(apiMinor, currency)];
  return amount === 'total' ? i18n.t('panel.disagreement.total', amounts) : i18n.t('panel.disagreement.paid', amounts);
}

/** Orders per page of the panel; the content script reads this many of Keap's rows first. */
export const REFUNDS_PANEL_PAGE_SIZE = 20;

/** The Refunds panel on a Keap contact record. Presentational: data and callbacks come in. */
export function RefundsPanel({
  contactId,
  rows,
  api,
  pageListFound,
  pageList = 'orders-table',
  pageDisagreements = [],
  pageRowsComplete = true,
  onRefund,
  onRetry,
  onLoadAmounts,
  onOpenOptions,
  onAddToQueue,
  queueNotice,
  pageSize = REFUNDS_PANEL_PAGE_SIZE,
}: RefundsPanelProps) {
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
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
        <h2 id={headingId}>{i18n.t('panel.heading')}</h2>
        <span className="rd-brand">{i18n.t('common.brand')}</span>
      </header>
      {api.kind === 'no-key' && (
        <p className="rd-banner rd-banner-info" role="note">
          {i18n.t('panel.banner.noKey')}{' '}
          <button type="button" className="rd-link" onClick={onOpenOptions}>
            {i18n.t('panel.banner.openOptions')}
          </button>
        </p>
      )}
      {api.kind === 'other-app' && (
        <p className="rd-banner rd-banner-info" role="note">
          {api.message}{' '}
          <button type="button" className="rd-link" onClick={onOpenOptions}>
            {i18n.t('panel.banner.openOptions')}
          </button>
        </p>
      )}
      {api.kind === 'not-on-page' && (
        <p className="rd-banner rd-banner-info" role="note">
          {i18n.t('panel.banner.notOnPage')}
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
            {i18n.t('panel.banner.loadAmounts')}
          </button>
        </p>
      )}
      {api.kind === 'error' && (
        <div className="rd-banner rd-banner-error" role="alert">
          <span>{api.message}</span>{' '}
          <button type="button" onClick={onRetry}>
            {i18n.t('panel.banner.retry')}
          </button>
        </div>
      )}
      {api.kind === 'loading' && (
        <p className="rd-banner rd-banner-muted" role="status">
          {i18n.t('panel.banner.loading')}
        </p>
      )}
      {!pageListFound && api.kind === 'ready' && (
        <p className="rd-banner rd-banner-muted">{pageList === 'orders-table' ? i18n.t('panel.banner.ordersTableMissing') : i18n.t('panel.banner.paymentsListMissing')}</p>
      )}
      {pageDisagreements.length > 0 && (
        <ul className="rd-banner rd-page-disagreements" aria-label={i18n.t('panel.banner.disagreementsLabel')}>
          {pageDisagreements.map((payment) => (
            <li key={`${payment.amountMinor}@${payment.date}`} className="rd-discrepancy">
              {i18n.t('panel.banner.unaccountedPayment', [formatMoney(payment.amountMinor, payment.currency), payment.date])}
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <div className="rd-tools">
          <label htmlFor={filterId}>{i18n.t('panel.tools.filterLabel')}</label>
          <input
            id={filterId}
            type="search"
            value={filter}
            placeholder={i18n.t('panel.tools.filterPlaceholder')}
            onChange={(event) => {
              setFilter(event.target.value);
              setPageIndex(0);
            }}
          />
          <span className="rd-count">
            {!pageRowsComplete && api.kind !== 'ready' && api.kind !== 'first-page'
              ? i18n.t('panel.tools.reading', [rows.length])
              : visible.length === rows.length
                ? i18n.t('panel.tools.count', orderCount)
                : i18n.t('panel.tools.filteredCount', orderCount, [visible.length, orderCount])}
          </span>
          {chosen.size > 0 && (
            <button
              type="button"
              onClick={(event) => {
                if (!event.nativeEvent.isTrusted) return;
                onAddToQueue([...chosen]);
                setChosen(new Set());
              }}
            >
              {i18n.t('panel.tools.addToQueue', [chosen.size])}
            </button>
          )}
        </div>
      )}
      {queueNotice && (
        <p className="rd-banner rd-banner-muted" role="status">
          {queueNotice}
        </p>
      )}
      {rows.length === 0 ? (
        <p className="rd-empty">{api.kind === 'loading' ? i18n.t('panel.table.lookingForOrders') : i18n.t('panel.table.noOrders')}</p>
      ) : (
        <table className="rd-table">
          <thead>
            <tr>
              <th scope="col">{i18n.t('panel.table.order')}</th>
              <th scope="col">{i18n.t('panel.table.date')}</th>
              <th scope="col">{i18n.t('panel.table.title')}</th>
              <th scope="col">{i18n.t('panel.table.total')}</th>
              <th scope="col">{i18n.t('panel.table.paid')}</th>
              <th scope="col">{i18n.t('panel.table.refunded')}</th>
              <th scope="col">{i18n.t('panel.table.refundableNow')}</th>
              <th scope="col">
                <span className="rd-visually-hidden">{i18n.t('panel.table.action')}</span>
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
                      <ul className="rd-badges" aria-label={i18n.t('panel.table.notesLabel', [row.orderId])}>
                        {row.badges.map((badge) => {
                          const text = badgeText(badge);
                          return (
                            <li key={badge.kind + text} className={`rd-badge rd-badge-${badge.kind}`}>
                              {text}
                            </li>
                          );
                        })}
                      </ul>
                    )}
                    {row.discrepancies.map((note) => (
                      <p key={note.amount} className="rd-discrepancy">
                        {disagreementText(note, row.currency)}
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
                      {i18n.t('panel.table.refundOrder', [row.orderId])}
                    </button>
                    {blocker === null && (
                      <label className="rd-choose">
                        <input
                          type="checkbox"
                          checked={chosen.has(row.orderId)}
                          onChange={(event) => {
                            const next = new Set(chosen);
                            if (event.target.checked) next.add(row.orderId);
                            else next.delete(row.orderId);
                            setChosen(next);
                          }}
                        />
                        <span className="rd-visually-hidden">{i18n.t('panel.table.chooseOrder', [row.orderId])}</span>
                      </label>
                    )}
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
        <nav className="rd-paging" aria-label={i18n.t('panel.paging.label')}>
          <button type="button" disabled={currentPage === 0} onClick={() => setPageIndex(currentPage - 1)}>
            {i18n.t('panel.paging.newer')}
          </button>
          <span>{i18n.t('panel.paging.page', [currentPage + 1, pageCount])}</span>
          <button type="button" disabled={currentPage >= pageCount - 1} onClick={() => setPageIndex(currentPage + 1)}>
            {i18n.t('panel.paging.older')}
          </button>
        </nav>
      )}
    </section>
  );
}
