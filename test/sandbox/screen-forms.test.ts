import { Browser, type BrowserPage } from 'happy-dom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin, postRefund } from './http-helpers';
import { SEED } from './seed';
import { formTraits, SCREEN_FORMS, type ScreenForm } from './screen-forms';
import { startSandbox, type Sandbox } from './server';

/**
 * Choosing the refund screen's form at run time, the order and contact pages each form goes with,
 * and the order page scripts of each form run in happy-dom against the sandbox over HTTP.
 */

let sandbox: Sandbox;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  browser = new Browser({ settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true, disableCSSFileLoading: true } });
});
afterEach(() => browser.close());

const orderPath = (orderId: number) => `/Job/manageJob.jsp?view=edit&ID=${orderId}`;

/** Polls until `probe` yields a value (the pages draw after delays and round trips). */
async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function documentOf(page: BrowserPage): Document {
  return page.mainFrame.document as unknown as Document;
}

async function openOrderPage(form: ScreenForm, orderId: number = SEED.orders.twoPayments): Promise<Document> {
  sandbox.setScreenForm(form);
  const page = browser.newPage();
  await page.goto(`${sandbox.appBase}${orderPath(orderId)}`);
  return documentOf(page);
}

/** Parsed without running scripts. */
function parse(html: string): Document {
  return new (browser.newPage().mainFrame.window.DOMParser)().parseFromString(html, 'text/html') as unknown as Document;
}

async function fetchPage(path: string): Promise<Document> {
  return parse(await (await fetch(`${sandbox.appBase}${path}`)).text());
}

/** Every text a person can see: the title and the body without its scripts. */
function visibleText(document: Document): string {
  const body = document.body.cloneNode(true) as HTMLElement;
  body.querySelectorAll('script').forEach((script) => script.remove());
  return `${document.title}\n${body.textContent ?? ''}`;
}

function headerTexts(table: Element): string[] {
  return [...table.querySelectorAll('th')].map((cell) => cell.textContent?.trim() ?? '');
}

function buttonValues(root: ParentNode): string[] {
  return [...root.querySelectorAll('input[type="button"], input[type="submit"]')].map((input) => (input as HTMLInputElement).value);
}

describe('choosing the form', () => {
  it('starts with the dialog, switches through the admin endpoint, refuses unknown names, and reset returns to the start form', async () => {
    expect(sandbox.screenForm()).toBe('dialog');
    expect((await admin(sandbox, 'GET', 'screen')).body).toEqual({ form: 'dialog' });
    expect(await admin(sandbox, 'POST', 'screen', { form: 'jquery' })).toMatchObject({ status: 200, body: { ok: true, form: 'jquery' } });
    expect((await admin(sandbox, 'GET', 'screen')).body).toEqual({ form: 'jquery' });
    expect(sandbox.screenForm()).toBe('jquery');

    const unknown = await admin(sandbox, 'POST', 'screen', { form: 'popover' });
    expect(unknown.status).toBe(400);
    for (const name of SCREEN_FORMS) expect((unknown.body as { message: string }).message).toContain(name);
    expect(sandbox.screenForm()).toBe('jquery');

    expect((await admin(sandbox, 'POST', 'reset')).status).toBe(200);
    expect(sandbox.screenForm()).toBe('dialog');
  });

  it('a sandbox started in another form draws it and resets to it', async () => {
    const other = await startSandbox({ screenForm: 'pages' });
    try {
      expect(other.screenForm()).toBe('pages');
      other.setScreenForm('words');
      other.reset();
      expect(other.screenForm()).toBe('pages');
      const html = await (await fetch(`${other.appBase}${orderPath(SEED.orders.twoPayments)}`)).text();
      expect(html).toContain("location.href = 'refundPayment.jsp?orderId=' + orderId");
    } finally {
      await other.close();
    }
  });

  it("the name-links forms draw the contact page's orders without the Order ID column", async () => {
    for (const form of SCREEN_FORMS) {
      sandbox.setScreenForm(form);
      const html = await (await fetch(`${sandbox.appBase}/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`)).text();
      expect(html.includes('<th>Order ID</th>'), form).toBe(formTraits(form).contactOrdersLayout === 'id-column');
    }
  });
});

describe('order page in each form', () => {
  it.each(SCREEN_FORMS)('%s: a Refund Payment button, a payments table without tick boxes, the order id only where the form allows', async (form) => {
    sandbox.setScreenForm(form);
    const document = await fetchPage(orderPath(SEED.orders.twoPayments));
    expect(document.querySelectorAll('input[type="button"][value="Refund Payment"]')).toHaveLength(1);
    expect(document.querySelectorAll('table.payments-table tbody tr')).toHaveLength(2);
    expect(document.querySelector('table.payments-table input')).toBeNull();
    const text = visibleText(document);
    if (formTraits(form).orderIdInHeading) {
      expect(document.querySelector('h1')?.textContent).toBe('Order 5001: Annual membership (2 installments)');
    } else {
      expect(text).not.toContain(String(SEED.orders.twoPayments));
      expect(document.querySelector('.pageTitle')?.textContent).toBe('Annual membership (2 installments)');
      expect(document.querySelector('h1')).toBeNull();
    }
  });

  it('shows the hostile title as text in the name-links forms', async () => {
    sandbox.setScreenForm('pages');
    const document = await fetchPage(orderPath(SEED.orders.hostile));
    expect(document.querySelector('.pageTitle')?.textContent).toBe(SEED.hostileText.orderTitle);
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('in-page dialog forms', () => {
  function dialogOf(document: Document) {
    return {
      heading: () => document.querySelector('[role="dialog"] h2')?.textContent ?? null,
      button: (label: string) =>
        [...document.querySelectorAll('[role="dialog"] input[type="button"]')].find((input) => (input as HTMLInputElement).value === label) as HTMLInputElement | undefined,
      buttons: () => buttonValues(document.querySelector('[role="dialog"]') as Element),
      radio: (value: string) => document.querySelector(`[role="dialog"] input[type="radio"][value="${value}"]`) as HTMLInputElement,
      table: () => document.querySelector('[role="dialog"] table') as Element,
      error: () => document.querySelector('[role="dialog"] [role="alert"]')?.textContent ?? '',
    };
  }

  async function toCredit(document: Document, tickSelector: string, credit: string): Promise<ReturnType<typeof dialogOf>> {
    const dialog = dialogOf(document);
    (document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => dialog.table());
    (document.querySelector(tickSelector) as HTMLInputElement).click();
    (document.getElementById('refundReason') as HTMLInputElement).value = 'Late delivery';
    dialog.button('Next')?.click();
    await waitFor(() => dialog.radio('manual'));
    dialog.radio('manual').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === credit);
    return dialog;
  }

  it('words: other words everywhere Keap documents none, no payment id as text in the table, its own results', async () => {
    sandbox.setFaults({ declinePayments: [SEED.payments.twoPaymentsFirst] });
    const document = await openOrderPage('words');
    const dialog = dialogOf(document);
    (document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => dialog.heading() === 'Select Payments');
    const table = dialog.table();
    expect(headerTexts(table)).toEqual(['', 'Date', 'Type', 'Amount', 'Amount to Refund']);
    expect(table.textContent).not.toContain('7001');
    expect(table.querySelector('[aria-label], [data-payment-id]')).toBeNull();
    const box = table.querySelector('input[type="checkbox"]') as HTMLInputElement;
    expect([box.name, box.value]).toEqual(['paymentIds', '7001']);
    expect((table.querySelector('input[type="text"]') as HTMLInputElement).value).toBe('60.00');
    expect(document.querySelector('label[for="refundReason"]')?.textContent).toBe('Refund Reason');

    box.click();
    (document.getElementById('refundReason') as HTMLInputElement).value = 'Late delivery';
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Refund Options');
    dialog.radio('refund').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Error Handling');
    dialog.radio('record').click();
    dialog.button('Next')?.click();
    await waitFor(() => dialog.heading() === 'Issuing a Credit');
    expect(dialog.buttons()).toEqual(['Process Refund', 'Cancel']);
    dialog.button('Process Refund')?.click();
    await waitFor(() => dialog.heading() === 'Refund Complete');
    expect([...document.querySelectorAll('[role="dialog"] li')].map((item) => item.textContent)).toEqual([
      'Automatic refund failed for payment 7001 (Declined by gateway); the refund was recorded anyway',
    ]);
    expect(dialog.buttons()).toEqual(['Done']);
    expect(sandbox.state.refundLog.map((entry) => entry.outcome)).toEqual(['recorded-after-failure']);
  });

  it('words: a refusal shows on the last step and changes nothing', async () => {
    const document = await openOrderPage('words', SEED.orders.pending);
    const dialog = await toCredit(document, '[role="dialog"] input[name="paymentIds"]', 'Issuing a Credit');
    (document.getElementById('amountOwed') as HTMLInputElement).value = 'lots';
    dialog.button('Process Refund')?.click();
    expect(dialog.error()).toBe('Enter how much the client should owe, 0.00 or more.');
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('two-submits: two enabled buttons on the credit step both send the refund', async () => {
    const document = await openOrderPage('two-submits');
    const dialog = await toCredit(document, '[role="dialog"] input[value="7001"]', 'Issuing a Credit');
    expect(dialog.buttons()).toEqual(['Finish', 'Process Refund', 'Cancel']);
    expect(dialog.button('Finish')?.disabled).toBe(false);
    (document.querySelector('[role="dialog"] input[name="amountOwed"]') as HTMLInputElement).value = '0.00';
    dialog.button('Process Refund')?.click();
    await waitFor(() => dialog.heading() === 'Refund Results');
    expect([...document.querySelectorAll('[role="dialog"] li')].map((item) => item.textContent)).toEqual(['Payment 7001: Manual refund recorded $60.00']);
  });

  it('two-submits: under the alteredRefundScreen fault both read "Make it so"', async () => {
    sandbox.setFaults({ alteredRefundScreen: true });
    const document = await openOrderPage('two-submits');
    const dialog = await toCredit(document, '[role="dialog"] input[value="7001"]', 'Issuing a Credit');
    expect(dialog.buttons()).toEqual(['Make it so', 'Make it so', 'Cancel']);
  });

  it('no-owed: the credit step has no owed field, and Finish sends an amount owed of 0.00', async () => {
    const order = sandbox.state.orders.find((candidate) => candidate.id === SEED.orders.partiallyRefunded);
    if (!order) throw new Error('no partially refunded order');
    order.totalDueMinor = 500;
    const document = await openOrderPage('no-owed', SEED.orders.partiallyRefunded);
    const dialog = await toCredit(document, '[role="dialog"] input[value="7003"]', 'Issuing a Credit');
    const credit = document.querySelector('[role="dialog"]') as Element;
    expect(credit.querySelector('input[type="text"]')).toBeNull();
    expect(credit.textContent).not.toContain('owe');
    expect(dialog.buttons()).toEqual(['Finish', 'Cancel']);
    dialog.button('Finish')?.click();
    await waitFor(() => dialog.heading() === 'Refund Results');
    expect(order).toMatchObject({ totalDueMinor: 0, refundTotalMinor: 8000 });
  });

  it("the last step's JSON post answers in the wording its form names", async () => {
    const submission = {
      orderId: SEED.orders.pending,
      reason: 'Duplicate',
      method: 'void' as const,
      amountOwed: '0.00',
      payments: [{ paymentId: SEED.payments.pending, amount: '75.00' }],
    };
    const response = await fetch(`${sandbox.appBase}/Job/refundPayment.jsp?screen=words`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(submission),
    });
    expect(await response.json()).toEqual({ results: [{ paymentId: SEED.payments.pending, outcome: 'voided', text: 'Payment 7005 voided ($75.00)' }] });
    const contractWording = await postRefund(sandbox, {
      ...submission,
      orderId: SEED.orders.check,
      method: 'manual',
      payments: [{ paymentId: SEED.payments.check, amount: '1.00' }],
    });
    expect(contractWording.body.results?.[0]?.text).toBe('Payment 7007: Manual refund recorded $1.00');
    const unknown = await fetch(`${sandbox.appBase}/Job/refundPayment.jsp?screen=popover`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(submission),
    });
    expect(unknown.status).toBe(400);
  });
});

describe('jquery form in the order page', () => {
  it("a plain div overlay without roles or headings whose content each step's answer replaces", async () => {
    const document = await openOrderPage('jquery');
    (document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    const box = await waitFor(() => document.querySelector('.dlgOverlay .dlgBox form') && document.querySelector('.dlgOverlay .dlgBox'));
    const overlay = document.querySelector('.dlgOverlay') as Element;
    expect(overlay.querySelector('[role], h1, h2, h3, h4, h5, h6, label')).toBeNull();
    expect(box.querySelector('.dlgTitle')?.textContent).toBe('Refund Payment');

    (box.querySelector('input[value="7002"]') as HTMLInputElement).click();
    (box.querySelector('input[name="refundAmount_7002"]') as HTMLInputElement).value = '15.00';
    (box.querySelector('input[type="submit"]') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('div.errorMsg'));
    expect(box.querySelector('div.errorMsg')?.textContent).toBe('Enter a reason for the refund.');

    (box.querySelector('input[name="refundReason"]') as HTMLInputElement).value = 'Too small';
    (box.querySelector('input[type="submit"]') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('input[type="radio"][name="onFailure"]'));
    (box.querySelector('input[name="refundMethod"][value="refund"]') as HTMLInputElement).click();
    (box.querySelector('input[name="onFailure"][value="skip"]') as HTMLInputElement).click();
    (box.querySelector('input[type="submit"]') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('input[name="amountOwed"]'));
    expect(buttonValues(box)).toEqual(['Back', 'Submit', 'Cancel']);
    (box.querySelector('input.dlgBack') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('input[type="radio"][name="onFailure"]'));
    expect((box.querySelector('input[name="onFailure"][value="skip"]') as HTMLInputElement).checked).toBe(true);
    (box.querySelector('input[type="submit"]') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('input[name="amountOwed"]'));
    (box.querySelector('input[value="Submit"]') as HTMLInputElement).click();
    await waitFor(() => box.querySelector('.dlgResults'));
    expect([...box.querySelectorAll('.dlgResults p')].map((line) => line.textContent)).toEqual(['Payment #7002 - Refund successful ($15.00)']);
    expect(overlay.querySelector('[role], h1, h2, h3, h4, h5, h6, label')).toBeNull();
    (box.querySelector('input[value="Close"]') as HTMLInputElement).click();
    expect(document.querySelector('.dlgOverlay')).toBeNull();
  });
});

describe('order page scripts of the page-per-step forms', () => {
  it('pages: Refund Payment goes to the first step in the same tab', async () => {
    sandbox.setScreenForm('pages');
    const page = browser.newPage();
    await page.goto(`${sandbox.appBase}${orderPath(SEED.orders.twoPayments)}`);
    (documentOf(page).querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    await waitFor(() => documentOf(page).querySelector('h3')?.textContent === 'Refund Payment');
    expect(page.mainFrame.url).toBe(`${sandbox.appBase}/Job/refundPayment.jsp?orderId=${SEED.orders.twoPayments}`);
  });

  it('window: Refund Payment opens the first step in a new window', async () => {
    const document = await openOrderPage('window');
    (document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    const opened = await waitFor(() => browser.defaultContext.pages.find((page) => page.mainFrame.url.includes('refundPayment.jsp')));
    expect(opened.mainFrame.url).toBe(`${sandbox.appBase}/Job/refundPayment.jsp?orderId=${SEED.orders.twoPayments}&window=1`);
    await waitFor(() => documentOf(opened).querySelector('h3'));
    expect(documentOf(opened).querySelector('input[value="Cancel"]')?.getAttribute('data-action')).toBe('close-window');
  });

  it('iframe: Refund Payment shows an overlay without a role holding the steps in a frame, and Close removes it', async () => {
    const document = await openOrderPage('iframe');
    (document.querySelector('input[value="Refund Payment"]') as HTMLInputElement).click();
    const overlay = await waitFor(() => document.getElementById('refundOverlay'));
    expect(overlay.hasAttribute('role')).toBe(false);
    expect(overlay.querySelector('iframe')?.getAttribute('src')).toBe(`refundPayment.jsp?orderId=${SEED.orders.twoPayments}&frame=1`);
    (overlay.querySelector('input[value="Close"]') as HTMLInputElement).click();
    expect(document.getElementById('refundOverlay')).toBeNull();
  });
});
