import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, apiGet, apiPost } from './http-helpers';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';

interface OrderListBody {
  count: number;
  next: string;
  previous: string;
  orders: { id: number; total_due: number; order_date: string }[];
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

describe('auth like Keap', () => {
  it('answers 401 with the gateway fault body when the key is missing or wrong', async () => {
    const expected = { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } };
    for (const key of [null, 'KeapAK-wrong']) {
      const answer = await apiGet(sandbox, '/v1/account/profile', key);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(expected);
    }
  });

  it('lets the read-only key read the profile but answers 403 in the v2 error shape elsewhere', async () => {
    expect((await apiGet(sandbox, '/v1/account/profile', SEED.readOnlyApiKey)).status).toBe(200);
    const denied = await apiGet<{ code: number; message: string; status: string; details: unknown[] }>(sandbox, '/v1/orders', SEED.readOnlyApiKey);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 403, status: 'Forbidden' });
    expect(denied.body.message).toMatch(/permission/);
    expect(denied.body.details).toEqual([{ domain: 'crm', resource: '/v1/orders' }]);
    expect((await apiPost(sandbox, '/v1/notes', { contact_id: SEED.contacts.demo, title: 'x' }, SEED.readOnlyApiKey)).status).toBe(403);
  });

  it('user info: the user for the full key, 401 for a wrong key, 403 for the read-only key', async () => {
    const user = await apiGet(sandbox, '/v1/oauth/connect/userinfo');
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ given_name: 'Riley', family_name: 'Admin', email: 'riley.admin@refunddemo.example.com', is_admin: true });
    expect((await apiGet(sandbox, '/v1/oauth/connect/userinfo', 'KeapAK-wrong')).status).toBe(401);
    expect((await apiGet(sandbox, '/v1/oauth/connect/userinfo', SEED.readOnlyApiKey)).status).toBe(403);
    expect((await apiGet(sandbox, '/v1/oauth/connect/other')).status).toBe(404);
  });

  it('does not guard the pages or the admin routes with the key', async () => {
    const page = await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`);
    expect(page.status).toBe(200);
    expect((await admin(sandbox, 'GET', 'stats')).status).toBe(200);
  });
});

describe('orders pagination', () => {
  it('walks all 1,000 orders of the big contact with limit and offset, with Keap-style links', async () => {
    const seen = new Set<number>();
    let offset = 0;
    for (;;) {
      const page = await apiGet<OrderListBody>(sandbox, `/v1/orders?contact_id=${SEED.contacts.thousandOrders}&limit=300&offset=${offset}`);
      expect(page.body.count).toBe(1000);
      if (page.body.orders.length === 0) break;
      page.body.orders.forEach((order) => seen.add(order.id));
      const next = new URL(page.body.next);
      expect(next.origin).toBe(sandbox.origin);
      expect(next.pathname).toBe('/crm/rest/v1/orders/');
      expect(next.searchParams.get('contact_id')).toBe(String(SEED.contacts.thousandOrders));
      expect(Number(next.searchParams.get('offset'))).toBe(offset + 300);
      expect(Number(new URL(page.body.previous).searchParams.get('offset'))).toBe(Math.max(0, offset - 300));
      offset += 300;
    }
    expect(seen.size).toBe(1000);
    expect(offset).toBe(1200);
  });

  it('builds next from the Host the request came to, and the link works', async () => {
    // fetch may not set Host, so this request goes through node:http as a mapped browser's would arrive.
    const body = await new Promise<OrderListBody>((resolve, reject) => {
      const request = http.get(
        `${sandbox.apiBase}/v1/orders?contact_id=${SEED.contacts.fiftyOrders}&limit=20`,
        { headers: { 'X-Keap-API-Key': sandbox.apiKey, Host: 'api.infusionsoft.com' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve(JSON.parse(text) as OrderListBody));
        },
      );
      request.on('error', reject);
    });
    expect(body.next).toBe(`http://api.infusionsoft.com/crm/rest/v1/orders/?contact_id=${SEED.contacts.fiftyOrders}&limit=20&offset=20`);
    const followed = await apiGet<OrderListBody>(sandbox, new URL(body.next).pathname.replace('/crm/rest', '') + new URL(body.next).search);
    expect(followed.body.orders.map((order) => order.id)).toEqual(Array.from({ length: 20 }, (_, index) => SEED.generated.fiftyOrders.firstOrderId + 20 + index));
  });

  it('defaults to and caps at 1,000 a page', async () => {
    const uncapped = await apiGet<OrderListBody>(sandbox, '/v1/orders?limit=5000');
    expect(uncapped.body.orders).toHaveLength(1000);
    expect(uncapped.body.count).toBeGreaterThan(1000);
    expect(new URL(uncapped.body.next).searchParams.get('limit')).toBe('1000');
    expect((await apiGet<OrderListBody>(sandbox, '/v1/orders')).body.orders).toHaveLength(1000);
  });

  it('filters by paid, since/until and sorts by order_date most recent first', async () => {
    const contact = SEED.contacts.demo;
    const paid = await apiGet<OrderListBody>(sandbox, `/v1/orders?contact_id=${contact}&paid=true`);
    expect(paid.body.orders.every((order) => order.total_due === 0)).toBe(true);
    const sorted = await apiGet<OrderListBody>(sandbox, `/v1/orders?contact_id=${contact}&order=order_date`);
    const dates = sorted.body.orders.map((order) => Date.parse(order.order_date));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const since = new Date(dates[2] ?? 0).toISOString();
    const recent = await apiGet<OrderListBody>(sandbox, `/v1/orders?contact_id=${contact}&since=${since}`);
    expect(recent.body.count).toBe(3);
  });

  it('rejects a limit that is not a number', async () => {
    expect((await apiGet(sandbox, '/v1/orders?limit=lots')).status).toBe(400);
  });
});

describe('notes', () => {
  it('reads back a created note, and the contact page lists it as text', async () => {
    const created = await apiPost<{ id: number }>(sandbox, '/v1/notes', {
      contact_id: SEED.contacts.noOrders,
      title: 'Refund <issued>',
      body: 'Refunded $10.00',
      type: 'Other',
      user_id: 1,
    });
    expect(created.status).toBe(201);
    const list = await apiGet<{ count: number; notes: { id: number; title: string; body: string }[] }>(sandbox, `/v1/notes?contact_id=${SEED.contacts.noOrders}`);
    expect(list.body.count).toBe(1);
    expect(list.body.notes[0]).toMatchObject({ id: created.body.id, title: 'Refund <issued>', body: 'Refunded $10.00' });
    const page = await (await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.noOrders}`)).text();
    expect(page).toContain('Refund &lt;issued&gt;');
  });

  it('answers 400 without contact_id, or with neither title nor body', async () => {
    expect((await apiPost(sandbox, '/v1/notes', { title: 'x' })).status).toBe(400);
    expect((await apiPost(sandbox, '/v1/notes', { contact_id: SEED.contacts.demo })).status).toBe(400);
  });
});

describe('admin routes', () => {
  it('serves the state and resets it', async () => {
    await apiPost(sandbox, '/v1/notes', { contact_id: SEED.contacts.demo, title: 'temp' });
    const before = (await admin(sandbox, 'GET', 'state')).body as { notes: unknown[] };
    expect(before.notes).toHaveLength(3);
    await admin(sandbox, 'POST', 'reset');
    expect(sandbox.state.notes).toHaveLength(2);
    expect(sandbox.stats().requests).toBe(0);
  });

  it('rejects faults it does not understand', async () => {
    expect((await admin(sandbox, 'POST', 'faults', { serverErrors: { count: -1 } })).status).toBe(400);
  });
});
