import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// WXT's storage items need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { refundTargetFor, refundTargetsItem, setRefundTarget } = await import('./refund-target');

type RefundTarget = Parameters<typeof setRefundTarget>[0];

const orderInWindow = (windowId: number, orderId: number): RefundTarget => ({
  kind: 'order',
  windowId,
  tabId: 40 + windowId,
  contactId: 1001,
  orderId,
  appOrigin: 'https://ab123.infusionsoft.com',
  requestedAt: Date.parse('2025-06-02T15:00:00Z'),
});
const refundInWindow = (windowId: number): RefundTarget => ({
  kind: 'refund',
  windowId,
  refundId: '0190a000-0000-7000-8000-000000000001',
  requestedAt: Date.parse('2025-06-02T15:01:00Z'),
});

beforeEach(() => fakeBrowser.reset());

describe('setRefundTarget', () => {
  it("keeps one target per browser window, in session storage, the newest replacing the window's last", async () => {
    await setRefundTarget(orderInWindow(1, 5001));
    await setRefundTarget(orderInWindow(2, 5002));
    await setRefundTarget(refundInWindow(1));

    expect(await refundTargetsItem.getValue()).toEqual({ 1: refundInWindow(1), 2: orderInWindow(2, 5002) });
    expect(await fakeBrowser.storage.session.get('refundTargets')).toEqual({ refundTargets: { 1: refundInWindow(1), 2: orderInWindow(2, 5002) } });
    expect(await fakeBrowser.storage.local.get('refundTargets')).toEqual({});
  });
});

describe('refundTargetFor', () => {
  it("gives the window's own target, and none for another window", async () => {
    await setRefundTarget(orderInWindow(1, 5001));
    await setRefundTarget(refundInWindow(2));
    const targets = await refundTargetsItem.getValue();
    expect(refundTargetFor(targets, 1)).toEqual(orderInWindow(1, 5001));
    expect(refundTargetFor(targets, 2)).toEqual(refundInWindow(2));
    expect(refundTargetFor(targets, 3)).toBeNull();
  });

  it.each([
    ['an order id that is not positive', { ...orderInWindow(1, 5001), orderId: 0 }],
    ['a contact id that is not a whole number', { ...orderInWindow(1, 5001), contactId: 10.5 }],
    ['no Keap app', { ...orderInWindow(1, 5001), appOrigin: undefined }],
    ['a refund id that is not a UUID', { ...refundInWindow(1), refundId: '../../etc' }],
    ['a kind it does not know', { ...refundInWindow(1), kind: 'delete-history' }],
    ['text', 'order 5001'],
  ])('gives nothing for a stored target with %s', (_label, stored) => {
    expect(refundTargetFor({ 1: stored }, 1)).toBeNull();
  });
});
