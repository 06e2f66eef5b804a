import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// WXT's storage items need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { readConnections, writeConnections } = await import('./api-key');

const LEGACY_KEY = 'KeapAK-legacy-0123456789abcdef';
const OTHER_KEY = 'KeapAK-acme-0123456789abcdef';

beforeEach(() => fakeBrowser.reset());

describe('readConnections', () => {
  it('is empty when nothing was ever saved', async () => {
    expect(await readConnections()).toEqual([]);
  });

  it('reads what was written', async () => {
    const connections = [{ appName: 'acme', apiKey: OTHER_KEY, apiHost: 'api.keap.com' as const, boundBy: 'person' as const }];
    await writeConnections(connections);
    expect(await readConnections()).toEqual(connections);
    expect(await fakeBrowser.storage.local.get('keapConnections')).toEqual({ keapConnections: connections });
  });

  it('ignores stored connections that are not connections', async () => {
    await fakeBrowser.storage.local.set({ keapConnections: [{ appName: 'acme', apiKey: OTHER_KEY, apiHost: 'evil.example.com', boundBy: null }] });
    expect(await readConnections()).toEqual([]);
  });

  it("moves an earlier version's key and API host into one connection bound to no app, once", async () => {
    await fakeBrowser.storage.local.set({ apiKey: LEGACY_KEY, settings: { apiHost: 'api.keap.com', historyRetentionDays: 30 } });

    const moved = [{ appName: null, apiKey: LEGACY_KEY, apiHost: 'api.keap.com', boundBy: null }];
    expect(await readConnections()).toEqual(moved);
    expect(await fakeBrowser.storage.local.get(['apiKey', 'keapConnections'])).toEqual({ keapConnections: moved });
    // The other settings are the settings' own: they stay as they were.
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: { apiHost: 'api.keap.com', historyRetentionDays: 30 } });

    expect(await readConnections()).toEqual(moved);
  });

  it("uses Keap's classic API host when the earlier settings name none (or one it does not know)", async () => {
    await fakeBrowser.storage.local.set({ apiKey: LEGACY_KEY });
    expect((await readConnections())[0]?.apiHost).toBe('api.infusionsoft.com');

    fakeBrowser.reset();
    await fakeBrowser.storage.local.set({ apiKey: LEGACY_KEY, settings: { apiHost: 'api.example.com' } });
    expect((await readConnections())[0]?.apiHost).toBe('api.infusionsoft.com');
  });

  it('adds the earlier key after the connections there are, and never twice', async () => {
    const acme = { appName: 'acme', apiKey: OTHER_KEY, apiHost: 'api.infusionsoft.com' as const, boundBy: 'person' as const };
    await fakeBrowser.storage.local.set({ keapConnections: [acme], apiKey: LEGACY_KEY });
    expect(await readConnections()).toEqual([acme, { appName: null, apiKey: LEGACY_KEY, apiHost: 'api.infusionsoft.com', boundBy: null }]);

    fakeBrowser.reset();
    const alreadyMoved = { appName: 'beta', apiKey: LEGACY_KEY, apiHost: 'api.keap.com' as const, boundBy: 'page' as const };
    await fakeBrowser.storage.local.set({ keapConnections: [acme, alreadyMoved], apiKey: LEGACY_KEY });
    expect(await readConnections()).toEqual([acme, alreadyMoved]);
    expect(await fakeBrowser.storage.local.get('apiKey')).toEqual({});
  });
});
