import type { Browser, BrowserPage } from 'happy-dom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxBrowser, sandboxRequest } from './happy-dom-app';
import { admin, apiGet, postRefund } from './http-helpers';
import { newerAppContactPath } from './newer-app';
import { NEWER_APP_FORMS, type NewerAppForm } from './newer-app-forms';
import { SEED } from './seed';
import { startSandbox, type Sandbox } from './server';

/**
 * Keap's newer app as the sandbox draws it on keap.app: its routes over HTTP, its data endpoints,
 * and its script run in happy-dom, whose requests to https://keap.app are sent to the sandbox with
 * that Host (as Chromium's --host-resolver-rules do in the e2e tests).
 */

let sandbox: Sandbox;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  browser = sandboxBrowser(sandbox);
});
afterEach(() => browser.close());

async function dataRequest<T = Record<string, unknown>>(route: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const answer = await sandboxRequest(sandbox, `/__newer-app/${route}`, { host: 'keap.app', method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: answer.status, body: JSON.parse(answer.text) as T };
}

/** Polls until `probe` yields a value (the app draws after delays and round trips). */
async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface OpenApp {
  page: BrowserPage;
  document: Document;
  window: Window;
}

async function openApp(path: string, form: NewerAppForm = 'cards', host = 'keap.app'): Promise<OpenApp> {
  sandbox.setNewerAppForm(form);
  const page = browser.newPage();
  await page.goto(`https://${host}${path}`);
  return { page, document: page.mainFrame.document as unknown as Document, window: page.mainFrame.window as unknown as Window };
}

function byText(root: ParentNode, selector: string, text: string): HTMLElement | undefined {
  return [...root.querySelectorAll<HTMLElement>(selector)].find((node) => node.textContent?.trim() === text);
}

function heading(document: Document): string | null {
  return document.querySelector('#app h1')?.textContent ?? null;
}

/** Page loads of the app's shell so far (its data requests are not counted). */
function shellLoads(): number {
  return Object.entries(sandbox.stats().byPath)
    .filter(([path]) => !path.startsWith('/__newer-app/'))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** The v1 API's view of an order, without the dates a second run cannot share. */
async function booksOf(orderId: number) {
  const withoutDates = (value: unknown) => JSON.parse(JSON.stringify(value, (key, inner: unknown) => (/date|last_updated/i.test(key) ? undefined : inner))) as unknown;
  const order = (await apiGet(sandbox, `/v1/orders/${orderId}`)).body;
  const payments = (await apiGet(sandbox, `/v1/orders/${orderId}/payments`)).body;
  const transactions = (await apiGet(sandbox, `/v1/transactions?contact_id=${SEED.contacts.demo}`)).body;
  return withoutDates({ order, payments, transactions });
}

interface TransactionsBody {
  transactions: { id: number; amount: number; type: string; status: string }[];
}
interface PaymentBody {
  id: number;
  amount: number;
  pay_status: string;
  refund_invoice_payment_id: number;
}

describe('hosts and routes over HTTP', () => {
  it('keap.app and infusionsoft.app answer one shell with one inline script for every path, whatever the route', async () => {
    const paths = [
      '/contacts/list/all',
      newerAppContactPath(SEED.contacts.demo),
      '/contacts/list/all/contact/1002/details',
      '/contacts/list/all/contact/1001/money',
      '/contacts/nowhere',
    ];
    const answers = await Promise.all(['keap.app', 'infusionsoft.app', 'keap.app:8443'].flatMap((host) => paths.map((path) => sandboxRequest(sandbox, path, { host }))));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.contentType).toContain('text/html');
      expect(answer.text).toBe(answers[0]?.text);
    }
    expect(answers[0]?.text.match(/<script\b/g)).toHaveLength(1);
    expect(answers[0]?.text).toContain('<main id="app">');
    expect(answers[0]?.text).not.toContain('Dana');
  });

  it('other hosts get the classic pages, and keap.app has none of them', async () => {
    expect((await sandboxRequest(sandbox, '/contacts/list/all', { host: `127.0.0.1:${sandbox.port}` })).status).toBe(404);
    const classicPath = `/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`;
    expect((await sandboxRequest(sandbox, classicPath, { host: 'refunddemo.infusionsoft.com' })).text).toContain('Dana Whitfield');
    expect((await sandboxRequest(sandbox, classicPath, { host: 'keap.app' })).text).not.toContain('Dana Whitfield');
    expect((await sandboxRequest(sandbox, '/contacts/list/all', { host: 'keap.app', method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('the data endpoints answer from the same state as the API', async () => {
    const contacts = await dataRequest<{ contacts: { id: number; name: string }[] }>('contacts');
    expect(contacts.body.contacts).toContainEqual({ id: SEED.contacts.demo, name: 'Dana Whitfield', email: 'dana.whitfield@example.com' });
    expect(contacts.body.contacts).toHaveLength(5);

    expect((await dataRequest(`contact/${SEED.contacts.demo}`)).body).toEqual({
      id: SEED.contacts.demo,
      name: 'Dana Whitfield',
      email: 'dana.whitfield@example.com',
      phone: '555-0101',
      company: 'Whitfield Studio',
      paymentCount: 16,
      noteCount: 1,
    });
    const payments = (
      await dataRequest<{ payments: { id: number; description: string; status: string; amountText: string; isRefund: boolean }[] }>(`contact/${SEED.contacts.demo}/payments`)
    ).body.payments;
    const payment = (id: number) => payments.find((candidate) => candidate.id === id);
    expect(payment(SEED.payments.twoPaymentsFirst)).toMatchObject({ description: 'Credit card payment', status: 'Paid', amountText: '$60.00', isRefund: false });
    expect(payment(SEED.payments.authorizeNet)?.status).toBe('Partially refunded');
    expect(payment(SEED.payments.authorizeNetEarlierRefund)).toMatchObject({ description: 'Refund', amountText: '-$20.00', isRefund: true });
    expect(payment(SEED.payments.paypalExpress)?.description).toBe('PayPal payment');
    expect(payment(SEED.payments.check)?.description).toBe('Check payment');
    expect(payment(SEED.payments.pending)?.status).toBe('Pending');
    expect(payment(SEED.payments.fullyRefunded)?.status).toBe('Refunded');

    expect((await dataRequest(`payment/${SEED.payments.authorizeNet}`)).body).toMatchObject({
      canRefund: true,
      refundableAmount: '60.00',
      refundableText: '$60.00',
      orderTitle: 'Coaching session pack',
      contactId: SEED.contacts.demo,
      invoicePayments: [{ id: SEED.payments.authorizeNet }, { id: SEED.payments.authorizeNetEarlierRefund }],
    });
    expect((await dataRequest(`payment/${SEED.payments.fullyRefunded}`)).body).toMatchObject({ canRefund: false, refundableAmount: '0.00' });

    expect((await dataRequest('contact/9999')).status).toBe(404);
    expect((await dataRequest('contact/9999/payments')).status).toBe(404);
    expect((await dataRequest('payment/9999')).status).toBe(404);
    expect((await dataRequest('nothing/here')).status).toBe(404);
    expect((await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`)).status).toBe(405);
    expect((await dataRequest('contacts', 'POST', {})).status).toBe(405);
  });
});

describe('choosing the form', () => {
  it('starts with cards, switches through the setter and the admin endpoint, refuses unknown names, and reset returns to the start form', async () => {
    expect(sandbox.newerAppForm()).toBe('cards');
    expect((await admin(sandbox, 'GET', 'newer-app')).body).toEqual({ form: 'cards' });
    expect(await admin(sandbox, 'POST', 'newer-app', { form: 'table' })).toMatchObject({ status: 200, body: { ok: true, form: 'table' } });
    expect(sandbox.newerAppForm()).toBe('table');
    const unknown = await admin(sandbox, 'POST', 'newer-app', { form: 'grid' });
    expect(unknown.status).toBe(400);
    for (const name of NEWER_APP_FORMS) expect((unknown.body as { message: string }).message).toContain(name);
    sandbox.reset();
    expect(sandbox.newerAppForm()).toBe('cards');

    const other = await startSandbox({ newerAppForm: 'table' });
    try {
      other.setNewerAppForm('cards');
      other.reset();
      expect(other.newerAppForm()).toBe('table');
    } finally {
      await other.close();
    }
  });
});

describe('the app in a browser', () => {
  it('draws the contact record at its route, Activity by default, and Page not found for unknown tabs and routes', async () => {
    const record = await openApp(`/contacts/list/all/contact/${SEED.contacts.demo}`);
    await waitFor(() => heading(record.document) === 'Dana Whitfield');
    expect(record.document.title).toBe('Dana Whitfield | Keap');
    expect(record.document.querySelector('[role="tab"][aria-selected="true"]')?.textContent).toBe('Activity');
    expect(record.document.querySelector('#activity-heading')?.textContent).toBe('Contact activity');

    const details = await openApp(newerAppContactPath(SEED.contacts.demo, 'details'), 'cards', 'infusionsoft.app');
    await waitFor(() => heading(details.document) === 'Dana Whitfield');
    expect(details.document.querySelector('[role="tab"][aria-selected="true"]')?.textContent).toBe('Details');
    expect(details.document.querySelector('dl.details')?.textContent).toContain('Whitfield Studio');

    // The path a public extension builds, without the list.
    const listless = await openApp(`/contacts/list/contact/${SEED.contacts.demo}/details`, 'table');
    await waitFor(() => heading(listless.document) === 'Dana Whitfield');

    for (const path of ['/contacts/list/all/contact/1001/money', '/contacts/list/all/contact/1001/activity/more', '/contacts/list/vip', '/settings']) {
      const unknown = await openApp(path);
      await waitFor(() => heading(unknown.document) === 'Page not found');
      expect(unknown.document.title).toBe('Page not found | Keap');
    }
    const missing = await openApp('/contacts/list/all/contact/9999/activity', 'table');
    await waitFor(() => heading(missing.document) === 'Contact not found');

    const home = await openApp('/');
    await waitFor(() => heading(home.document) === 'Contacts');
    expect(home.window.location.pathname).toBe('/contacts/list/all');
  });

  it.each(NEWER_APP_FORMS)('%s: moves between two contacts and back without a page load', async (form) => {
    const app = await openApp('/contacts/list/all', form);
    const { document, window } = app;
    await waitFor(() => byText(document, '#app a', 'Dana Whitfield'));
    (window as unknown as { loadedOnce: boolean }).loadedOnce = true;

    byText(document, '#app a', 'Dana Whitfield')?.click();
    await waitFor(() => heading(document) === 'Dana Whitfield');
    expect(window.location.pathname).toBe(newerAppContactPath(SEED.contacts.demo, form === 'cards' ? 'activity' : 'details'));

    byText(document, '#app a', form === 'cards' ? '← Contacts' : 'All contacts')?.click();
    await waitFor(() => byText(document, '#app a', 'Jordan Newcomer'));
    byText(document, '#app a', 'Jordan Newcomer')?.click();
    await waitFor(() => heading(document) === 'Jordan Newcomer');
    byText(document, '#app a', form === 'cards' ? 'Details' : 'Activity')?.click();
    await waitFor(() => window.location.pathname.endsWith(form === 'cards' ? '/details' : '/activity') && heading(document) === 'Jordan Newcomer');

    window.history.back();
    await waitFor(() => window.location.pathname.startsWith(`/contacts/list/all/contact/${SEED.contacts.noOrders}/`));
    window.history.back();
    await waitFor(() => heading(document) === (form === 'cards' ? 'Contacts' : 'All contacts'));
    window.history.back();
    await waitFor(() => heading(document) === 'Dana Whitfield');

    expect((window as unknown as { loadedOnce?: boolean }).loadedOnce).toBe(true);
    expect(shellLoads()).toBe(1);
  });

  it('the two forms draw the record, the Money list, the payment and its refund in different markup', async () => {
    const path = newerAppContactPath(SEED.contacts.demo);
    const cards = (await openApp(path, 'cards')).document;
    const moneyCard = await waitFor(() => cards.querySelector<HTMLElement>('[role="button"][aria-label="Money"]'));
    expect(cards.querySelectorAll('[role="tablist"] [role="tab"]')).toHaveLength(2);
    expect(cards.querySelector('table')).toBeNull();
    moneyCard.click();
    const cardsPayment = await waitFor(() => cards.querySelector<HTMLElement>('button.payment-card[aria-label="Credit card payment, $10.00, May 13, 2025, Paid"]'));
    cardsPayment.click();
    const drawer = await waitFor(() => cards.querySelector('[role="dialog"].payment-drawer'));
    expect(drawer.querySelector('h2')?.textContent).toBe('Credit card payment');
    expect(drawer.textContent).toContain('Payments for this invoice');
    byText(drawer, 'button', 'Refund')?.click();
    const amount = await waitFor(() => cards.querySelector<HTMLInputElement>('#refund-amount'));
    expect(amount.value).toBe('10.00');
    expect(cards.querySelector('label[for="refund-amount"]')?.textContent).toBe('Refund amount');
    expect(byText(cards, 'a', 'Confirm refund')).toBeDefined();

    const table = (await openApp(path, 'table')).document;
    const moneyButton = await waitFor(() => table.querySelector<HTMLElement>('h3 > button'));
    expect(moneyButton.textContent).toBe('Money');
    expect(table.querySelector('[role]')).toBeNull();
    expect([...table.querySelectorAll('nav.record-nav a')].map((link) => link.textContent)).toEqual(['Details', 'Activity']);
    moneyButton.click();
    const row = await waitFor(() => [...table.querySelectorAll('table.payments-table tbody tr')].find((candidate) => candidate.textContent?.includes('$10.00')));
    expect([...row.querySelectorAll('td')].map((cell) => cell.textContent)).toEqual(['05/13/2025', '$10.00', 'Credit card payment made', 'Paid']);
    row.querySelector<HTMLElement>('a.payment-link')?.click();
    const refund = await waitFor(() => table.querySelector<HTMLInputElement>('input[type="button"][value="Refund"]'));
    expect(table.querySelector('[role="dialog"]')).toBeNull();
    refund.click();
    await waitFor(() => byText(table, 'a', 'Click here to process the refund'));
    expect(table.querySelector('.confirm-box')?.textContent).toContain('The whole payment of $10.00 will be refunded');
    expect(table.querySelector('input:not([type="button"])')).toBeNull();
  });

  it('cards: a part of a payment refunded through the confirmation link shows the message and lands in the books', async () => {
    const { document } = await openApp(newerAppContactPath(SEED.contacts.demo), 'cards');
    (await waitFor(() => document.querySelector<HTMLElement>('[aria-label="Money"]'))).click();
    (await waitFor(() => document.querySelector<HTMLElement>('button.payment-card[aria-label^="Credit card payment, $80.00"]'))).click();
    (await waitFor(() => byText(document, '.payment-drawer button', 'Refund'))).click();
    (await waitFor(() => document.querySelector<HTMLInputElement>('#refund-amount'))).value = '25.00';
    (document.querySelector('#refund-reason') as HTMLInputElement).value = 'Missed session';
    byText(document, 'a', 'Confirm refund')?.click();

    const message = await waitFor(() => document.querySelector('.payment-drawer [role="status"]'));
    expect(message.textContent).toBe('Refund completed: $25.00 was refunded.');
    await waitFor(() => document.querySelector('.payment-drawer .invoice-payments')?.children.length === 3);
    expect(document.querySelector('.payment-drawer dl')?.textContent).toContain('Partially refunded');

    const order = (await apiGet<{ refund_total: number; total_due: number }>(sandbox, `/v1/orders/${SEED.orders.partiallyRefunded}`)).body;
    expect(order).toMatchObject({ refund_total: 45, total_due: 0 });
    const payments = (await apiGet<PaymentBody[]>(sandbox, `/v1/orders/${SEED.orders.partiallyRefunded}/payments`)).body;
    expect(payments.filter((payment) => payment.refund_invoice_payment_id === SEED.payments.authorizeNet).map((payment) => payment.amount)).toEqual([-20, -25]);
    const transactions = (await apiGet<TransactionsBody>(sandbox, `/v1/transactions?contact_id=${SEED.contacts.demo}`)).body.transactions;
    expect(transactions.filter((transaction) => transaction.type === 'REFUND').map((transaction) => transaction.amount)).toContain(25);
    expect(sandbox.state.payments.at(-1)?.note).toBe('Refund: Missed session');
  });

  it('table: the whole payment refunded through the confirmation link', async () => {
    const { document } = await openApp(newerAppContactPath(SEED.contacts.demo), 'table');
    (await waitFor(() => document.querySelector<HTMLElement>('h3 > button'))).click();
    const row = await waitFor(() => [...document.querySelectorAll('table.payments-table tbody tr')].find((candidate) => candidate.textContent?.includes('$10.00')));
    row.querySelector<HTMLElement>('a.payment-link')?.click();
    (await waitFor(() => document.querySelector<HTMLElement>('input[value="Refund"]'))).click();
    (await waitFor(() => byText(document, 'a', 'Click here to process the refund'))).click();

    const message = await waitFor(() => document.querySelector('.payment-detail .alert-success'));
    expect(message.textContent).toBe('The refund of $10.00 was completed.');
    await waitFor(() => document.querySelector('.payment-detail .detail-table')?.textContent?.includes('Refunded'));
    expect(document.querySelector('input[value="Refund"]')).toBeNull();
    const payments = (await apiGet<PaymentBody[]>(sandbox, `/v1/orders/${SEED.orders.stripeTest}/payments`)).body;
    expect(payments.find((payment) => payment.id === SEED.payments.stripeTest)?.pay_status).toBe('REFUNDED');
  });

  it.each(NEWER_APP_FORMS)('%s: a declined refund shows an error in the app and refunds nothing', async (form) => {
    sandbox.setFaults({ declinePayments: [SEED.payments.stripeTest] });
    const { document } = await openApp(newerAppContactPath(SEED.contacts.demo), form);
    (await waitFor(() => document.querySelector<HTMLElement>(form === 'cards' ? '[aria-label="Money"]' : 'h3 > button'))).click();
    if (form === 'cards') {
      (await waitFor(() => document.querySelector<HTMLElement>('button.payment-card[aria-label^="Credit card payment, $10.00"]'))).click();
      (await waitFor(() => byText(document, '.payment-drawer button', 'Refund'))).click();
      (await waitFor(() => byText(document, 'a', 'Confirm refund'))).click();
      const error = await waitFor(() => document.querySelector('.payment-drawer [role="alert"]'));
      expect(error.textContent).toBe('Refund failed: Declined by gateway. Nothing was refunded.');
    } else {
      const row = await waitFor(() => [...document.querySelectorAll('table.payments-table tbody tr')].find((candidate) => candidate.textContent?.includes('$10.00')));
      row.querySelector<HTMLElement>('a.payment-link')?.click();
      (await waitFor(() => document.querySelector<HTMLElement>('input[value="Refund"]'))).click();
      (await waitFor(() => byText(document, 'a', 'Click here to process the refund'))).click();
      const error = await waitFor(() => document.querySelector('.payment-detail .alert-error'));
      expect(error.textContent).toBe('The refund could not be completed (Declined by gateway). No money was refunded.');
    }
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['skipped-after-failure']);
    expect(sandbox.state.transactions.filter((transaction) => transaction.type === 'REFUND')).toHaveLength(2);
  });
});

describe('the confirmation endpoint', () => {
  it('a refund changes the books exactly as the classic dialog does', async () => {
    const refund = await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`, 'POST', { form: 'cards', amount: '60.00', reason: 'Customer asked' });
    expect(refund).toEqual({ status: 200, body: { refunded: true, message: 'Refund completed: $60.00 was refunded.' } });
    const afterNewerApp = await booksOf(SEED.orders.twoPayments);

    const transactions = (await apiGet<TransactionsBody>(sandbox, `/v1/transactions?contact_id=${SEED.contacts.demo}`)).body.transactions;
    expect(transactions.at(-1)).toMatchObject({ type: 'REFUND', status: 'APPROVED', amount: 60 });
    const order = (await apiGet<{ refund_total: number; total_paid: number; total_due: number }>(sandbox, `/v1/orders/${SEED.orders.twoPayments}`)).body;
    expect(order).toMatchObject({ refund_total: 60, total_paid: 120, total_due: 0 });

    sandbox.reset();
    const classic = await postRefund(sandbox, {
      orderId: SEED.orders.twoPayments,
      reason: 'Customer asked',
      method: 'refund',
      onFailure: 'skip',
      amountOwed: '0.00',
      payments: [{ paymentId: SEED.payments.twoPaymentsFirst, amount: '60.00' }],
    });
    expect(classic.status).toBe(200);
    expect(await booksOf(SEED.orders.twoPayments)).toEqual(afterNewerApp);
  });

  it('table refunds whole payments only: a part is refused and nothing changes', async () => {
    const before = await booksOf(SEED.orders.twoPayments);
    const partial = await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`, 'POST', { form: 'table', amount: '25.00' });
    expect(partial).toEqual({ status: 400, body: { message: 'This payment can only be refunded in full ($60.00).' } });
    expect(await booksOf(SEED.orders.twoPayments)).toEqual(before);
    expect(sandbox.state.refundLog).toEqual([]);

    const whole = await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`, 'POST', { form: 'table' });
    expect(whole).toEqual({ status: 200, body: { refunded: true, message: 'The refund of $60.00 was completed.' } });
    const again = await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`, 'POST', { form: 'table' });
    expect(again).toEqual({ status: 400, body: { message: 'This payment has nothing left to refund.' } });
  });

  it('a decline refunds nothing', async () => {
    sandbox.setFaults({ declinePayments: 'all' });
    const before = await booksOf(SEED.orders.twoPayments);
    const declined = await dataRequest(`payment/${SEED.payments.twoPaymentsFirst}/refund`, 'POST', { form: 'cards', amount: '10.00' });
    expect(declined).toEqual({ status: 422, body: { refunded: false, message: 'Refund failed: Declined by gateway. Nothing was refunded.' } });
    expect(await booksOf(SEED.orders.twoPayments)).toEqual(before);
  });

  it('refuses amounts the cards form would not send, unknown forms, refund payments and bodies that are not JSON', async () => {
    const route = `payment/${SEED.payments.twoPaymentsFirst}/refund`;
    for (const amount of ['0', '60.01', 'ten']) {
      expect(await dataRequest(route, 'POST', { form: 'cards', amount })).toEqual({ status: 400, body: { message: 'Enter an amount between 0.01 and 60.00.' } });
    }
    expect((await dataRequest(route, 'POST', { form: 'grid' })).status).toBe(400);
    expect((await dataRequest(`payment/${SEED.payments.authorizeNetEarlierRefund}/refund`, 'POST', { form: 'cards' })).status).toBe(404);
    expect((await sandboxRequest(sandbox, `/__newer-app/${route}`, { host: 'keap.app', method: 'POST', body: '{not json' })).status).toBe(400);
    expect(sandbox.state.refundLog).toEqual([]);
  });
});
