import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// settings.ts defines storage items on import, and WXT's storage needs a browser global for that.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { apiKeySchema, DEFAULT_SETTINGS, maskApiKey, readSettings, settingsItem, settingsSchema } = await import('./settings');

describe('settingsSchema', () => {
  it('fills every missing setting with its default', () => {
    const defaults = { apiHost: 'api.infusionsoft.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 0 };
    expect(settingsSchema.parse({})).toEqual(defaults);
    expect(DEFAULT_SETTINGS).toEqual(defaults);
    expect(settingsSchema.parse({ apiHost: 'api.keap.com' })).toEqual({ ...defaults, apiHost: 'api.keap.com' });
  });

  it.each([
    ['an API host Refund Desk does not know', { apiHost: 'api.evil.example' }],
    ['an unknown error handling', { defaultErrorHandling: 'retry-forever' }],
    ['negative retention', { historyRetentionDays: -1 }],
    ['fractional retention', { historyRetentionDays: 1.5 }],
    ['retention over ten years', { historyRetentionDays: 3651 }],
    ['retention as text', { historyRetentionDays: '30' }],
  ])('refuses %s', (_label, candidate) => {
    expect(settingsSchema.safeParse(candidate).success).toBe(false);
  });

  it('accepts ten years of retention', () => {
    expect(settingsSchema.parse({ historyRetentionDays: 3650 }).historyRetentionDays).toBe(3650);
  });
});

describe('apiKeySchema', () => {
  const messageFor = (key: string) => apiKeySchema.safeParse(key).error?.issues[0]?.message;

  it('accepts a pasted key and trims the spaces around it', () => {
    expect(apiKeySchema.parse('  KeapAK-0123456789abcdef0123456789abcdef\n')).toBe('KeapAK-0123456789abcdef0123456789abcdef');
  });

  it('says a short key is too short', () => {
    expect(messageFor('KeapAK-123')).toBe('That API key is too short: copy the whole key from Keap (Settings → API Settings).');
    expect(messageFor('   KeapAK-123     ')).toBe('That API key is too short: copy the whole key from Keap (Settings → API Settings).');
  });

  it('says a key over 512 characters is too long', () => {
    expect(apiKeySchema.safeParse('k'.repeat(512)).success).toBe(true);
    expect(messageFor('k'.repeat(513))).toBe('That API key is too long: copy only the key from Keap.');
  });

  it.each([
    ['a space inside', 'KeapAK-0123 456789abcdef'],
    ['a line break inside', 'KeapAK-0123\n456789abcdef'],
    ['a non-ASCII character', 'KeapAK-0123456789abcdé'],
    ['a zero-width space', 'KeapAK-0123\u200b456789abcdef'],
  ])('refuses a key with %s', (_label, key) => {
    expect(messageFor(key)).toBe('An API key has no spaces or special characters: copy it again from Keap.');
  });
});

describe('maskApiKey', () => {
  it('shows the first and last four characters of a long key', () => {
    expect(maskApiKey('KeapAK-0123456789abcdef0123456789ab9f2c')).toBe('Keap…9f2c');
  });

  it('never shows more than half of a key', () => {
    for (let length = 1; length <= 64; length += 1) {
      const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/'.slice(0, length);
      const shownCharacters = maskApiKey(key).replace(/[…•]/g, '').length;
      expect(shownCharacters, `a ${length}-character key`).toBeLessThanOrEqual(length / 2);
    }
  });

  it('a short key shows only its end, a very short one nothing', () => {
    expect(maskApiKey('KeapAK-12345')).toBe('…2345');
    expect(maskApiKey('1234567')).toBe('••••');
  });
});

describe('readSettings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads what was saved, under the "settings" key of local storage', async () => {
    const saved = { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 30 } as const;
    await settingsItem.setValue(saved);
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: saved });
    expect(await readSettings()).toEqual(saved);
  });

  it('gives the defaults when nothing was saved', async () => {
    expect(await readSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('gives the defaults rather than a stored value that is no longer valid', async () => {
    await fakeBrowser.storage.local.set({ settings: { apiHost: 'api.evil.example', historyRetentionDays: -5 } });
    expect(await readSettings()).toEqual(DEFAULT_SETTINGS);
  });
});
