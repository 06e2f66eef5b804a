import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// settings.ts defines storage items on import, and WXT's storage needs a browser global for that.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { apiKeySchema, DEFAULT_SETTINGS, learnedWordsItem, maskApiKey, readLearnedWords, readSettings, settingsItem, settingsSchema } = await import('./settings');

describe('settingsSchema', () => {
  it('fills every missing setting with its default', () => {
    const defaults = {
      defaultErrorHandling: 'skip-payment',
      historyRetentionDays: 0,
      defaultRefundMode: 'automatic',
      refundThrough: 'app-in-use',
      quietPeriodSeconds: 120,
      yourName: '',
    };
    expect(settingsSchema.parse({})).toEqual(defaults);
    expect(DEFAULT_SETTINGS).toEqual(defaults);
    expect(settingsSchema.parse({ historyRetentionDays: 30 })).toEqual({ ...defaults, historyRetentionDays: 30 });
  });

  it('keeps the name given for refunds, trimmed, as the text it is', () => {
    expect(settingsSchema.parse({ yourName: '  Sam Refunder \n' }).yourName).toBe('Sam Refunder');
    expect(settingsSchema.parse({ yourName: '   ' }).yourName).toBe('');
    expect(settingsSchema.parse({ yourName: '<b>Sam</b> & "Co"' }).yourName).toBe('<b>Sam</b> & "Co"');
    expect(settingsSchema.parse({ yourName: 'n'.repeat(100) }).yourName).toHaveLength(100);
    expect(settingsSchema.parse({ yourName: ` ${'n'.repeat(100)} ` }).yourName).toHaveLength(100);
  });

  it.each([
    ['a name over 100 characters', { yourName: 'n'.repeat(101) }],
    ['a name that is not text', { yourName: 42 }],
    ['a name that is null', { yourName: null }],
    ['an unknown error handling', { defaultErrorHandling: 'retry-forever' }],
    ['negative retention', { historyRetentionDays: -1 }],
    ['fractional retention', { historyRetentionDays: 1.5 }],
    ['retention over ten years', { historyRetentionDays: 3651 }],
    ['retention as text', { historyRetentionDays: '30' }],
    ['an unknown refund mode', { defaultRefundMode: 'manual' }],
    ['a refund mode in other case', { defaultRefundMode: 'Guided' }],
    ['an unknown way to refund', { refundThrough: 'newer-app' }],
  ])('refuses %s', (_label, candidate) => {
    expect(settingsSchema.safeParse(candidate).success).toBe(false);
  });

  it('accepts both refund modes', () => {
    expect(settingsSchema.parse({ defaultRefundMode: 'guided' }).defaultRefundMode).toBe('guided');
    expect(settingsSchema.parse({ defaultRefundMode: 'automatic' }).defaultRefundMode).toBe('automatic');
  });

  it('refunds through the app the refund was started in unless told always to use the classic screen', () => {
    expect(settingsSchema.parse({}).refundThrough).toBe('app-in-use');
    expect(settingsSchema.parse({ refundThrough: 'classic' }).refundThrough).toBe('classic');
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
    const saved = {
      defaultErrorHandling: 'record-anyway',
      historyRetentionDays: 30,
      defaultRefundMode: 'guided',
      refundThrough: 'classic',
      quietPeriodSeconds: 300,
      yourName: 'Sam Refunder',
    } as const;
    await settingsItem.setValue(saved);
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: saved });
    expect(await readSettings()).toEqual(saved);
  });

  it('gives the defaults when nothing was saved', async () => {
    expect(await readSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('gives the defaults rather than a stored value that is no longer valid', async () => {
    await fakeBrowser.storage.local.set({ settings: { yourName: 'n'.repeat(101), historyRetentionDays: -5 } });
    expect(await readSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('settings saved before refund modes existed keep their values and get the automatic mode', async () => {
    await fakeBrowser.storage.local.set({ settings: { defaultErrorHandling: 'record-anyway', historyRetentionDays: 30 } });
    expect(await readSettings()).toEqual({ ...DEFAULT_SETTINGS, defaultErrorHandling: 'record-anyway', historyRetentionDays: 30, defaultRefundMode: 'automatic' });
  });

  it('settings saved before "your name" existed keep their values and get no name', async () => {
    await fakeBrowser.storage.local.set({ settings: { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 30, defaultRefundMode: 'guided' } });
    const read = await readSettings();
    expect(read).toMatchObject({ defaultErrorHandling: 'record-anyway', historyRetentionDays: 30, defaultRefundMode: 'guided', yourName: '' });
    expect(read).not.toHaveProperty('apiHost');
  });

  it('a stored refund mode that is not known gives the defaults', async () => {
    await fakeBrowser.storage.local.set({ settings: { yourName: 'Sam', defaultRefundMode: 'yolo' } });
    expect(await readSettings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('readLearnedWords', () => {
  beforeEach(() => fakeBrowser.reset());

  it('gives no words when nothing was stored', async () => {
    expect(await readLearnedWords()).toEqual({});
  });

  it('reads what was saved, under the "learnedWords" key of local storage', async () => {
    const saved = { ab123: { 'payments-next': ['Weiter', 'Go on'], 'credit-final': ['Do it'] }, zz999: { 'payments-reason': ['Why'] } };
    await learnedWordsItem.setValue(saved);
    expect(await fakeBrowser.storage.local.get('learnedWords')).toEqual({ learnedWords: saved });
    expect(await readLearnedWords()).toEqual(saved);
  });

  it('reads words stored by something else than the item, trimmed', async () => {
    await fakeBrowser.storage.local.set({ learnedWords: { ab123: { 'options-next': ['  Onward  '] } } });
    expect(await readLearnedWords()).toEqual({ ab123: { 'options-next': ['Onward'] } });
  });

  it.each([
    ['a string', 'Weiter'],
    ['a list', [['Weiter']]],
    ['null', null],
    ['an app whose words are not a list', { ab123: { 'payments-next': 'Weiter' } }],
    ['an app that is a list', { ab123: ['Weiter'] }],
    ['a word that is not text', { ab123: { 'payments-next': [42] } }],
    ['an empty word', { ab123: { 'payments-next': ['   '] } }],
    ['a word over 200 characters', { ab123: { 'payments-next': ['w'.repeat(201)] } }],
    ['more than 20 words for one control', { ab123: { 'payments-next': Array.from({ length: 21 }, (_, i) => `word ${i}`) } }],
    ['a control Refund Desk does not know', { ab123: { 'delete-everything': ['Go'] } }],
  ])('gives no words of an app whose stored words are malformed: %s', async (_label, stored) => {
    await fakeBrowser.storage.local.set({ learnedWords: stored });
    expect(await readLearnedWords()).toEqual({});
  });

  it('keeps the apps whose words read when another app’s do not', async () => {
    await fakeBrowser.storage.local.set({ learnedWords: { ab123: { 'payments-next': ['Weiter'] }, zz999: { 'credit-final': [null] } } });
    expect(await readLearnedWords()).toEqual({ ab123: { 'payments-next': ['Weiter'] } });
  });

  it('accepts 20 words of 200 characters for one control', async () => {
    const words = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(200, 'w'));
    await fakeBrowser.storage.local.set({ learnedWords: { ab123: { 'credit-final': words } } });
    expect(await readLearnedWords()).toEqual({ ab123: { 'credit-final': words } });
  });
});
