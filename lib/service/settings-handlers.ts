import type { z } from 'zod';
import { learnedWordsItem, maskApiKey, apiKeySchema, readLearnedWords, readSettings, settingsItem } from '@/lib/settings';
import { apiKeyItem } from './api-key';
import type { keyStatusSchema, MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import { clientFor } from './keap-access';
import { applyHistoryRetention } from './refund-handlers';

type KeyStatus = z.infer<typeof keyStatusSchema>;

async function currentStatus(): Promise<KeyStatus> {
  const [apiKey, settings] = await Promise.all([apiKeyItem.getValue(), readSettings()]);
  return { configured: apiKey !== null, apiHost: settings.apiHost, maskedApiKey: apiKey === null ? null : maskApiKey(apiKey) };
}

export async function getSettings(): Promise<MessageOutput<'getSettings'>> {
  const [settings, status, learnedWords] = await Promise.all([readSettings(), currentStatus(), readLearnedWords()]);
  return { ok: true, settings, status, learnedWords };
}

export async function forgetLearnedWord({ appName, slot, word }: MessageData<'forgetLearnedWord'>): Promise<MessageOutput<'forgetLearnedWord'>> {
  const all = await readLearnedWords();
  const forApp = { ...all[appName] };
  const remaining = (forApp[slot] ?? []).filter((known) => known !== word);
  if (remaining.length > 0) forApp[slot] = remaining;
  else delete forApp[slot];
  const { [appName]: _forgotten, ...otherApps } = all;
  const learnedWords = Object.keys(forApp).length > 0 ? { ...otherApps, [appName]: forApp } : otherApps;
  await learnedWordsItem.setValue(learnedWords);
  return { ok: true, learnedWords };
}

export async function saveSettings({ settings, apiKey }: MessageData<'saveSettings'>): Promise<MessageOutput<'saveSettings'>> {
  if (typeof apiKey === 'string') {
    const checked = apiKeySchema.safeParse(apiKey);
    if (!checked.success) return { ok: false, error: { kind: 'invalid-api-key', message: checked.error.issues[0]?.message ?? 'That API key is not valid.' } };
    await apiKeyItem.setValue(checked.data);
  } else if (apiKey === null) {
    await apiKeyItem.removeValue();
  }
  await settingsItem.setValue(settings);
  await applyHistoryRetention();
  return { ok: true, status: await currentStatus() };
}

/** Asks Keap who the key belongs to; the answer names the Keap app, or the exact problem. */
export async function testConnection({ apiKey, apiHost }: MessageData<'testConnection'>): Promise<MessageOutput<'testConnection'>> {
  let key: string | null = null;
  if (apiKey !== undefined) {
    const checked = apiKeySchema.safeParse(apiKey);
    if (!checked.success) return { ok: false, error: { kind: 'invalid-api-key', message: checked.error.issues[0]?.message ?? 'That API key is not valid.' } };
    key = checked.data;
  } else {
    key = await apiKeyItem.getValue();
  }
  if (key === null) return { ok: false, error: { kind: 'not-configured', message: 'Paste your Keap API key first.' } };
  const profile = await clientFor(key, apiHost).getAccountProfile();
  if (!profile.ok) return { ok: false, error: profile.error };
  return { ok: true, appName: profile.value.name ?? 'unnamed', accountName: profile.value.email ?? null };
}
