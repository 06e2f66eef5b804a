import { classifyKeapUrl, contactIdOfPage, isKeapAppPage, isNewerAppOrigin, type KeapPage } from '@/lib/keap-hosts';

/** Who sent a runtime message, as far as the browser vouches for it. */
export type SenderIdentity =
  | { kind: 'extension-page'; url: string }
  | { kind: 'content-script'; tabId: number; windowId: number | undefined; frameId: number; page: KeapPage; origin: string }
  | { kind: 'unknown' };

export interface RuntimeSender {
  id?: string;
  url?: string;
  origin?: string;
  frameId?: number;
  tab?: { id?: number; windowId?: number; url?: string };
}

/**
 * Extension pages (side panel, popup, options) carry our own origin; content scripts carry the
 * Keap page's URL and its tab. Anything else (another extension, a page without our content
 * script) is unknown and gets nothing.
 */
/** A page's origin; null for a URL that is not one (URL.canParse needs Chrome 120, and Refund Desk runs on 116). */
function originOf(href: string): string | null {
  try {
    return new URL(href).origin;
  } catch {
    return null;
  }
}

export function identifySender(sender: RuntimeSender, extensionId: string, extensionOrigin: string): SenderIdentity {
  if (sender.id !== extensionId || !sender.url) return { kind: 'unknown' };
  if (sender.url.startsWith(extensionOrigin)) return { kind: 'extension-page', url: sender.url };
  const tabId = sender.tab?.id;
  if (tabId === undefined || tabId < 0) return { kind: 'unknown' };
  // Only the top frame of a Keap page: Keap pages embed other sites in iframes.
  if ((sender.frameId ?? 0) !== 0) return { kind: 'unknown' };
  const pageUrl = sender.tab?.url ?? sender.url;
  const page = classifyKeapUrl(pageUrl);
  const origin = originOf(pageUrl);
  if (origin === null) return { kind: 'unknown' };
  // Keap's refund screen may be any page of the app (a window of its own, a page per step); the
  // newer app may move to another route while a refund is made in it.
  if (page.kind === 'other' && !isKeapAppPage(pageUrl) && !isNewerAppOrigin(origin)) return { kind: 'unknown' };
  return { kind: 'content-script', tabId, windowId: sender.tab?.windowId, frameId: 0, page, origin };
}

/** The contact a content script's tab shows, if it is a contact record. */
export function contactOfSender(identity: SenderIdentity): number | undefined {
  if (identity.kind !== 'content-script') return undefined;
  return contactIdOfPage(identity.page) ?? undefined;
}
