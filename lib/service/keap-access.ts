import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import { type ContactCache, createContactCache } from '@/lib/keap/contact-cache';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { apiBaseUrl, type KeapApiHost } from '@/lib/keap-hosts';
import type { AppError } from '@/lib/messaging/protocol';
import { readSettings } from '@/lib/settings';
import { apiKeyItem } from './api-key';

/** One limiter for every caller in this background, so all requests share Keap's per-key limits. */
const sharedLimiter = createRateLimiter();

export const notConfiguredError: AppError = {
  kind: 'not-configured',
  message: 'Add your Keap API key in Refund Desk options first (Keap: Settings → API Settings).',
};

export function clientFor(apiKey: string, apiHost: KeapApiHost): KeapClient {
  return createKeapClient({ apiKey, baseUrl: apiBaseUrl(apiHost), limiter: sharedLimiter });
}

export interface KeapAccess {
  client: KeapClient;
  contacts: ContactCache;
}

/** The cache belongs to one key and host: a new key must not see the old key's data. */
let current: { identity: string; access: KeapAccess } | null = null;

/** Access with the stored key, read from storage each time: the service worker may have restarted. */
export async function storedAccess(): Promise<{ ok: true; access: KeapAccess } | { ok: false; error: AppError }> {
  const [apiKey, settings] = await Promise.all([apiKeyItem.getValue(), readSettings()]);
  if (!apiKey) return { ok: false, error: notConfiguredError };
  const identity = `${settings.apiHost}\n${apiKey}`;
  if (current?.identity !== identity) {
    const client = clientFor(apiKey, settings.apiHost);
    current = { identity, access: { client, contacts: createContactCache({ client }) } };
  }
  return { ok: true, access: current.access };
}
