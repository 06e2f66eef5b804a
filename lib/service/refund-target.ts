import { storage } from 'wxt/utils/storage';
import { z } from 'zod';

/**
 * The order the side panel should show, per browser window. Kept in session storage (extension
 * contexts only) so that a click in the Refunds panel switches an already open side panel.
 */
export const refundTargetSchema = z.discriminatedUnion('kind', [
  /** "Refund order #N" in a contact's Refunds panel. */
  z.object({
    kind: z.literal('order'),
    windowId: z.number().int(),
    tabId: z.number().int(),
    contactId: z.number().int().positive(),
    orderId: z.number().int().positive(),
    /** The Keap app the request came from, e.g. https://ab123.infusionsoft.com. */
    appOrigin: z.string(),
    requestedAt: z.number(),
  }),
  /** "Continue in side panel" on a refund of the history that needs the person. */
  z.object({ kind: z.literal('refund'), windowId: z.number().int(), refundId: z.uuid(), requestedAt: z.number() }),
]);
export type RefundTarget = z.infer<typeof refundTargetSchema>;

export const refundTargetsItem = storage.defineItem<Record<string, RefundTarget>>('session:refundTargets', { fallback: {} });

export async function setRefundTarget(target: RefundTarget): Promise<void> {
  const targets = await refundTargetsItem.getValue();
  await refundTargetsItem.setValue({ ...targets, [String(target.windowId)]: target });
}

export function refundTargetFor(targets: Record<string, unknown>, windowId: number): RefundTarget | null {
  const parsed = refundTargetSchema.safeParse(targets[String(windowId)]);
  return parsed.success ? parsed.data : null;
}
