import { defineConfig } from 'wxt';
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
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  hooks: {
    // WXT builds each content script on its own, so this reaches them and nothing else.
    'vite:build:extendConfig': (entrypoints, viteConfig) => {
      if (!entrypoints.every((entrypoint) => entrypoint.type === 'content-script')) return;
      viteConfig.plugins = [...(viteConfig.plugins ?? []), { name: 'refund-desk:preact-for-react', config: () => ({ resolve: { alias: PREACT_FOR_REACT } }) }];
    },
  },
  manifest: ({ browser }) => ({
    name: 'Refund Desk for Keap',
    description: "Refund Keap customers from the contact record, confirmed through Keap's API, with an audit log.",
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
    action: { default_title: 'Refund history' },
    // sidePanel.open (Chrome 116) is the newest API used; storage.local.setAccessLevel, which keeps
    // the keys out of content scripts, needs 102. No externally_connectable and no web-accessible
    // resources: no other extension or web page may message or load Refund Desk.
    ...(browser === 'firefox' ? {} : { minimum_chrome_version: '116' }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'refund-desk@refund-desk.app', strict_min_version: '115.0' },
          },
        }
      : {}),
  }),
});
