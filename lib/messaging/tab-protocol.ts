import { defineExtensionMessaging } from '@webext-core/messaging';
import { z } from 'zod';
import { type RefundScreenPlan, type RefundScreenResult, refundScreenPlanSchema } from '@/lib/page/refund-screen-driver';
import type { RuntimeSender } from './senders';

/** Messages the background sends to content scripts on Keap tabs. */
export const TAB_MESSAGES = {
  driveRefundScreen: refundScreenPlanSchema,
  /** The contact's money changed in Keap: the Refunds panel reloads it. */
  contactChanged: z.object({ contactId: z.number().int().positive() }),
} as const;

interface TabProtocolMap {
  driveRefundScreen(plan: RefundScreenPlan): RefundScreenResult;
  contactChanged(data: { contactId: number }): void;
}

export const tabMessenger = defineExtensionMessaging<TabProtocolMap>();

/** Only our own background may command a content script: it sends from our origin, without a tab. */
export function isFromBackground(sender: RuntimeSender, extensionId: string): boolean {
  return sender.id === extensionId && sender.tab === undefined;
}
