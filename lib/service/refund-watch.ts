import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import type { ApiCheck } from '@/lib/refund/executor';
import { updateGuidedRefund } from './guided-refunds';

/*
 * Watching Keap's API for a refund: one a person makes on Keap's screen (`guided`), or one Keap's
 * screen said it skipped, kept locked through a quiet period (`quiet`). Checks back off (each is
 * three reads within the key's rate limit), come quickly once the person has clicked the final
 * button, and a guided watch ends after a time limit. The watch list is kept in session storage and
 * an alarm resumes it after the service worker was stopped.
 */

/** How long Refund Desk watches before handing the check back to the person ("Check Keap again"). */
export const WATCH_LIMIT_MS = 30 * 60_000;
const FIRST_DELAY_MS = 5_000;
const SOON_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 30_000;
/** After a quiet period's end, so the check that settles it is surely past it. */
const QUIET_END_MARGIN_MS = 250;
const ALARM_NAME = 'refund-desk-watch';

const watchSchema = z.object({
  kind: z.enum(['guided', 'quiet']),
  /** Guided: when the watch gives up. Quiet: when the quiet period ends. */
  until: z.number(),
});
export type Watch = z.infer<typeof watchSchema>;
const watchesSchema = z.record(z.string(), watchSchema);
const watchesItem = storage.defineItem<Record<string, Watch>>('session:refundWatches', { fallback: {} });

/** Timers of this service worker's life; after a restart the alarm finds the watches again. */
const timers = new Map<string, { timer: ReturnType<typeof setTimeout>; delayMs: number }>();

export type WatchCheck = (refundId: string, watch: Watch) => Promise<ApiCheck>;

/** Refunds being watched now: reconciliation at start leaves them to their watch. */
export async function watches(): Promise<Record<string, Watch>> {
  const parsed = watchesSchema.safeParse(await watchesItem.getValue());
  return parsed.success ? parsed.data : {};
}

async function stopWatching(refundId: string, outcome: 'confirmed' | 'ended'): Promise<void> {
  const timer = timers.get(refundId);
  if (timer) clearTimeout(timer.timer);
  timers.delete(refundId);
  const { [refundId]: _stopped, ...rest } = await watches();
  await watchesItem.setValue(rest);
  if (Object.keys(rest).length === 0) await browser.alarms.clear(ALARM_NAME);
  await updateGuidedRefund(refundId, (current) => (current ? { ...current, watch: outcome } : null));
}

function schedule(refundId: string, delayMs: number, check: WatchCheck): void {
  const previous = timers.get(refundId);
  if (previous) clearTimeout(previous.timer);
  const timer = setTimeout(() => void runCheck(refundId, delayMs, check), delayMs);
  timers.set(refundId, { timer, delayMs });
}

async function runCheck(refundId: string, delayMs: number, check: WatchCheck): Promise<void> {
  const watch = (await watches())[refundId];
  if (!watch) return;
  const result = await check(refundId, watch).catch((cause: unknown): ApiCheck => ({ kind: 'unreadable', reason: String(cause) }));
  if (result.kind === 'confirmed') return stopWatching(refundId, 'confirmed');
  if (result.kind === 'settled') return stopWatching(refundId, 'ended');
  // A quiet watch ends when its check says so; a guided one gives up at its time limit.
  if (watch.kind === 'guided' && Date.now() >= watch.until) return stopWatching(refundId, 'ended');
  const backedOff = Math.min(delayMs * 2, LONGEST_DELAY_MS);
  const quietLeft = watch.kind === 'quiet' ? watch.until - Date.now() : 0;
  // A quiet watch's check comes as its quiet period ends, not a back-off later; past its end the checks back off again.
  schedule(refundId, quietLeft > 0 ? Math.min(backedOff, quietLeft + QUIET_END_MARGIN_MS) : backedOff, check);
}

/**
 * Starts (or, with `soon`, hurries) a watch on Keap's API: a guided one for `WATCH_LIMIT_MS`, a
 * quiet one until its quiet period ends (`quietUntil`).
 */
export async function watchRefund(refundId: string, check: WatchCheck, { soon = false, quietUntil }: { soon?: boolean; quietUntil?: number } = {}): Promise<void> {
  const all = await watches();
  if (!all[refundId]) {
    const watch: Watch = quietUntil === undefined ? { kind: 'guided', until: Date.now() + WATCH_LIMIT_MS } : { kind: 'quiet', until: quietUntil };
    await watchesItem.setValue({ ...all, [refundId]: watch });
  }
  await browser.alarms.create(ALARM_NAME, { periodInMinutes: 0.5 });
  schedule(refundId, soon ? SOON_DELAY_MS : (timers.get(refundId)?.delayMs ?? FIRST_DELAY_MS), check);
}

/** The alarm: resumes watches this service worker has no timer for (it was stopped and started again). */
export function listenForWatchAlarm(check: WatchCheck): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== ALARM_NAME) return;
    void watches().then((all) => {
      for (const refundId of Object.keys(all)) if (!timers.has(refundId)) void runCheck(refundId, LONGEST_DELAY_MS, check);
    });
  });
}
