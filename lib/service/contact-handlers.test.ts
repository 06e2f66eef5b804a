import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type { KeapConnection } from './api-key';
import type * as ContactHandlers from './contact-handlers';

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

type Sender = Parameters<typeof ContactHandlers.getContactOrders>[1];
type ContactOrdersInput = Parameters<typeof ContactHandlers.getContactOrders>[0];

const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;

/** The Refunds panel's content script in the top frame of tab `tabId`, on a contact record of the app at `origin`. */
function contentScript(tabId: number, origin = APP_ORIGIN, contactId: number = SEED.contacts.demo): Sender {
  return { kind: 'content-script', tabId, windowId: 1, frameId: 0, page: { kind: 'classic-contact', contactId }, origin };
}
/** The Refunds panel's content script on a contact record of Keap's newer app, whose address names no Keap app. */
function newerAppPage(tabId: number, origin = 'https://keap.app', contactId: number = SEED.contacts.demo): Sender {
  return { kind: 'content-script', tabId, windowId: 1, frameId: 0, page: { kind: 'newer-app-contact', contactId, tab: 'activity' }, origin };
}
const sidePanel: Sender = { kind: 'extension-page', url: 'chrome-extension://refund-desk/sidepanel.html' };

const boundKey: KeapConnection = { appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' };
const unboundKey: KeapConnection = { appName: null, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: null };

describe('the Keap background for contact pages', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    routeKeapApiToSandbox(sandbox);
  });
  afterAll(() => sandbox.close());

  /** A fresh background each test: the per-tab counts and the key's cache live as long as the service worker. */
  let getContactOrders: typeof ContactHandlers.getContactOrders;
  let bindKeapApp: typeof ContactHandlers.bindKeapApp;
  let readConnections: () => Promise<KeapConnection[]>;
  let writeConnections: (connections: KeapConnection[]) => Promise<void>;
  beforeEach(async () => {
    fakeBrowser.reset();
    sandbox.reset();
    vi.resetModules();
    ({ getContactOrders, bindKeapApp } = await import('./contact-handlers'));
    ({ readConnections, writeConnections } = await import('./api-key'));
  });
  afterEach(() => vi.useRealTimers());

  const ask = (contactId: number, sender: Sender, extra: Partial<ContactOrdersInput> = {}) => getContactOrders({ contactId, ...extra }, sender);
  const kindOf = (result: { ok: true } | { ok: false; error: { kind: string } }) => (result.ok ? 'ok' : result.error.kind);
  const demoOrderIds = () => sandbox.state.orders.filter((order) => order.contactId === SEED.contacts.demo).map((order) => order.id);

  describe('getContactOrders', () => {
    it("answers a contact's orders with their amounts, with the key of the page's own Keap app", async () => {
      await writeConnections([boundKey]);
      const answer = await ask(SEED.contacts.demo, contentScript(1), { newest: 20 });
      if (!answer.ok) throw new Error(`expected the orders, got ${answer.error.kind}`);
      expect(answer.contactName).toBe('Dana Whitfield');
      expect(answer.orderCount).toBe(demoOrderIds().length);
      expect(answer.orders.map((row) => row.orderId).sort()).toEqual(demoOrderIds().sort());
      expect(answer.orders.find((row) => row.orderId === SEED.orders.twoPayments)?.summary).toMatchObject({ totalMinor: 12000, paidMinor: 12000 });
    });

    it("takes a content script's app from its page, whatever its message says", async () => {
      await writeConnections([boundKey]);
      expect(kindOf(await ask(SEED.contacts.demo, contentScript(1, 'https://acme.infusionsoft.com'), { appOrigin: APP_ORIGIN }))).toBe('other-app');
    });

    describe("on Keap's newer app, whose address names no Keap app", () => {
      it.each([
        ['bound to an app', boundKey],
        ['not yet bound', unboundKey],
      ])('answers with the one key Refund Desk has, %s: the page then has to show the contact', async (_label, key) => {
        await writeConnections([key]);
        for (const origin of ['https://keap.app', 'https://infusionsoft.app']) {
          const answer = await ask(SEED.contacts.demo, newerAppPage(1, origin), { newest: 20 });
          if (!answer.ok) throw new Error(`expected the orders, got ${answer.error.kind}`);
          expect(answer.contactName).toBe('Dana Whitfield');
          expect(answer.orders.map((row) => row.orderId).sort()).toEqual(demoOrderIds().sort());
        }
        // What the message names is not the page's app: the page's own address decides.
        expect(kindOf(await ask(SEED.contacts.demo, newerAppPage(2), { appOrigin: 'https://acme.infusionsoft.com' }))).toBe('ok');
        // The side panel, opened on a newer-app contact, asks with the page's address.
        expect(kindOf(await ask(SEED.contacts.demo, sidePanel, { appOrigin: 'https://keap.app' }))).toBe('ok');
        expect(kindOf(await ask(SEED.contacts.demo, contentScript(3), { appOrigin: 'https://keap.app' }))).toBe(key.appName === null ? 'key-unbound' : 'ok');
      });

      it('says why it cannot choose among several keys, and asks for a key when there is none', async () => {
        expect(kindOf(await ask(SEED.contacts.demo, newerAppPage(1)))).toBe('not-configured');
        await writeConnections([boundKey, { ...unboundKey, apiKey: SEED.readOnlyApiKey }]);
        expect(await ask(SEED.contacts.demo, newerAppPage(1))).toEqual({
          ok: false,
          error: {
            kind: 'other-app',
            message: "Keap's newer app does not say which Keap app a page belongs to, and Refund Desk has API keys for several apps, so it cannot tell which one to use here.",
          },
        });
      });

      it('counts its contacts against the same per-tab limit', async () => {
        // No key: a call the limit lets through ends at "not-configured" without asking Keap.
        for (const contactId of [101, 102, 103, 104]) expect(kindOf(await ask(contactId, newerAppPage(7)))).toBe('not-configured');
        expect(kindOf(await ask(105, newerAppPage(7)))).toBe('paused');
      });

      it('binds no key to an app from a newer-app page', async () => {
        await writeConnections([unboundKey]);
        expect(kindOf(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: demoOrderIds() }, newerAppPage(1)))).toBe('other-app');
        expect(await readConnections()).toEqual([unboundKey]);
      });
    });

    it("takes an extension page's app from its message, and refuses one that names none", async () => {
      await writeConnections([boundKey]);
      expect(kindOf(await ask(SEED.contacts.demo, sidePanel, { appOrigin: APP_ORIGIN }))).toBe('ok');
      expect(await ask(SEED.contacts.demo, sidePanel)).toEqual({
        ok: false,
        error: { kind: 'other-app', message: 'Refund Desk cannot tell which Keap app this page belongs to.' },
      });
    });

    describe('per tab, at most four contacts a minute unless the person asks', () => {
      // No key is stored, so a call the limit lets through ends at "not-configured" without asking Keap.
      const [first, second, third, fourth, fifth] = [101, 102, 103, 104, 105];

      it('pauses a fifth contact within the minute, but not the four again', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.parse('2025-06-02T15:00:00Z'));
        for (const contactId of [first, second, third, fourth]) expect(kindOf(await ask(contactId, contentScript(7)))).toBe('not-configured');
        expect(await ask(fifth, contentScript(7))).toEqual({
          ok: false,
          error: { kind: 'paused', message: 'This tab asked for many contacts within a minute, so Refund Desk waits for you: click "Load amounts".' },
        });
        for (const contactId of [fourth, first]) expect(kindOf(await ask(contactId, contentScript(7)))).toBe('not-configured');
        expect(kindOf(await ask(fifth, contentScript(7), { refresh: true }))).toBe('paused');
      });

      it('lets the person load a fifth by asking, and other tabs and extension pages are not counted', async () => {
        for (const contactId of [first, second, third, fourth]) await ask(contactId, contentScript(7));
        expect(kindOf(await ask(fifth, contentScript(7)))).toBe('paused');
        expect(kindOf(await ask(fifth, contentScript(7), { personAsked: true }))).toBe('not-configured');
        // Once loaded, it is one of the tab's contacts.
        expect(kindOf(await ask(fifth, contentScript(7)))).toBe('not-configured');
        expect(kindOf(await ask(106, contentScript(7)))).toBe('paused');

        expect(kindOf(await ask(fifth, contentScript(8)))).toBe('not-configured');
        for (const contactId of [106, 107, 108, 109, 110, 111]) expect(kindOf(await ask(contactId, sidePanel, { appOrigin: APP_ORIGIN }))).toBe('not-configured');
      });

      it('counts a minute from each contact’s last load', async () => {
        vi.useFakeTimers({ toFake: ['Date'] });
        const start = Date.parse('2025-06-02T15:00:00Z');
        vi.setSystemTime(start);
        for (const contactId of [first, second, third]) await ask(contactId, contentScript(7));
        vi.setSystemTime(start + 30_000);
        await ask(fourth, contentScript(7));
        await ask(first, contentScript(7));

        vi.setSystemTime(start + 59_999);
        expect(kindOf(await ask(fifth, contentScript(7)))).toBe('paused');
        // second and third have been quiet a minute; first was loaded again and fourth is newer.
        vi.setSystemTime(start + 60_000);
        expect(kindOf(await ask(fifth, contentScript(7)))).toBe('not-configured');
        expect(kindOf(await ask(106, contentScript(7)))).toBe('not-configured');
        expect(kindOf(await ask(107, contentScript(7)))).toBe('paused');
      });
    });

    it('answers only the name and order ids for a key not yet bound to an app, never amounts', async () => {
      await writeConnections([unboundKey]);
      const answer = await ask(SEED.contacts.demo, contentScript(1));
      if (answer.ok) throw new Error('expected no amounts for an unbound key');
      expect(answer.error).toEqual({ kind: 'key-unbound', message: 'Checking that your API key belongs to this Keap app…' });
      expect(answer.proof?.contactName).toBe('Dana Whitfield');
      expect([...(answer.proof?.orderIds ?? [])].sort()).toEqual(demoOrderIds().sort());
      expect(Object.keys(answer).sort()).toEqual(['error', 'ok', 'proof']);
      expect(Object.keys(answer.proof!).sort()).toEqual(['contactName', 'orderIds']);
    });

    it('gives an unbound key’s proof to contact pages only, and only for a contact its API has', async () => {
      await writeConnections([unboundKey]);
      expect(await ask(SEED.contacts.demo, sidePanel, { appOrigin: APP_ORIGIN })).toEqual({
        ok: false,
        error: { kind: 'other-app', message: `Refund Desk has not yet checked that your API key belongs to ${SEED.appName}.infusionsoft.com.` },
      });
      const unknownContact = await ask(999_999, contentScript(1));
      if (unknownContact.ok) throw new Error('expected a refusal');
      expect(unknownContact.error.kind).toBe('other-app');
      expect(unknownContact.error.message).toContain('has not yet checked');
      expect(unknownContact.proof).toBeUndefined();
    });
  });

  describe('bindKeapApp', () => {
    it("binds an unbound key to the page's app when the page's orders are the key's, and then amounts load", async () => {
      await writeConnections([unboundKey]);
      const shown = demoOrderIds().slice(0, 3);
      expect(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: shown }, contentScript(1))).toEqual({ ok: true, appName: SEED.appName });
      expect(await readConnections()).toEqual([{ ...unboundKey, appName: SEED.appName, boundBy: 'page' }]);
      expect(kindOf(await ask(SEED.contacts.demo, contentScript(1)))).toBe('ok');
    });

    it("binds to the sender's own app, not to any other", async () => {
      await writeConnections([unboundKey]);
      expect(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: demoOrderIds() }, contentScript(1, 'https://acme.infusionsoft.com'))).toEqual({
        ok: true,
        appName: 'acme',
      });
      expect(await readConnections()).toEqual([{ ...unboundKey, appName: 'acme', boundBy: 'page' }]);
    });

    it.each([
      ['an order the key does not have', () => [...demoOrderIds().slice(0, 2), 424_242]],
      ['no orders where the key has some', () => []],
      ['another contact’s order', () => [SEED.orders.hostile]],
    ])('binds nothing when the page shows %s', async (_label, orderIds) => {
      await writeConnections([unboundKey]);
      expect(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: orderIds() }, contentScript(1))).toEqual({
        ok: false,
        error: { kind: 'no-match', message: "This page's orders are not the ones your API key sees for this contact." },
      });
      expect(await readConnections()).toEqual([unboundKey]);
    });

    it('binds nothing for an extension page, or where no key waits to be bound', async () => {
      await writeConnections([unboundKey]);
      expect(kindOf(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: demoOrderIds() }, sidePanel))).toBe('other-app');
      expect(await readConnections()).toEqual([unboundKey]);

      const acme: KeapConnection = { ...boundKey, appName: 'acme' };
      await writeConnections([acme]);
      expect(kindOf(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: demoOrderIds() }, contentScript(1)))).toBe('other-app');
      expect(await readConnections()).toEqual([acme]);
    });

    it('leaves a waiting key alone when the app already has its own', async () => {
      await writeConnections([boundKey, { ...unboundKey, apiKey: SEED.readOnlyApiKey }]);
      expect(await bindKeapApp({ contactId: SEED.contacts.demo, orderIds: demoOrderIds() }, contentScript(1))).toEqual({ ok: true, appName: SEED.appName });
      expect(await readConnections()).toEqual([boundKey, { ...unboundKey, apiKey: SEED.readOnlyApiKey }]);
    });
  });
});
