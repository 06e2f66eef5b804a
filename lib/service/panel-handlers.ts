import { browser } from 'wxt/browser';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { setRefundTarget } from './refund-target';

interface SidePanelApi {
  open(options: { tabId?: number; windowId?: number }): Promise<void>;
  setOptions(options: { tabId?: number; path?: string; enabled?: boolean }): Promise<void>;
}
interface SidebarActionApi {
  open(): Promise<void>;
}

/** Chrome has `sidePanel`, Firefox `sidebarAction`; neither is in the polyfill's types. */
const sidePanelApi = (browser as unknown as { sidePanel?: SidePanelApi }).sidePanel;
const sidebarActionApi = (browser as unknown as { sidebarAction?: SidebarActionApi }).sidebarAction;

/**
 * Opens the side panel on an order. The open call comes first, synchronously: Chrome only allows
 * it while the click that sent this message still counts as a user gesture.
 */
export function openRefundPanel(data: MessageData<'openRefundPanel'>, sender: SenderIdentity): Promise<MessageOutput<'openRefundPanel'>> {
  if (sender.kind !== 'content-script') {
    return Promise.resolve({ ok: false, error: { kind: 'refused', message: 'Only a Keap contact page may open the refund panel.' } });
  }
  const opening = sidePanelApi
    ? sidePanelApi.open({ tabId: sender.tabId })
    : (sidebarActionApi?.open() ?? Promise.reject(new Error('This browser has no side panel.')));
  const targeting = setRefundTarget({
    kind: 'order',
    windowId: sender.windowId ?? -1,
    tabId: sender.tabId,
    contactId: data.contactId,
    orderId: data.orderId,
    appOrigin: sender.origin,
    requestedAt: Date.now(),
  });
  return Promise.all([opening, targeting]).then(
    () => ({ ok: true }) as const,
    (cause: unknown) => ({
      ok: false as const,
      error: {
        kind: 'side-panel-unavailable',
        message: `The browser did not open Refund Desk's side panel (${cause instanceof Error ? cause.message : String(cause)}). Open it from the toolbar: it will show order #${data.orderId}.`,
      },
    }),
  );
}

/** "Continue in side panel" in the popup: the side panel opens on that refund, with its checklist and actions. */
export function openRefundInSidePanel({ refundId, windowId }: MessageData<'openRefundInSidePanel'>): Promise<MessageOutput<'openRefundInSidePanel'>> {
  // First and synchronous, while the popup's click still counts as a user gesture.
  const opening = sidePanelApi ? sidePanelApi.open({ windowId }) : (sidebarActionApi?.open() ?? Promise.reject(new Error('This browser has no side panel.')));
  const targeting = setRefundTarget({ kind: 'refund', windowId, refundId, requestedAt: Date.now() });
  return Promise.all([opening, targeting]).then(
    () => ({ ok: true }) as const,
    (cause: unknown) => ({
      ok: false as const,
      error: {
        kind: 'side-panel-unavailable',
        message: `The browser did not open Refund Desk's side panel (${cause instanceof Error ? cause.message : String(cause)}). Open it from the toolbar: it will show this refund.`,
      },
    }),
  );
}

export async function openOptions(): Promise<MessageOutput<'openOptions'>> {
  await browser.runtime.openOptionsPage();
  return { ok: true };
}
