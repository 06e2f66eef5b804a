/**
 * Every Keap host name and URL pattern Refund Desk knows, in one place.
 * The classic app's URLs are documented; the newer Keap UI's contact URL is a guess
 * (see shared keap-facts.md), so it lives here where it is easy to correct.
 */

/** Hosts of Keap's web app (classic Infusionsoft and the newer Keap UI). */
export const KEAP_APP_HOST_PATTERNS = ['https://*.infusionsoft.com/*', 'https://keap.app/*', 'https://*.keap.app/*'] as const;

/** Hosts of Keap's REST API. `api.infusionsoft.com` is also covered by the app pattern above. */
export const KEAP_API_HOSTS = ['api.infusionsoft.com', 'api.keap.com'] as const;
export type KeapApiHost = (typeof KEAP_API_HOSTS)[number];

export const KEAP_API_HOST_PATTERNS = KEAP_API_HOSTS.map((host) => `https://${host}/*`);

/**
 * Pages the Refunds panel's content script runs on: classic contact records and the newer UI.
 * The refund screen's script is not listed: the background injects it only into the tabs of a
 * refund it is carrying out, wherever Keap draws that screen.
 */
export const CONTENT_SCRIPT_MATCHES = ['https://*.infusionsoft.com/Contact/*', 'https://keap.app/*', 'https://*.keap.app/*'];

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

export type KeapPage =
  { kind: 'classic-contact'; contactId: number } | { kind: 'classic-order'; orderId: number } | { kind: 'new-ui-contact'; contactId: number } | { kind: 'other' };

/** Guess for the newer Keap UI's contact record, e.g. https://keap.app/contacts/details/123. */
const NEW_UI_CONTACT_PATH = /^\/contacts\/(?:details|list\/[^/]+)\/(\d+)(?:\/|$)/;

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
  if (url.hostname === 'keap.app' || url.hostname.endsWith('.keap.app')) {
    const match = NEW_UI_CONTACT_PATH.exec(path);
    const contactId = positiveId(match?.[1] ?? null);
    if (contactId !== undefined) return { kind: 'new-ui-contact', contactId };
  }
  return { kind: 'other' };
}
