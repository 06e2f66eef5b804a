import { z } from 'zod/mini';
import { checklistItemSchema, refundScreenPlanSchema, screenProgressSchema, walkRequestSchema } from '@/lib/page/refund-screen/protocol';
import { learnedWordsSchema, learnSlotSchema } from '@/lib/page/refund-screen/words';
import { result } from './messages';

/**
 * What the script on Keap's refund screen sends the background, and what the background sends it.
 * zod/mini, like everything the content script carries (see messages.ts).
 */

export const REFUND_SCREEN_MESSAGES = {
  /** Keap's refund screen: how far the walk got, saved before the click that depends on it. */
  refundScreenProgress: { input: z.object({ attemptId: z.uuid(), progress: screenProgressSchema }), output: result({}) },
  /** Keap's refund screen: may the final click be made? Only for the attempt that is live now. */
  approveFinalClick: { input: z.object({ attemptId: z.uuid() }), output: result({ go: z.boolean() }) },
  /** Keap's refund screen in guided mode: what the person has done so far. */
  refundScreenGuide: {
    input: z.object({ attemptId: z.uuid(), progress: screenProgressSchema, items: z.array(checklistItemSchema).check(z.maxLength(40)) }),
    output: result({}),
  },
} as const;

/** Messages the background sends the refund screen's script; it checks them with these schemas. */
export const REFUND_SCREEN_TAB_MESSAGES = {
  /** Walk Keap's refund screen on this page, from where the progress says the refund stands. */
  walkRefundScreen: walkRequestSchema,
  /** Follow the person on Keap's refund screen with the guided checklist. */
  guideRefundScreen: z.object({ attemptId: z.uuid(), plan: refundScreenPlanSchema, progress: screenProgressSchema, learned: learnedWordsSchema }),
  /** Stop walking or guiding this attempt here (the screen moved to another window, or it is over). */
  callOffRefundScreen: z.object({ attemptId: z.uuid() }),
  /** Wait for the person to click the control whose word Refund Desk should learn. */
  pickRefundScreenControl: z.object({ attemptId: z.uuid(), plan: refundScreenPlanSchema, learned: learnedWordsSchema, slot: learnSlotSchema }),
} as const;
