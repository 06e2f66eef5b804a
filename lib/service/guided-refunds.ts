import { storage } from 'wxt/utils/storage';
import { type GuidedRefund, guidedRefundSchema } from '@/lib/refund/guided';

/**
 * The guided checklists of refunds people are finishing on Keap's screen, by refund id. Session
 * storage: they describe open tabs and running watches, which a browser restart ends.
 */
export const guidedRefundsItem = storage.defineItem<Record<string, GuidedRefund>>('session:guidedRefunds', { fallback: {} });

export function guidedRefundOf(all: Record<string, unknown>, refundId: string): GuidedRefund | null {
  const parsed = guidedRefundSchema.safeParse(all[refundId]);
  return parsed.success ? parsed.data : null;
}

/** Writes are queued so that reports arriving together never overwrite each other. */
let writes: Promise<unknown> = Promise.resolve();

export function updateGuidedRefund(refundId: string, change: (current: GuidedRefund | null) => GuidedRefund | null): Promise<void> {
  const next = writes.then(async () => {
    const all = await guidedRefundsItem.getValue();
    const updated = change(guidedRefundOf(all, refundId));
    const { [refundId]: _previous, ...others } = all;
    await guidedRefundsItem.setValue(updated ? { ...others, [refundId]: updated } : others);
  });
  writes = next.catch(() => undefined);
  return next;
}
