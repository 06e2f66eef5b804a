import { describe, expect, it } from 'vitest';
import { apiBaseUrl, classicAppOrigin, classicContactUrl, classicOrderUrl, classifyKeapUrl, KEAP_API_HOSTS } from './keap-hosts';

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
  it('recognises the guessed newer-UI contact path', () => {
    expect(classifyKeapUrl('https://keap.app/contacts/details/55')).toEqual({ kind: 'new-ui-contact', contactId: 55 });
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
    expect(classifyKeapUrl('https://keap.app/contacts').kind).toBe('other');
    expect(classifyKeapUrl('https://keap.app/contacts/details/abc').kind).toBe('other');
  });

  it('is not fooled by hosts that only contain a Keap name', () => {
    expect(classifyKeapUrl('https://infusionsoft.com/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('https://infusionsoft.com@evil.test/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('https://evilinfusionsoft.com/Contact/manageContact.jsp?ID=1').kind).toBe('other');
    expect(classifyKeapUrl('https://evilkeap.app/contacts/details/55').kind).toBe('other');
    expect(classifyKeapUrl('https://keap.app.evil.test/contacts/details/55').kind).toBe('other');
  });

  it('recognises newer-UI contacts on keap.app subdomains and under a list', () => {
    expect(classifyKeapUrl('https://ab123.keap.app/contacts/details/55/')).toEqual({ kind: 'new-ui-contact', contactId: 55 });
    expect(classifyKeapUrl('https://keap.app/contacts/list/all/56')).toEqual({ kind: 'new-ui-contact', contactId: 56 });
  });
});

describe('API hosts', () => {
  it('the REST base URL of each known host is under /crm/rest on https', () => {
    expect(KEAP_API_HOSTS.map(apiBaseUrl)).toEqual(['https://api.infusionsoft.com/crm/rest', 'https://api.keap.com/crm/rest']);
  });
});
