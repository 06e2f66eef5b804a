import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { SEED } from '../sandbox/seed';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { isDebianLike } from '../e2e/chromium';
import { pollUntil } from '../support/poll-until';
import { clickButton } from './dom';
import { type KeapProxy, startKeapProxy } from './keap-proxy';

/*
 * The production Firefox build in Debian's Firefox ESR, driven over WebDriver BiDi with
 * puppeteer-core. Chromium's tests map Keap's hosts with `--host-resolver-rules`; Firefox has no
 * such switch, so its proxy prefs send every HTTPS connection through a tiny local CONNECT proxy
 * (keap-proxy.ts) that tunnels Keap's hosts to the sandbox and refuses everything else.
 */

const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv2');
/** The add-on id pinned in wxt.config.ts (`browser_specific_settings.gecko.id`). */
const ADDON_ID = 'refund-desk@refund-desk.app';
const SANDBOX_APP_NAME = 'refunddemo';
const APP_ORIGIN = `https://${SANDBOX_APP_NAME}.infusionsoft.com`;

/** Where Debian and most Linux systems install Firefox ESR or Firefox. */
const FIREFOX_CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr'];

/**
 * FIREFOX_PATH, else an installed Firefox; on Debian or Ubuntu run as root with none installed,
 * Debian's `firefox-esr` is installed first (and the person told), as the Chromium tests do.
 */
function firefoxPath(): string {
  if (process.env.FIREFOX_PATH) {
    if (existsSync(process.env.FIREFOX_PATH)) return process.env.FIREFOX_PATH;
    throw new Error(`No Firefox at FIREFOX_PATH (${process.env.FIREFOX_PATH}).`);
  }
  const installed = () => FIREFOX_CANDIDATES.find((candidate) => existsSync(candidate));
  const found = installed();
  if (found) return found;
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  if (process.platform !== 'linux' || !isDebianLike(osRelease) || process.getuid?.() !== 0) {
    throw new Error(`No Firefox found (looked at ${FIREFOX_CANDIDATES.join(', ')}): install Firefox ESR (Debian: sudo apt-get install -y firefox-esr) or set FIREFOX_PATH.`);
  }
  process.stderr.write("No Firefox found: installing Debian's firefox-esr (apt-get install -y firefox-esr)…\n");
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'firefox-esr'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const afterInstall = installed();
  if (!afterInstall) throw new Error("Debian's firefox-esr was installed, but no Firefox executable was found afterwards.");
  return afterInstall;
}

export interface FirefoxExtension {
  browser: Browser;
  proxy: KeapProxy;
  /** The moz-extension:// host, fixed before launch through `extensionUuid`'s pref. */
  extensionUuid: string;
  extensionOrigin: string;
  keapPage(pathAndQuery: string): Promise<Page>;
  /** The first open page whose document's URL contains `part`, waiting up to `timeoutMs`. */
  waitForPage(part: string, timeoutMs?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Firefox prefs: Keap's hosts through the proxy, nothing else on the network, a known extension UUID. */
function firefoxPrefs(proxyPort: number, extensionUuid: string): Record<string, unknown> {
  return {
    // Every connection goes through the proxy (https as CONNECT, plain http as a proxied request the
    // proxy refuses), localhost included: nothing reaches the real network.
    'network.proxy.type': 1,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.share_proxy_settings': false,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.http.http3.enable': false,
    'network.dns.disablePrefetch': true,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'security.OCSP.enabled': 0,
    // The moz-extension:// UUID is random per profile unless given here (a JSON map id → uuid).
    'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: extensionUuid }),
  };
}

/**
 * The URL of the page's document. Puppeteer's `page.url()` keeps `about:blank` for a tab that
 * Firefox moved to a moz-extension:// page, so extension pages are recognised by asking them.
 */
export async function documentUrl(page: Page): Promise<string> {
  return page.evaluate(() => location.href).catch(() => page.url());
}

/**
 * Starts Firefox ESR headless with the production build installed as a temporary add-on (BiDi
 * `webExtension.install`), Keap's hosts tunnelled to the sandbox and its self-signed certificate
 * accepted (`acceptInsecureCerts`): the extension runs unchanged, as if on Keap.
 */
async function launchFirefoxWithExtension(sandbox: Sandbox, options: { headless?: boolean } = {}): Promise<FirefoxExtension> {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error('No Firefox build in .output/firefox-mv2: run `npx wxt build -b firefox` first.');
  }
  const firefox = firefoxPath();
  const proxy = await startKeapProxy(sandbox.port);
  const extensionUuid = randomUUID();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: firefox,
      headless: options.headless ?? true,
      acceptInsecureCerts: true,
      defaultViewport: { width: 1280, height: 900 },
      extraPrefsFirefox: firefoxPrefs(proxy.port, extensionUuid),
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  try {
    const installedId = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    if (installedId !== ADDON_ID) throw new Error(`Firefox installed the add-on as ${installedId}, expected ${ADDON_ID}.`);
  } catch (error) {
    await browser.close();
    await proxy.close();
    throw error;
  }
  const extensionOrigin = `moz-extension://${extensionUuid}`;
  return {
    browser,
    proxy,
    extensionUuid,
    extensionOrigin,
    async keapPage(pathAndQuery) {
      const page = await browser.newPage();
      await page.goto(`${APP_ORIGIN}${pathAndQuery}`);
      return page;
    },
    async waitForPage(part, timeoutMs = 15_000) {
      let found: Page | undefined;
      await pollUntil(
        async () => {
          for (const page of await browser.pages()) {
            if ((await documentUrl(page)).includes(part)) {
              found = page;
              return true;
            }
          }
          return false;
        },
        `No page at a URL containing ${part} opened`,
        timeoutMs,
      );
      return found!;
    },
    async close() {
      try {
        await browser.close();
      } finally {
        await proxy.close();
      }
    },
  };
}

/**
 * Opens the options page the way a new Firefox user reaches it: a Keap contact page's Refunds
 * panel, with no key yet, offers "Open Refund Desk options". Puppeteer cannot navigate a tab to a
 * moz-extension:// page over BiDi, so this is also the tests' way into the extension's pages.
 */
export async function openOptionsFromKeapPanel(firefox: FirefoxExtension, contactId = SEED.contacts.demo): Promise<{ keap: Page; options: Page }> {
  const keap = await firefox.keapPage(contactPath(contactId));
  await clickButton(keap, 'Open Refund Desk options');
  const options = await firefox.waitForPage(`${firefox.extensionOrigin}/options.html`);
  return { keap, options };
}

/** Settings for the tests, as test/e2e/harness.ts stores them: the shortest quiet period. */
const TEST_SETTINGS = { quietPeriodSeconds: 10 };

/**
 * Stores a Keap connection the way the options page does, from an extension page (Firefox runs
 * no service worker to evaluate in): the key bound to the sandbox's app.
 */
async function configureExtension(extensionPage: Page, settings: { apiKey: string; appName?: string }): Promise<void> {
  const connections = [{ appName: settings.appName ?? SANDBOX_APP_NAME, apiKey: settings.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }];
  await extensionPage.evaluate(
    async (keapConnections, stored) => {
      await (globalThis as unknown as WithBrowser).browser.storage.local.remove('apiKey');
      await (globalThis as unknown as WithBrowser).browser.storage.local.set({ keapConnections, settings: stored });
    },
    connections,
    TEST_SETTINGS,
  );
}

/**
 * Opens or closes Refund Desk's sidebar in the extension page's window, as a person's click in an
 * extension page does: `sidebarAction.open()`/`close()` need user input, so the page gets a
 * button that calls it and the button gets a real (BiDi input) click. Firefox opens the sidebar by
 * itself when the add-on is installed.
 */
export async function setSidebarOpen(extensionPage: Page, open: boolean): Promise<void> {
  const button = await extensionPage.evaluateHandle((shouldOpen) => {
    const element = document.createElement('button');
    element.textContent = shouldOpen ? 'Open the sidebar (test)' : 'Close the sidebar (test)';
    element.style.cssText = 'position:fixed;top:0;left:0;z-index:2147483647';
    element.addEventListener('click', () => {
      const sidebar = (globalThis as unknown as WithBrowser).browser.sidebarAction;
      void (shouldOpen ? sidebar.open() : sidebar.close()).finally(() => element.remove());
    });
    document.body.append(element);
    return element;
  }, open);
  await button.click();
  await pollUntil(() => sidebarIsOpen(extensionPage).then((isOpen) => isOpen === open), `The sidebar did not ${open ? 'open' : 'close'}`, 5_000);
}

export async function sidebarIsOpen(extensionPage: Page, windowId?: number): Promise<boolean> {
  return extensionPage.evaluate((id) => (globalThis as unknown as WithBrowser).browser.sidebarAction.isOpen(id === null ? {} : { windowId: id }), windowId ?? null);
}

/** What the extension's own pages see as `browser` (evaluated in them). */
interface ExtensionApi {
  storage: {
    local: { set(items: object): Promise<void>; remove(key: string): Promise<void> };
    session: { get(key: string | null): Promise<Record<string, unknown>> };
  };
  sidebarAction: { open(): Promise<void>; close(): Promise<void>; isOpen(details: { windowId?: number }): Promise<boolean> };
  windows: { getAll(options: { populate: boolean }): Promise<Array<{ id: number; type: string; width: number; height: number; tabs?: Array<{ id: number; url?: string }> }>> };
}
/** In an extension page, `globalThis.browser` is the extension API. */
interface WithBrowser {
  browser: ExtensionApi;
}

export function contactPath(contactId: number): string {
  return `/Contact/manageContact.jsp?view=edit&ID=${contactId}`;
}

export interface SandboxedFirefox {
  readonly sandbox: Sandbox;
  readonly firefox: FirefoxExtension;
  /** An extension page kept open for the tests to read the extension's state from (the options page). */
  readonly extensionPage: Page;
}

/**
 * One sandbox and one Firefox for a test file: started before its tests, stopped after them.
 * With `apiKey`, the extension is configured with it from the options page, which stays open as
 * the tests' extension page.
 */
export function useSandboxedFirefox(options: { apiKey?: string } = {}): SandboxedFirefox {
  let sandbox: Sandbox | undefined;
  let firefox: FirefoxExtension | undefined;
  let extensionPage: Page | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} is not started: use it inside a test.`);
    return value;
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ tls: true, port: 0 });
    firefox = await launchFirefoxWithExtension(sandbox);
    if (options.apiKey !== undefined) {
      const { keap, options: optionsPage } = await openOptionsFromKeapPanel(firefox);
      await configureExtension(optionsPage, { apiKey: options.apiKey });
      await keap.close();
      extensionPage = optionsPage;
    }
  });
  afterAll(async () => {
    await firefox?.close();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return started(sandbox, 'sandbox');
    },
    get firefox() {
      return started(firefox, 'Firefox');
    },
    get extensionPage() {
      return started(extensionPage, 'extension page (give useSandboxedFirefox an apiKey)');
    },
  };
}
