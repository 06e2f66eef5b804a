import { expect } from 'vitest';

// Pinned on purpose: a change here widens what Refund Desk may touch, and must be a visible, reviewed change.
const PINNED_HOST_PERMISSIONS = ['https://*.infusionsoft.com/*', 'https://keap.app/*', 'https://infusionsoft.app/*', 'https://api.infusionsoft.com/*', 'https://api.keap.com/*'];
export const PINNED_CONTENT_MATCHES = ['https://*.infusionsoft.com/Contact/*', 'https://keap.app/contacts/*', 'https://infusionsoft.app/contacts/*'];
const PINNED_PERMISSIONS = {
  chrome: ['storage', 'unlimitedStorage', 'scripting', 'alarms', 'sidePanel'],
  firefox: ['storage', 'unlimitedStorage', 'scripting', 'alarms'],
};
const GECKO_ID = 'refund-desk@refund-desk.app';

const MINIMUM_CHROME_VERSION = '116';

export interface ManifestUnderTest {
  minimum_chrome_version?: string;
  externally_connectable?: unknown;
  web_accessible_resources?: unknown[];
  content_security_policy?: unknown;
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  content_scripts?: { matches?: string[] }[];
  browser_specific_settings?: { gecko?: { id?: string } };
}

const sorted = (values: readonly string[]) => [...values].sort();

/** Firefox MV2 keeps host permissions inside `permissions`; split them for one comparison. */
export function expectPinnedManifest(manifest: ManifestUnderTest, browser: 'chrome' | 'firefox'): void {
  const all = [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])];
  const hosts = all.filter((permission) => permission.includes('://') || permission === '<all_urls>');
  const apis = all.filter((permission) => !hosts.includes(permission));
  expect(sorted(apis)).toEqual(sorted(PINNED_PERMISSIONS[browser]));
  expect(sorted(hosts)).toEqual(sorted(PINNED_HOST_PERMISSIONS));
  expect(manifest.optional_permissions ?? []).toEqual([]);
  if (manifest.content_scripts) {
    expect(sorted(manifest.content_scripts.flatMap((script) => script.matches ?? []))).toEqual(sorted(PINNED_CONTENT_MATCHES));
  }
  if (browser === 'firefox') expect(manifest.browser_specific_settings?.gecko?.id).toBe(GECKO_ID);
  else expect(manifest.minimum_chrome_version).toBe(MINIMUM_CHROME_VERSION);
  // Nothing outside Refund Desk may message it or load its files, and the browser's default
  // extension CSP (no remote or inline code) stays in force.
  expect(manifest.externally_connectable).toBeUndefined();
  expect(manifest.web_accessible_resources ?? []).toEqual([]);
  expect(manifest.content_security_policy).toBeUndefined();
}
