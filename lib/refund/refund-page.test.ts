import { describe, expect, it } from 'vitest';
import { newerAppActivityUrl, refundPageFor } from './refund-page';

describe('refundPageFor', () => {
  const contact = { id: 42 };

  it("makes a refund started in the newer app through that app's flow, on the contact's activity", () => {
    expect(refundPageFor({ newerAppOrigin: 'https://keap.app', contact }, 'app-in-use')).toEqual({ kind: 'newer-app-contact', origin: 'https://keap.app', contactId: 42 });
    expect(newerAppActivityUrl('https://infusionsoft.app', 42)).toBe('https://infusionsoft.app/contacts/list/all/contact/42/activity');
  });

  it('makes a refund started on a classic page, or any refund when told so, on the classic screen', () => {
    expect(refundPageFor({ contact }, 'app-in-use')).toEqual({ kind: 'classic-order' });
    expect(refundPageFor({ newerAppOrigin: 'https://keap.app', contact }, 'classic')).toEqual({ kind: 'classic-order' });
  });
});
