// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readOrdersTable, watchOrdersTable, type OrdersTableReading } from '@/lib/page/orders-table';

const CONTRACT_HEADERS = '<tr><th>Order ID</th><th>Date</th><th>Title</th><th>Total</th><th>Paid</th><th>Balance Due</th><th>Status</th></tr>';

function ordersTable(bodyRows: string, headers = CONTRACT_HEADERS): string {
  return `<table><thead>${headers}</thead><tbody>${bodyRows}</tbody></table>`;
}

function orderRow(cells: string[]): string {
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

function render(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

describe('readOrdersTable', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('reads the contract table: ids from links, US dates, money with symbols and commas', () => {
    const root = render(ordersTable(
      orderRow(['<a href="/Job/manageJob.jsp?view=edit&ID=501">501</a>', '03/07/2024', 'Blue  T-shirt\n(L)', '$1,234.56', '$1,000.00', '$234.56', 'Paid']) +
        orderRow(['502', '12/31/2023', 'Gift card', '$29.99', '', '', '']),
    ));
    const reading = readOrdersTable(root);
    expect(reading.found).toBe(true);
    if (!reading.found) return;
    expect(reading.table).toBe(document.querySelector('table'));
    expect(reading.rejectedRows).toEqual([]);
    expect(reading.rows).toEqual([
      { orderId: 501, orderDate: '2024-03-07', title: 'Blue T-shirt (L)', totalMinor: 123456, paidMinor: 100000, dueMinor: 23456, status: 'Paid' },
      { orderId: 502, orderDate: '2023-12-31', title: 'Gift card', totalMinor: 2999, paidMinor: null, dueMinor: null, status: null },
    ]);
  });

  it('maps columns by header position and accepts synonyms, in any order', () => {
    const headers = '<tr><th>Status</th><th>Amount Paid</th><th>Order #</th><th>Description</th><th>Order Total</th><th>Due</th><th>Order Date</th></tr>';
    const root = render(ordersTable(orderRow(['Sent', '$5.00', '#77', 'Mug', '$15.00', '$10.00', '2024-01-02']), headers));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([
      { orderId: 77, orderDate: '2024-01-02', title: 'Mug', totalMinor: 1500, paidMinor: 500, dueMinor: 1000, status: 'Sent' },
    ]);
  });

  it('finds a header row drawn with <th> cells in the body, and ignores other tables', () => {
    const root = render(`
      <table><tr><th>Payment ID</th><th>Amount</th></tr><tr><td>7001</td><td>$60.00</td></tr></table>
      <table><tr><th>ID</th><th>Title</th><th>Amount</th><th>Balance</th></tr><tr><td>9</td><td>Hat</td><td>$20.00</td><td>$0.00</td></tr></table>`);
    const reading = readOrdersTable(root);
    expect(reading.found && reading.table).toBe(document.querySelectorAll('table')[1]);
    expect(reading.found && reading.rows).toEqual([
      { orderId: 9, orderDate: null, title: 'Hat', totalMinor: 2000, paidMinor: null, dueMinor: 0, status: null },
    ]);
  });

  it('reports not found when no table carries the order headers (altered markup: a div grid)', () => {
    const root = render('<div class="grid"><div>Order ID</div><div>Title</div><div>Total</div><div>501</div><div>Shirt</div><div>$5.00</div></div>');
    expect(readOrdersTable(root)).toEqual({ found: false });
  });

  it('reads an empty table, and skips a spanning "no orders" message row', () => {
    const root = render(ordersTable('<tr><td colspan="7">This contact has no orders.</td></tr>'));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([]);
    expect(reading.found && reading.rejectedRows).toEqual([]);
  });

  it('reads script and markup in titles as text, never running it', () => {
    const hostileWindow = window as unknown as { pwned?: boolean };
    const root = render(ordersTable(orderRow(['600', '01/01/2024', '&lt;img src=x onerror="window.pwned=true"&gt;&lt;script&gt;window.pwned=true&lt;/script&gt;', '$1.00', '$1.00', '$0.00', 'Paid'])));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows[0]?.title).toBe('<img src=x onerror="window.pwned=true"><script>window.pwned=true</script>');
    expect(hostileWindow.pwned).toBeUndefined();
  });

  it('reads the text of elements inside a title cell, not their markup', () => {
    const root = render(ordersTable(orderRow(['601', '', '<b>Bold</b> <i>name</i>', '$1.00', '', '', ''])));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows[0]?.title).toBe('Bold name');
  });

  it('rejects only the rows with broken ids, dates or amounts, saying why', () => {
    const root = render(ordersTable(
      orderRow(['abc', '01/01/2024', 'Bad id', '$1.00', '', '', '']) +
        orderRow(['0', '01/01/2024', 'Zero id', '$1.00', '', '', '']) +
        orderRow(['702', '13/45/2024', 'Bad date', '$1.00', '', '', '']) +
        orderRow(['703', '01/01/2024', 'Bad total', '$1.0.0', '', '', '']) +
        orderRow(['704', '01/01/2024', 'No total', '', '', '', '']) +
        orderRow(['705', '01/01/2024', 'Bad paid', '$1.00', 'lots', '', '']) +
        orderRow(['706', '01/01/2024', 'Good', '$1.00', '($0.50)', '-$0.25', 'Sent']),
    ));
    const reading = readOrdersTable(root);
    if (!reading.found) throw new Error('table not found');
    expect(reading.rows).toEqual([
      { orderId: 706, orderDate: '2024-01-01', title: 'Good', totalMinor: 100, paidMinor: -50, dueMinor: -25, status: 'Sent' },
    ]);
    expect(reading.rejectedRows.map((rejected) => rejected.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(reading.rejectedRows[0]?.reason).toBe('Order ID "abc" is not a number');
    expect(reading.rejectedRows[1]?.reason).toMatch(/^orderId:/);
    expect(reading.rejectedRows[2]?.reason).toBe('Date "13/45/2024" is not a date');
    expect(reading.rejectedRows[3]?.reason).toBe('Total "$1.0.0" is not an amount');
    expect(reading.rejectedRows[4]?.reason).toBe('Total "" is not an amount');
    expect(reading.rejectedRows[5]?.reason).toBe('Paid "lots" is not an amount');
  });

  it('reads amounts in the currency given (no decimals for JPY)', () => {
    const root = render(ordersTable(orderRow(['800', '', 'Tea', '¥1,500', '', '', ''])));
    const reading = readOrdersTable(root, { currency: 'JPY' });
    expect(reading.found && reading.rows[0]?.totalMinor).toBe(1500);
  });
});

describe('watchOrdersTable', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('reports the table when it is drawn late, when it is replaced with new content, and when it goes away', async () => {
    const root = render('<div id="tab"></div>');
    const tab = document.getElementById('tab')!;
    const readings: OrdersTableReading[] = [];
    const controller = new AbortController();
    watchOrdersTable(root, (reading) => readings.push(reading), { signal: controller.signal });

    await nextFrame();
    expect(readings).toEqual([{ found: false }]);

    tab.innerHTML = ordersTable(orderRow(['501', '', 'Shirt', '$5.00', '', '', '']));
    await vi.waitFor(() => expect(readings).toHaveLength(2));
    expect(readings[1]?.found && readings[1].rows.map((row) => row.orderId)).toEqual([501]);

    tab.innerHTML = ordersTable(orderRow(['502', '', 'Hat', '$6.00', '', '', '']));
    await vi.waitFor(() => expect(readings).toHaveLength(3));
    expect(readings[2]?.found && readings[2].rows.map((row) => row.orderId)).toEqual([502]);

    tab.innerHTML = '';
    await vi.waitFor(() => expect(readings).toHaveLength(4));
    expect(readings[3]).toEqual({ found: false });
    controller.abort();
  });

  it('calls back once for a burst of changes and not again when the table is redrawn with the same content', async () => {
    const root = render('<div id="tab"></div>');
    const tab = document.getElementById('tab')!;
    const onChange = vi.fn();
    const controller = new AbortController();
    watchOrdersTable(root, onChange, { signal: controller.signal });
    await nextFrame();
    onChange.mockClear();

    const table = ordersTable(orderRow(['501', '', 'Shirt', '$5.00', '', '', '']));
    tab.innerHTML = table;
    tab.innerHTML = table;
    tab.append(document.createElement('span'));
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(1));

    tab.innerHTML = table;
    await nextFrame();
    await nextFrame();
    expect(onChange).toHaveBeenCalledTimes(1);
    controller.abort();
  });

  it('stops calling back once aborted', async () => {
    const root = render('<div id="tab"></div>');
    const onChange = vi.fn();
    const controller = new AbortController();
    watchOrdersTable(root, onChange, { signal: controller.signal });
    await nextFrame();
    controller.abort();
    document.getElementById('tab')!.innerHTML = ordersTable(orderRow(['501', '', 'Shirt', '$5.00', '', '', '']));
    await nextFrame();
    await nextFrame();
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
