import { browser } from 'wxt/browser';

interface SidePanelApi {
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
}
interface SidebarActionApi {
  open(): Promise<void>;
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
  return sidebarActionApi?.open() ?? Promise.reject(new Error('This browser has no side panel.'));
}
