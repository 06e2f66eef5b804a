import { describe, expect, it } from 'vitest';
import { contactOfSender, identifySender, type RuntimeSender } from './senders';

const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
const CONTACT_URL = 'https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=42';
const ORDER_URL = 'https://ab123.infusionsoft.com/Job/manageJob.jsp?view=edit&ID=7';

function contentScript(overrides: Partial<RuntimeSender> = {}): RuntimeSender {
  return { id: EXTENSION_ID, url: CONTACT_URL, origin: 'https://ab123.infusionsoft.com', frameId: 0, tab: { id: 5, windowId: 2, url: CONTACT_URL }, ...overrides };
}

const identify = (sender: RuntimeSender) => identifySender(sender, EXTENSION_ID, EXTENSION_ORIGIN);

describe('identifySender', () => {
  it('an extension page is one whose url starts with our origin', () => {
    const url = `${EXTENSION_ORIGIN}/sidepanel.html`;
    expect(identify({ id: EXTENSION_ID, url })).toEqual({ kind: 'extension-page', url });
  });

  it('an extension page opened in a tab (options) is still an extension page', () => {
    const url = `${EXTENSION_ORIGIN}/options.html`;
    expect(identify({ id: EXTENSION_ID, url, frameId: 0, tab: { id: 9, url } })).toEqual({ kind: 'extension-page', url });
  });

  it('a content script on a Keap contact page carries its tab and the contact it shows', () => {
    const identity = identify(contentScript());
    expect(identity).toEqual({
      kind: 'content-script',
      tabId: 5,
      windowId: 2,
      frameId: 0,
      page: { kind: 'classic-contact', contactId: 42 },
      origin: 'https://ab123.infusionsoft.com',
    });
    expect(contactOfSender(identity)).toBe(42);
  });

  it('a content script on a Keap order page carries the order, and no contact', () => {
    const identity = identify(contentScript({ url: ORDER_URL, tab: { id: 6, url: ORDER_URL } }));
    expect(identity).toMatchObject({ kind: 'content-script', tabId: 6, page: { kind: 'classic-order', orderId: 7 } });
    expect(contactOfSender(identity)).toBeUndefined();
  });

  it('the newer Keap UI contact page is a content script with that contact', () => {
    const url = 'https://keap.app/contacts/details/55';
    const identity = identify(contentScript({ url, tab: { id: 8, url } }));
    expect(identity).toMatchObject({ kind: 'content-script', origin: 'https://keap.app' });
    expect(contactOfSender(identity)).toBe(55);
  });

  it('a message from an iframe inside a Keap page is unknown', () => {
    expect(identify(contentScript({ frameId: 3 }))).toEqual({ kind: 'unknown' });
  });

  it('another extension is unknown, even from a Keap page or with our origin in its url', () => {
    expect(identify(contentScript({ id: 'otherextensionidotherextensionid' }))).toEqual({ kind: 'unknown' });
    expect(identify({ id: 'otherextensionidotherextensionid', url: `${EXTENSION_ORIGIN}/sidepanel.html` })).toEqual({ kind: 'unknown' });
    expect(identify({ url: `${EXTENSION_ORIGIN}/sidepanel.html` })).toEqual({ kind: 'unknown' });
  });

  it('our content script on a page that is not a Keap contact or order is unknown', () => {
    const url = 'https://example.com/Contact/manageContact.jsp?ID=42';
    expect(identify(contentScript({ url, tab: { id: 5, url } }))).toEqual({ kind: 'unknown' });
    const keapHome = 'https://ab123.infusionsoft.com/app/home';
    expect(identify(contentScript({ url: keapHome, tab: { id: 5, url: keapHome } }))).toEqual({ kind: 'unknown' });
  });

  it('a sender without a url is unknown', () => {
    const { url: _url, ...withoutUrl } = contentScript();
    expect(identify(withoutUrl)).toEqual({ kind: 'unknown' });
  });

  it('a sender outside any tab that is not an extension page is unknown', () => {
    expect(identify(contentScript({ tab: undefined }))).toEqual({ kind: 'unknown' });
    expect(identify(contentScript({ tab: { id: -1, url: CONTACT_URL } }))).toEqual({ kind: 'unknown' });
  });

  it('an extension page is not a contact page', () => {
    expect(contactOfSender({ kind: 'extension-page', url: `${EXTENSION_ORIGIN}/sidepanel.html` })).toBeUndefined();
    expect(contactOfSender({ kind: 'unknown' })).toBeUndefined();
  });
});
