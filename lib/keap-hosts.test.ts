import { describe, expect, it } from 'vitest';
import { classifyKeapUrl } from './keap-hosts';

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
