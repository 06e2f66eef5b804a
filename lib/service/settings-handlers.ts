import { i18n } from '#i18n';
import { apiKeySchema, learnedWordsItem, maskApiKey, readLearnedWords, readSettings, settingsItem } from '@/lib/settings';
import type { ConnectionStatus } from '@/lib/messaging/extension-page-messages';
import type { MessageOutput } from '@/lib/messaging/protocol';
import type { MessageData } from '@/lib/messaging/serve';
import { type KeapConnection, keapAppNameSchema, readConnections, writeConnections } from './api-key';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { clientFor, v1OnlyEndpointsOf } from './keap-access';
import { applyHistoryRetention } from './refund-handlers';

async function statusOf(connection: KeapConnection): Promise<ConnectionStatus> {
  const v1OnlyEndpoints = await v1OnlyEndpointsOf(connection);
  return {
    appName: connection.appName,
    boundBy: connection.boundBy,
    apiHost: connection.apiHost,
    maskedApiKey: maskApiKey(connection.apiKey),
    ...(v1OnlyEndpoints.length > 0 ? { v1OnlyEndpoints } : {}),
  };
}

const statusesOf = (connections: KeapConnection[]) => Promise.all(connections.map(statusOf));

export async function getSettings(): Promise<MessageOutput<'getSettings'>> {
  const [settings, connections, learnedWords] = await Promise.all([readSettings(), readConnections(), readLearnedWords()]);
  return { ok: true, settings, connections: await statusesOf(connections), learnedWords };
}

export async function saveSettings({ settings }: MessageData<'saveSettings'>): Promise<MessageOutput<'saveSettings'>> {
  await settingsItem.setValue(settings);
  await applyHistoryRetention();
  return { ok: true };
}

const refusal = (kind: string, message: string) => ({ ok: false as const, error: { kind, message } });

/** One key per Keap app, and at most one key waiting to be bound: a page could not tell two apart. */
export async function saveConnection({ index, appName, apiKey, apiHost }: MessageData<'saveConnection'>): Promise<MessageOutput<'saveConnection'>> {
  const connections = await readConnections();
  const editing = index === undefined ? undefined : connections[index];
  if (index !== undefined && !editing) return refusal('not-found', i18n.t('refunding.settings.connectionGone'));
  let key = editing?.apiKey;
  if (apiKey !== undefined) {
    const checked = apiKeySchema.safeParse(apiKey);
    if (!checked.success) return refusal('invalid-api-key', checked.error.issues[0]?.message ?? i18n.t('refunding.settings.keyNotValid'));
    key = checked.data;
  }
  if (key === undefined) return refusal('invalid-api-key', i18n.t('refunding.settings.pasteKeyForApp'));
  let app: string | null = null;
  if (appName.trim() !== '') {
    const checked = keapAppNameSchema.safeParse(appName.replace(/\.infusionsoft\.com$/i, ''));
    if (!checked.success) return refusal('invalid-app', checked.error.issues[0]?.message ?? i18n.t('refunding.settings.notAppName'));
    app = checked.data;
  }
  const others = connections.filter((_connection, position) => position !== index);
  if (app !== null && others.some((connection) => connection.appName === app)) {
    return refusal('duplicate-app', i18n.t('refunding.settings.duplicateApp', [app]));
  }
  if (app === null && others.some((connection) => connection.appName === null)) {
    return refusal('duplicate-unbound', i18n.t('refunding.settings.duplicateUnbound'));
  }
  // A key whose app is unchanged keeps how it was bound; a named app is the person's word.
  const boundBy = app === null ? null : editing?.appName === app ? editing.boundBy : 'person';
  const saved: KeapConnection = { appName: app, apiKey: key, apiHost, boundBy };
  const next = index === undefined ? [...connections, saved] : connections.map((connection, position) => (position === index ? saved : connection));
  await writeConnections(next);
  return { ok: true, connections: await statusesOf(next) };
}

export async function removeConnection({ index }: MessageData<'removeConnection'>): Promise<MessageOutput<'removeConnection'>> {
  const connections = await readConnections();
  const next = connections.filter((_connection, position) => position !== index);
  await writeConnections(next);
  return { ok: true, connections: await statusesOf(next) };
}

/** Asks Keap who the key belongs to; the answer names the account, or the exact problem. */
export async function testConnection({ apiKey, index, apiHost }: MessageData<'testConnection'>): Promise<MessageOutput<'testConnection'>> {
  let key: string | undefined;
  if (apiKey !== undefined) {
    const checked = apiKeySchema.safeParse(apiKey);
    if (!checked.success) return refusal('invalid-api-key', checked.error.issues[0]?.message ?? i18n.t('refunding.settings.keyNotValid'));
    key = checked.data;
  } else if (index !== undefined) {
    key = (await readConnections())[index]?.apiKey;
  }
  if (key === undefined) return refusal('not-configured', i18n.t('refunding.settings.pasteKeyFirst'));
  // Its own limiter: a test must neither wait behind the key's refunds nor use up their budget.
  const profile = await clientFor(key, apiHost, createRateLimiter()).getAccountProfile();
  if (!profile.ok) return { ok: false, error: profile.error };
  return { ok: true, appName: profile.value.name ?? i18n.t('refunding.settings.unnamedAccount'), accountName: profile.value.email ?? null };
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
