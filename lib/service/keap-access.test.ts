import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as RateLimiterModule from '@/lib/keap/rate-limiter';
import type { RateLimiter } from '@/lib/keap/rate-limiter';
import { type KeapApiCall, routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type { KeapConnection } from './api-key';
import type * as KeapAccessModule from './keap-access';

// WXT's storage items need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);

/** Every rate limiter the background makes, in order: Keap's limits are per key. */
const limiters = vi.hoisted(() => [] as RateLimiter[]);
vi.mock('@/lib/keap/rate-limiter', async (importOriginal) => {
  const actual = await importOriginal<typeof RateLimiterModule>();
  return {
    ...actual,
    createRateLimiter: (...args: Parameters<typeof actual.createRateLimiter>) => {
      const limiter = actual.createRateLimiter(...args);
      limiters.push(limiter);
      return limiter;
    },
  };
});

const connection = (appName: string | null, apiKey: string, apiHost: KeapConnection['apiHost'] = 'api.infusionsoft.com'): KeapConnection => ({
  appName,
  apiKey,
  apiHost,
  boundBy: appName === null ? null : 'person',
});

let sandbox: Sandbox;
let calls: KeapApiCall[];
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  calls = routeKeapApiToSandbox(sandbox);
});
afterAll(() => sandbox.close());

/** A fresh background: the module's accesses and limiters live as long as the service worker. */
let storedAccess: typeof KeapAccessModule.storedAccess;
let notConfiguredError: typeof KeapAccessModule.notConfiguredError;
let writeConnections: (connections: KeapConnection[]) => Promise<void>;
beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  calls.length = 0;
  limiters.length = 0;
  vi.resetModules();
  ({ storedAccess, notConfiguredError } = await import('./keap-access'));
  ({ writeConnections } = await import('./api-key'));
});

async function accessOf(appName: string) {
  const stored = await storedAccess(appName);
  if (!stored.ok) throw new Error(`expected access for ${appName}, got ${stored.error.kind}`);
  return stored.access;
}

describe('storedAccess', () => {
  it('says Refund Desk is not set up when there is no key at all', async () => {
    expect(await storedAccess('acme')).toEqual({ ok: false, error: notConfiguredError });
    expect(notConfiguredError.kind).toBe('not-configured');
  });

  it("uses the app's own key, whatever the case of its name", async () => {
    const beta = connection('beta', SEED.readOnlyApiKey, 'api.keap.com');
    await writeConnections([connection('acme', SEED.apiKey), beta]);

    expect((await accessOf('beta')).connection).toEqual(beta);
    expect((await accessOf('BETA')).connection).toEqual(beta);
    expect((await accessOf('acme')).connection.apiKey).toBe(SEED.apiKey);
  });

  it("refuses another app's key, naming the apps the keys are for", async () => {
    await writeConnections([connection('acme', SEED.apiKey)]);
    expect(await storedAccess('beta')).toEqual({
      ok: false,
      error: {
        kind: 'other-app',
        message: 'Your API key is for acme.infusionsoft.com, not beta.infusionsoft.com. Add a key for this Keap app in Refund Desk options.',
      },
    });

    await writeConnections([connection('acme', SEED.apiKey), connection('gamma', SEED.readOnlyApiKey)]);
    const refused = await storedAccess('beta');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.message).toBe(
      'Your API key is for acme.infusionsoft.com and gamma.infusionsoft.com, not beta.infusionsoft.com. Add a key for this Keap app in Refund Desk options.',
    );
    expect(refused.unbound).toBeUndefined();

    // The apps are listed as the language lists things (Intl.ListFormat), not joined with English words.
    await writeConnections([connection('acme', SEED.apiKey), connection('gamma', SEED.readOnlyApiKey), connection('delta', 'KeapAK-delta-0001')]);
    const amongThree = await storedAccess('beta');
    expect(amongThree.ok ? null : amongThree.error.message).toBe(
      'Your API key is for acme.infusionsoft.com, gamma.infusionsoft.com, and delta.infusionsoft.com, not beta.infusionsoft.com. Add a key for this Keap app in Refund Desk options.',
    );
  });

  it('offers a key bound to no app yet, for the page to prove its own, without granting it', async () => {
    await writeConnections([connection(null, SEED.apiKey)]);
    const onlyUnbound = await storedAccess('refunddemo');
    expect(onlyUnbound.ok).toBe(false);
    if (onlyUnbound.ok) return;
    expect(onlyUnbound.error).toEqual({ kind: 'other-app', message: 'Refund Desk has not yet checked that your API key belongs to refunddemo.infusionsoft.com.' });
    expect(onlyUnbound.unbound?.connection).toEqual(connection(null, SEED.apiKey));

    await writeConnections([connection('acme', SEED.readOnlyApiKey), connection(null, SEED.apiKey)]);
    const besideBound = await storedAccess('refunddemo');
    expect(besideBound.ok).toBe(false);
    if (besideBound.ok) return;
    expect(besideBound.error.message).toContain('Your API key is for acme.infusionsoft.com, not refunddemo.infusionsoft.com.');
    expect(besideBound.unbound?.connection.apiKey).toBe(SEED.apiKey);
    // The bound app still gets its own key, not the unbound one.
    expect((await accessOf('acme')).connection.apiKey).toBe(SEED.readOnlyApiKey);
  });

  it('keeps one contact cache per key and host, so no key sees what another key read', async () => {
    await writeConnections([connection('acme', SEED.apiKey), connection('beta', SEED.readOnlyApiKey)]);
    const acme = await accessOf('acme');
    expect((await acme.contacts.getContactOrders(SEED.contacts.demo)).ok).toBe(true);
    const readsOfAcme = calls.length;
    expect(readsOfAcme).toBeGreaterThan(0);

    // The same key again (read from storage again): the same cache, so no new read.
    const acmeAgain = await accessOf('acme');
    expect(acmeAgain.contacts).toBe(acme.contacts);
    expect((await acmeAgain.contacts.getContactOrders(SEED.contacts.demo)).ok).toBe(true);
    expect(calls).toHaveLength(readsOfAcme);

    // Another key asks Keap itself, with its own key, and gets what Keap gives that key.
    const beta = await accessOf('beta');
    expect(beta.contacts).not.toBe(acme.contacts);
    const betaRead = await beta.contacts.getContactOrders(SEED.contacts.demo);
    expect(betaRead.ok ? 'read' : betaRead.error.kind).toBe('forbidden');
    expect(calls.slice(readsOfAcme).every((call) => call.apiKey === SEED.readOnlyApiKey)).toBe(true);

    // The same key on Keap's other API host is another access.
    await writeConnections([connection('acme', SEED.apiKey, 'api.keap.com')]);
    const acmeOnKeapCom = await accessOf('acme');
    expect(acmeOnKeapCom.contacts).not.toBe(acme.contacts);
    expect((await acmeOnKeapCom.contacts.getContactOrders(SEED.contacts.demo)).ok).toBe(true);
    expect(calls.at(-1)?.host).toBe('api.keap.com');
  });

  it('gives each key its own rate limiter, shared by every access with that key', async () => {
    await writeConnections([connection('acme', SEED.apiKey), connection('beta', SEED.readOnlyApiKey)]);
    expect((await (await accessOf('acme')).client.getAccountProfile()).ok).toBe(true);
    expect(limiters).toHaveLength(1);
    const [acmeLimiter] = limiters;
    expect(acmeLimiter!.counters().requestsSent).toBe(1);

    expect((await (await accessOf('beta')).client.getAccountProfile()).ok).toBe(true);
    expect(limiters).toHaveLength(2);
    expect(limiters[1]!.counters().requestsSent).toBe(1);
    expect(acmeLimiter!.counters().requestsSent).toBe(1);

    // Keap counts per key, whichever host: acme's key on api.keap.com spends acme's budget.
    await writeConnections([connection('acme', SEED.apiKey, 'api.keap.com'), connection('beta', SEED.readOnlyApiKey)]);
    expect((await (await accessOf('acme')).client.getAccountProfile()).ok).toBe(true);
    expect(limiters).toHaveLength(2);
    expect(acmeLimiter!.counters().requestsSent).toBe(2);
  });
});
