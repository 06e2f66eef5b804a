import { i18n } from '#i18n';
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { KEAP_API_HOSTS } from '@/lib/keap-hosts';

/**
 * Refund Desk's Keap connections: one API key per Keap app (agencies run several). Read only by
 * the background, and defined here rather than in lib/settings.ts so that no bundle of a page or
 * content script that imports the settings schema names them.
 */

export const keapAppNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: () => i18n.t('refunding.access.appNameFormat') });

export const keapConnectionSchema = z.object({
  /** The Keap app the key belongs to (acme of acme.infusionsoft.com); null until it is known. */
  appName: keapAppNameSchema.nullable(),
  apiKey: z.string(),
  apiHost: z.enum(KEAP_API_HOSTS),
  /** Named by the person in options, or found by a Keap page whose contact matched the key's API. */
  boundBy: z.enum(['person', 'page']).nullable(),
});
export type KeapConnection = z.infer<typeof keapConnectionSchema>;

export const keapConnectionsItem = storage.defineItem<KeapConnection[]>('local:keapConnections', { fallback: [] });

/** The single key of versions before connections, kept until it is moved into one. */
const legacyApiKeyItem = storage.defineItem<string | null>('local:apiKey', { fallback: null });
const legacyApiHostSchema = z.object({ apiHost: z.enum(KEAP_API_HOSTS) });
const legacySettingsItem = storage.defineItem<unknown>('local:settings', { fallback: null });

/** The stored connections; a key saved by an earlier version becomes one connection, not yet bound to an app. */
export async function readConnections(): Promise<KeapConnection[]> {
  const stored = z.array(keapConnectionSchema).safeParse(await keapConnectionsItem.getValue());
  const connections = stored.success ? stored.data : [];
  const legacyKey = await legacyApiKeyItem.getValue();
  if (legacyKey === null) return connections;
  const legacyHost = legacyApiHostSchema.safeParse(await legacySettingsItem.getValue());
  const moved: KeapConnection = { appName: null, apiKey: legacyKey, apiHost: legacyHost.success ? legacyHost.data.apiHost : 'api.infusionsoft.com', boundBy: null };
  const merged = connections.some((connection) => connection.apiKey === legacyKey) ? connections : [...connections, moved];
  await keapConnectionsItem.setValue(merged);
  await legacyApiKeyItem.removeValue();
  return merged;
}

export async function writeConnections(connections: KeapConnection[]): Promise<void> {
  await keapConnectionsItem.setValue(connections);
}
