import { z } from 'zod';
import { checklistItemSchema } from '@/lib/page/refund-screen/protocol';
import { learnSlotSchema } from '@/lib/page/refund-screen/words';

/**
 * What the side panel shows for a refund the person finishes on Keap's screen: the guided
 * checklist as it follows them, why Refund Desk handed over, the control it could not name, and
 * whether Keap's API is being watched.
 */
export const guidedRefundSchema = z.object({
  items: z.array(checklistItemSchema),
  /** Why Refund Desk stopped and handed over, when it did. */
  problem: z.string().optional(),
  /** A control on Keap's screen whose word Refund Desk does not know, which the person can show it. */
  learnable: z.optional(learnSlotSchema),
  /** The refund goes through Keap's newer app; the person may finish it on Keap's classic refund screen instead. */
  classicScreen: z.boolean().optional(),
  /** What the watch on Keap's API is doing. */
  watch: z.enum(['watching', 'confirmed', 'ended']),
});
export type GuidedRefund = z.infer<typeof guidedRefundSchema>;
