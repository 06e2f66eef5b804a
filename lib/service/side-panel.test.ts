import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Firefox: no `sidePanel`, a `sidebarAction` whose sidebar may or may not be open. Set before the
// module under test reads the browser's APIs.
const sidebarAction = { open: vi.fn(() => Promise.resolve()), isOpen: vi.fn((_details: { windowId?: number }) => Promise.resolve(false)) };
Object.assign(fakeBrowser, { sidebarAction, sidePanel: undefined });
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { hasSidePanelApi, showRefundFlowWithoutSidePanel } = await import('./side-panel');
const { refundTargetFor, refundTargetsItem } = await import('./refund-target');

const KEAP_WINDOW = 7;
const order = { kind: 'order', tabId: 3, contactId: 1001, orderId: 5001, appOrigin: 'https://acme.infusionsoft.com', requestedAt: 1 } as const;

/** windows.create as Firefox answers it: the new window with its one tab. */
function fakeWindowCreation(windowId: number, tabId: number) {
  return vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({ id: windowId, focused: true, incognito: false, alwaysOnTop: false, tabs: [{ id: tabId } as never] } as never);
}

describe('the refund flow where the browser has no side panel API (Firefox)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.restoreAllMocks();
    sidebarAction.isOpen.mockImplementation(() => Promise.resolve(false));
  });

  it('is the case here', () => {
    expect(hasSidePanelApi()).toBe(false);
  });

  it('opens a popup window, stores the target under its id before the page loads, then loads the side panel page', async () => {
    const create = fakeWindowCreation(41, 410);
    const events: string[] = [];
    const navigate = (tabId: number, properties: { url?: string }) =>
      refundTargetsItem.getValue().then((targets) => {
        events.push(`navigate ${tabId} ${properties.url ?? ''} with target ${String(refundTargetFor(targets, 41)?.kind)}`);
        return { id: tabId };
      });
    vi.spyOn(fakeBrowser.tabs, 'update').mockImplementation(navigate as never);
    await showRefundFlowWithoutSidePanel(order, KEAP_WINDOW);
    expect(create).toHaveBeenCalledWith({ url: 'about:blank', type: 'popup', width: 420, height: 760 });
    expect(events).toEqual([`navigate 410 ${fakeBrowser.runtime.getURL('/sidepanel.html')} with target order`]);
    expect(refundTargetFor(await refundTargetsItem.getValue(), 41)).toEqual({ ...order, windowId: 41 });
    // The Keap tab's window gets no target: its sidebar (closed) is not where the order shows.
    expect(refundTargetFor(await refundTargetsItem.getValue(), KEAP_WINDOW)).toBeNull();
  });

  it('brings the open refund window forward on the new order instead of opening another', async () => {
    const create = fakeWindowCreation(42, 420);
    vi.spyOn(fakeBrowser.tabs, 'update').mockResolvedValue({ id: 420 } as never);
    await showRefundFlowWithoutSidePanel(order, KEAP_WINDOW);
    vi.spyOn(fakeBrowser.windows, 'get').mockResolvedValue({ id: 42, focused: false, incognito: false, alwaysOnTop: false } as never);
    const update = vi.spyOn(fakeBrowser.windows, 'update').mockResolvedValue({ id: 42 } as never);
    await showRefundFlowWithoutSidePanel({ ...order, orderId: 5002, requestedAt: 2 }, KEAP_WINDOW);
    expect(create).toHaveBeenCalledTimes(1);
    expect(update).toHaveBeenCalledWith(42, { focused: true });
    expect(refundTargetFor(await refundTargetsItem.getValue(), 42)).toMatchObject({ orderId: 5002, windowId: 42 });
  });

  it('opens a new window when the person closed the last one', async () => {
    const create = fakeWindowCreation(43, 430);
    vi.spyOn(fakeBrowser.tabs, 'update').mockResolvedValue({ id: 430 } as never);
    await showRefundFlowWithoutSidePanel(order, KEAP_WINDOW);
    vi.spyOn(fakeBrowser.windows, 'get').mockRejectedValue(new Error('Invalid window ID: 43'));
    fakeWindowCreation(44, 440);
    await showRefundFlowWithoutSidePanel(order, KEAP_WINDOW);
    expect(create).toHaveBeenCalledTimes(2);
    expect(refundTargetFor(await refundTargetsItem.getValue(), 44)).toMatchObject({ orderId: 5001 });
  });

  it('shows the order in the sidebar when it is open in the Keap tab’s window, opening no window', async () => {
    sidebarAction.isOpen.mockImplementation((details) => Promise.resolve(details.windowId === KEAP_WINDOW));
    const create = vi.spyOn(fakeBrowser.windows, 'create');
    await showRefundFlowWithoutSidePanel(order, KEAP_WINDOW);
    expect(create).not.toHaveBeenCalled();
    expect(refundTargetFor(await refundTargetsItem.getValue(), KEAP_WINDOW)).toEqual({ ...order, windowId: KEAP_WINDOW });
  });

  it('fails when the browser opens no window, so the Refunds panel can say so', async () => {
    vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue({ id: 45, focused: true, incognito: false, alwaysOnTop: false } as never);
    await expect(showRefundFlowWithoutSidePanel(order, KEAP_WINDOW)).rejects.toThrow('The browser opened no window for the refund.');
  });
});
