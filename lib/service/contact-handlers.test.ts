import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';

// contact-handlers.ts imports the stored Keap connections (lib/service/api-key.ts), whose WXT
// storage items need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { appNameOfOrigin } = await import('./contact-handlers');

describe('appNameOfOrigin', () => {
  it.each([
    ['https://acme.infusionsoft.com', 'acme'],
    ['https://ab123.infusionsoft.com', 'ab123'],
    ['https://my-app-2.infusionsoft.com', 'my-app-2'],
    ['https://ACME.infusionsoft.com', 'acme'],
    ['https://Acme.InfusionSoft.COM', 'acme'],
    ['HTTPS://acme.infusionsoft.com', 'acme'],
  ])('%s is the Keap app %s', (origin, appName) => {
    expect(appNameOfOrigin(origin)).toBe(appName);
  });

  it.each([
    ['plain http', 'http://acme.infusionsoft.com'],
    ['a port', 'https://acme.infusionsoft.com:8443'],
    ['a path', 'https://acme.infusionsoft.com/Contact/manageContact.jsp?ID=1'],
    ['a trailing slash', 'https://acme.infusionsoft.com/'],
    ['a deeper subdomain', 'https://evil.acme.infusionsoft.com'],
    ['a look-alike host', 'https://acme.infusionsoft.com.evil.example'],
    ['a look-alike domain', 'https://acme.notinfusionsoft.com'],
    ['the bare domain', 'https://infusionsoft.com'],
    ['the newer Keap UI', 'https://keap.app'],
    ["Keap's other API host", 'https://api.keap.com'],
    ['credentials in the origin', 'https://user@acme.infusionsoft.com'],
    ['an underscore', 'https://ac_me.infusionsoft.com'],
    ['an extension page', 'chrome-extension://abcdefghijklmnop'],
    ['nothing', ''],
    ['a newline after it', 'https://acme.infusionsoft.com\n'],
  ])('%s names no Keap app', (_label, origin) => {
    expect(appNameOfOrigin(origin)).toBeNull();
  });

  it("does not take Keap's API host api.infusionsoft.com for an app, whatever page it serves", () => {
    expect(appNameOfOrigin('https://api.infusionsoft.com')).toBeNull();
    expect(appNameOfOrigin('https://API.infusionsoft.com')).toBeNull();
  });
});
