import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import { type RefundTarget, setRefundTarget } from './refund-target';

interface SidePanelApi {
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
}
interface SidebarActionApi {
  open(): Promise<void>;
  isOpen(details: { windowId?: number }): Promise<boolean>;
}

/** Chrome has `sidePanel`, Firefox `sidebarAction`; neither is in the polyfill's types. */
const sidePanelApi = (browser as unknown as { sidePanel?: SidePanelApi }).sidePanel;
const sidebarActionApi = (browser as unknown as { sidebarAction?: SidebarActionApi }).sidebarAction;

/**
 * Opens Refund Desk's side panel (Firefox: its sidebar). Call it first and synchronously in the
 * handling of a person's click: browsers allow it only while that click counts as a user gesture.
 */
export function openSidePanel(where: { tabId: number } | { windowId: number }): Promise<void> {
  if (sidePanelApi) return sidePanelApi.open(where);
  return sidebarActionApi?.open() ?? Promise.reject(new Error(i18n.t('refunding.sidePanel.noSidePanel')));
}

/**
 * Chrome's side panel API is there. Firefox has none: its sidebar opens only from a person's
 * click in the browser's own UI or in an extension page, never from a content script's message.
 */
export function hasSidePanelApi(): boolean {
  return sidePanelApi !== undefined;
}

type WithoutWindow<T> = T extends unknown ? Omit<T, 'windowId'> : never;
/** A refund target before it knows the window that shows it. */
export type RefundTargetRequest = WithoutWindow<RefundTarget>;

function inWindow(target: RefundTargetRequest, windowId: number): RefundTarget {
  return { ...target, windowId };
}

/** The side panel's page in a popup window: about the width of Chrome's side panel. */
const REFUND_WINDOW = { width: 420, height: 760 } as const;
/** The refund window opened last; Firefox keeps the MV2 background page, and this, loaded. */
let refundWindowId: number | undefined;

/**
 * Firefox's way to the refund flow from the Refunds panel's "Refund order #…", whose click does
 * not reach the background as a user gesture: the sidebar when it is already open in the Keap
 * tab's window (it follows the target, as Chrome's side panel does), else the side panel's page in
 * a small popup window, reused while it is open. The target is stored under the id of the window
 * that shows it, as the page looks it up (`refundTargetFor`).
 */
export async function showRefundFlowWithoutSidePanel(target: RefundTargetRequest, keapWindowId: number | undefined): Promise<void> {
  const sidebarOpen = keapWindowId !== undefined && (await sidebarActionApi?.isOpen({ windowId: keapWindowId }).catch(() => false));
  if (sidebarOpen && keapWindowId !== undefined) {
    await setRefundTarget(inWindow(target, keapWindowId));
    return;
  }
  await openRefundWindow(target);
}

/** Opens (or brings forward) the refund window on `target`; resolves with its window id. */
async function openRefundWindow(target: RefundTargetRequest): Promise<number> {
  const open = refundWindowId === undefined ? undefined : await browser.windows.get(refundWindowId).catch(() => undefined);
  if (open?.id !== undefined) {
    await setRefundTarget(inWindow(target, open.id));
    await browser.windows.update(open.id, { focused: true });
    return open.id;
  }
  // A blank window first, its target stored, then the page: the page finds its target on first look.
  const created = await browser.windows.create({ url: 'about:blank', type: 'popup', ...REFUND_WINDOW });
  const windowId = created?.id;
  const tabId = created?.tabs?.[0]?.id;
  if (windowId === undefined || tabId === undefined) throw new Error(i18n.t('refunding.sidePanel.noWindow'));
  refundWindowId = windowId;
  await setRefundTarget(inWindow(target, windowId));
  await browser.tabs.update(tabId, { url: browser.runtime.getURL('/sidepanel.html') });
  return windowId;
}
