import { copyFileSync } from 'node:fs';
import { defineConfig } from 'wxt';
import { iconPaths } from './lib/icons';
import { KEAP_API_HOST_PATTERNS, KEAP_APP_HOST_PATTERNS } from './lib/keap-hosts';

/**
 * Content scripts render the same React components through preact/compat: React 19 and
 * react-dom alone are 67.4 KiB gzipped, more than the 60 KiB a Keap page may be given (README,
 * "Honest limits"). Extension pages keep React.
 */
const PREACT_FOR_REACT = [
  { find: /^react$/, replacement: 'preact/compat' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/compat/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/compat/jsx-dev-runtime' },
];

// Permissions are pinned by test/manifest.test.ts: widening them must be a visible change.
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  hooks: {
    // WXT builds each content script on its own, so this reaches them and nothing else.
    'vite:build:extendConfig': (entrypoints, viteConfig) => {
      if (!entrypoints.every((entrypoint) => entrypoint.type === 'content-script')) return;
      viteConfig.plugins = [...(viteConfig.plugins ?? []), { name: 'refund-desk:preact-for-react', config: () => ({ resolve: { alias: PREACT_FOR_REACT } }) }];
    },
    // The toolbar button and Firefox's sidebar show the mark too (Chrome's side panel shows the
    // extension's icon). WXT writes those keys from the popup and side panel entry points, so the
    // icon is added once it has.
    'build:manifestGenerated': (_wxt, manifest) => {
      type IconSurface = { default_icon?: unknown } | undefined;
      const surfaces = [manifest.action, manifest.browser_action, manifest.sidebar_action] as IconSurface[];
      for (const surface of surfaces) if (surface) surface.default_icon = iconPaths('active');
    },
    // Edge Add-ons takes the Chrome MV3 package as it is: the same zip, named for Edge.
    'zip:extension:done': (wxt, zipPath) => {
      if (wxt.config.browser === 'chrome') copyFileSync(zipPath, zipPath.replace(/-chrome\.zip$/, '-edge.zip'));
    },
  },
  manifest: ({ browser }) => ({
    // From locales/en.yml, like every word Refund Desk shows.
    name: '__MSG_extName__',
    default_locale: 'en',
    description: '__MSG_extDescription__',
    permissions: [
      'storage',
      'unlimitedStorage',
      // Injects the refund-screen script into the tabs of a refund being carried out, wherever Keap draws that screen.
      'scripting',
      // Resumes the watch on Keap's API for a refund a person finishes in Keap, after the service worker sleeps.
      'alarms',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    host_permissions: [...new Set([...KEAP_APP_HOST_PATTERNS, ...KEAP_API_HOST_PATTERNS])],
    icons: iconPaths('active'),
    action: { default_title: '__MSG_actionTitle__' },
    // sidePanel.open (Chrome 116) is the newest API used; storage.local.setAccessLevel, which keeps
    // the keys out of content scripts, needs 102. No externally_connectable and no web-accessible
    // resources: no other extension or web page may message or load Refund Desk.
    ...(browser === 'firefox' ? {} : { minimum_chrome_version: '116' }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'refund-desk@refund-desk.app',
              // Firefox reads data_collection_permissions from 140 on desktop and 142 on Android.
              strict_min_version: '142.0',
              // What leaves the browser, and only for Keap: the API key in each call to Keap's API,
              // refunds on Keap's screen and notes on the contact (amounts, orders, names and emails).
              data_collection_permissions: { required: ['authenticationInfo', 'financialAndPaymentInfo', 'personallyIdentifyingInfo'] },
            },
          },
        }
      : {}),
  }),
});
