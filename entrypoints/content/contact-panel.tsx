import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { REFUNDS_PANEL_PAGE_SIZE, RefundsPanel, type ApiState } from '@/components/refunds-panel/RefundsPanel';
import panelCss from '@/components/refunds-panel/refunds-panel.css?inline';
import { classifyKeapUrl } from '@/lib/keap-hosts';
import { browser } from 'wxt/browser';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { CONTACT_PAGE_MESSAGES, CONTACT_PAGE_TAB_MESSAGES, type ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import type { AppError } from '@/lib/messaging/messages';
import { isFromBackground, tabMessenger } from '@/lib/messaging/tab-protocol';
import { ordersTableIn, watchOrdersTable, type PageOrderRow } from '@/lib/page/orders-table';
import { prepareMoneyFormatting } from '@/lib/money';
import { mergeOrderRows } from '@/lib/panel/order-rows';

const callBackground = backgroundCaller(CONTACT_PAGE_MESSAGES);

/** What the panel says when Keap's API cannot give this page amounts. */
function apiStateOf(error: AppError): ApiState {
  switch (error.kind) {
    case 'not-configured':
      return { kind: 'no-key' };
    case 'paused':
      return { kind: 'paused', message: error.message };
    case 'other-app':
    case 'no-match':
      return { kind: 'other-app', message: error.message };
    default:
      return { kind: 'error', message: error.message };
  }
}

interface PanelState {
  contactId: number;
  /** What an API key not yet bound to a Keap app says of this contact, until the page is seen to match. */
  proof: { contactName: string; orderIds: number[] } | null;
  pageRows: PageOrderRow[];
  pageTableFound: boolean;
  /** False while only the first page of a long Orders table has been read. */
  pageRowsComplete: boolean;
  apiRows: ContactOrderRow[] | null;
  api: ApiState;
}

/** Whether the page shows `name`, as a person reads it (case and spacing aside). */
function pageShows(name: string): boolean {
  const wanted = name.replace(/\s+/g, ' ').trim().toLowerCase();
  return wanted !== '' && (document.body.textContent ?? '').replace(/\s+/g, ' ').toLowerCase().includes(wanted);
}

function contactIdOf(href: string): number | null {
  const page = classifyKeapUrl(href);
  return page.kind === 'classic-contact' || page.kind === 'new-ui-contact' ? page.contactId : null;
}

/**
 * Where the panel goes: just above the contact's tabs (one of which is Orders), so it shows
 * whichever tab is open; else above Keap's Orders table; else atop the page. `ordersTable` is
 * passed by a caller that has just read the page (null: there is none), so it is not looked up again.
 */
function findAnchor(ordersTable?: Element | null): { element: Element; where: 'before' | 'prepend' } {
  const tabs = document.querySelector('ul.tabs');
  if (tabs) return { element: tabs, where: 'before' };
  const table = ordersTable === undefined ? ordersTableIn(document) : ordersTable;
  if (table) return { element: table, where: 'before' };
  return { element: document.body, where: 'prepend' };
}

/**
 * The Refunds panel on a Keap contact record: one shadow-root host per page, moved (never
 * duplicated) when Keap redraws its tabs or the user moves to another contact in-page.
 */
export function runContactPanel(ctx: { signal: AbortSignal }): void {
  prepareMoneyFormatting();
  // A plain element: a custom tag could be claimed by the page's own customElements.define.
  const host = document.createElement('div');
  host.dataset.refundDesk = 'panel';
  // Open, so assistive tech and tests see it like any page content. Page scripts could reach it
  // too, but nothing in it can move money: refunds start only in the side panel, and the one
  // action here (open the side panel) ignores clicks that scripts fake (see RefundsPanel).
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = panelCss;
  const mountPoint = document.createElement('div');
  shadow.append(style, mountPoint);
  let root: Root | null = null;
  let state: PanelState | null = null;
  let lastHref = '';
  let loadToken = 0;

  const render = () => {
    if (!state) return;
    root ??= createRoot(mountPoint);
    const current = state;
    const currentRoot = root;
    const { contactId } = current;
    // Synchronous, so the panel shows Keap's rows in the same frame Keap draws its table.
    flushSync(() =>
      currentRoot.render(
        <RefundsPanel
          key={contactId}
          contactId={contactId}
          rows={mergeOrderRows(current.pageRows, current.apiRows)}
          api={current.api}
          pageTableFound={current.pageTableFound}
          pageRowsComplete={current.pageRowsComplete}
          onRefund={(orderId) => void openRefund(contactId, orderId)}
          onRetry={() => void loadFromApi(contactId, true)}
          onLoadAmounts={() => void loadFromApi(contactId, false, true)}
          onOpenOptions={() => void callBackground('openOptions', {})}
        />,
      ),
    );
  };

  const place = (ordersTable?: Element | null) => {
    if (!state) return;
    const anchor = findAnchor(ordersTable);
    const alreadyThere =
      host.isConnected && ((anchor.where === 'before' && host.nextElementSibling === anchor.element) || (anchor.where === 'prepend' && host.parentElement === anchor.element));
    if (alreadyThere) return;
    if (anchor.where === 'before') anchor.element.before(host);
    else anchor.element.prepend(host);
  };

  const update = (patch: Partial<PanelState>) => {
    if (!state) return;
    state = { ...state, ...patch };
    render();
  };

  async function loadFromApi(contactId: number, refresh: boolean, personAsked = false) {
    const token = ++loadToken;
    // Amounts from an earlier load (before a refund, say) are not shown while Keap is asked again.
    update({ apiRows: null, api: { kind: 'loading' }, proof: null });
    // The user may have moved to another contact while Keap answered.
    const stale = () => token !== loadToken || state?.contactId !== contactId;
    // A load that fails shows no amounts: a first page's are dropped if the rest fails its check.
    const showError = (error: AppError) => update({ apiRows: null, api: apiStateOf(error) });
    // The first page first: a thousand orders' amounts take a moment longer to send and check.
    // Without a key the background answers "not-configured" at once, without calling Keap.
    const firstPage = await callBackground('getContactOrders', { contactId, refresh, newest: REFUNDS_PANEL_PAGE_SIZE, personAsked });
    if (stale()) return;
    if (!firstPage.ok) {
      if (firstPage.proof) {
        update({ proof: firstPage.proof });
        return void bindIfPageMatches();
      }
      return showError(firstPage.error);
    }
    // Amounts are shown only on a page that shows this contact (not one a script steered to another id).
    if (!pageShows(firstPage.contactName)) return update({ apiRows: null, api: { kind: 'not-on-page' } });
    if (firstPage.orders.length >= firstPage.orderCount) return update({ apiRows: firstPage.orders, api: { kind: 'ready' } });
    update({ apiRows: firstPage.orders, api: { kind: 'first-page', orderCount: firstPage.orderCount } });
    // The background keeps what it just read from Keap, so this asks Keap nothing more; it checks
    // the rest of Keap's lists, which the first page did not wait for.
    const allOrders = await callBackground('getContactOrders', { contactId });
    if (stale()) return;
    if (allOrders.ok) update({ apiRows: allOrders.orders, api: { kind: 'ready' } });
    else showError(allOrders.error);
  }

  /**
   * A key not yet bound to a Keap app is bound to this page's app once the page shows the contact
   * and orders its API has for this id: the name on the page, and every order of the page's table
   * among the API's (none on both sides counts too). Until the table is read, it waits.
   */
  async function bindIfPageMatches() {
    const current = state;
    if (!current?.proof || !current.pageTableFound || !current.pageRowsComplete) return;
    const { contactId, proof } = current;
    const apiIds = new Set(proof.orderIds);
    const pageIds = current.pageRows.map((row) => row.orderId);
    const matches = pageShows(proof.contactName) && pageIds.every((orderId) => apiIds.has(orderId)) && (pageIds.length === 0) === (apiIds.size === 0);
    update({ proof: null });
    if (!matches)
      return update({
        api: { kind: 'other-app', message: 'Your API key does not seem to belong to this Keap app: this page shows another contact or other orders than it does.' },
      });
    const bound = await callBackground('bindKeapApp', { contactId, orderIds: pageIds });
    if (state?.contactId !== contactId) return;
    if (bound.ok) void loadFromApi(contactId, false);
    else update({ api: apiStateOf(bound.error) });
  }

  async function openRefund(contactId: number, orderId: number) {
    const answer = await callBackground('openRefundPanel', { contactId, orderId });
    if (!answer.ok) update({ api: { kind: 'error', message: answer.error.message } });
  }

  const followLocation = () => {
    if (location.href === lastHref) return;
    lastHref = location.href;
    const contactId = contactIdOf(location.href);
    if (contactId === null) {
      state = null;
      loadToken++;
      host.remove();
      return;
    }
    if (state?.contactId === contactId) return;
    state = { contactId, proof: null, pageRows: [], pageTableFound: false, pageRowsComplete: false, apiRows: null, api: { kind: 'loading' } };
    // Reports the page's table (or its absence) for this contact at once, which renders the panel.
    tableWatch.reread();
    void loadFromApi(contactId, false);
  };

  const tableWatch = watchOrdersTable(
    document.body,
    (reading) => {
      if (!state) return;
      update({
        pageRows: reading.found ? reading.rows : [],
        pageTableFound: reading.found,
        pageRowsComplete: !reading.found || reading.complete,
      });
      place(reading.found ? reading.table : null);
      if (state.proof) void bindIfPageMatches();
    },
    { signal: ctx.signal, firstRows: REFUNDS_PANEL_PAGE_SIZE },
  );
  followLocation();
  // Keap redraws tabs by replacing elements and moves between contacts with pushState:
  // re-check both on every DOM change rather than on a timer.
  const observer = new MutationObserver(() => {
    followLocation();
    if (state && !host.isConnected) place();
  });
  observer.observe(document.body, { childList: true, subtree: true });
  window.addEventListener('popstate', followLocation);
  // After a refund the background says so; the panel reloads amounts from Keap's API.
  const stopListening = tabMessenger.onMessage('contactChanged', (message) => {
    if (!isFromBackground(message.sender, browser.runtime.id)) return;
    const changed = CONTACT_PAGE_TAB_MESSAGES.contactChanged.safeParse(message.data);
    if (changed.success && state?.contactId === changed.data.contactId) void loadFromApi(changed.data.contactId, true);
  });
  ctx.signal.addEventListener('abort', () => {
    stopListening();
    observer.disconnect();
    window.removeEventListener('popstate', followLocation);
    root?.unmount();
    host.remove();
  });
}
