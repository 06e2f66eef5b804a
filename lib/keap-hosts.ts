/**
 * Every Keap host name and URL pattern Refund Desk knows, in one place, each with its public source
 * (keap-facts.md; docs/keap-screen-contract.md quotes them all).
 */

/**
 * Hosts of Keap's newer web app (Keap Pro / Max). keap-facts.md: "The contacts list is
 * `https://keap.app/contacts/list/all`. The same app is served on `infusionsoft.app` for some
 * accounts; `*.infusionsoft.app` hosts order forms and tracking, not the app." No public source
 * names a `*.keap.app` host, so none is asked for.
 */
const NEWER_APP_HOSTS = ['keap.app', 'infusionsoft.app'] as const;

/** Hosts of Keap's web app: classic Infusionsoft apps (`<app>.infusionsoft.com`) and the newer app. */
export const KEAP_APP_HOST_PATTERNS = ['https://*.infusionsoft.com/*', ...NEWER_APP_HOSTS.map((host) => `https://${host}/*`)];

/** Hosts of Keap's REST API. `api.infusionsoft.com` is also covered by the app pattern above. */
export const KEAP_API_HOSTS = ['api.infusionsoft.com', 'api.keap.com'] as const;
export type KeapApiHost = (typeof KEAP_API_HOSTS)[number];

export const KEAP_API_HOST_PATTERNS = KEAP_API_HOSTS.map((host) => `https://${host}/*`);

/**
 * Pages the Refunds panel's content script runs on: classic contact records, and the newer app's
 * contacts. keap-facts.md: "It is a single-page app: moving between contacts changes the route
 * without a page load", so a tab opened on the contacts list may move to a contact without loading
 * a page: the script runs on every `/contacts/` page and decides by route. (A tab that enters the
 * app elsewhere, say its dashboard, and moves to contacts in-app does not get it: the browser
 * injects content scripts only when a page loads.) The refund screen's script is not listed: the
 * background injects it only into the tabs of a refund it is carrying out, wherever Keap draws it.
 */
export const CLASSIC_CONTACT_SCRIPT_MATCHES = ['https://*.infusionsoft.com/Contact/*'];
export const NEWER_APP_CONTACT_SCRIPT_MATCHES = NEWER_APP_HOSTS.map((host) => `https://${host}/contacts/*`);
/** Both: each kind of contact page has a script of its own, so a page loads only its kind's code. */
export const CONTENT_SCRIPT_MATCHES = [...CLASSIC_CONTACT_SCRIPT_MATCHES, ...NEWER_APP_CONTACT_SCRIPT_MATCHES];

export function apiBaseUrl(host: KeapApiHost): string {
  return `https://${host}/crm/rest`;
}

/** Classic contact record of `contactId` in the Keap app at `appOrigin` (e.g. https://ab123.infusionsoft.com). */
export function classicContactUrl(appOrigin: string, contactId: number): string {
  return `${appOrigin}/Contact/manageContact.jsp?view=edit&ID=${contactId}`;
}

/** Classic order ("job") record; the order id is REST's order `id`, not the invoice id. */
export function classicOrderUrl(appOrigin: string, orderId: number): string {
  return `${appOrigin}/Job/manageJob.jsp?view=edit&ID=${orderId}`;
}

/** The Keap app origin for an app name from `GET /v1/account/profile` or the page's host. */
export function classicAppOrigin(appName: string): string {
  return `https://${appName}.infusionsoft.com`;
}

/** A host of Keap's newer web app (keap.app, infusionsoft.app), whose addresses name no Keap app. */
export function isNewerAppHost(hostname: string): boolean {
  return (NEWER_APP_HOSTS as readonly string[]).includes(hostname.toLowerCase());
}

/** An origin of Keap's newer web app, as a page's origin is written (`https://keap.app`). */
export function isNewerAppOrigin(origin: string): boolean {
  const match = /^https:\/\/([^/:@]+)$/i.exec(origin);
  return match !== null && isNewerAppHost(match[1] ?? '');
}

/** A page of a classic Keap app (`https://<app>.infusionsoft.com/…`), not its API host. */
export function isKeapAppPage(href: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.hostname.endsWith('.infusionsoft.com') && !(KEAP_API_HOSTS as readonly string[]).includes(url.hostname);
}

/** A page of a Keap app, classic or newer: where Refund Desk works. */
export function isKeapPageUrl(href: string): boolean {
  if (isKeapAppPage(href)) return true;
  try {
    const { protocol, hostname } = new URL(href);
    return protocol === 'https:' && isNewerAppHost(hostname);
  } catch {
    return false;
  }
}

/**
 * Tabs of the newer app's contact record that public code links to: a public Chrome extension builds
 * `https://keap.app/contacts/list/contact/<id>/details`, a WordPress plugin
 * `https://infusionsoft.app/contacts/list/all/contact/<id>/activity` (keap-facts.md). Any other tab
 * is not taken for a contact record: nothing public says what it shows.
 */
const NEWER_APP_CONTACT_TABS = ['details', 'activity'] as const;
type NewerAppContactTab = (typeof NEWER_APP_CONTACT_TABS)[number];

/**
 * The newer app's contact record, `/contacts/list/<list>/contact/<id>/<tab>`, the `<list>` (e.g.
 * `all`) also left out (both forms above); a trailing slash is tolerated.
 */
const NEWER_APP_CONTACT_PATH = /^\/contacts\/list\/(?:[A-Za-z0-9_-]+\/)?contact\/(\d+)\/([a-z]+)\/?$/;

export type KeapPage =
  | { kind: 'classic-contact'; contactId: number }
  | { kind: 'classic-order'; orderId: number }
  | { kind: 'newer-app-contact'; contactId: number; tab: NewerAppContactTab }
  | { kind: 'other' };

/** The contact a page shows, if it is a contact record of either app. */
export function contactIdOfPage(page: KeapPage): number | null {
  return page.kind === 'classic-contact' || page.kind === 'newer-app-contact' ? page.contactId : null;
}

function positiveId(value: string | null): number | undefined {
  if (value === null || !/^\d{1,12}$/.test(value)) return undefined;
  const id = Number(value);
  return id > 0 ? id : undefined;
}

/** Links to a classic order record, for `querySelector`; `classicOrderIdOfHref` then checks the whole link. */
export const CLASSIC_ORDER_LINK_SELECTOR = 'a[href*="manageJob.jsp" i]';

/**
 * A link to a classic order record as written in a page's `href`: relative (`../Job/manageJob.jsp?…`,
 * the contact page's own host) or absolute on https://*.infusionsoft.com. Read from the text rather
 * than through `URL`, because the Orders table reader checks one link per row of a thousand-row table.
 */
const CLASSIC_ORDER_HREF = /^(?:https:\/\/(?:[a-z0-9-]+\.)+infusionsoft\.com(?=\/))?(?!\/\/)(?:[^?#:]*\/)?manageJob\.jsp\?([^#]*)/i;
const ID_QUERY_PARAMETER = /(?:^|&)id=([^&]*)/i;

/** The order id a link to a classic order record carries in its `ID` (or `id`) query key; null for any other link. */
export function classicOrderIdOfHref(href: string): number | null {
  const query = CLASSIC_ORDER_HREF.exec(href.trim())?.[1];
  if (query === undefined) return null;
  return positiveId(ID_QUERY_PARAMETER.exec(query)?.[1] ?? null) ?? null;
}

/** Which Keap page a URL is. Query keys are matched case-insensitively because Keap mixes `ID` and `id`. */
export function classifyKeapUrl(href: string): KeapPage {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { kind: 'other' };
  }
  // Keap serves its app over HTTPS only; anything else is not Keap.
  if (url.protocol !== 'https:') return { kind: 'other' };
  const idParam = [...url.searchParams].find(([key]) => key.toLowerCase() === 'id')?.[1] ?? null;
  const path = url.pathname;
  if (url.hostname.endsWith('.infusionsoft.com')) {
    if (/^\/Contact\/manageContact\.jsp$/i.test(path)) {
      const contactId = positiveId(idParam);
      if (contactId !== undefined) return { kind: 'classic-contact', contactId };
    }
    if (/^\/Job\/manageJob\.jsp$/i.test(path)) {
      const orderId = positiveId(idParam);
      if (orderId !== undefined) return { kind: 'classic-order', orderId };
    }
    return { kind: 'other' };
  }
  if (isNewerAppHost(url.hostname)) {
    const [, idText = null, tab = ''] = NEWER_APP_CONTACT_PATH.exec(path) ?? [];
    const contactId = positiveId(idText);
    const knownTab = NEWER_APP_CONTACT_TABS.find((known) => known === tab);
    if (contactId !== undefined && knownTab !== undefined) return { kind: 'newer-app-contact', contactId, tab: knownTab };
  }
  return { kind: 'other' };
}
