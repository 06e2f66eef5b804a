import { fakeBrowser } from '@webext-core/fake-browser';
import { vi } from 'vitest';
import type { z } from 'zod/mini';
import { CONTACT_PAGE_TAB_MESSAGES } from '@/lib/messaging/contact-page-messages';
import { REFUND_SCREEN_TAB_MESSAGES } from '@/lib/messaging/refund-screen-messages';

/*
 * Keap's tabs as the background sees them through `@webext-core/fake-browser`, which has no
 * `tabs.sendMessage` and no `scripting`: pages load when a test says so, Refund Desk's refund-screen
 * script gets into a page only through `browser.scripting.executeScript`, and what the background
 * sends a tab (through `@webext-core/messaging`) reaches the answer the test gave for that message,
 * checked first with the content script's own schema.
 */

const TAB_MESSAGES = { ...CONTACT_PAGE_TAB_MESSAGES, ...REFUND_SCREEN_TAB_MESSAGES };
type TabMessageName = keyof typeof TAB_MESSAGES;
type TabMessageData<N extends TabMessageName> = z.output<(typeof TAB_MESSAGES)[N]>;

interface TabMessage {
  tabId: number;
  type: string;
  data: unknown;
}

type Answer<N extends TabMessageName> = (data: TabMessageData<N>, tabId: number) => unknown;

export interface FakeKeapTabs {
  /** Every message the background sent a tab, in order, answered or not. */
  sent: TabMessage[];
  /** Messages a content script would have refused: not one of its messages, or not matching its schema. */
  malformed: TabMessage[];
  /** The data of every `type` message sent (to `tabId` only, when given), in order. */
  sentOf<N extends TabMessageName>(type: N, tabId?: number): TabMessageData<N>[];
  /**
   * How the content script answers `type` from now on. Without an answer, sending `type` fails as it
   * does to a page without Refund Desk's script.
   */
  answer<N extends TabMessageName>(type: N, answer: Answer<N>): void;
  /** Tabs opened with `browser.tabs.create`, in order. */
  opened: { tabId: number; url: string | undefined; active: boolean | undefined }[];
  /** Each time one of Refund Desk's refund-page scripts was loaded into a tab's page, that tab's id. */
  injections: number[];
  /** Which script each of `injections` was. */
  injectedScripts: string[];
  /**
   * A new page finished loading in `tabId` (at `url`, when given): messages still waiting on the old
   * page fail, as a closed message channel does, and Refund Desk's script is not in the new page.
   */
  loadPage(tabId: number, url?: string): Promise<void>;
  /** Something else in the page (a frame) finished loading: the browser reports the tab complete again. */
  frameLoaded(tabId: number): Promise<void>;
  /** Keap opens a window from tab `openerTabId` at `url`, not loaded yet; its tab id. */
  openWindow(openerTabId: number, url: string): Promise<number>;
  /** The person closes tab `tabId`: messages waiting on its page fail. */
  closeTab(tabId: number): Promise<void>;
}

/** Refund Desk's refund-page scripts: the classic screen's and the newer app's. */
const REFUND_PAGE_SCRIPTS = ['/content-scripts/refund-screen.js', '/content-scripts/newer-app-refund.js'];

/** Installs the fake on `fakeBrowser`; call it after `fakeBrowser.reset()`. */
export function installFakeKeapTabs(): FakeKeapTabs {
  const sent: TabMessage[] = [];
  const malformed: TabMessage[] = [];
  const answers = new Map<string, (data: unknown, tabId: number) => unknown>();
  const injected = new Set<number>();
  const injections: number[] = [];
  const injectedScripts: string[] = [];
  const opened: FakeKeapTabs['opened'] = [];
  /** Per tab, how to fail the messages its current page has not answered yet. */
  const waiting = new Map<number, Set<(cause: Error) => void>>();

  function failWaiting(tabId: number, why: string): void {
    for (const fail of waiting.get(tabId) ?? []) fail(new Error(why));
    waiting.delete(tabId);
  }

  const sendMessage = (tabId: number, message: { type?: unknown; data?: unknown }): Promise<{ res: unknown }> => {
    const type = String(message.type);
    const entry: TabMessage = { tabId, type, data: message.data };
    sent.push(entry);
    const schema = (TAB_MESSAGES as Record<string, z.ZodMiniType | undefined>)[type];
    const parsed = schema?.safeParse(message.data);
    if (!parsed?.success) {
      malformed.push(entry);
      return Promise.reject(new Error(`The content script refused a malformed "${type}" message.`));
    }
    const answer = answers.get(type);
    if (!answer) return Promise.reject(new Error('Could not establish connection. Receiving end does not exist.'));
    return new Promise((resolve, reject) => {
      const fails = waiting.get(tabId) ?? new Set();
      waiting.set(tabId, fails);
      fails.add(reject);
      void Promise.resolve()
        .then(() => answer(parsed.data, tabId))
        .then(
          (res) => resolve({ res }),
          (cause: unknown) => reject(cause instanceof Error ? cause : new Error(String(cause))),
        )
        .finally(() => fails.delete(reject));
    });
  };
  Object.assign(fakeBrowser.tabs, { sendMessage });

  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockImplementation(async (injection: { target: { tabId: number }; func?: () => unknown; files?: string[] }) => {
    const { tabId } = injection.target;
    if ((await fakeBrowser.tabs.get(tabId)) === undefined) throw new Error(`No tab with id: ${tabId}.`);
    // The background's probe runs in the page's isolated world, where the script marks itself.
    if (injection.func) return [{ frameId: 0, result: injected.has(tabId) }];
    const script = injection.files?.find((file) => REFUND_PAGE_SCRIPTS.includes(file));
    if (script) {
      injected.add(tabId);
      injections.push(tabId);
      injectedScripts.push(script);
    }
    return [{ frameId: 0, result: undefined }];
  });

  const realCreate = fakeBrowser.tabs.create.bind(fakeBrowser.tabs);
  vi.spyOn(fakeBrowser.tabs, 'create').mockImplementation(async (properties) => {
    const tab = await realCreate(properties);
    opened.push({ tabId: tab.id!, url: properties.url, active: properties.active });
    return tab;
  });

  async function complete(tabId: number): Promise<void> {
    const tab = await fakeBrowser.tabs.get(tabId);
    await fakeBrowser.tabs.onUpdated.trigger(tabId, { status: 'complete' }, { ...tab, status: 'complete' });
  }

  return {
    sent,
    malformed,
    sentOf: <N extends TabMessageName>(type: N, tabId?: number) =>
      sent.filter((message) => message.type === type && (tabId === undefined || message.tabId === tabId)).map((message) => message.data as TabMessageData<N>),
    answer: (type, answer) => {
      answers.set(type, answer as (data: unknown, tabId: number) => unknown);
    },
    opened,
    injections,
    injectedScripts,
    async loadPage(tabId, url) {
      failWaiting(tabId, 'The page unloaded before it answered.');
      injected.delete(tabId);
      if (url !== undefined) await fakeBrowser.tabs.update(tabId, { url });
      await complete(tabId);
    },
    frameLoaded: complete,
    async openWindow(openerTabId, url) {
      // fakeBrowser's tabs.create announces the tab without its opener; the browser names it.
      const tab = await realCreate({ url });
      await fakeBrowser.tabs.onCreated.trigger({ ...tab, openerTabId });
      return tab.id!;
    },
    async closeTab(tabId) {
      failWaiting(tabId, 'The tab was closed before the page answered.');
      injected.delete(tabId);
      // fakeBrowser's tabs.remove looks the tab's window up by the tab's id; the event is what the background hears.
      await fakeBrowser.tabs.onRemoved.trigger(tabId, { isWindowClosing: false, windowId: 0 });
    },
  };
}
