import { describe, expect, it } from 'vitest';
import {
  apiBaseUrl,
  classicAppOrigin,
  classicContactUrl,
  classicOrderIdOfHref,
  classicOrderUrl,
  classifyKeapUrl,
  contactIdOfPage,
  isKeapAppPage,
  isNewerAppHost,
  isNewerAppOrigin,
  KEAP_API_HOSTS,
} from './keap-hosts';

describe('classifyKeapUrl', () => {
  it('reads the contact id of a classic contact record', () => {
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=42')).toEqual({ kind: 'classic-contact', contactId: 42 });
  });
  it('reads the order id of a classic order record', () => {
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/Job/manageJob.jsp?view=edit&ID=7')).toEqual({ kind: 'classic-order', orderId: 7 });
  });
  it('refuses ids that are not positive whole numbers', () => {
    for (const id of ['0', '-1', '1.5', 'abc', '', '1e3']) {
      expect(classifyKeapUrl(`https://a.infusionsoft.com/Contact/manageContact.jsp?ID=${id}`).kind).toBe('other');
    }
  });
  it('does not treat lookalike hosts as Keap', () => {
    expect(classifyKeapUrl('https://infusionsoft.com.evil.test/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('not a url').kind).toBe('other');
  });
});

describe('classifyKeapUrl, more shapes of Keap URLs', () => {
  it('reads the links Refund Desk builds back to the same record', () => {
    const origin = classicAppOrigin('ab123');
    expect(origin).toBe('https://ab123.infusionsoft.com');
    expect(classifyKeapUrl(classicContactUrl(origin, 42))).toEqual({ kind: 'classic-contact', contactId: 42 });
    expect(classifyKeapUrl(classicOrderUrl(origin, 7))).toEqual({ kind: 'classic-order', orderId: 7 });
  });

  it('matches the id key and the path without regard to case, and ignores a fragment', () => {
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/contact/MANAGECONTACT.jsp?id=42#orders')).toEqual({ kind: 'classic-contact', contactId: 42 });
    expect(classifyKeapUrl('https://AB123.Infusionsoft.com/Job/manageJob.jsp?Id=7&view=edit')).toEqual({ kind: 'classic-order', orderId: 7 });
  });

  it('a record page without an id, or with an id too long to be Keap’s, is not a record', () => {
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=add').kind).toBe('other');
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/Job/manageJob.jsp?ID=1234567890123').kind).toBe('other');
  });

  it('other pages of the Keap app are not records', () => {
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/app/home').kind).toBe('other');
    expect(classifyKeapUrl('https://ab123.infusionsoft.com/Contact/manageContact.jsp.evil?ID=42').kind).toBe('other');
  });

  it('is not fooled by hosts that only contain a Keap name', () => {
    expect(classifyKeapUrl('https://infusionsoft.com/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('https://infusionsoft.com@evil.test/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('https://evilinfusionsoft.com/Contact/manageContact.jsp?ID=1').kind).toBe('other');
  });
});

describe("classifyKeapUrl on Keap's newer web app", () => {
  it.each([
    // The forms public code builds (keap-facts.md), on both hosts the app is served from.
    ['https://keap.app/contacts/list/all/contact/55/details', 55, 'details'],
    ['https://keap.app/contacts/list/all/contact/55/activity', 55, 'activity'],
    ['https://keap.app/contacts/list/contact/56/details', 56, 'details'],
    ['https://infusionsoft.app/contacts/list/all/contact/57/activity', 57, 'activity'],
    ['https://infusionsoft.app/contacts/list/contact/58/details', 58, 'details'],
    // Another list, a trailing slash, a query or a fragment, a host in capitals.
    ['https://keap.app/contacts/list/my-leads_2/contact/59/details', 59, 'details'],
    ['https://keap.app/contacts/list/all/contact/60/activity/', 60, 'activity'],
    ['https://keap.app/contacts/list/all/contact/61/details?from=search#money', 61, 'details'],
    ['https://KEAP.app/contacts/list/all/contact/62/details', 62, 'details'],
  ])('%s is contact %i, tab %s', (url, contactId, tab) => {
    expect(classifyKeapUrl(url)).toEqual({ kind: 'newer-app-contact', contactId, tab });
  });

  it.each([
    ['the contacts list', 'https://keap.app/contacts/list/all'],
    ['the contacts root', 'https://keap.app/contacts'],
    ['a contact without a tab', 'https://keap.app/contacts/list/all/contact/55'],
    ['a contact without a tab, with a slash', 'https://keap.app/contacts/list/all/contact/55/'],
    ['an unknown tab', 'https://keap.app/contacts/list/all/contact/55/money'],
    ['a tab in capitals', 'https://keap.app/contacts/list/all/contact/55/Details'],
    ['a page below a tab', 'https://keap.app/contacts/list/all/contact/55/details/edit'],
    ['an id that is not a number', 'https://keap.app/contacts/list/all/contact/abc/details'],
    ['a zero id', 'https://keap.app/contacts/list/all/contact/0/details'],
    ['an id too long to be Keap’s', 'https://keap.app/contacts/list/all/contact/1234567890123/details'],
    ['two lists', 'https://keap.app/contacts/list/all/more/contact/55/details'],
    ['no list segment at all', 'https://keap.app/contacts/contact/55/details'],
    ['the guess of earlier versions', 'https://keap.app/contacts/details/55'],
    ['plain http', 'http://keap.app/contacts/list/all/contact/55/details'],
    ['a keap.app subdomain no source names', 'https://ab123.keap.app/contacts/list/all/contact/55/details'],
    ['an order-form host of infusionsoft.app', 'https://ab123.infusionsoft.app/contacts/list/all/contact/55/details'],
    ['a lookalike host', 'https://evilkeap.app/contacts/list/all/contact/55/details'],
    ['a lookalike domain', 'https://keap.app.evil.test/contacts/list/all/contact/55/details'],
    ['a classic app host', 'https://ab123.infusionsoft.com/contacts/list/all/contact/55/details'],
  ])('%s is not a contact record', (_label, url) => {
    expect(classifyKeapUrl(url)).toEqual({ kind: 'other' });
  });

  it('names the contact of a contact record of either app, and none of any other page', () => {
    expect(contactIdOfPage(classifyKeapUrl('https://keap.app/contacts/list/all/contact/55/details'))).toBe(55);
    expect(contactIdOfPage(classifyKeapUrl(classicContactUrl(classicAppOrigin('ab123'), 42)))).toBe(42);
    expect(contactIdOfPage(classifyKeapUrl(classicOrderUrl(classicAppOrigin('ab123'), 7)))).toBeNull();
    expect(contactIdOfPage(classifyKeapUrl('https://keap.app/contacts/list/all'))).toBeNull();
  });

  it('knows the newer app by its two hosts and their origins only', () => {
    expect(['keap.app', 'infusionsoft.app', 'Keap.App'].map(isNewerAppHost)).toEqual([true, true, true]);
    expect(['ab123.keap.app', 'ab123.infusionsoft.app', 'ab123.infusionsoft.com', 'keap.app.evil.test', 'api.keap.com'].map(isNewerAppHost)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['https://keap.app', 'https://infusionsoft.app', 'HTTPS://KEAP.APP'].map(isNewerAppOrigin)).toEqual([true, true, true]);
    expect(
      ['http://keap.app', 'https://keap.app/', 'https://keap.app:8443', 'https://user@keap.app', 'https://ab123.keap.app', 'https://ab123.infusionsoft.com', ''].map(
        isNewerAppOrigin,
      ),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('classicOrderIdOfHref', () => {
  it('reads the order id of links to an order record, relative or on a Keap host, whatever the case of the id key', () => {
    expect(classicOrderIdOfHref('../Job/manageJob.jsp?view=edit&ID=5001')).toBe(5001);
    expect(classicOrderIdOfHref('/Job/manageJob.jsp?id=5002&view=edit')).toBe(5002);
    expect(classicOrderIdOfHref('manageJob.jsp?Id=5003#payments')).toBe(5003);
    expect(classicOrderIdOfHref('https://ab123.infusionsoft.com/Job/manageJob.jsp?view=edit&ID=5004')).toBe(5004);
    expect(classicOrderIdOfHref('https://AB123.Infusionsoft.com/job/MANAGEJOB.jsp?view=edit&ID=5005')).toBe(5005);
    expect(classicOrderIdOfHref(classicOrderUrl(classicAppOrigin('ab123'), 5006))).toBe(5006);
  });

  it('refuses links elsewhere, to other pages, or without a whole positive id', () => {
    for (const href of [
      'https://evil.test/Job/manageJob.jsp?ID=1',
      'https://infusionsoft.com.evil.test/Job/manageJob.jsp?ID=1',
      'https://ab123.infusionsoft.com@evil.test/Job/manageJob.jsp?ID=1',
      'https://infusionsoft.com/Job/manageJob.jsp?ID=1',
      'http://ab123.infusionsoft.com/Job/manageJob.jsp?ID=1',
      '//evil.test/Job/manageJob.jsp?ID=1',
      'javascript:manageJob.jsp?ID=1',
      '../Job/manageJob.jsp.evil?ID=1',
      '../Job/notmanageJob.jsp?ID=1',
      '../Job/manageJob.jsp?orderID=1',
      '../Job/manageJob.jsp?view=edit',
      '../Job/manageJob.jsp?ID=0',
      '../Job/manageJob.jsp?ID=1.5',
      '../Job/manageJob.jsp?ID=1234567890123',
      '../Job/manageJob.jsp#ID=1',
    ]) {
      expect(classicOrderIdOfHref(href), href).toBeNull();
    }
  });
});

describe('isKeapAppPage', () => {
  it('is any https page of a classic Keap app, records or not', () => {
    for (const href of [
      'https://ab123.infusionsoft.com/app/home',
      'https://ab123.infusionsoft.com/',
      'https://ab123.infusionsoft.com',
      'https://ab123.infusionsoft.com/Job/refundPayment.jsp?orderId=7&step=2#top',
      'https://AB123.Infusionsoft.COM/app/home',
      classicContactUrl(classicAppOrigin('cd456'), 42),
      classicOrderUrl(classicAppOrigin('cd456'), 7),
    ]) {
      expect(isKeapAppPage(href), href).toBe(true);
    }
  });

  it('is not the API host, another site, a lookalike, plain http or no URL at all', () => {
    for (const href of [
      'https://api.infusionsoft.com/crm/rest/v1/orders',
      'https://API.Infusionsoft.com/',
      'https://api.keap.com/crm/rest/v1/orders',
      'https://infusionsoft.com/app/home',
      'https://evilinfusionsoft.com/app/home',
      'https://ab123.infusionsoft.com.evil.test/app/home',
      'https://ab123.infusionsoft.com@evil.test/app/home',
      'https://evil.test/?next=https://ab123.infusionsoft.com/',
      'http://ab123.infusionsoft.com/app/home',
      'ftp://ab123.infusionsoft.com/',
      'wss://ab123.infusionsoft.com/',
      'https://keap.app/contacts/list/all/contact/55/details',
      'https://infusionsoft.app/contacts/list/all',
      '/app/home',
      'ab123.infusionsoft.com/app/home',
      'not a url',
      '',
    ]) {
      expect(isKeapAppPage(href), href).toBe(false);
    }
  });
});

describe('API hosts', () => {
  it('the REST base URL of each known host is under /crm/rest on https', () => {
    expect(KEAP_API_HOSTS.map(apiBaseUrl)).toEqual(['https://api.infusionsoft.com/crm/rest', 'https://api.keap.com/crm/rest']);
  });
});
