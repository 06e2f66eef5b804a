import { fakeBrowser } from '@webext-core/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as GuidedRefunds from './guided-refunds';
import type * as RefundWatch from './refund-watch';

// WXT's storage items and `wxt/browser` need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);

type WatchCheck = Parameters<typeof RefundWatch.watchRefund>[1];
type ApiCheck = Awaited<ReturnType<WatchCheck>>;

const REFUND = '0190a000-0000-7000-8000-000000000001';
const ALARM = 'refund-desk-watch';
const START = Date.parse('2025-06-02T15:00:00Z');
const notShown: ApiCheck = { kind: 'not-shown', reason: 'Keap shows no refund yet' };

let watch: typeof RefundWatch;
let guided: typeof GuidedRefunds;

/** The service worker stopping: its timers go (the clock goes on); session storage and alarms stay. */
function stopServiceWorker(): void {
  const now = Date.now();
  vi.clearAllTimers();
  // Clearing the timers also winds the fake clock back to where it was installed.
  vi.setSystemTime(now);
}

/** A service worker starting: the module's timers are its own, storage and alarms are the browser's. */
async function startServiceWorker(): Promise<void> {
  vi.resetModules();
  watch = await import('./refund-watch');
  guided = await import('./guided-refunds');
}

/** A check that answers `answers` in turn (the last one from then on), noting when it was asked, in ms since START. */
function checkAnswering(...answers: (ApiCheck | Error)[]) {
  const askedAt: number[] = [];
  const check = vi.fn<WatchCheck>(() => {
    const answer = answers[Math.min(askedAt.length, answers.length - 1)]!;
    askedAt.push(Date.now() - START);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  });
  return { check, askedAt };
}

const seconds = (...values: number[]) => values.map((value) => value * 1000);

beforeEach(async () => {
  fakeBrowser.reset();
  vi.useFakeTimers();
  vi.setSystemTime(START);
  await startServiceWorker();
});
afterEach(() => vi.useRealTimers());

describe('watchRefund', () => {
  it('looks after 5 s, then backs off to every 30 s, with an alarm set while it watches', async () => {
    const { check, askedAt } = checkAnswering(notShown);
    await watch.watchRefund(REFUND, check);
    expect(await fakeBrowser.alarms.get(ALARM)).toMatchObject({ name: ALARM, periodInMinutes: 0.5 });
    expect(await watch.watches()).toEqual({ [REFUND]: { kind: 'guided', until: START + watch.WATCH_LIMIT_MS } });

    await vi.advanceTimersByTimeAsync(4_999);
    expect(check).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(90_001);
    expect(askedAt).toEqual(seconds(5, 15, 35, 65, 95));
    expect(check).toHaveBeenLastCalledWith(REFUND, { kind: 'guided', until: START + watch.WATCH_LIMIT_MS });
  });

  it('looks within a second when hurried, and keeps the watch it had', async () => {
    const { check, askedAt } = checkAnswering(notShown);
    await watch.watchRefund(REFUND, check);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(askedAt).toEqual(seconds(5, 15, 35));

    await watch.watchRefund(REFUND, check, { soon: true });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(askedAt).toEqual(seconds(5, 15, 35, 61));
    expect(await watch.watches()).toEqual({ [REFUND]: { kind: 'guided', until: START + watch.WATCH_LIMIT_MS } });
  });

  it('stops once Keap’s API shows the refund, and says so on the guided checklist', async () => {
    await guided.updateGuidedRefund(REFUND, () => ({ items: [], watch: 'watching' }));
    const { check, askedAt } = checkAnswering(notShown, { kind: 'confirmed', to: 'confirmed' });
    await watch.watchRefund(REFUND, check);

    await vi.advanceTimersByTimeAsync(15_000);
    expect(askedAt).toEqual(seconds(5, 15));
    expect(await watch.watches()).toEqual({});
    expect(await fakeBrowser.alarms.get(ALARM)).toBeUndefined();
    expect(guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), REFUND)?.watch).toBe('confirmed');

    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('ends a guided watch at its time limit, and the person checks again from there', async () => {
    await guided.updateGuidedRefund(REFUND, () => ({ items: [], watch: 'watching' }));
    const { check, askedAt } = checkAnswering(notShown);
    await watch.watchRefund(REFUND, check);

    await vi.advanceTimersByTimeAsync(watch.WATCH_LIMIT_MS - 1);
    expect(await watch.watches()).toHaveProperty(REFUND);
    expect(guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), REFUND)?.watch).toBe('watching');

    await vi.advanceTimersByTimeAsync(30_000);
    expect(askedAt.at(-1)).toBeGreaterThanOrEqual(watch.WATCH_LIMIT_MS);
    expect(await watch.watches()).toEqual({});
    expect(await fakeBrowser.alarms.get(ALARM)).toBeUndefined();
    expect(guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), REFUND)?.watch).toBe('ended');

    const checks = check.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(check).toHaveBeenCalledTimes(checks);
  });

  it('keeps watching through checks that fail or cannot read Keap', async () => {
    const { check, askedAt } = checkAnswering(new Error('offline'), { kind: 'unreadable', reason: 'Keap is down' }, { kind: 'confirmed', to: 'recorded' });
    await watch.watchRefund(REFUND, check);
    await vi.advanceTimersByTimeAsync(35_000);
    expect(askedAt).toEqual(seconds(5, 15, 35));
    expect(await watch.watches()).toEqual({});
  });

  it('keeps a quiet watch past its quiet period until its check says the refund is settled', async () => {
    const quietUntil = START + 20_000;
    const settled: ApiCheck = { kind: 'settled', reason: 'Keap’s API still shows no refund after the quiet period' };
    const { check, askedAt } = checkAnswering(notShown, notShown, notShown, notShown, settled);
    await watch.watchRefund(REFUND, check, { quietUntil });
    expect(await watch.watches()).toEqual({ [REFUND]: { kind: 'quiet', until: quietUntil } });

    // The third check comes as the quiet period ends (20 s), not a back-off later; past it, the checks back off again.
    await vi.advanceTimersByTimeAsync(31_000);
    expect(askedAt).toEqual([5_000, 15_000, 20_250, 30_750]);
    expect(await watch.watches()).toHaveProperty(REFUND);

    await vi.advanceTimersByTimeAsync(21_000);
    expect(askedAt).toEqual([5_000, 15_000, 20_250, 30_750, 51_750]);
    expect(check).toHaveBeenLastCalledWith(REFUND, { kind: 'quiet', until: quietUntil });
    expect(await watch.watches()).toEqual({});
    expect(await fakeBrowser.alarms.get(ALARM)).toBeUndefined();
    // A quiet watch has no guided checklist, and gets none.
    expect(await guided.guidedRefundsItem.getValue()).toEqual({});
  });

  it('keeps the alarm while another refund is still watched', async () => {
    const other = '0190a000-0000-7000-8000-000000000002';
    const confirmed = checkAnswering({ kind: 'confirmed', to: 'confirmed' });
    const pending = checkAnswering(notShown);
    await watch.watchRefund(REFUND, confirmed.check);
    await watch.watchRefund(other, pending.check);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(Object.keys(await watch.watches())).toEqual([other]);
    expect(await fakeBrowser.alarms.get(ALARM)).toBeDefined();
  });
});

describe('listenForWatchAlarm', () => {
  /** The alarm as the browser fires it. */
  const fireAlarm = (name = ALARM) => fakeBrowser.alarms.onAlarm.trigger({ name, scheduledTime: Date.now(), periodInMinutes: 0.5 });

  it('resumes a watch from the alarm once the service worker was stopped and its timers are gone', async () => {
    const before = checkAnswering(notShown);
    await watch.watchRefund(REFUND, before.check);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(before.askedAt).toEqual(seconds(5));

    stopServiceWorker();
    await startServiceWorker();
    const after = checkAnswering(notShown, { kind: 'confirmed', to: 'confirmed' });
    watch.listenForWatchAlarm(after.check);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(after.check).not.toHaveBeenCalled();
    expect(before.check).toHaveBeenCalledTimes(1);

    await fireAlarm('some-other-alarm');
    await vi.advanceTimersByTimeAsync(0);
    expect(after.check).not.toHaveBeenCalled();

    await fireAlarm();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.askedAt).toEqual(seconds(65));
    expect(after.check).toHaveBeenLastCalledWith(REFUND, { kind: 'guided', until: START + watch.WATCH_LIMIT_MS });

    // It has a timer again: the next alarm leaves it to that timer.
    await fireAlarm();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.check).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(30_000);
    expect(after.askedAt).toEqual(seconds(65, 95));
    expect(await watch.watches()).toEqual({});
  });

  it('ends a guided watch whose time limit passed while the service worker was stopped', async () => {
    await guided.updateGuidedRefund(REFUND, () => ({ items: [], watch: 'watching' }));
    await watch.watchRefund(REFUND, checkAnswering(notShown).check);
    stopServiceWorker();
    await startServiceWorker();

    vi.setSystemTime(START + watch.WATCH_LIMIT_MS + 60_000);
    const after = checkAnswering(notShown);
    watch.listenForWatchAlarm(after.check);
    await fireAlarm();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.check).toHaveBeenCalledTimes(1);
    expect(await watch.watches()).toEqual({});
    expect(guided.guidedRefundOf(await guided.guidedRefundsItem.getValue(), REFUND)?.watch).toBe('ended');
  });
});
