import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { iconPaths } from '@/lib/icons';

// `wxt/browser` reads the browser global when it is first imported.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { isKeapTab, showWhereRefundDeskWorks } = await import('./toolbar-icon');

const setIcon = vi.fn((_details: { tabId?: number; path?: unknown }) => Promise.resolve());
const lookOf = (path: unknown) => (['active', 'disabled'] as const).find((look) => JSON.stringify(path) === JSON.stringify(iconPaths(look))) ?? path;
const looks = () => setIcon.mock.calls.map(([details]) => [details.tabId, lookOf(details.path)]);

beforeEach(() => {
  fakeBrowser.reset();
  setIcon.mockClear();
  Object.assign(fakeBrowser.action, { setIcon });
});

describe('isKeapTab', () => {
  it.each([
    'https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=1',
    'https://ab123.infusionsoft.com/Job/manageJob.jsp?view=edit&ID=5001',
    'https://keap.app/contacts/list/all',
    'https://infusionsoft.app/dashboard',
  ])('takes %s for Keap', (url) => {
    expect(isKeapTab(url)).toBe(true);
  });
  it.each([
    undefined,
    'https://api.infusionsoft.com/crm/rest/v1/orders',
    'https://example.com/',
    'http://keap.app/contacts',
    'https://forms.infusionsoft.app/form',
    'chrome://newtab/',
    'not a url',
  ])('does not take %s for Keap', (url) => {
    expect(isKeapTab(url)).toBe(false);
  });
});

describe('the toolbar icon per tab', () => {
  it('is in colour when a Keap page starts loading in a tab, grey for any other page, once per load', async () => {
    showWhereRefundDeskWorks();
    const keap = await fakeBrowser.tabs.create({ url: 'https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=1' });
    const other = await fakeBrowser.tabs.create({ url: 'https://example.com/' });
    setIcon.mockClear();
    await fakeBrowser.tabs.onUpdated.trigger(keap.id!, { status: 'loading' }, keap);
    await fakeBrowser.tabs.onUpdated.trigger(other.id!, { status: 'loading' }, other);
    await fakeBrowser.tabs.onUpdated.trigger(keap.id!, { status: 'complete' }, keap);
    expect(looks()).toEqual([
      [keap.id, 'active'],
      [other.id, 'disabled'],
    ]);
  });

  it('gives the tabs already open their look when Refund Desk is installed or updated', async () => {
    const keap = await fakeBrowser.tabs.create({ url: 'https://keap.app/contacts/list/all' });
    const other = await fakeBrowser.tabs.create({ url: 'https://example.com/' });
    showWhereRefundDeskWorks();
    setIcon.mockClear();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'install' });
    await expect.poll(looks).toEqual(
      expect.arrayContaining([
        [keap.id, 'active'],
        [other.id, 'disabled'],
      ]),
    );
  });

  it('gives up quietly when the tab closed before its icon was set', async () => {
    setIcon.mockRejectedValueOnce(new Error('No tab with id: 9.'));
    showWhereRefundDeskWorks();
    await fakeBrowser.tabs.onUpdated.trigger(9, { status: 'loading' }, { id: 9, url: 'https://example.com/' } as never);
    expect(looks()).toEqual([[9, 'disabled']]);
  });
});
