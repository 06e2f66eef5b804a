import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import { type ContactCache, createContactCache } from '@/lib/keap/contact-cache';
import { createRateLimiter, type RateLimiter } from '@/lib/keap/rate-limiter';
import { apiBaseUrl, type KeapApiHost } from '@/lib/keap-hosts';
import type { AppError } from '@/lib/messaging/messages';
import { type KeapConnection, readConnections } from './api-key';

export const notConfiguredError: AppError = {
  kind: 'not-configured',
  message: 'Add your Keap API key in Refund Desk options first (Keap: Settings → API Settings).',
};

/** Keap's limits are per key: each key gets its own limiter, kept while its access is. */
const limiters = new Map<string, RateLimiter>();

function limiterFor(apiKey: string): RateLimiter {
  let limiter = limiters.get(apiKey);
  if (!limiter) {
    limiter = createRateLimiter();
    limiters.set(apiKey, limiter);
  }
  return limiter;
}

export function clientFor(apiKey: string, apiHost: KeapApiHost, limiter: RateLimiter = limiterFor(apiKey)): KeapClient {
  return createKeapClient({ apiKey, baseUrl: apiBaseUrl(apiHost), limiter });
}

export interface KeapAccess {
  client: KeapClient;
  contacts: ContactCache;
  connection: KeapConnection;
}

/** Accesses by key and host: a cache belongs to one key, so a new key never sees the old key's data. */
const accesses = new Map<string, KeapAccess>();

function accessFor(connection: KeapConnection): KeapAccess {
  const identity = `${connection.apiHost}\n${connection.apiKey}`;
  let access = accesses.get(identity);
  if (!access) {
    const client = clientFor(connection.apiKey, connection.apiHost);
    access = { client, contacts: createContactCache({ client }), connection };
    accesses.set(identity, access);
  }
  return { ...access, connection };
}

function appAddress(appName: string): string {
  return `${appName}.infusionsoft.com`;
}

export type AccessResult = { ok: true; access: KeapAccess } | { ok: false; error: AppError; unbound?: KeapAccess };

/**
 * The access for Keap app `appName`: its own key, read from storage each time (the service worker
 * may have restarted). Without one, the error names the apps the keys belong to; `unbound` is a key
 * not yet bound to any app, which a page of this app may prove to be its own.
 */
export async function storedAccess(appName: string): Promise<AccessResult> {
  const connections = await readConnections();
  if (connections.length === 0) return { ok: false, error: notConfiguredError };
  const bound = connections.find((connection) => connection.appName === appName.toLowerCase());
  if (bound) return { ok: true, access: accessFor(bound) };
  const unbound = connections.find((connection) => connection.appName === null);
  const apps = connections.flatMap((connection) => (connection.appName ? [appAddress(connection.appName)] : []));
  const error: AppError = {
    kind: 'other-app',
    message:
      apps.length > 0
        ? `Your API key is for ${apps.join(' and ')}, not ${appAddress(appName)}. Add a key for this Keap app in Refund Desk options.`
        : `Refund Desk has not yet checked that your API key belongs to ${appAddress(appName)}.`,
  };
  return unbound ? { ok: false, error, unbound: accessFor(unbound) } : { ok: false, error };
}

/**
 * The access for a page of Keap's newer app, whose address (keap.app, infusionsoft.app) names no
 * Keap app: the one key Refund Desk has, bound to an app or not. The page cannot prove a key its
 * own as a classic page can (nothing binds a key to keap.app), so the Refunds panel shows amounts
 * only once the page shows the contact Keap's API has under the id. With several keys there is no
 * telling whose contact the page shows.
 */
export async function newerAppAccess(): Promise<AccessResult> {
  const connections = await readConnections();
  const [only] = connections;
  if (only === undefined) return { ok: false, error: notConfiguredError };
  if (connections.length > 1) {
    return {
      ok: false,
      error: {
        kind: 'other-app',
        message: "Keap's newer app does not say which Keap app a page belongs to, and Refund Desk has API keys for several apps, so it cannot tell which one to use here.",
      },
    };
  }
  return { ok: true, access: accessFor(only) };
}
