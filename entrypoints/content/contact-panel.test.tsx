// @vitest-environment happy-dom
import { within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { classicContactPage } from './classic-contact-page';
import { runRefundsPanel, type ContactPageKind } from './contact-panel';
import { newerAppContactPage } from '../newer-app-contact.content/newer-app-contact-page';
import { contactOrderRow } from '@/lib/panel/test-fixtures';

/** What the content script asks the background, answered by each test. */
const callBackground = vi.hoisted(() => vi.fn<(name: string, data: Record<string, unknown>) => Promise<unknown>>());
vi.mock('@/lib/messaging/call-background', () => ({ backgroundCaller: () => callBackground }));
vi.mock('@/lib/messaging/tab-protocol', () => ({ tabMessenger: { onMessage: () => () => undefined }, isFromBackground: () => false }));
vi.mock('wxt/browser', () => ({ browser: { runtime: { id: 'refund-desk' } } }));

const NAMES: Record<number, string> = { 1001: 'Dana Whitfield', 1002: 'Sam Ortiz' };

function orderRow(orderId: number, orderDate = '2025-01-10'): ContactOrderRow {
  return contactOrderRow(orderId, {}, { orderDate });
}

/** Keap's API as the background answers it: contact 1001 has order 5001, contact 1002 order 6001. */
function contactOrders(contactId: number) {
  const orders = [orderRow(contactId === 1001 ? 5001 : 6001)];
  return { ok: true, contactId, contactName: NAMES[contactId] ?? 'Someone', orders, orderCount: orders.length };
}

/** An answer that comes only when the test says so. */
function later<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

let controller: AbortController;
beforeEach(() => {
  controller = new AbortController();
  callBackground.mockReset();
  callBackground.mockImplementation((name, data) => Promise.resolve(name === 'getContactOrders' ? contactOrders(data.contactId as number) : { ok: true }));
});
afterEach(() => {
  controller.abort();
  document.body.innerHTML = '';
});

function goTo(url: string): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
}

const hosts = () => document.querySelectorAll('[data-refund-desk="panel"]');
function panel(): HTMLElement {
  expect(hosts()).toHaveLength(1);
  return within(hosts()[0]!.shadowRoot as unknown as HTMLElement).getByRole('region', { name: 'Refunds' });
}
const contactOfPanel = () => Number(panel().getAttribute('data-contact-id'));
const refundButtons = () =>
  within(panel())
    .queryAllByRole('button', { name: /^Refund order #/ })
    .map((button) => button.textContent);
const asked = (contactId: number) => callBackground.mock.calls.filter(([name, data]) => name === 'getContactOrders' && data.contactId === contactId);

function start(kind: ContactPageKind): void {
  runRefundsPanel(kind, controller.signal);
}

describe("the Refunds panel on Keap's newer app", () => {
  /** A contact record the way the newer app might draw one; nothing public shows its markup. */
  function drawRecord(contactId: number, extra = ''): void {
    document.querySelector('main')!.innerHTML =
      `<header><h1>${NAMES[contactId]}</h1></header><section id="details"><h2>Details</h2></section>` +
      `<section id="activity"><h2>Contact activity</h2><div role="button">Money</div>${extra}</section>`;
  }
  /** The app moves to `path` without a page load, then draws what is there. */
  async function appMovesTo(path: string, draw: () => void): Promise<void> {
    history.pushState(null, '', path);
    draw();
    await Promise.resolve();
  }

  beforeEach(() => {
    goTo('https://keap.app/contacts/list/all/contact/1001/activity');
    document.body.innerHTML = '<nav><a href="/contacts/list/all">Contacts</a><a href="/activity">Activity</a></nav><main></main>';
    drawRecord(1001);
  });

  it('shows one panel just before the contact activity section, with refund buttons for the API’s orders', async () => {
    start(newerAppContactPage);
    expect(hosts()[0]?.nextElementSibling?.id).toBe('activity');
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    expect(contactOfPanel()).toBe(1001);
    expect(within(panel()).getByText("Orders come from Keap's API (the page's payments list was not found).")).toBeTruthy();
  });

  it('opens the side panel through the same message as on classic pages', async () => {
    start(newerAppContactPage);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    Object.defineProperty(click, 'isTrusted', { value: true });
    within(panel()).getByRole('button', { name: 'Refund order #5001' }).dispatchEvent(click);
    expect(callBackground).toHaveBeenCalledWith('openRefundPanel', { contactId: 1001, orderId: 5001 });
  });

  it('moving to another contact aborts the last contact’s load and redraws the one panel for the next', async () => {
    const slowAnswer = later<unknown>();
    callBackground.mockImplementationOnce(() => slowAnswer.promise);
    start(newerAppContactPage);
    expect(asked(1001)).toHaveLength(1);

    await appMovesTo('/contacts/list/all/contact/1002/details', () => drawRecord(1002));
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #6001']));
    expect(contactOfPanel()).toBe(1002);

    // The first contact's answer comes late: it was for a visit that has ended.
    slowAnswer.resolve(contactOrders(1001));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(contactOfPanel()).toBe(1002);
    expect(refundButtons()).toEqual(['Refund order #6001']);
    expect(hosts()).toHaveLength(1);
  });

  it('aborts what it watched and waited for the last contact, and watches the next one’s page afresh', async () => {
    const visits: { signal: AbortSignal }[] = [];
    const waits: AbortSignal[] = [];
    start({
      ...newerAppContactPage,
      watchList(report, signal) {
        visits.push({ signal });
        newerAppContactPage.watchList(report, signal);
      },
      showsContact(name, signal) {
        waits.push(signal);
        return newerAppContactPage.showsContact(name, signal);
      },
    });
    await vi.waitFor(() => expect(waits).toHaveLength(1));
    await appMovesTo('/contacts/list/all/contact/1002/details', () => drawRecord(1002));
    await vi.waitFor(() => expect(waits).toHaveLength(2));
    expect(visits.map((visit) => visit.signal.aborted)).toEqual([true, false]);
    expect(waits.map((signal) => signal.aborted)).toEqual([true, false]);
  });

  it('stays with the contact when only its tab changes', async () => {
    start(newerAppContactPage);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    await appMovesTo('/contacts/list/all/contact/1001/details', () => drawRecord(1001));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(asked(1001)).toHaveLength(1);
    expect(refundButtons()).toEqual(['Refund order #5001']);
  });

  it('removes itself on a page that is no contact, and comes back, once, on the next contact', async () => {
    start(newerAppContactPage);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    await appMovesTo('/contacts/list/all', () => (document.querySelector('main')!.innerHTML = '<h1>Contacts</h1><ul><li><h3>Dana Whitfield</h3></li></ul>'));
    await vi.waitFor(() => expect(hosts()).toHaveLength(0));

    await appMovesTo('/contacts/list/contact/1002/details', () => drawRecord(1002));
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #6001']));
    expect(hosts()).toHaveLength(1);
  });

  it('waits for the app to draw the contact it moved to before showing amounts', async () => {
    start(newerAppContactPage);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    // The app changes its address first, and draws the next record once it has fetched it.
    await appMovesTo('/contacts/list/all/contact/1002/details', () => (document.querySelector('main')!.innerHTML = '<p>Loading…</p>'));
    await vi.waitFor(() => expect(asked(1002)).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(within(panel()).getByText("Checking amounts with Keap's API…")).toBeTruthy();
    expect(refundButtons()).toEqual([]);
    drawRecord(1002);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #6001']));
  });

  it('moves beside the activity section when the app draws it after the panel', async () => {
    document.querySelector('main')!.innerHTML = `<h1>${NAMES[1001]}</h1>`;
    start(newerAppContactPage);
    expect(hosts()[0]?.parentElement?.tagName).toBe('MAIN');
    drawRecord(1001);
    await vi.waitFor(() => expect(hosts()[0]?.nextElementSibling?.id).toBe('activity'));
    expect(hosts()).toHaveLength(1);
  });

  it('compares a payments list it recognises with the API’s orders, and names what the API lacks', async () => {
    drawRecord(1001, '<table><tr><td>01/10/2025</td><td>$60.00</td></tr><tr><td>03/01/2025</td><td>$500.00</td></tr></table>');
    start(newerAppContactPage);
    const disagreements = await vi.waitFor(() => within(panel()).getByRole('list', { name: "Where the page and Keap's API disagree" }));
    expect(disagreements.textContent).toBe("The page shows $500.00 on 2025-03-01, which none of this contact's orders in Keap's API accounts for.");
    expect(within(panel()).queryByText(/payments list was not found/)).toBeNull();
    expect(refundButtons()).toEqual(['Refund order #5001']);
  });

  it('is gone, with everything it watched, when the script stops', async () => {
    start(newerAppContactPage);
    await vi.waitFor(() => expect(refundButtons()).toEqual(['Refund order #5001']));
    controller.abort();
    expect(hosts()).toHaveLength(0);
    await appMovesTo('/contacts/list/contact/1002/details', () => drawRecord(1002));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hosts()).toHaveLength(0);
    expect(asked(1002)).toHaveLength(0);
  });
});

describe('the Refunds panel on a classic contact record', () => {
  const contactUrl = (contactId: number) => `https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=${contactId}`;
  function contactContent(contactId: number): string {
    const orderId = contactId === 1001 ? 5001 : 6001;
    return (
      `<div id="contactContent"><h1>${NAMES[contactId]}</h1><ul class="tabs"><li id="tab_orders"><a id="tab_link_orders">Orders</a></li></ul>` +
      `<table><thead><tr><th>Order ID</th><th>Date</th><th>Title</th><th>Total</th></tr></thead><tbody><tr><td>${orderId}</td><td>01/10/2025</td><td>Order ${orderId}</td><td>$60.00</td></tr></tbody></table></div>`
    );
  }

  it("shows the page's orders above the tabs and follows Next Contact's in-page swap", async () => {
    goTo(contactUrl(1001));
    document.body.innerHTML = contactContent(1001);
    start(classicContactPage);
    expect(hosts()[0]?.nextElementSibling?.matches('ul.tabs')).toBe(true);
    expect(refundButtons()).toEqual(['Refund order #5001']);
    await vi.waitFor(() => expect(within(panel()).queryByText("Checking amounts with Keap's API…")).toBeNull());

    // Keap's Next Contact link: the other contact's content replaces this one's, then pushState.
    document.getElementById('contactContent')!.outerHTML = contactContent(1002);
    history.pushState(null, '', contactUrl(1002));
    document.body.append(document.createElement('span'));
    await vi.waitFor(() => expect(contactOfPanel()).toBe(1002));
    expect(refundButtons()).toEqual(['Refund order #6001']);
    expect(hosts()[0]?.nextElementSibling?.matches('ul.tabs')).toBe(true);
  });

  it('adds the chosen order to the refund queue and says what the queue took', async () => {
    callBackground.mockImplementation((name, data) =>
      Promise.resolve(name === 'getContactOrders' ? contactOrders(data.contactId as number) : name === 'addOrdersToQueue' ? { ok: true, added: 1 } : { ok: true }),
    );
    goTo(contactUrl(1001));
    document.body.innerHTML = contactContent(1001);
    start(classicContactPage);
    const choose = await vi.waitFor(() => within(panel()).getByRole('checkbox', { name: 'Choose order #5001 for the refund queue' }));
    choose.click();
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    Object.defineProperty(click, 'isTrusted', { value: true });
    within(panel()).getByRole('button', { name: 'Add 1 to queue' }).dispatchEvent(click);
    expect(callBackground).toHaveBeenCalledWith('addOrdersToQueue', { contactId: 1001, orderIds: [5001] });
    await vi.waitFor(() => expect(within(panel()).getByRole('status').textContent).toBe('1 order added to the refund queue.'));
  });
});
