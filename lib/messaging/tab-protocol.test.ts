import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';

// tab-protocol.ts creates its messenger on import, and webextension-polyfill throws outside an extension.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { isFromBackground } = await import('./tab-protocol');
const { CONTACT_PAGE_TAB_MESSAGES } = await import('./contact-page-messages');

const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';

describe('isFromBackground', () => {
  it('accepts our own extension sending from outside any tab', () => {
    expect(isFromBackground({ id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/background.js` }, EXTENSION_ID)).toBe(true);
  });

  it('refuses another extension', () => {
    expect(isFromBackground({ id: 'otherextensionidotherextensionid' }, EXTENSION_ID)).toBe(false);
    expect(isFromBackground({}, EXTENSION_ID)).toBe(false);
  });

  it('refuses our own content script in another tab (a compromised or confused Keap page)', () => {
    const url = 'https://ab123.infusionsoft.com/Contact/manageContact.jsp?ID=42';
    expect(isFromBackground({ id: EXTENSION_ID, url, frameId: 0, tab: { id: 3, url } }, EXTENSION_ID)).toBe(false);
  });
});

describe('CONTACT_PAGE_TAB_MESSAGES', () => {
  it('contactChanged carries a positive whole contact id only', () => {
    expect(CONTACT_PAGE_TAB_MESSAGES.contactChanged.safeParse({ contactId: 42 }).success).toBe(true);
    expect(CONTACT_PAGE_TAB_MESSAGES.contactChanged.safeParse({ contactId: 0 }).success).toBe(false);
    expect(CONTACT_PAGE_TAB_MESSAGES.contactChanged.safeParse({ contactId: '42' }).success).toBe(false);
  });
});
