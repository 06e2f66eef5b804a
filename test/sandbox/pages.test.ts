import { Browser, type BrowserPage } from 'happy-dom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pageFixtures } from './fixtures';
import { formatUsd } from './money';
import { renderContactPage } from './pages';
import { createSeedState, SEED } from './seed';
import { ordersOfContact } from './state';
import { startSandbox, type Sandbox } from './server';

/**
 * The classic pages with their scripts running (happy-dom with JavaScript on), against the
 * sandbox over HTTP: no real browser needed.
 */

let sandbox: Sandbox;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  browser = new Browser({ settings: { enableJavaScriptEvaluation: true, disableCSSFileLoading: true } });
});
afterEach(() => browser.close());

/** Polls until `probe` yields a value (the pages draw after delays). */
async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function open(path: string): Promise<BrowserPage> {
  const page = browser.newPage();
  await page.goto(`${sandbox.appBase}${path}`);
  return page;
}

/** happy-dom's document, typed as the DOM's own. */
function documentOf(page: BrowserPage): Document {
  return page.mainFrame.document as unknown as Document;
}

function headerTexts(table: Element): string[] {
  return [...table.querySelectorAll('th')].map((cell) => cell.textContent?.trim() ?? '');
}

describe('contact page', () => {
  it('draws the orders table after load and replaces it when the Orders tab is clicked', async () => {
    const page = await open(`/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`);
    const document = documentOf(page);
    const table = await waitFor(() => document.querySelector('#ordersHolder table'));
    expect(headerTexts(table)).toEqual(['Order ID', 'Date', 'Title', 'Total', 'Paid', 'Balance Due', 'Status']);
    const rows = table.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(9);
    const firstLink = rows[0]?.querySelector('a');
    expect(firstLink?.textContent).toBe(String(SEED.orders.twoPayments));
    expect(firstLink?.getAttribute('href')).toBe(`../Job/manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`);
    expect(rows[0]?.textContent).toContain('$120.00');

    (document.querySelector('#tab_link_orders') as HTMLElement).click();
    const redrawn = await waitFor(() => {
      const current = document.querySelector('#ordersHolder table');
      return current && current !== table ? current : null;
    });
    expect(redrawn.querySelectorAll('tbody tr')).toHaveLength(9);
    expect(table.isConnected).toBe(false);
  });

  it('Next Contact swaps the contact in place and pushes the new URL', async () => {
    const page = await open(`/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`);
    const document = documentOf(page);
    const next = [...document.querySelectorAll('a.contact-nav')].find((link) => link.textContent === 'Next Contact') as HTMLElement;
    next.click();
    await waitFor(() => document.querySelector(`#contactContent[data-contact-id="${SEED.contacts.hostile}"]`));
    expect(page.mainFrame.url).toBe(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.hostile}`);
    const heading = document.querySelector('h1.contact-name');
    expect(heading?.textContent).toBe(`${SEED.hostileText.givenName} ${SEED.hostileText.familyName}`);
    expect(heading?.querySelector('script, img')).toBeNull();
    const table = await waitFor(() => document.querySelector('#ordersHolder table'));
    expect(table.querySelector('tbody td:nth-child(3)')?.textContent).toBe(SEED.hostileText.orderTitle);
  });
});

describe("contact page with the Orders tab as public sources describe it (ordersLayout 'name-links')", () => {
  const state = createSeedState();
  const demoOrders = ordersOfContact(state, SEED.contacts.demo);

  function nameLinksPage(ordersDrawn: boolean): string {
    const html = renderContactPage(state, SEED.contacts.demo, { ordersLayout: 'name-links', ordersDrawn });
    if (html === undefined) throw new Error('no demo contact');
    return html;
  }

  /** Parsed without running scripts. */
  function parse(html: string): Document {
    const window = browser.newPage().mainFrame.window;
    return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
  }

  it('labels the tab "Order" and lists each order by a name linking to its page, with no id column and no id as text', () => {
    const document = parse(nameLinksPage(true));
    const tabLink = document.querySelector('ul.tabs > li#tab_orders > a#tab_link_orders');
    expect(tabLink?.textContent).toBe('Order');
    const table = document.querySelector('#ordersHolder table') as Element;
    expect(headerTexts(table)).toEqual(['Order Name', 'Date', 'Total', 'Paid', 'Balance Due', 'Status']);
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(
      rows.map((row) => {
        const link = row.querySelector('td:first-child a');
        return [link?.getAttribute('href'), link?.textContent, row.querySelector('td:nth-child(3)')?.textContent];
      }),
    ).toEqual(demoOrders.map((order) => [`../Job/manageJob.jsp?view=edit&ID=${order.id}`, order.title, formatUsd(order.totalMinor)]));
    for (const [index, row] of rows.entries()) expect(row.textContent).not.toContain(String(demoOrders[index]?.id));
  });

  it('keeps the default table, and the "Orders" tab label, without the option', () => {
    const document = parse(renderContactPage(state, SEED.contacts.demo, { ordersDrawn: true }) ?? '');
    expect(document.querySelector('#tab_link_orders')?.textContent).toBe('Orders');
    expect(headerTexts(document.querySelector('#ordersHolder table') as Element)).toEqual(['Order ID', 'Date', 'Title', 'Total', 'Paid', 'Balance Due', 'Status']);
  });

  it('draws the table after load and redraws it when the Order tab is clicked', async () => {
    const page = browser.newPage();
    page.content = nameLinksPage(false);
    const document = documentOf(page);
    expect(document.querySelector('#ordersHolder table')).toBeNull();
    const table = await waitFor(() => document.querySelector('#ordersHolder table'));
    expect(headerTexts(table)[0]).toBe('Order Name');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(demoOrders.length);

    (document.querySelector('#tab_link_orders') as HTMLElement).click();
    const redrawn = await waitFor(() => {
      const current = document.querySelector('#ordersHolder table');
      return current && current !== table ? current : null;
    });
    expect(redrawn.querySelectorAll('tbody a[href*="manageJob.jsp"]')).toHaveLength(demoOrders.length);
  });
});

describe('order page refund dialog', () => {
  function dialogOf(page: BrowserPage) {
    const document = documentOf(page);
    return {
      document,
      heading: () => document.querySelector('[role="dialog"] h2')?.textContent ?? null,
      button: (label: string) =>
        [...document.querySelectorAll('[role="dialog"] input[type="button"]')].find((input) => (input as HTMLInputElement).value === label) as HTMLInputElement | undefined,
      radio: (label: string) => {
        const labelElement = [...document.querySelectorAll('[role="dialog"] label')].find((candidate) => candidate.textContent === label);
        return document.getElementById(labelElement?.getAttribute('for') ?? '') as HTMLInputElement;
      },
      error: () => document.querySelector('[role="dialog"] [role="alert"]')?.textContent ?? '',
    };
  }

  it('walks every step of the contract and shows the results', async () => {
    const page = await open(`/Job/manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`);
    const dialog = dialogOf(page);
    (dialog.document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => dialog.heading() === 'Refund Payment');
    const table = dialog.document.querySelector('[role="dialog"] table') as Element;
    expect(headerTexts(table).filter(Boolean)).toEqual(['Date', 'Payment ID', 'Type', 'Amount', 'Refund Amount']);

    dialog.button('Next')?.click();
    expect(dialog.error()).toBe('Select at least one payment to refund.');
    (dialog.document.querySelector('[role="dialog"] input[type="checkbox"][value="7001"]') as HTMLInputElement).click();
    const amount = dialog.document.querySelector('[role="dialog"] input[name="refundAmount_7001"]') as HTMLInputElement;
    expect(amount.value).toBe('60.00');
    amount.value = '40.00';
    dialog.button('Next')?.click();
    expect(dialog.error()).toBe('Enter a reason for the refund.');
    (dialog.document.getElementById('refundReason') as HTMLInputElement).value = 'Late delivery';
    dialog.button('Next')?.click();

    await waitFor(() => dialog.heading() === 'Refund Method');
    expect(dialog.radio('Void')).toBeNull();
    dialog.radio('Refund').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Error Handling');
    dialog.button('Next')?.click();
    expect(dialog.error()).toBe('Choose what to do if an automatic refund fails.');
    dialog.radio('If an automatic refund fails, skip that payment').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Issuing a Credit');
    const owed = dialog.document.getElementById('amountOwed') as HTMLInputElement;
    expect(owed.value).toBe('0.00');
    owed.value = '20.00';
    dialog.button('Finish')?.click();

    await waitFor(() => dialog.heading() === 'Refund Results');
    expect([...dialog.document.querySelectorAll('[role="dialog"] li')].map((item) => item.textContent)).toEqual(['Payment 7001: Refunded $40.00']);
    expect(sandbox.state.orders.find((order) => order.id === SEED.orders.twoPayments)).toMatchObject({ refundTotalMinor: 4000, totalDueMinor: 2000 });
    dialog.button('Close')?.click();
    expect(dialog.document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('offers Void for a pending payment and shows a server rejection in the dialog', async () => {
    const page = await open(`/Job/manageJob.jsp?view=edit&ID=${SEED.orders.pending}`);
    const dialog = dialogOf(page);
    (dialog.document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => dialog.heading() === 'Refund Payment');
    (dialog.document.querySelector('[role="dialog"] input[type="checkbox"]') as HTMLInputElement).click();
    (dialog.document.getElementById('refundReason') as HTMLInputElement).value = 'Duplicate order';
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Refund Method');
    dialog.radio('Void').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Issuing a Credit');
    // Someone voids it elsewhere first: Keap refuses the second void.
    sandbox.state.payments.filter((payment) => payment.id === SEED.payments.pending).forEach((payment) => (payment.payStatus = 'VOIDED'));
    dialog.button('Finish')?.click();
    await waitFor(() => dialog.error());
    expect(dialog.error()).toBe('Payment 7005 has settled and cannot be voided; refund it instead.');
    expect(dialog.heading()).toBe('Issuing a Credit');
  });

  it('names the last step\'s button "Make it so" on the altered refund screen, and nothing else', async () => {
    sandbox.setFaults({ alteredRefundScreen: true });
    const page = await open(`/Job/manageJob.jsp?view=edit&ID=${SEED.orders.twoPayments}`);
    const dialog = dialogOf(page);
    (dialog.document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => dialog.heading() === 'Refund Payment');
    expect(headerTexts(dialog.document.querySelector('[role="dialog"] table') as Element).filter(Boolean)).toEqual(['Date', 'Payment ID', 'Type', 'Amount', 'Refund Amount']);
    (dialog.document.querySelector('[role="dialog"] input[type="checkbox"][value="7001"]') as HTMLInputElement).click();
    (dialog.document.getElementById('refundReason') as HTMLInputElement).value = 'Late delivery';
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Refund Method');
    dialog.radio('Manual Refund').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Issuing a Credit');
    expect(dialog.button('Finish')).toBeUndefined();
    dialog.button('Make it so')?.click();
    await waitFor(() => dialog.heading() === 'Refund Results');
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['manual-refund-recorded']);
  });
});

describe('page fixtures', () => {
  const fixtures = pageFixtures();

  /** Parsed without running scripts, as page-reader unit tests read the saved copies. */
  function parse(html: string): Document {
    const window = browser.newPage().mainFrame.window;
    return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
  }

  it('raw contact pages hold no orders table; drawn ones hold it where the script puts it', () => {
    expect(parse(fixtures.demoContact.raw).querySelector('table.orders-table')).toBeNull();
    expect(parse(fixtures.demoContact.drawn).querySelectorAll('#ordersHolder table tbody tr')).toHaveLength(9);
    expect(parse(fixtures.emptyOrdersContact.drawn).querySelectorAll('#ordersHolder table tbody tr')).toHaveLength(0);
  });

  it('the altered page has no table anywhere, only the grid', () => {
    const drawn = parse(fixtures.alteredContact.drawn);
    expect(drawn.querySelector('table.orders-table')).toBeNull();
    expect(drawn.querySelectorAll('#recentPurchases .purchase-ref')).toHaveLength(9);
  });

  it('the hostile page shows markup as text and runs nothing of it', () => {
    const drawn = parse(fixtures.hostileContact.drawn);
    expect(drawn.querySelectorAll('img')).toHaveLength(0);
    expect([...drawn.querySelectorAll('script')].every((script) => !script.textContent?.includes('alert'))).toBe(true);
    expect(drawn.querySelector('#ordersHolder tbody td:nth-child(3)')?.textContent).toBe(SEED.hostileText.orderTitle);
    expect(drawn.querySelector('.note-body')?.textContent).toBe('<script>alert("note")</script>');
  });

  it('the order page carries the Refund Payment button and the payments table', () => {
    const order = parse(fixtures.order.raw);
    expect(order.querySelector('input[type="button"][value="Refund Payment"]')).not.toBeNull();
    expect(order.querySelectorAll('table.payments-table tbody tr')).toHaveLength(2);
  });
});
