import { defineExtensionMessaging } from '@webext-core/messaging';
import { z } from 'zod';
import { refundScreenPlanSchema, screenProgressSchema, type WalkEnd, type WalkRequest, walkRequestSchema } from '@/lib/page/refund-screen/protocol';
import { learnedWordsSchema, learnSlotSchema } from '@/lib/page/refund-screen/words';
import type { RuntimeSender } from './senders';

/** Messages the background sends to content scripts on Keap tabs; receivers check them with these schemas. */
export const TAB_MESSAGES = {
  /** Walk Keap's refund screen on this page, from where the progress says the refund stands. */
  walkRefundScreen: walkRequestSchema,
  /** Follow the person on Keap's refund screen with the guided checklist. */
  guideRefundScreen: z.object({ attemptId: z.uuid(), plan: refundScreenPlanSchema, progress: screenProgressSchema, learned: learnedWordsSchema }),
  /** Stop walking or guiding this attempt here (the screen moved to another window, or it is over). */
  callOffRefundScreen: z.object({ attemptId: z.uuid() }),
  /** Wait for the person to click the control whose word Refund Desk should learn. */
  pickRefundScreenControl: z.object({ attemptId: z.uuid(), plan: refundScreenPlanSchema, learned: learnedWordsSchema, slot: learnSlotSchema }),
  /** The contact's money changed in Keap: the Refunds panel reloads it. */
  contactChanged: z.object({ contactId: z.number().int().positive() }),
} as const;

type TabInput<N extends keyof typeof TAB_MESSAGES> = z.input<(typeof TAB_MESSAGES)[N]>;

interface TabProtocolMap {
  walkRefundScreen(request: WalkRequest): WalkEnd;
  guideRefundScreen(data: TabInput<'guideRefundScreen'>): void;
  callOffRefundScreen(data: TabInput<'callOffRefundScreen'>): void;
  pickRefundScreenControl(data: TabInput<'pickRefundScreenControl'>): { name: string | null };
  contactChanged(data: { contactId: number }): void;
}

export const tabMessenger = defineExtensionMessaging<TabProtocolMap>();

/** Only our own background may command a content script: it sends from our origin, without a tab. */
export function isFromBackground(sender: RuntimeSender, extensionId: string): boolean {
  return sender.id === extensionId && sender.tab === undefined;
}
