import { i18n } from '#i18n';
import { browser } from 'wxt/browser';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import type { SenderIdentity } from '@/lib/messaging/senders';
import { setRefundTarget } from './refund-target';
import { hasSidePanelApi, openSidePanel, showRefundFlowWithoutSidePanel } from './side-panel';

/**
 * Opens the side panel on an order. The open call comes first, synchronously: Chrome only allows
 * it while the click that sent this message still counts as a user gesture. Firefox has no side
 * panel a content script's click can open: there the flow shows in its sidebar when that is open,
 * else in a small window of its own.
 */
export function openRefundPanel(data: MessageData<'openRefundPanel'>, sender: SenderIdentity): Promise<MessageOutput<'openRefundPanel'>> {
  if (sender.kind !== 'content-script') {
    return Promise.resolve({ ok: false, error: { kind: 'refused', message: i18n.t('refunding.sidePanel.onlyContactPage') } });
  }
  const target = {
    kind: 'order',
    tabId: sender.tabId,
    contactId: data.contactId,
    orderId: data.orderId,
    appOrigin: sender.origin,
    requestedAt: Date.now(),
  } as const;
  const sidePanel = hasSidePanelApi();
  const shown = sidePanel
    ? Promise.all([openSidePanel({ tabId: sender.tabId }), setRefundTarget({ ...target, windowId: sender.windowId ?? -1 })])
    : showRefundFlowWithoutSidePanel(target, sender.windowId);
  return shown.then(
    () => ({ ok: true }) as const,
    (cause: unknown) => {
      const why = cause instanceof Error ? cause.message : String(cause);
      // In Chrome the order is stored for the side panel whatever happened to the open call; in
      // Firefox nothing was stored when no window opened, so the sidebar shows the contact's orders.
      const message = i18n.t(sidePanel ? 'refunding.sidePanel.panelNotOpened' : 'refunding.sidePanel.windowNotOpened', [why, String(data.orderId)]);
      return { ok: false as const, error: { kind: 'side-panel-unavailable', message } };
    },
  );
}

export async function openOptions(): Promise<MessageOutput<'openOptions'>> {
  await browser.runtime.openOptionsPage();
  return { ok: true };
}
