import { vi } from 'vitest';
import { KEAP_API_HOSTS } from '@/lib/keap-hosts';
import type { Sandbox } from '@/test/sandbox/server';

export interface KeapApiCall {
  /** The Keap API host the code asked for, e.g. api.keap.com. */
  host: string;
  /** The path below the host, e.g. /crm/rest/v1/account/profile. */
  path: string;
  /** The key sent in `X-Keap-API-Key`. */
  apiKey: string | null;
}

/**
 * Sends requests for Keap's API hosts (`https://api.infusionsoft.com/…`, `https://api.keap.com/…`)
 * to the sandbox CRM, with `vi.stubGlobal('fetch', …)`, so code that builds Keap's real URLs (the
 * background's `clientFor`) talks to the sandbox. Any other URL goes out unchanged. Returns every
 * call to Keap's API, in order. `vi.unstubAllGlobals()` undoes it.
 */
export function routeKeapApiToSandbox(sandbox: Sandbox): KeapApiCall[] {
  const calls: KeapApiCall[] = [];
  const realFetch = globalThis.fetch;
  const sandboxOrigin = new URL(sandbox.apiBase).origin;
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'https:' || !(KEAP_API_HOSTS as readonly string[]).includes(url.hostname)) return realFetch(input, init);
    calls.push({ host: url.hostname, path: url.pathname, apiKey: new Headers(init?.headers).get('x-keap-api-key') });
    return realFetch(`${sandboxOrigin}${url.pathname}${url.search}`, init);
  });
  return calls;
}
