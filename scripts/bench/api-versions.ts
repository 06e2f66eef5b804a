import { createKeapClient, type KeapClient } from '@/lib/keap/client';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { createKeapV2Client } from '@/lib/keap/v2/client';
import { createVersionedKeapClient } from '@/lib/keap/versioned-client';
import { SEED } from '../../test/sandbox/seed';
import { startSandbox } from '../../test/sandbox/server';
import { formatBytes, type ResultRow } from './report';

/**
 * What loading a contact into the Refunds panel costs through Keap's REST v2 (the extension's
 * client, v2 first) and through REST v1 (the v1 client alone, as before): requests and the bytes of
 * Keap's answers. Each load is the background's contact load (the contact, its orders, its
 * transactions, the merchant accounts, every list checked) by a client new to the key, so anything
 * a client asks only once per session is counted.
 */

type ApiVersion = 'REST v2' | 'REST v1';

export interface ApiVersionLoad {
  contact: string;
  orders: number;
  version: ApiVersion;
  calls: number;
  /** Bytes of Keap's answer bodies. */
  bytes: number;
  /** Requests by path below /crm/rest. */
  byPath: Record<string, number>;
}

const CONTACTS = [
  { label: '50 orders', contactId: SEED.contacts.fiftyOrders, orders: SEED.generated.fiftyOrders.count },
  { label: '1,000 orders', contactId: SEED.contacts.thousandOrders, orders: SEED.generated.thousandOrders.count },
];

/** The background's contact load (lib/keap/contact-cache.ts), every list checked; throws if Keap's answer was not read. */
async function loadContact(client: KeapClient, contactId: number): Promise<void> {
  const [contact, orders, transactions, merchants] = await Promise.all([
    client.getContact(contactId),
    client.listOrdersForContact(contactId),
    client.listTransactionsForContact(contactId),
    client.listMerchants(),
  ]);
  for (const answer of [contact, orders, transactions, merchants]) if (!answer.ok) throw new Error(answer.error.message);
  const checked = [orders.ok && orders.value.all(), transactions.ok && transactions.value.all()];
  for (const list of checked) if (list && !list.ok) throw new Error(list.error.message);
}

export async function measureApiVersionLoads(): Promise<ApiVersionLoad[]> {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const loads: ApiVersionLoad[] = [];
    for (const contact of CONTACTS) {
      for (const version of ['REST v2', 'REST v1'] as const) {
        const byPath: Record<string, number> = {};
        let bytes = 0;
        const counting: typeof globalThis.fetch = async (input, init) => {
          const response = await fetch(input, init);
          const body = await response.arrayBuffer();
          const path = new URL(input instanceof Request ? input.url : input).pathname.replace(/^\/crm\/rest/, '');
          byPath[path] = (byPath[path] ?? 0) + 1;
          bytes += body.byteLength;
          return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        };
        const options = { apiKey: sandbox.apiKey, baseUrl: sandbox.apiBase, limiter: createRateLimiter(), fetch: counting };
        const client = version === 'REST v2' ? createVersionedKeapClient({ v1: createKeapClient(options), v2: createKeapV2Client(options) }) : createKeapClient(options);
        await loadContact(client, contact.contactId);
        const calls = Object.values(byPath).reduce((sum, count) => sum + count, 0);
        loads.push({ contact: contact.label, orders: contact.orders, version, calls, bytes, byPath });
      }
    }
    return loads;
  } finally {
    await sandbox.close();
  }
}

function describeLoad(load: ApiVersionLoad): string {
  const paths = Object.entries(load.byPath)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, count]) => `${path} ×${count}`)
    .join(', ');
  return `${load.version}: ${load.calls} calls, ${formatBytes(load.bytes)} (${paths})`;
}

/** One row per contact: REST v2 and REST v1 side by side. */
export function apiVersionRows(loads: readonly ApiVersionLoad[]): ResultRow[] {
  return CONTACTS.map((contact) => {
    const ofContact = loads.filter((load) => load.contact === contact.label);
    return {
      measurement: `Keap API calls and bytes to load a contact with ${contact.label}, through REST v2 and through REST v1`,
      result: ofContact.map(describeLoad).join('; '),
      target: 'side by side (none set)',
      verdict: '—',
    };
  });
}
