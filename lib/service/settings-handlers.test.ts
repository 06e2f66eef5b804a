import { fakeBrowser } from '@webext-core/fake-browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as RateLimiterModule from '@/lib/keap/rate-limiter';
import type { RateLimiter } from '@/lib/keap/rate-limiter';
import { type KeapApiCall, routeKeapApiToSandbox } from '@/test/support/keap-api-sandbox';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import type { KeapConnection } from './api-key';

// WXT's storage items (settings, connections) need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);

/** Every rate limiter made, in order, to see whose budget a connection test spends. */
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

const { forgetLearnedWord, getSettings, removeConnection, saveConnection, saveSettings, testConnection } = await import('./settings-handlers');
const { readConnections, writeConnections } = await import('./api-key');
const { storedAccess } = await import('./keap-access');
const { DEFAULT_SETTINGS, learnedWordsItem, readSettings } = await import('@/lib/settings');

type SaveInput = Parameters<typeof saveConnection>[0];

const ACME_KEY = 'KeapAK-acme-0123456789abcdef';
const BETA_KEY = 'KeapAK-beta-0123456789abcdef';
const UNBOUND_KEY = 'KeapAK-unbound-0123456789ab';

function save(input: Partial<SaveInput>) {
  return saveConnection({ appName: '', apiHost: 'api.infusionsoft.com', ...input });
}

/** What a refused call says, or a failure if it was not refused. */
function refusalOf(result: { ok: boolean; error?: { kind: string; message: string } }) {
  if (result.ok || result.error === undefined) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.error;
}

beforeEach(() => {
  fakeBrowser.reset();
  limiters.length = 0;
});

describe('saveConnection', () => {
  it.each([
    ['acme', 'acme'],
    ['ACME', 'acme'],
    ['acme.infusionsoft.com', 'acme'],
    ['Acme.InfusionSoft.COM', 'acme'],
    ['  ab123 ', 'ab123'],
  ])('names the Keap app "%s" as %s, in the person\'s word', async (typed, appName) => {
    const saved = await save({ appName: typed, apiKey: ACME_KEY });
    expect(saved).toEqual({ ok: true, connections: [{ appName, boundBy: 'person', apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…cdef' }] });
    expect(await readConnections()).toEqual([{ appName, apiKey: ACME_KEY, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
  });

  it.each([['acme corp'], ['acme.keap.com'], ['-acme'], ['https://acme.infusionsoft.com']])('refuses "%s" as an app name, saying what one is', async (typed) => {
    expect(refusalOf(await save({ appName: typed, apiKey: ACME_KEY }))).toEqual({
      kind: 'invalid-app',
      message: 'A Keap app name is the first part of its address, like acme in acme.infusionsoft.com.',
    });
    expect(await readConnections()).toEqual([]);
  });

  it('keeps the typed key trimmed, and never sends it back', async () => {
    const saved = await save({ appName: 'acme', apiKey: `  ${ACME_KEY}\n`, apiHost: 'api.keap.com' });
    expect(JSON.stringify(saved)).not.toContain(ACME_KEY);
    expect((await readConnections())[0]).toEqual({ appName: 'acme', apiKey: ACME_KEY, apiHost: 'api.keap.com', boundBy: 'person' });
  });

  it('refuses a key that is not a key, and a new connection without one', async () => {
    expect(refusalOf(await save({ appName: 'acme', apiKey: 'KeapAK-1' }))).toEqual({
      kind: 'invalid-api-key',
      message: 'That API key is too short: copy the whole key from Keap (Settings → API Settings).',
    });
    expect(refusalOf(await save({ appName: 'acme' }))).toEqual({ kind: 'invalid-api-key', message: 'Paste the API key for this Keap app.' });
    expect(await readConnections()).toEqual([]);
  });

  it('keeps one key per Keap app', async () => {
    await save({ appName: 'acme', apiKey: ACME_KEY });
    expect(refusalOf(await save({ appName: 'ACME.infusionsoft.com', apiKey: BETA_KEY }))).toEqual({
      kind: 'duplicate-app',
      message: 'There is already a key for acme.infusionsoft.com. Change that one instead.',
    });
    expect((await save({ appName: 'beta', apiKey: BETA_KEY })).ok).toBe(true);
    // Renaming beta to acme would make two keys for acme.
    expect(refusalOf(await save({ index: 1, appName: 'acme' })).kind).toBe('duplicate-app');
    expect((await readConnections()).map((connection) => connection.appName)).toEqual(['acme', 'beta']);
  });

  it('keeps at most one key waiting to find its app', async () => {
    const unbound = await save({ apiKey: UNBOUND_KEY });
    expect(unbound).toEqual({ ok: true, connections: [{ appName: null, boundBy: null, apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…89ab' }] });
    expect(refusalOf(await save({ appName: '   ', apiKey: ACME_KEY }))).toEqual({
      kind: 'duplicate-unbound',
      message: 'Name the Keap app of this key: another key is still waiting to find its app.',
    });
    // The waiting key itself may be saved again, still unbound.
    expect((await save({ index: 0, apiHost: 'api.keap.com' })).ok).toBe(true);
    expect(await readConnections()).toEqual([{ appName: null, apiKey: UNBOUND_KEY, apiHost: 'api.keap.com', boundBy: null }]);
  });

  it('keeps the stored key when none is typed, and takes a new one when it is', async () => {
    await save({ appName: 'acme', apiKey: ACME_KEY });
    await save({ index: 0, appName: 'acme', apiHost: 'api.keap.com' });
    expect(await readConnections()).toEqual([{ appName: 'acme', apiKey: ACME_KEY, apiHost: 'api.keap.com', boundBy: 'person' }]);
    await save({ index: 0, appName: 'acme', apiKey: BETA_KEY });
    expect((await readConnections())[0]?.apiKey).toBe(BETA_KEY);
  });

  it('keeps how a key was bound while its app stays, and takes the person’s word for a new app', async () => {
    const foundByPage: KeapConnection = { appName: 'acme', apiKey: ACME_KEY, apiHost: 'api.infusionsoft.com', boundBy: 'page' };
    await writeConnections([foundByPage]);

    await save({ index: 0, appName: 'acme', apiHost: 'api.keap.com' });
    expect((await readConnections())[0]?.boundBy).toBe('page');
    await save({ index: 0, appName: 'beta' });
    expect((await readConnections())[0]).toMatchObject({ appName: 'beta', boundBy: 'person' });
    await save({ index: 0, appName: '' });
    expect((await readConnections())[0]).toMatchObject({ appName: null, boundBy: null });
    await save({ index: 0, appName: 'acme' });
    expect((await readConnections())[0]).toMatchObject({ appName: 'acme', boundBy: 'person' });
  });

  it('refuses to change a connection that is no longer there', async () => {
    await save({ appName: 'acme', apiKey: ACME_KEY });
    expect(refusalOf(await save({ index: 1, appName: 'beta', apiKey: BETA_KEY }))).toEqual({
      kind: 'not-found',
      message: 'That Keap connection is no longer there. Reload the page.',
    });
    expect(await readConnections()).toHaveLength(1);
  });
});

describe('removeConnection', () => {
  it('removes that connection only, and answers with the rest', async () => {
    await writeConnections([
      { appName: 'acme', apiKey: ACME_KEY, apiHost: 'api.infusionsoft.com', boundBy: 'person' },
      { appName: 'beta', apiKey: BETA_KEY, apiHost: 'api.keap.com', boundBy: 'page' },
      { appName: null, apiKey: UNBOUND_KEY, apiHost: 'api.infusionsoft.com', boundBy: null },
    ]);
    const removed = await removeConnection({ index: 1 });
    expect(removed).toEqual({
      ok: true,
      connections: [
        { appName: 'acme', boundBy: 'person', apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…cdef' },
        { appName: null, boundBy: null, apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…89ab' },
      ],
    });
    expect((await readConnections()).map((connection) => connection.apiKey)).toEqual([ACME_KEY, UNBOUND_KEY]);
  });
});

describe('getSettings and saveSettings', () => {
  it('answers the settings, the connections without their keys, and the learned words', async () => {
    await writeConnections([{ appName: 'acme', apiKey: ACME_KEY, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
    await learnedWordsItem.setValue({ acme: { 'credit-final': ['Do it'] } });
    const answer = await getSettings();
    expect(answer).toEqual({
      ok: true,
      settings: DEFAULT_SETTINGS,
      connections: [{ appName: 'acme', boundBy: 'person', apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…cdef' }],
      learnedWords: { acme: { 'credit-final': ['Do it'] } },
    });
    expect(JSON.stringify(answer)).not.toContain(ACME_KEY);
  });

  it('saves the settings', async () => {
    const settings = { ...DEFAULT_SETTINGS, yourName: 'Sam', quietPeriodSeconds: 300 };
    expect(await saveSettings({ settings })).toEqual({ ok: true });
    expect(await readSettings()).toEqual(settings);
  });
});

describe('testConnection', () => {
  let sandbox: Sandbox;
  let calls: KeapApiCall[];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    calls = routeKeapApiToSandbox(sandbox);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.reset();
    calls.length = 0;
  });

  it("asks Keap's API with the typed key, on the chosen host, and names the account", async () => {
    expect(await testConnection({ apiKey: ` ${SEED.apiKey} `, apiHost: 'api.keap.com' })).toEqual({
      ok: true,
      appName: SEED.appName,
      accountName: 'owner@refunddemo.example.com',
    });
    expect(calls).toEqual([{ host: 'api.keap.com', path: '/crm/rest/v2/businessProfile', apiKey: SEED.apiKey }]);
  });

  it('reads the account profile through REST v1 when the account answers v2 with 501, and the connection then says so', async () => {
    sandbox.setV2('not-implemented');
    await writeConnections([{ appName: 'acme', apiKey: SEED.apiKey, apiHost: 'api.keap.com', boundBy: 'person' }]);
    expect(await testConnection({ index: 0, apiHost: 'api.keap.com' })).toMatchObject({ ok: true, appName: SEED.appName });
    expect(calls.map((call) => call.path)).toEqual(['/crm/rest/v2/businessProfile', '/crm/rest/v1/account/profile']);
    const settings = await getSettings();
    expect(settings.ok && settings.connections[0]?.v1OnlyEndpoints).toEqual(['GET /v2/businessProfile']);
  });

  it('uses the stored key of a connection when none is typed, and the typed one over it', async () => {
    await writeConnections([{ appName: 'acme', apiKey: SEED.readOnlyApiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
    expect((await testConnection({ index: 0, apiHost: 'api.infusionsoft.com' })).ok).toBe(true);
    expect(calls.map((call) => call.apiKey)).toEqual([SEED.readOnlyApiKey]);

    expect((await testConnection({ index: 0, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com' })).ok).toBe(true);
    expect(calls.map((call) => call.apiKey)).toEqual([SEED.readOnlyApiKey, SEED.apiKey]);
  });

  it("answers Keap's own refusal of a key", async () => {
    const refused = refusalOf(await testConnection({ apiKey: 'KeapAK-not-a-sandbox-key', apiHost: 'api.infusionsoft.com' }));
    expect(refused.kind).toBe('bad-key');
    expect(calls).toHaveLength(1);
  });

  it('asks Keap nothing without a key to test', async () => {
    expect(refusalOf(await testConnection({ apiHost: 'api.infusionsoft.com' }))).toEqual({ kind: 'not-configured', message: 'Paste your Keap API key first.' });
    expect(refusalOf(await testConnection({ index: 3, apiHost: 'api.infusionsoft.com' })).kind).toBe('not-configured');
    expect(refusalOf(await testConnection({ apiKey: 'has spaces in it', apiHost: 'api.infusionsoft.com' })).kind).toBe('invalid-api-key');
    expect(calls).toEqual([]);
  });

  it("spends none of the stored key's rate limit", async () => {
    await writeConnections([{ appName: SEED.appName, apiKey: SEED.apiKey, apiHost: 'api.infusionsoft.com', boundBy: 'person' }]);
    const stored = await storedAccess(SEED.appName);
    expect(stored.ok).toBe(true);
    const keyLimiters = [...limiters];
    expect(keyLimiters).toHaveLength(1);

    expect((await testConnection({ index: 0, apiHost: 'api.infusionsoft.com' })).ok).toBe(true);
    expect(calls).toHaveLength(1);
    expect(keyLimiters[0]!.counters().requestsSent).toBe(0);
    expect(limiters.slice(1).map((limiter) => limiter.counters().requestsSent)).toEqual([1]);
  });
});

describe('forgetLearnedWord', () => {
  const learned = {
    acme: { 'credit-final': ['Do it', 'Go'], 'options-next': ['Onward'] },
    beta: { 'credit-final': ['Do it'] },
  };
  beforeEach(() => learnedWordsItem.setValue(learned));

  it('forgets one word of one control of one app', async () => {
    const expected = { acme: { 'credit-final': ['Go'], 'options-next': ['Onward'] }, beta: { 'credit-final': ['Do it'] } };
    expect(await forgetLearnedWord({ appName: 'acme', slot: 'credit-final', word: 'Do it' })).toEqual({ ok: true, learnedWords: expected });
    expect(await learnedWordsItem.getValue()).toEqual(expected);
  });

  it('drops a control with no word left, and an app with no control left', async () => {
    await forgetLearnedWord({ appName: 'acme', slot: 'options-next', word: 'Onward' });
    expect(await learnedWordsItem.getValue()).toEqual({ acme: { 'credit-final': ['Do it', 'Go'] }, beta: { 'credit-final': ['Do it'] } });
    await forgetLearnedWord({ appName: 'beta', slot: 'credit-final', word: 'Do it' });
    expect(await learnedWordsItem.getValue()).toEqual({ acme: { 'credit-final': ['Do it', 'Go'] } });
  });

  it('changes nothing for a word that was never learned', async () => {
    expect(await forgetLearnedWord({ appName: 'acme', slot: 'credit-final', word: 'Never' })).toEqual({ ok: true, learnedWords: learned });
    expect(await forgetLearnedWord({ appName: 'gamma', slot: 'credit-final', word: 'Do it' })).toEqual({ ok: true, learnedWords: learned });
    expect(await learnedWordsItem.getValue()).toEqual(learned);
  });
});
