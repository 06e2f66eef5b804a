import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as PanelHandlers from './panel-handlers';
import type * as RefundTargetModule from './refund-target';

// WXT's storage items and `wxt/browser` need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);

type Sender = Parameters<typeof PanelHandlers.openRefundPanel>[1];

const APP_ORIGIN = 'https://acme.infusionsoft.com';
const KEAP_TAB = 12;
const KEAP_WINDOW = 3;
const NOW = Date.parse('2025-06-02T15:00:00Z');

/** The Refunds panel's content script on a contact record of the acme app, in tab 12 of window 3. */
const contactPage: Sender = {
  kind: 'content-script',
  tabId: KEAP_TAB,
  windowId: KEAP_WINDOW,
  frameId: 0,
  page: { kind: 'classic-contact', contactId: 1001 },
  origin: APP_ORIGIN,
};
const order = { contactId: 1001, orderId: 5001 };

/** Chrome's `sidePanel`; Firefox's `sidebarAction` is set per test where it matters. */
const sidePanel = { open: vi.fn((_where: { tabId?: number; windowId?: number }) => Promise.resolve()) };
const sidebarAction = { open: vi.fn(() => Promise.resolve()), isOpen: vi.fn((_details: { windowId?: number }) => Promise.resolve(false)) };

let openRefundPanel: typeof PanelHandlers.openRefundPanel;
let openOptions: typeof PanelHandlers.openOptions;
let refundTargets: typeof RefundTargetModule;

/** A fresh background in a browser with (Chrome) or without (Firefox) the side panel API: side-panel.ts reads it when loaded. */
async function startBackgroundIn(browserKind: 'chrome' | 'firefox'): Promise<void> {
  Object.assign(fakeBrowser, browserKind === 'chrome' ? { sidePanel, sidebarAction: undefined } : { sidePanel: undefined, sidebarAction });
  vi.resetModules();
  ({ openRefundPanel, openOptions } = await import('./panel-handlers'));
  refundTargets = await import('./refund-target');
}

async function storedTarget(windowId: number) {
  return refundTargets.refundTargetFor(await refundTargets.refundTargetsItem.getValue(), windowId);
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  sidePanel.open.mockReset().mockResolvedValue(undefined);
  sidebarAction.isOpen.mockReset().mockResolvedValue(false);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  return () => vi.useRealTimers();
});

describe('openRefundPanel', () => {
  beforeEach(() => startBackgroundIn('chrome'));

  it.each<[string, Sender]>([
    ['an extension page', { kind: 'extension-page', url: 'chrome-extension://refund-desk/popup.html' }],
    ['an unknown sender', { kind: 'unknown' }],
  ])('refuses %s, opening nothing and storing no target', async (_label, sender) => {
    expect(await openRefundPanel(order, sender)).toEqual({ ok: false, error: { kind: 'refused', message: 'Only a Keap contact page may open the refund panel.' } });
    expect(sidePanel.open).not.toHaveBeenCalled();
    expect(await refundTargets.refundTargetsItem.getValue()).toEqual({});
  });

  describe('where the browser has a side panel API (Chrome)', () => {
    it('opens the side panel on the sender’s tab before anything is awaited, while the click still counts as a user gesture', () => {
      const answer = openRefundPanel(order, contactPage);
      expect(sidePanel.open).toHaveBeenCalledExactlyOnceWith({ tabId: KEAP_TAB });
      return answer;
    });

    it("stores the order as its window's target, with the Keap app of the sender's page", async () => {
      expect(await openRefundPanel(order, contactPage)).toEqual({ ok: true });
      expect(await storedTarget(KEAP_WINDOW)).toEqual({
        kind: 'order',
        windowId: KEAP_WINDOW,
        tabId: KEAP_TAB,
        contactId: 1001,
        orderId: 5001,
        appOrigin: APP_ORIGIN,
        requestedAt: NOW,
      });
    });

    it('says the panel did not open, naming the order to find from the toolbar, and still stores the target for it', async () => {
      sidePanel.open.mockRejectedValue(new Error('sidePanel.open() may only be called in response to a user gesture.'));
      expect(await openRefundPanel(order, contactPage)).toEqual({
        ok: false,
        error: {
          kind: 'side-panel-unavailable',
          message:
            "The browser did not open Refund Desk's side panel (sidePanel.open() may only be called in response to a user gesture.). Open it from the toolbar: it will show order #5001.",
        },
      });
      // Opened from the toolbar, the side panel finds the order in its window's target (written
      // alongside the open call, so it may land just after the answer).
      await expect.poll(() => storedTarget(KEAP_WINDOW)).toMatchObject({ orderId: 5001 });
    });

    it('words a failure that is not an Error as it came', async () => {
      sidePanel.open.mockRejectedValue('no side panel in this window');
      const answer = await openRefundPanel(order, contactPage);
      expect(answer.ok ? null : answer.error.message).toContain('(no side panel in this window)');
    });
  });

  describe('where the browser has no side panel API (Firefox)', () => {
    beforeEach(() => startBackgroundIn('firefox'));

    it('shows the order in the sidebar already open in the Keap tab’s window, opening no window', async () => {
      sidebarAction.isOpen.mockImplementation((details) => Promise.resolve(details.windowId === KEAP_WINDOW));
      const create = vi.spyOn(fakeBrowser.windows, 'create');
      expect(await openRefundPanel(order, contactPage)).toEqual({ ok: true });
      expect(create).not.toHaveBeenCalled();
      expect(sidebarAction.open).not.toHaveBeenCalled();
      expect(await storedTarget(KEAP_WINDOW)).toMatchObject({ kind: 'order', orderId: 5001, tabId: KEAP_TAB, appOrigin: APP_ORIGIN });
    });

    it('opens the refund flow in a window of its own when the sidebar is closed, with the target stored under that window', async () => {
      vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({ id: 41, focused: true, incognito: false, alwaysOnTop: false, tabs: [{ id: 410 } as never] } as never);
      const navigate = vi.spyOn(fakeBrowser.tabs, 'update').mockResolvedValue({ id: 410 } as never);
      expect(await openRefundPanel(order, contactPage)).toEqual({ ok: true });
      expect(navigate).toHaveBeenCalledWith(410, { url: fakeBrowser.runtime.getURL('/sidepanel.html') });
      expect(await storedTarget(41)).toMatchObject({ kind: 'order', windowId: 41, orderId: 5001, tabId: KEAP_TAB });
      expect(await storedTarget(KEAP_WINDOW)).toBeNull();
    });

    it('says so when the browser opens no window for the flow, and how to reach the order from the sidebar', async () => {
      vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({ id: 42, focused: true, incognito: false, alwaysOnTop: false } as never);
      expect(await openRefundPanel(order, contactPage)).toEqual({
        ok: false,
        error: {
          kind: 'side-panel-unavailable',
          message:
            "The browser did not open Refund Desk's refund window (The browser opened no window for the refund.). Open Refund Desk's sidebar (View → Sidebar) and choose order #5001 there.",
        },
      });
      // Nothing was stored for a window, so the sidebar will not show the order by itself.
      expect(await storedTarget(KEAP_WINDOW)).toBeNull();
    });
  });
});

describe('openOptions', () => {
  beforeEach(() => startBackgroundIn('chrome'));

  it("opens Refund Desk's options page", async () => {
    const open = vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    expect(await openOptions()).toEqual({ ok: true });
    expect(open).toHaveBeenCalledOnce();
  });
});
