import { defineExtensionMessaging } from '@webext-core/messaging';
import type { z } from 'zod/mini';
import type { WalkEnd, WalkRequest } from '@/lib/page/refund-screen/protocol';
import type { CONTACT_PAGE_TAB_MESSAGES } from './contact-page-messages';
import type { REFUND_SCREEN_TAB_MESSAGES } from './refund-screen-messages';
import type { RuntimeSender } from './senders';

/*
 * Messages the background sends to content scripts on Keap tabs. Each script checks them with the
 * schemas of its own module (contact-page-messages.ts, refund-screen-messages.ts); only their types
 * are needed here.
 */

type TabMessages = typeof CONTACT_PAGE_TAB_MESSAGES & typeof REFUND_SCREEN_TAB_MESSAGES;
type TabInput<N extends keyof TabMessages> = z.input<TabMessages[N]>;

interface TabProtocolMap {
  walkRefundScreen(request: WalkRequest): WalkEnd;
  guideRefundScreen(data: TabInput<'guideRefundScreen'>): void;
  callOffRefundScreen(data: TabInput<'callOffRefundScreen'>): void;
  pickRefundScreenControl(data: TabInput<'pickRefundScreenControl'>): { name: string | null };
  contactChanged(data: TabInput<'contactChanged'>): void;
}

export const tabMessenger = defineExtensionMessaging<TabProtocolMap>();

/** Only our own background may command a content script: it sends from our origin, without a tab. */
export function isFromBackground(sender: RuntimeSender, extensionId: string): boolean {
  return sender.id === extensionId && sender.tab === undefined;
}
