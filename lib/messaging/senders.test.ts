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

  it.each([
    ['https://keap.app/contacts/list/all/contact/55/activity', 'https://keap.app'],
    ['https://infusionsoft.app/contacts/list/contact/55/details', 'https://infusionsoft.app'],
  ])("Keap's newer app's contact record %s is a content script with that contact", (url, origin) => {
    const identity = identify(contentScript({ url, tab: { id: 8, url } }));
    expect(identity).toMatchObject({ kind: 'content-script', origin, page: { kind: 'newer-app-contact', contactId: 55 } });
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

  it('our content script on any other page of a classic Keap app is a content script on an "other" page (the refund screen may be anywhere)', () => {
    const keapHome = 'https://ab123.infusionsoft.com/app/home';
    const identity = identify(contentScript({ url: keapHome, origin: 'https://ab123.infusionsoft.com', tab: { id: 5, windowId: 2, url: keapHome } }));
    expect(identity).toEqual({
      kind: 'content-script',
      tabId: 5,
      windowId: 2,
      frameId: 0,
      page: { kind: 'other' },
      origin: 'https://ab123.infusionsoft.com',
    });
    expect(contactOfSender(identity)).toBeUndefined();
  });

  it.each([
    ['a refund screen in a window of its own', 'https://ab123.infusionsoft.com/Job/refundPayment.jsp?orderId=7&step=2', 'https://ab123.infusionsoft.com'],
    ['a contact page without an id', 'https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=add', 'https://ab123.infusionsoft.com'],
    ['the root of the app', 'https://cd456.infusionsoft.com/', 'https://cd456.infusionsoft.com'],
    ['an app host in capitals', 'https://AB123.Infusionsoft.COM/Job/refund.jsp', 'https://ab123.infusionsoft.com'],
    ['a route of the newer app that is no contact record', 'https://keap.app/money/payments/7001', 'https://keap.app'],
    ['the newer app on infusionsoft.app', 'https://infusionsoft.app/contacts/list/all', 'https://infusionsoft.app'],
    ["a newer-app contact's unknown tab", 'https://keap.app/contacts/list/all/contact/55/money', 'https://keap.app'],
  ])('%s is a Keap app page, with its origin', (_label, url, origin) => {
    expect(identify(contentScript({ url, tab: { id: 11, windowId: 4, url } }))).toEqual({
      kind: 'content-script',
      tabId: 11,
      windowId: 4,
      frameId: 0,
      page: { kind: 'other' },
      origin,
    });
  });

  it('the tab’s url decides, not the url the message says it came from', () => {
    const keapPage = 'https://ab123.infusionsoft.com/app/refunds';
    expect(identify(contentScript({ url: 'https://example.com/', tab: { id: 5, url: keapPage } }))).toMatchObject({ kind: 'content-script', page: { kind: 'other' } });
    expect(identify(contentScript({ url: keapPage, tab: { id: 5, url: 'https://example.com/' } }))).toEqual({ kind: 'unknown' });
  });

  it.each([
    ['another site, even with a Keap path', 'https://example.com/Contact/manageContact.jsp?ID=42'],
    ['a host that only ends like a Keap name', 'https://evilinfusionsoft.com/app/home'],
    ['a lookalike host', 'https://ab123.infusionsoft.com.evil.test/app/home'],
    ['a user name that looks like a Keap host', 'https://ab123.infusionsoft.com@evil.test/app/home'],
    ['infusionsoft.com itself', 'https://infusionsoft.com/app/home'],
    ['the Keap API host', 'https://api.infusionsoft.com/crm/rest/v1/orders'],
    ['the other Keap API host', 'https://api.keap.com/crm/rest/v1/orders'],
    ['a Keap app over http', 'http://ab123.infusionsoft.com/app/home'],
    ['a Keap contact over http', 'http://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=42'],
    ['a url that is not one', 'not a url'],
  ])('our content script on %s is unknown', (_label, url) => {
    expect(identify(contentScript({ url, tab: { id: 5, url } }))).toEqual({ kind: 'unknown' });
  });

  it('a message from an iframe inside any Keap app page is unknown', () => {
    const keapHome = 'https://ab123.infusionsoft.com/app/home';
    expect(identify(contentScript({ url: keapHome, frameId: 1, tab: { id: 5, url: keapHome } }))).toEqual({ kind: 'unknown' });
    expect(identify(contentScript({ url: ORDER_URL, frameId: 2, tab: { id: 6, url: ORDER_URL } }))).toEqual({ kind: 'unknown' });
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
