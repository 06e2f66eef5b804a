import { i18n } from '#i18n';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { RefundsPanel, REFUNDS_PANEL_PAGE_SIZE, type ApiState, type PageListKind } from '@/components/refunds-panel/RefundsPanel';
import panelCss from '@/components/refunds-panel/refunds-panel.css?inline';
import { classifyKeapUrl, contactIdOfPage } from '@/lib/keap-hosts';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { CONTACT_PAGE_MESSAGES, CONTACT_PAGE_TAB_MESSAGES, type ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import type { AppError } from '@/lib/messaging/messages';
import { isFromBackground, tabMessenger } from '@/lib/messaging/tab-protocol';
import { prepareMoneyFormatting } from '@/lib/money';
import type { PagePayment } from '@/lib/page/newer-app/payments-list';
import type { PageOrderRow } from '@/lib/page/orders-table';
import { placeAt, type PanelAnchor } from '@/lib/page/panel-anchor';
import { watchLocation } from '@/lib/page/route-watch';
import { mergeOrderRows } from '@/lib/panel/order-rows';
import { pagePaymentsTheApiLacks } from '@/lib/panel/page-payments';

const callBackground = backgroundCaller(CONTACT_PAGE_MESSAGES);

/** What a kind of contact page shows of the contact's money, as the panel uses it. */
export interface PageListReading {
  found: boolean;
  /** False while only the first rows of a long list have been read. */
  complete: boolean;
  /** Orders the page names (classic Orders table): shown until Keap's API answers, then merged with its rows. */
  orderRows: PageOrderRow[];
  /** Payments the page shows without naming their orders (the newer app): checked against the API's orders. */
  payments: PagePayment[];
  /** The list's element, which the panel may be placed beside. */
  element: Element | null;
}

export const NO_PAGE_LIST: PageListReading = { found: false, complete: true, orderRows: [], payments: [], element: null };

/** What the Refunds panel needs of one kind of Keap contact record (classic, or the newer app's). */
export interface ContactPageKind {
  /** Which list of the contact's money the page has of its own, for saying it was not found. */
  list: PageListKind;
  /** Reads that list at once (reporting it, found or not) and whenever it changes, until `signal` aborts. */
  watchList(report: (reading: PageListReading) => void, signal: AbortSignal): void;
  /** Where the panel goes; `listElement` is the list just read (null: none), else whatever the page shows now. */
  anchor(listElement?: Element | null): PanelAnchor;
  /** Whether the page shows the contact named `name`, waiting a while for an app that draws it late; false once `signal` aborts. */
  showsContact(name: string, signal: AbortSignal): Promise<boolean>;
}

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
  /** What an API key not yet bound to a Keap app says of this contact, until the page is seen to match. */
  proof: { contactName: string; orderIds: number[] } | null;
  page: PageListReading;
  apiRows: ContactOrderRow[] | null;
  api: ApiState;
  /** What the last "Add to queue" did. */
  queueNotice?: string;
}

/** One contact on screen: everything the panel does for it stops when the page moves on. */
interface Visit {
  contactId: number;
  /** Aborted when the page moves to another contact or away from contacts, or the script stops. */
  controller: AbortController;
  state: PanelState;
  /** The API load under way, aborted by the next one (a retry, a refresh after a refund). */
  load: AbortController | null;
}

/** How long DOM changes are let settle before the panel checks it still sits where it belongs. */
const PLACEMENT_SETTLE_MS = 100;

/**
 * The Refunds panel on a Keap contact record: one shadow-root host for the script's whole life,
 * drawn for the contact the page's address names, moved (never duplicated) when the page redraws,
 * and removed on any other page. A move to another contact without a page load (Keap's newer app
 * is a single-page app; the classic record's Next Contact link too) aborts everything done for the
 * last contact and starts again for the next.
 */
export function runRefundsPanel(kind: ContactPageKind, signal: AbortSignal): void {
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
  let visit: Visit | null = null;
  let pendingPlacement: ReturnType<typeof setTimeout> | undefined;

  const render = () => {
    const current = visit;
    if (!current) return;
    root ??= createRoot(mountPoint);
    const currentRoot = root;
    const { contactId, state } = current;
    const pageDisagreements = state.api.kind === 'ready' && state.apiRows ? pagePaymentsTheApiLacks(state.page.payments, state.apiRows) : [];
    // Synchronous, so the panel shows Keap's rows in the same frame Keap draws its table.
    flushSync(() =>
      currentRoot.render(
        <RefundsPanel
          key={contactId}
          contactId={contactId}
          rows={mergeOrderRows(state.page.orderRows, state.apiRows)}
          api={state.api}
          pageListFound={state.page.found}
          pageList={kind.list}
          pageDisagreements={pageDisagreements}
          pageRowsComplete={state.page.complete}
          onRefund={(orderId) => void openRefund(current, orderId)}
          onRetry={() => void loadFromApi(current, true)}
          onLoadAmounts={() => void loadFromApi(current, false, true)}
          onOpenOptions={() => void callBackground('openOptions', {})}
          onAddToQueue={(orderIds) => void addToQueue(current, orderIds)}
          {...(current.state.queueNotice ? { queueNotice: current.state.queueNotice } : {})}
        />,
      ),
    );
  };

  const place = (listElement?: Element | null) => {
    if (visit) placeAt(host, kind.anchor(listElement));
  };

  /** Changes what the panel shows for `current`, unless the page has moved on from it. */
  const update = (current: Visit, patch: Partial<PanelState>) => {
    if (current !== visit || current.controller.signal.aborted) return;
    current.state = { ...current.state, ...patch };
    render();
  };

  async function loadFromApi(current: Visit, refresh: boolean, personAsked = false) {
    current.load?.abort();
    const load = new AbortController();
    current.load = load;
    const { contactId } = current;
    // Amounts from an earlier load (before a refund, say) are not shown while Keap is asked again.
    update(current, { apiRows: null, api: { kind: 'loading' }, proof: null });
    // A load that fails shows no amounts: a first page's are dropped if the rest fails its check.
    const showError = (error: AppError) => update(current, { apiRows: null, api: apiStateOf(error) });
    // The first page first: a thousand orders' amounts take a moment longer to send and check.
    // Without a key the background answers "not-configured" at once, without calling Keap.
    const firstPage = await callBackground('getContactOrders', { contactId, refresh, newest: REFUNDS_PANEL_PAGE_SIZE, personAsked });
    if (load.signal.aborted) return;
    if (!firstPage.ok) {
      if (firstPage.proof) {
        update(current, { proof: firstPage.proof });
        return void bindIfPageMatches(current);
      }
      return showError(firstPage.error);
    }
    // Amounts are shown only on a page that shows this contact (not one a script steered to another id).
    const shown = await kind.showsContact(firstPage.contactName, load.signal);
    if (load.signal.aborted) return;
    if (!shown) return update(current, { apiRows: null, api: { kind: 'not-on-page' } });
    if (firstPage.orders.length >= firstPage.orderCount) return update(current, { apiRows: firstPage.orders, api: { kind: 'ready' } });
    update(current, { apiRows: firstPage.orders, api: { kind: 'first-page', orderCount: firstPage.orderCount } });
    // The background keeps what it just read from Keap, so this asks Keap nothing more; it checks
    // the rest of Keap's lists, which the first page did not wait for.
    const allOrders = await callBackground('getContactOrders', { contactId });
    if (load.signal.aborted) return;
    if (allOrders.ok) update(current, { apiRows: allOrders.orders, api: { kind: 'ready' } });
    else showError(allOrders.error);
  }

  /**
   * A key not yet bound to a Keap app is bound to this page's app once the page shows the contact
   * and orders its API has for this id: the name on the page, and every order of the page's list
   * among the API's (none on both sides counts too). Until the list is read, it waits.
   */
  async function bindIfPageMatches(current: Visit) {
    const { proof, page } = current.state;
    if (!proof || !page.found || !page.complete) return;
    update(current, { proof: null });
    const apiIds = new Set(proof.orderIds);
    const pageIds = page.orderRows.map((row) => row.orderId);
    const ordersMatch = pageIds.every((orderId) => apiIds.has(orderId)) && (pageIds.length === 0) === (apiIds.size === 0);
    const matches = ordersMatch && (await kind.showsContact(proof.contactName, current.controller.signal));
    if (!matches)
      return update(current, {
        api: { kind: 'other-app', message: i18n.t('panel.banner.otherAppKey') },
      });
    const bound = await callBackground('bindKeapApp', { contactId: current.contactId, orderIds: pageIds });
    if (current.controller.signal.aborted) return;
    if (bound.ok) void loadFromApi(current, false);
    else update(current, { api: apiStateOf(bound.error) });
  }

  async function addToQueue(current: Visit, orderIds: number[]) {
    const answer = await callBackground('addOrdersToQueue', { contactId: current.contactId, orderIds });
    update(current, { queueNotice: answer.ok ? i18n.t('panel.tools.addedToQueue', answer.added) : answer.error.message });
  }

  async function openRefund(current: Visit, orderId: number) {
    const answer = await callBackground('openRefundPanel', { contactId: current.contactId, orderId });
    if (!answer.ok) update(current, { api: { kind: 'error', message: answer.error.message } });
  }

  const startVisit = (contactId: number) => {
    const current: Visit = { contactId, controller: new AbortController(), state: { proof: null, page: NO_PAGE_LIST, apiRows: null, api: { kind: 'loading' } }, load: null };
    current.controller.signal.addEventListener('abort', () => current.load?.abort(), { once: true });
    visit = current;
    // Reports the page's list (or its absence) for this contact at once, which renders the panel.
    kind.watchList((reading) => {
      update(current, { page: reading });
      place(reading.element);
      if (current.state.proof) void bindIfPageMatches(current);
    }, current.controller.signal);
    void loadFromApi(current, false);
  };

  /** The page's address names `href`'s contact, another or none: the panel follows. */
  const followRoute = (href: string) => {
    const contactId = contactIdOfPage(classifyKeapUrl(href));
    if (contactId !== null && contactId === visit?.contactId) return;
    visit?.controller.abort();
    visit = null;
    if (contactId !== null) return startVisit(contactId);
    host.remove();
    root?.unmount();
    root = null;
  };

  followRoute(location.href);
  watchLocation(followRoute, { signal, root: document.body });
  // Keap redraws its pages by replacing elements, and the newer app draws its parts late: put the
  // panel back at once when it is dropped, and check its place once changes settle.
  const observer = new MutationObserver(() => {
    if (!visit) return;
    if (!host.isConnected) place();
    pendingPlacement ??= setTimeout(() => {
      pendingPlacement = undefined;
      place();
    }, PLACEMENT_SETTLE_MS);
  });
  observer.observe(document.body, { childList: true, subtree: true });
  // After a refund the background says so; the panel reloads amounts from Keap's API.
  const stopListening = tabMessenger.onMessage('contactChanged', (message) => {
    if (!isFromBackground(message.sender, browser.runtime.id)) return;
    const changed = CONTACT_PAGE_TAB_MESSAGES.contactChanged.safeParse(message.data);
    if (changed.success && visit?.contactId === changed.data.contactId) void loadFromApi(visit, true);
  });
  signal.addEventListener(
    'abort',
    () => {
      visit?.controller.abort();
      visit = null;
      stopListening();
      observer.disconnect();
      clearTimeout(pendingPlacement);
      root?.unmount();
      host.remove();
    },
    { once: true },
  );
}
