import { i18n } from '#i18n';
import { storage } from 'wxt/utils/storage';
import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import { type ContactCache, createContactCache } from '@/lib/keap/contact-cache';
import { createRateLimiter, type RateLimiter } from '@/lib/keap/rate-limiter';
import { createKeapV2Client } from '@/lib/keap/v2/client';
import { createVersionedKeapClient } from '@/lib/keap/versioned-client';
import { apiBaseUrl, type KeapApiHost } from '@/lib/keap-hosts';
import type { AppError } from '@/lib/messaging/messages';
import { type KeapConnection, readConnections } from './api-key';

export const notConfiguredError: AppError = {
  kind: 'not-configured',
  message: i18n.t('refunding.access.notConfigured'),
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

/**
 * The v2 endpoints each connection's Keap account answered only in REST v1 (versioned-client.ts),
 * for the options page to say so. By a digest of host and key, so the key is not stored twice.
 */
const v1OnlyEndpointsItem = storage.defineItem<Record<string, string[]>>('local:keapV1OnlyEndpoints', { fallback: {} });

async function connectionDigest(apiHost: KeapApiHost, apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${apiHost}\n${apiKey}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Reports are written one after another, so two endpoints reported at once are both kept. */
let v1OnlyWrites: Promise<void> = Promise.resolve();

function recordV1Only(apiHost: KeapApiHost, apiKey: string, endpoint: string): void {
  v1OnlyWrites = v1OnlyWrites
    .then(async () => {
      const id = await connectionDigest(apiHost, apiKey);
      const all = await v1OnlyEndpointsItem.getValue();
      const known = all[id] ?? [];
      if (!known.includes(endpoint)) await v1OnlyEndpointsItem.setValue({ ...all, [id]: [...known, endpoint] });
    })
    .catch((error: unknown) => console.warn(`Refund Desk could not note that Keap answered ${endpoint} only in REST v1: ${String(error)}`));
}

/** The v2 endpoints this connection's account answered only in REST v1, in the order first met. */
export async function v1OnlyEndpointsOf(connection: KeapConnection): Promise<string[]> {
  await v1OnlyWrites;
  return (await v1OnlyEndpointsItem.getValue())[await connectionDigest(connection.apiHost, connection.apiKey)] ?? [];
}

/** Keap's default API, REST v2, with REST v1 where v2 lacks something; a v2 endpoint the account lacks is recorded for options. */
export function clientFor(apiKey: string, apiHost: KeapApiHost, limiter: RateLimiter): KeapClient {
  const options = { apiKey, baseUrl: apiBaseUrl(apiHost), limiter };
  return createVersionedKeapClient({
    v1: createKeapClient(options),
    v2: createKeapV2Client(options),
    onV1Only: (endpoint) => recordV1Only(apiHost, apiKey, endpoint),
  });
}

export interface KeapAccess {
  client: KeapClient;
  contacts: ContactCache;
  connection: KeapConnection;
  /** The key's limiter: a refund queue reads from it how much of today's quota is left. */
  limiter: RateLimiter;
}

/** Accesses by key and host: a cache belongs to one key, so a new key never sees the old key's data. */
const accesses = new Map<string, KeapAccess>();

function accessFor(connection: KeapConnection): KeapAccess {
  const identity = `${connection.apiHost}\n${connection.apiKey}`;
  let access = accesses.get(identity);
  if (!access) {
    const limiter = limiterFor(connection.apiKey);
    const client = clientFor(connection.apiKey, connection.apiHost, limiter);
    access = { client, contacts: createContactCache({ client }), connection, limiter };
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
        ? i18n.t('refunding.access.otherAppKey', [new Intl.ListFormat(undefined, { type: 'conjunction' }).format(apps), appAddress(appName)])
        : i18n.t('refunding.access.notCheckedYet', [appAddress(appName)]),
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
        message: i18n.t('refunding.access.newerAppSeveralKeys'),
      },
    };
  }
  return { ok: true, access: accessFor(only) };
}
