// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PanelOrderRow } from '@/lib/panel/order-rows';
import { type ApiState, RefundsPanel, type RefundsPanelProps } from './RefundsPanel';

afterEach(cleanup);

function row(orderId: number, overrides: Partial<PanelOrderRow> = {}): PanelOrderRow {
  return {
    orderId,
    title: `Order ${orderId}`,
    orderDate: '2025-01-10',
    currency: 'USD',
    totalMinor: 6000,
    paidMinor: 6000,
    refundedMinor: 0,
    refundableNowMinor: 6000,
    discrepancies: [],
    badges: [],
    fromApi: true,
    ...overrides,
  };
}

const READY: ApiState = { kind: 'ready' };

function renderPanel(overrides: Partial<RefundsPanelProps> = {}) {
  const props: RefundsPanelProps = {
    contactId: 42,
    rows: [row(1)],
    api: READY,
    pageListFound: true,
    onRefund: vi.fn(),
    onRetry: vi.fn(),
    onLoadAmounts: vi.fn(),
    onOpenOptions: vi.fn(),
    onAddToQueue: vi.fn(),
    ...overrides,
  };
  const view = render(<RefundsPanel {...props} />);
  return { ...view, props };
}

const panel = () => screen.getByRole('region', { name: 'Refunds' });
const refundButton = (orderId: number) => screen.getByRole('button', { name: `Refund order #${orderId}` });
const shownOrderIds = () =>
  within(panel())
    .queryAllByRole('row')
    .slice(1)
    .map((tableRow) => Number(tableRow.getAttribute('data-order-id')));

/** The words a screen reader gives as the reason a button is disabled. */
function describedReason(element: HTMLElement): string | null {
  const id = element.getAttribute('aria-describedby');
  return id === null ? null : (document.getElementById(id)?.textContent ?? null);
}

/** A click the browser vouches for, as a person's click would be (happy-dom never sets isTrusted). */
function trustedClick(element: HTMLElement): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  element.dispatchEvent(event);
}

describe('RefundsPanel', () => {
  it('is a region named Refunds, one table row per order, with amounts formatted as money', () => {
    renderPanel({
      rows: [row(1042, { title: 'Annual Membership', orderDate: '2025-03-14', totalMinor: 123456, paidMinor: 100000, refundedMinor: 2550, refundableNowMinor: 97450 })],
    });
    const cells = within(panel()).getAllByRole('row')[1]!.querySelectorAll('td');
    expect([...cells].map((cell) => cell.textContent)).toEqual([
      '#1042',
      '2025-03-14',
      'Annual Membership',
      '$1,234.56',
      '$1,000.00',
      '$25.50',
      '$974.50',
      'Refund order #1042Choose order #1042 for the refund queue',
    ]);
  });

  it('shows amounts the page could not tell as … and a missing date as —', () => {
    renderPanel({ rows: [row(5, { orderDate: null, paidMinor: null, refundedMinor: null, refundableNowMinor: null, fromApi: false })] });
    const texts = [...within(panel()).getAllByRole('row')[1]!.querySelectorAll('td')].map((cell) => cell.textContent);
    expect(texts.slice(0, 7)).toEqual(['#5', '—', 'Order 5', '$60.00', '…', '…', '…']);
  });

  it('shows badges and the page/API disagreements under the title', () => {
    renderPanel({
      rows: [
        row(7, {
          badges: [{ kind: 'pending' }, { kind: 'gateway-cannot-refund', text: 'eWAY cannot refund from Keap' }, { kind: 'partially-refunded' }],
          discrepancies: [
            { amount: 'total', pageMinor: 4000, apiMinor: 3500 },
            { amount: 'paid', pageMinor: 4000, apiMinor: 2000 },
          ],
        }),
      ],
    });
    const notes = screen.getByRole('list', { name: 'Notes on order #7' });
    expect(
      within(notes)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Pending payment: void it in Keap instead', 'eWAY cannot refund from Keap', 'Partially refunded']);
    expect(within(panel()).getByText('Total: page shows $40.00, Keap API says $35.00')).toBeTruthy();
    expect(within(panel()).getByText('Paid: page shows $40.00, Keap API says $20.00')).toBeTruthy();
  });

  it('an order with something to refund has an enabled button and no reason', () => {
    renderPanel();
    const button = refundButton(1) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute('aria-describedby')).toBe(false);
  });

  it.each([
    ['no API key', { kind: 'no-key' }, row(1), 'Add your Keap API key in Refund Desk options to refund.'],
    ['the API still loading', { kind: 'loading' }, row(1), "Checking this order with Keap's API…"],
    ['an API error', { kind: 'error', message: 'Keap is down' }, row(1), "Keap's API did not answer, so amounts cannot be confirmed."],
    ['an order the API does not list', READY, row(1, { fromApi: false, refundableNowMinor: null }), "Keap's API does not list this order."],
    ['only the newest orders checked so far', { kind: 'first-page', orderCount: 30 }, row(1, { fromApi: false, refundableNowMinor: null }), "Checking this order with Keap's API…"],
    ['nothing left to refund', READY, row(1, { refundableNowMinor: 0 }), 'Nothing left to refund on this order.'],
    ['a key of another Keap app', { kind: 'other-app', message: 'Your API key is for acme.infusionsoft.com.' }, row(1), 'Refund Desk has no API key for this Keap app.'],
    ['a page that does not show the API’s contact', { kind: 'not-on-page' }, row(1), "This page does not show the contact Keap's API has under this id."],
    ['loading paused for the person', { kind: 'paused', message: 'Waiting for you.' }, row(1), 'Click "Load amounts" first.'],
  ] as const)('with %s the refund button is disabled and says why', (_label, api, order, reason) => {
    renderPanel({ api, rows: [order] });
    const button = refundButton(1) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(describedReason(button)).toBe(reason);
  });

  it('a click dispatched by a script does not start a refund', async () => {
    const { props } = renderPanel();
    fireEvent.click(refundButton(1));
    await userEvent.click(refundButton(1));
    expect(props.onRefund).not.toHaveBeenCalled();
  });

  it('a click the browser vouches for refunds that order', () => {
    const { props } = renderPanel({ rows: [row(3), row(4)] });
    trustedClick(refundButton(4));
    expect(props.onRefund).toHaveBeenCalledExactlyOnceWith(4);
  });

  it('adds the chosen refundable orders to the queue on a trusted click, and offers no choice for an order that cannot be refunded', async () => {
    const { props } = renderPanel({ rows: [row(3), row(4), row(5, { refundableNowMinor: 0 })] });
    expect(screen.queryByRole('button', { name: /to queue/ })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Choose order #5 for the refund queue' })).toBeNull();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Choose order #3 for the refund queue' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Choose order #4 for the refund queue' }));
    const add = screen.getByRole('button', { name: 'Add 2 to queue' });
    fireEvent.click(add);
    expect(props.onAddToQueue).not.toHaveBeenCalled();
    trustedClick(add);
    expect(props.onAddToQueue).toHaveBeenCalledExactlyOnceWith([3, 4]);
  });

  it('shows what the last Add to queue did', () => {
    renderPanel({ queueNotice: '2 orders added to the refund queue.' });
    expect(screen.getByRole('status').textContent).toBe('2 orders added to the refund queue.');
  });

  it('a disabled refund button does nothing even on a trusted click', () => {
    const { props } = renderPanel({ api: { kind: 'loading' } });
    trustedClick(refundButton(1));
    expect(props.onRefund).not.toHaveBeenCalled();
  });

  it('says the count is not final while the page is still being read, unless the API has listed every order', () => {
    const pageOnly = [row(1, { fromApi: false, refundableNowMinor: null }), row(2, { fromApi: false, refundableNowMinor: null })];
    const { rerender, props } = renderPanel({ rows: pageOnly, api: { kind: 'loading' }, pageRowsComplete: false });
    expect(within(panel()).getByText("Reading Keap's orders… 2 so far")).toBeTruthy();
    rerender(<RefundsPanel {...props} rows={[row(1), row(2), row(3)]} api={READY} pageRowsComplete={false} />);
    expect(within(panel()).getByText('3 orders')).toBeTruthy();
    rerender(<RefundsPanel {...props} rows={pageOnly} api={{ kind: 'loading' }} pageRowsComplete />);
    expect(within(panel()).getByText('2 orders')).toBeTruthy();
  });

  it('counts one order in the singular', () => {
    renderPanel();
    expect(within(panel()).getByText('1 order')).toBeTruthy();
  });

  it('while only the newest orders are checked, those can be refunded and the count is the API’s', () => {
    renderPanel({ rows: [row(2), row(1, { fromApi: false, refundableNowMinor: null })], api: { kind: 'first-page', orderCount: 1000 } });
    expect((refundButton(2) as HTMLButtonElement).disabled).toBe(false);
    expect((refundButton(1) as HTMLButtonElement).disabled).toBe(true);
    expect(within(panel()).getByText('1000 orders')).toBeTruthy();
    expect(within(panel()).queryByRole('status')).toBeNull();
  });

  it('filters by order number, title or date and says how many match', async () => {
    renderPanel({
      rows: [
        row(1042, { title: 'Annual Membership', orderDate: '2025-03-14' }),
        row(2077, { title: 'Coaching call', orderDate: '2024-11-02' }),
        row(3100, { title: 'Workbook', orderDate: '2023-05-20' }),
      ],
    });
    expect(within(panel()).getByText('3 orders')).toBeTruthy();
    const filter = screen.getByRole('searchbox', { name: 'Filter orders' });
    await userEvent.type(filter, 'coach');
    expect(shownOrderIds()).toEqual([2077]);
    expect(within(panel()).getByText('1 of 3 orders')).toBeTruthy();
    await userEvent.clear(filter);
    await userEvent.type(filter, '2023-05');
    expect(shownOrderIds()).toEqual([3100]);
    await userEvent.clear(filter);
    await userEvent.type(filter, '#1042');
    expect(shownOrderIds()).toEqual([1042]);
  });

  it('pages 45 orders twenty at a time, Newer and Older', async () => {
    const rows = Array.from({ length: 45 }, (_, index) => row(1000 - index));
    renderPanel({ rows });
    const paging = screen.getByRole('navigation', { name: 'Order pages' });
    const newer = within(paging).getByRole<HTMLButtonElement>('button', { name: 'Newer' });
    const older = within(paging).getByRole<HTMLButtonElement>('button', { name: 'Older' });

    expect(shownOrderIds()).toEqual(rows.slice(0, 20).map((order) => order.orderId));
    expect(within(paging).getByText('Page 1 of 3')).toBeTruthy();
    expect(newer.disabled).toBe(true);

    await userEvent.click(older);
    expect(shownOrderIds()).toEqual(rows.slice(20, 40).map((order) => order.orderId));
    expect(within(paging).getByText('Page 2 of 3')).toBeTruthy();

    await userEvent.click(older);
    expect(shownOrderIds()).toEqual([960, 959, 958, 957, 956]);
    expect(older.disabled).toBe(true);

    await userEvent.click(newer);
    expect(shownOrderIds()[0]).toBe(980);
  });

  it('filtering goes back to the first page, and one page needs no paging', async () => {
    renderPanel({ rows: Array.from({ length: 45 }, (_, index) => row(1000 - index, { title: index === 44 ? 'Last one' : 'Course' })) });
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter orders' }), 'last');
    expect(shownOrderIds()).toEqual([956]);
    expect(screen.queryByRole('navigation', { name: 'Order pages' })).toBeNull();
  });

  it('renders a hostile title as text, creating no elements from it', () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
    const { container } = renderPanel({ rows: [row(1, { title: hostile, badges: [{ kind: 'gateway-cannot-refund', text: '<b>bold</b>' }] })] });
    expect(container.querySelector('script, img, b')).toBeNull();
    expect(within(panel()).getByText(hostile)).toBeTruthy();
    expect(within(panel()).getByText('<b>bold</b>')).toBeTruthy();
  });

  it('without an API key: a note with a link to the options', async () => {
    const { props } = renderPanel({ api: { kind: 'no-key' } });
    const note = screen.getByRole('note');
    expect(note.textContent).toContain('Refunding is off until you add your Keap API key.');
    await userEvent.click(within(note).getByRole('button', { name: 'Open Refund Desk options' }));
    expect(props.onOpenOptions).toHaveBeenCalledOnce();
    expect(props.onRetry).not.toHaveBeenCalled();
  });

  it('an API error is an alert with its message and a Retry button', async () => {
    const { props } = renderPanel({ api: { kind: 'error', message: 'Keap is not answering. Try again in a minute.' } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Keap is not answering. Try again in a minute.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(props.onRetry).toHaveBeenCalledOnce();
    expect(screen.queryByRole('button', { name: 'Open Refund Desk options' })).toBeNull();
  });

  it('while loading it says so, and no error or key banner shows', () => {
    renderPanel({ api: { kind: 'loading' }, rows: [] });
    expect(screen.getByRole('status').textContent).toBe("Checking amounts with Keap's API…");
    expect(within(panel()).getByText('Looking for orders…')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('a contact without orders says so, with no filter or table', () => {
    renderPanel({ rows: [] });
    expect(within(panel()).getByText('This contact has no orders.')).toBeTruthy();
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  describe("when Keap's API cannot give this page amounts", () => {
    const OTHER_APP: ApiState = { kind: 'other-app', message: 'Your API key is for acme.infusionsoft.com, not zz999.infusionsoft.com.' };
    const NOT_ON_PAGE: ApiState = { kind: 'not-on-page' };
    const PAUSED: ApiState = { kind: 'paused', message: 'This tab asked for many contacts within a minute, so Refund Desk waits for you: click "Load amounts".' };
    /** Page rows without the API's amounts, as the content script passes them in these states. */
    const pageRows = [
      row(11, { fromApi: false, paidMinor: null, refundedMinor: null, refundableNowMinor: null }),
      row(12, { fromApi: false, paidMinor: null, refundedMinor: null, refundableNowMinor: null }),
    ];

    it.each([
      ['another Keap app’s key', OTHER_APP, 'Refund Desk has no API key for this Keap app.'],
      ['a page not showing the contact', NOT_ON_PAGE, "This page does not show the contact Keap's API has under this id."],
      ['paused loading', PAUSED, 'Click "Load amounts" first.'],
    ] as const)('with %s every Refund button is disabled with its reason, even rows that carry API amounts', (_label, api, reason) => {
      const { props } = renderPanel({ api, rows: [row(3), row(4, { fromApi: false }), row(5, { refundableNowMinor: 100 })] });
      for (const orderId of [3, 4, 5]) {
        const button = refundButton(orderId) as HTMLButtonElement;
        expect(button.disabled).toBe(true);
        expect(describedReason(button)).toBe(reason);
        trustedClick(button);
      }
      expect(props.onRefund).not.toHaveBeenCalled();
    });

    it('another Keap app: a note with the message and a link to the options', async () => {
      const { props } = renderPanel({ api: OTHER_APP, rows: pageRows });
      const note = screen.getByRole('note');
      expect(note.textContent).toBe('Your API key is for acme.infusionsoft.com, not zz999.infusionsoft.com. Open Refund Desk options');
      await userEvent.click(within(note).getByRole('button', { name: 'Open Refund Desk options' }));
      expect(props.onOpenOptions).toHaveBeenCalledOnce();
      expect(props.onRetry).not.toHaveBeenCalled();
      expect(props.onLoadAmounts).not.toHaveBeenCalled();
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Load amounts' })).toBeNull();
    });

    it('another Keap app: the message is text, never markup', () => {
      const hostile = '<img src=x onerror="window.pwned=1">';
      const { container } = renderPanel({ api: { kind: 'other-app', message: hostile } });
      expect(container.querySelector('img')).toBeNull();
      expect(screen.getByRole('note').textContent).toContain(hostile);
    });

    it('a page not showing the contact: a banner saying so, the page rows without amounts (as the content script passes them) and nothing else to click', () => {
      renderPanel({ api: NOT_ON_PAGE, rows: pageRows });
      const note = screen.getByRole('note');
      expect(note.textContent).toBe("This page does not show the contact Keap's API has under this id, so Refund Desk shows no amounts for it.");
      expect(within(note).queryByRole('button')).toBeNull();
      for (const tableRow of within(panel()).getAllByRole('row').slice(1)) {
        expect([...tableRow.querySelectorAll('td')].slice(4, 7).map((cell) => cell.textContent)).toEqual(['…', '…', '…']);
      }
      expect(screen.queryByRole('status')).toBeNull();
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('button', { name: /Open Refund Desk options|Load amounts|Retry/ })).toBeNull();
    });

    it('paused: a note with the message and a Load amounts button, and no other banner', () => {
      renderPanel({ api: PAUSED, rows: pageRows });
      const note = screen.getByRole('note');
      expect(note.textContent).toBe(`${PAUSED.message} Load amounts`);
      expect(within(note).getByRole('button', { name: 'Load amounts' })).toBeTruthy();
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByRole('status')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Open Refund Desk options' })).toBeNull();
    });

    it('paused: a click a script dispatched does not load amounts', async () => {
      const { props } = renderPanel({ api: PAUSED, rows: pageRows });
      const load = screen.getByRole('button', { name: 'Load amounts' });
      fireEvent.click(load);
      await userEvent.click(load);
      load.click();
      expect(props.onLoadAmounts).not.toHaveBeenCalled();
      expect(props.onRetry).not.toHaveBeenCalled();
    });

    it('paused: a click the browser vouches for loads amounts, once per click', () => {
      const { props } = renderPanel({ api: PAUSED, rows: pageRows });
      trustedClick(screen.getByRole('button', { name: 'Load amounts' }));
      expect(props.onLoadAmounts).toHaveBeenCalledOnce();
      expect(props.onRetry).not.toHaveBeenCalled();
      expect(props.onRefund).not.toHaveBeenCalled();
      trustedClick(screen.getByRole('button', { name: 'Load amounts' }));
      expect(props.onLoadAmounts).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['ready', READY],
      ['no key', { kind: 'no-key' }],
      ['an error', { kind: 'error', message: 'Keap is down' }],
      ['another app', OTHER_APP],
      ['not on the page', NOT_ON_PAGE],
    ] as const)('with %s there is no Load amounts button', (_label, api) => {
      renderPanel({ api });
      expect(screen.queryByRole('button', { name: 'Load amounts' })).toBeNull();
    });
  });

  it('says when orders come from the API because the page table was not found', () => {
    renderPanel({ pageListFound: false });
    expect(within(panel()).getByText("Orders come from Keap's API (the page's Orders table was not found).")).toBeTruthy();
  });

  it("names the page's own list by what it is on the page, once the API has answered", () => {
    renderPanel({ pageListFound: false, pageList: 'payments-list', api: { kind: 'loading' } });
    expect(within(panel()).queryByText(/payments list was not found/)).toBeNull();
    cleanup();
    renderPanel({ pageListFound: false, pageList: 'payments-list' });
    expect(within(panel()).getByText("Orders come from Keap's API (the page's payments list was not found).")).toBeTruthy();
  });

  it('lists where the page and the API disagree beyond any one order, and nothing when they agree', () => {
    renderPanel({
      pageDisagreements: [
        { date: '2025-03-01', amountMinor: 50000, currency: 'USD' },
        { date: '2025-01-08', amountMinor: 6000, currency: 'USD' },
      ],
    });
    const list = within(panel()).getByRole('list', { name: "Where the page and Keap's API disagree" });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      "The page shows $500.00 on 2025-03-01, which none of this contact's orders in Keap's API accounts for.",
      "The page shows $60.00 on 2025-01-08, which none of this contact's orders in Keap's API accounts for.",
    ]);
    cleanup();
    renderPanel();
    expect(within(panel()).queryByRole('list', { name: "Where the page and Keap's API disagree" })).toBeNull();
  });
});
