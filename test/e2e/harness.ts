import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { chromiumPath } from './chromium';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');
/** The sandbox's app name: pages are reached at this origin through Chromium's host-resolver rules. */
const SANDBOX_APP_NAME = 'refunddemo';
export const APP_ORIGIN = `https://${SANDBOX_APP_NAME}.infusionsoft.com`;

// Lets Playwright list the real side panel among the context's pages.
process.env.PW_CHROMIUM_ATTACH_TO_OTHER = '1';

async function startTlsSandbox(): Promise<Sandbox> {
  return startSandbox({ tls: true, port: 0 });
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  userDataDir: string;
  serviceWorker(): Promise<Worker>;
  extensionPage(name: 'popup' | 'options' | 'sidepanel' | 'queue', query?: string): Promise<Page>;
  keapPage(pathAndQuery: string): Promise<Page>;
  /** Closes the browser; the profile stays unless `removeProfile` is true. */
  close(options?: { removeProfile?: boolean }): Promise<void>;
}

/** Chromium switches that send Keap's hosts to the sandbox and accept its self-signed certificate. */
export function sandboxedKeapArgs(sandbox: Sandbox): string[] {
  const mapTo = `127.0.0.1:${sandbox.port}`;
  return [
    `--host-resolver-rules=MAP *.infusionsoft.com ${mapTo}, MAP api.keap.com ${mapTo}, MAP keap.app ${mapTo}, MAP infusionsoft.app ${mapTo}`,
    '--ignore-certificate-errors',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

/**
 * Starts Debian's Chromium (headless unless `headless: false`) with the production build loaded,
 * Keap's hosts mapped to the sandbox and its self-signed certificate accepted: the extension runs
 * unchanged, as if on Keap.
 */
export async function launchExtensionBrowser(sandbox: Sandbox, options: { userDataDir?: string; headless?: boolean } = {}): Promise<ExtensionBrowser> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error('No production build in .output/chrome-mv3: run `npm run build` first.');
  }
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'refund-desk-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    viewport: { width: 1280, height: 900 },
    args: [`--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`, ...sandboxedKeapArgs(sandbox)],
  });
  const serviceWorker = async (): Promise<Worker> => {
    const existing = context.serviceWorkers().find((worker) => worker.url().endsWith('/background.js'));
    return existing ?? context.waitForEvent('serviceworker', { predicate: (worker) => worker.url().endsWith('/background.js') });
  };
  const extensionId = new URL((await serviceWorker()).url()).host;
  return {
    context,
    extensionId,
    userDataDir,
    serviceWorker,
    async extensionPage(name, query = '') {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${name}.html${query}`);
      return page;
    },
    async keapPage(pathAndQuery) {
      const page = await context.newPage();
      await page.goto(`${APP_ORIGIN}${pathAndQuery}`);
      return page;
    },
    async close({ removeProfile = false } = {}) {
      await context.close();
      if (removeProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Settings for the tests: Keap's word that it skipped a payment is held for the shortest quiet
 * period, so a skip settles within a test's time.
 */
const TEST_SETTINGS = { quietPeriodSeconds: 10 };

/**
 * Stores a Keap connection the way the options page does, straight into the extension's storage:
 * the key bound to the sandbox's app (or to `appName`; null leaves it for a Keap page to bind).
 * `apiKey` null removes every connection.
 */
export async function configureExtension(browser: ExtensionBrowser, settings: { apiKey: string | null; appName?: string | null }): Promise<void> {
  const worker = await browser.serviceWorker();
  const appName = settings.appName === undefined ? SANDBOX_APP_NAME : settings.appName;
  const connections = settings.apiKey === null ? [] : [{ appName, apiKey: settings.apiKey, apiHost: 'api.infusionsoft.com', boundBy: appName === null ? null : 'person' }];
  await worker.evaluate(
    async ({ keapConnections, settings: stored }) => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void>; remove(key: string): Promise<void> } } } };
      await chrome.storage.local.remove('apiKey');
      await chrome.storage.local.set({ keapConnections, settings: stored });
    },
    { keapConnections: connections, settings: TEST_SETTINGS },
  );
}

export function contactPath(contactId: number): string {
  return `/Contact/manageContact.jsp?view=edit&ID=${contactId}`;
}

export interface SandboxedExtension {
  readonly sandbox: Sandbox;
  readonly browser: ExtensionBrowser;
  /**
   * Closes the browser and opens it again on the same profile, as a user restarting it would;
   * `whileClosed` runs in between.
   */
  restartBrowser(whileClosed?: () => void | Promise<void>): Promise<void>;
}

/**
 * One sandbox and one browser for a test file: started before its tests, stopped after them.
 * With `apiKey`, the extension is configured with it once the browser is up.
 */
export function useSandboxedExtension(options: { apiKey?: string | null } = {}): SandboxedExtension {
  let sandbox: Sandbox | undefined;
  let browser: ExtensionBrowser | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} is not started: use it inside a test.`);
    return value;
  };
  beforeAll(async () => {
    sandbox = await startTlsSandbox();
    browser = await launchExtensionBrowser(sandbox);
    if (options.apiKey !== undefined) await configureExtension(browser, { apiKey: options.apiKey });
  });
  afterAll(async () => {
    await browser?.close({ removeProfile: true });
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return started(sandbox, 'sandbox');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async restartBrowser(whileClosed) {
      const current = started(browser, 'browser');
      await current.close({ removeProfile: false });
      await whileClosed?.();
      browser = await launchExtensionBrowser(started(sandbox, 'sandbox'), { userDataDir: current.userDataDir });
    },
  };
}
