// @vitest-environment happy-dom
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normaliseWhitespace } from '@/lib/page/accessible-name';
import { ordersTableIn, pageOrderRowSchema, readOrdersTable, watchOrdersTable, type OrdersTableReading, type PageOrderRow } from '@/lib/page/orders-table';
import { formatUsd } from '@/test/sandbox/money';
import { renderContactPage, renderOrderPage, type ContactPageOptions } from '@/test/sandbox/pages';
import { createSeedState, SEED } from '@/test/sandbox/seed';
import { ordersOfContact } from '@/test/sandbox/state';

const CONTRACT_HEADERS = '<tr><th>Order ID</th><th>Date</th><th>Title</th><th>Total</th><th>Paid</th><th>Balance Due</th><th>Status</th></tr>';

function ordersTable(bodyRows: string, headers = CONTRACT_HEADERS): string {
  return `<table><thead>${headers}</thead><tbody>${bodyRows}</tbody></table>`;
}

function orderRow(cells: string[]): string {
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** Headers of the Orders table as public sources describe it: no id column, the order's name a link. */
const NAME_LINK_HEADERS = '<tr><th>Order Name</th><th>Date</th><th>Total</th><th>Paid</th><th>Balance Due</th><th>Status</th></tr>';

function orderLink(href: string, text: string): string {
  return `<a href="${href}">${text}</a>`;
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
    const root = render(
      ordersTable(
        orderRow(['<a href="/Job/manageJob.jsp?view=edit&ID=501">501</a>', '03/07/2024', 'Blue  T-shirt\n(L)', '$1,234.56', '$1,000.00', '$234.56', 'Paid']) +
          orderRow(['502', '12/31/2023', 'Gift card', '$29.99', '', '', '']),
      ),
    );
    const reading = readOrdersTable(root);
    expect(reading.found).toBe(true);
    if (!reading.found) return;
    expect(reading.table).toBe(document.querySelector('table'));
    expect(reading.rejectedRows).toEqual([]);
    expect(reading.rows).toEqual([
      { orderId: 501, orderDate: '2024-03-07', title: 'Blue T-shirt (L)', totalMinor: 123456, paidMinor: 100000 },
      { orderId: 502, orderDate: '2023-12-31', title: 'Gift card', totalMinor: 2999, paidMinor: null },
    ]);
  });

  it('maps columns by header position and accepts synonyms, in any order', () => {
    const headers = '<tr><th>Status</th><th>Amount Paid</th><th>Order #</th><th>Description</th><th>Order Total</th><th>Due</th><th>Order Date</th></tr>';
    const root = render(ordersTable(orderRow(['Sent', '$5.00', '#77', 'Mug', '$15.00', '$10.00', '2024-01-02']), headers));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([{ orderId: 77, orderDate: '2024-01-02', title: 'Mug', totalMinor: 1500, paidMinor: 500 }]);
  });

  it('finds a header row drawn with <th> cells in the body, and ignores other tables', () => {
    const root = render(`
      <table><tr><th>Payment ID</th><th>Amount</th></tr><tr><td>7001</td><td>$60.00</td></tr></table>
      <table><tr><th>ID</th><th>Title</th><th>Amount</th><th>Balance</th></tr><tr><td>9</td><td>Hat</td><td>$20.00</td><td>$0.00</td></tr></table>`);
    const reading = readOrdersTable(root);
    expect(reading.found && reading.table).toBe(document.querySelectorAll('table')[1]);
    expect(reading.found && reading.rows).toEqual([{ orderId: 9, orderDate: null, title: 'Hat', totalMinor: 2000, paidMinor: null }]);
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
    const root = render(
      ordersTable(
        orderRow(['600', '01/01/2024', '&lt;img src=x onerror="window.pwned=true"&gt;&lt;script&gt;window.pwned=true&lt;/script&gt;', '$1.00', '$1.00', '$0.00', 'Paid']),
      ),
    );
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
    const root = render(
      ordersTable(
        orderRow(['abc', '01/01/2024', 'Bad id', '$1.00', '', '', '']) +
          orderRow(['0', '01/01/2024', 'Zero id', '$1.00', '', '', '']) +
          orderRow(['702', '13/45/2024', 'Bad date', '$1.00', '', '', '']) +
          orderRow(['703', '01/01/2024', 'Bad total', '$1.0.0', '', '', '']) +
          orderRow(['704', '01/01/2024', 'No total', '', '', '', '']) +
          orderRow(['705', '01/01/2024', 'Bad paid', '$1.00', 'lots', '', '']) +
          orderRow(['706', '01/01/2024', 'Good', '$1.00', '($0.50)', '-$0.25', 'Sent']),
      ),
    );
    const reading = readOrdersTable(root);
    if (!reading.found) throw new Error('table not found');
    expect(reading.rows).toEqual([{ orderId: 706, orderDate: '2024-01-01', title: 'Good', totalMinor: 100, paidMinor: -50 }]);
    expect(reading.rejectedRows.map((rejected) => rejected.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(reading.rejectedRows[0]?.reason).toBe('Order ID "abc" is not an order number');
    expect(reading.rejectedRows[1]?.reason).toBe('Order ID "0" is not an order number');
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

  it('checks calendar dates: 29 February only in leap years, no 31 April', () => {
    const root = render(
      ordersTable(
        orderRow(['901', '02/29/2024', 'Leap', '$1.00', '', '', '']) +
          orderRow(['902', '02/29/2023', 'Not leap', '$1.00', '', '', '']) +
          orderRow(['903', '2000-02-29', 'Leap century', '$1.00', '', '', '']) +
          orderRow(['904', '1900-02-29', 'Not leap century', '$1.00', '', '', '']) +
          orderRow(['905', '04/31/2024', 'No 31 April', '$1.00', '', '', '']) +
          orderRow(['906', '12/31/2024', 'New year eve', '$1.00', '', '', '']),
      ),
    );
    const reading = readOrdersTable(root);
    if (!reading.found) throw new Error('table not found');
    expect(reading.rows.map((row) => [row.orderId, row.orderDate])).toEqual([
      [901, '2024-02-29'],
      [903, '2000-02-29'],
      [906, '2024-12-31'],
    ]);
    expect(reading.rejectedRows.map((rejected) => rejected.reason)).toEqual([
      'Date "02/29/2023" is not a date',
      'Date "1900-02-29" is not a date',
      'Date "04/31/2024" is not a date',
    ]);
  });

  it('reads a cell spanning columns at each column it covers, and leaves out rows of tables nested in cells', () => {
    const root = render(
      ordersTable(
        '<tr><td>910</td><td>01/02/2024</td><td>Bundle <table><tr><th>Order ID</th></tr><tr><td>999</td></tr></table></td><td colspan="2">$8.00</td><td>$0.00</td><td>Paid</td></tr>',
      ),
    );
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([{ orderId: 910, orderDate: '2024-01-02', title: 'Bundle Order ID999', totalMinor: 800, paidMinor: 800 }]);
  });

  it('reads by cell position when a row holds a non-cell element before its cells', () => {
    const root = render(
      ordersTable(
        orderRow(['920', '01/03/2024', 'Plain', '$3.00', '$3.00', '$0.00', 'Paid']) + orderRow(['921', '01/04/2024', 'After a script', '$4.00', '$1.00', '$3.00', 'Sent']),
      ),
    );
    const script = document.createElement('script');
    script.type = 'application/json';
    script.textContent = '{"not":"a cell"}';
    document.querySelectorAll('tbody tr')[1]?.prepend(script);
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([
      { orderId: 920, orderDate: '2024-01-03', title: 'Plain', totalMinor: 300, paidMinor: 300 },
      { orderId: 921, orderDate: '2024-01-04', title: 'After a script', totalMinor: 400, paidMinor: 100 },
    ]);
  });

  it('skips header rows repeated among the orders, and message rows between them', () => {
    const root = render(
      ordersTable(
        orderRow(['930', '01/05/2024', 'First', '$5.00', '$5.00', '$0.00', 'Paid']) +
          CONTRACT_HEADERS +
          '<tr><td colspan="7">Older orders</td></tr>' +
          orderRow(['931', '01/06/2024', 'Second', '$6.00', '', '', '']),
      ),
    );
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows.map((row) => row.orderId)).toEqual([930, 931]);
    expect(reading.found && reading.rejectedRows).toEqual([]);
  });

  it('reads a table with no id column, each order id from the link on its name (relative, absolute, lowercase id)', () => {
    const root = render(
      ordersTable(
        orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', 'Annual plan'), '03/07/2024', '$120.00', '$60.00', '$60.00', 'Unpaid']) +
          orderRow([orderLink('https://ab123.infusionsoft.com/Job/manageJob.jsp?view=edit&amp;ID=5002', 'Workshop'), '03/08/2024', '$75.00', '$75.00', '$0.00', 'Paid']) +
          orderRow([orderLink('/Job/manageJob.jsp?view=edit&amp;id=5003', 'Coaching'), '', '$10.00', '', '', '']),
        NAME_LINK_HEADERS,
      ),
    );
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rejectedRows).toEqual([]);
    expect(reading.found && reading.rows).toEqual([
      { orderId: 5001, orderDate: '2024-03-07', title: 'Annual plan', totalMinor: 12000, paidMinor: 6000 },
      { orderId: 5002, orderDate: '2024-03-08', title: 'Workshop', totalMinor: 7500, paidMinor: 7500 },
      { orderId: 5003, orderDate: null, title: 'Coaching', totalMinor: 1000, paidMinor: null },
    ]);
    expect(ordersTableIn(root)).toBe(document.querySelector('table'));
  });

  it('rejects, in a table with no id column, a row without an order link and a link that is not to a Keap order', () => {
    const root = render(
      ordersTable(
        orderRow(['Plain name', '', '$1.00', '', '', '']) +
          orderRow([orderLink('https://infusionsoft.com.evil.test/Job/manageJob.jsp?ID=5001', 'Lookalike host'), '', '$1.00', '', '', '']) +
          orderRow([orderLink('http://ab123.infusionsoft.com/Job/manageJob.jsp?ID=5001', 'Not https'), '', '$1.00', '', '', '']) +
          orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=abc', 'No number'), '', '$1.00', '', '', '']) +
          orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5004', 'Good'), '', '$1.00', '', '', '']),
        NAME_LINK_HEADERS,
      ),
    );
    const reading = readOrdersTable(root);
    if (!reading.found) throw new Error('table not found');
    expect(reading.rows.map((row) => row.orderId)).toEqual([5004]);
    expect(reading.rejectedRows).toEqual([
      { index: 0, reason: 'The row has no order ID and no link to an order' },
      { index: 1, reason: 'The link "https://infusionsoft.com.evil.test/Job/manageJob.jsp?ID=5001" does not open a Keap order' },
      { index: 2, reason: 'The link "http://ab123.infusionsoft.com/Job/manageJob.jsp?ID=5001" does not open a Keap order' },
      { index: 3, reason: 'The link "../Job/manageJob.jsp?view=edit&ID=abc" does not open a Keap order' },
    ]);
  });

  it.each(['Order', 'Order Name', 'Title', 'Description'])('takes titles from a column headed "%s"', (titleHeader) => {
    const headers = `<tr><th>${titleHeader}</th><th>Total</th></tr>`;
    const root = render(ordersTable(orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', 'Annual plan'), '$120.00']), headers));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([{ orderId: 5001, orderDate: null, title: 'Annual plan', totalMinor: 12000, paidMinor: null }]);
  });

  it('prefers a "Title" column to an "Order" column for titles', () => {
    const headers = '<tr><th>Order</th><th>Title</th><th>Total</th></tr>';
    const root = render(ordersTable(orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', '#5001'), 'Annual plan', '$120.00']), headers));
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows.map((row) => [row.orderId, row.title])).toEqual([[5001, 'Annual plan']]);
  });

  it('compares headers leniently: case, surrounding space, a trailing colon and sort arrows', () => {
    const headers = '<tr><th>\n  order NAME ▲ </th><th>DATE:</th><th>▼ Total</th><th> paid : </th><th>Balance Due ↓</th><th>STATUS</th></tr>';
    const root = render(
      ordersTable(orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', 'Annual plan'), '03/07/2024', '$120.00', '$60.00', '$60.00', 'Unpaid']), headers),
    );
    const reading = readOrdersTable(root);
    expect(reading.found && reading.rows).toEqual([{ orderId: 5001, orderDate: '2024-03-07', title: 'Annual plan', totalMinor: 12000, paidMinor: 6000 }]);
  });

  it('checks an id column against the order link: a row whose two disagree is rejected, an empty id cell takes the link', () => {
    const root = render(
      ordersTable(
        orderRow(['5001', '', orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', 'Agrees'), '$1.00', '', '', '']) +
          orderRow(['5002', '', orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5009', 'Disagrees'), '$1.00', '', '', '']) +
          orderRow(['', '', orderLink('../Job/manageJob.jsp?view=edit&amp;id=5003', 'Link only'), '$1.00', '', '', '']) +
          orderRow(['5004', '', 'No link', '$1.00', '', '', '']) +
          orderRow(['', '', 'Neither', '$1.00', '', '', '']),
      ),
    );
    const reading = readOrdersTable(root);
    if (!reading.found) throw new Error('table not found');
    expect(reading.rows.map((row) => [row.orderId, row.title])).toEqual([
      [5001, 'Agrees'],
      [5003, 'Link only'],
      [5004, 'No link'],
    ]);
    expect(reading.rejectedRows).toEqual([
      { index: 1, reason: 'Order ID 5002 does not match its link, which opens order 5009' },
      { index: 4, reason: 'The row has no order ID and no link to an order' },
    ]);
  });

  it('does not take a table with titles and totals that names no orders, before the Orders table or alone', () => {
    const unrelated = '<table><thead><tr><th>Description</th><th>Total</th></tr></thead><tbody><tr><td>Monthly subscription</td><td>$9.00</td></tr></tbody></table>';
    const orders = ordersTable(orderRow([orderLink('../Job/manageJob.jsp?view=edit&amp;ID=5001', 'Annual plan'), '', '$120.00', '', '', '']), NAME_LINK_HEADERS);
    const root = render(unrelated + orders);
    const reading = readOrdersTable(root);
    expect(reading.found && reading.table).toBe(document.querySelectorAll('table')[1]);
    expect(reading.found && reading.rows.map((row) => row.orderId)).toEqual([5001]);

    render(unrelated);
    expect(readOrdersTable(document.body)).toEqual({ found: false });
    expect(ordersTableIn(document.body)).toBeNull();
  });

  it('takes an empty table only when it has an id column: without one, nothing shows it lists orders', () => {
    render(ordersTable('', NAME_LINK_HEADERS));
    expect(readOrdersTable(document.body)).toEqual({ found: false });
    render(ordersTable(''));
    expect(readOrdersTable(document.body)).toMatchObject({ found: true, rows: [], rejectedRows: [] });
  });

  it("does not take the sandbox order page's payments table", () => {
    const html = renderOrderPage(createSeedState(), SEED.orders.twoPayments);
    if (html === undefined) throw new Error('no order page');
    const page = new DOMParser().parseFromString(html, 'text/html');
    expect(page.querySelectorAll('table').length).toBeGreaterThan(0);
    expect(readOrdersTable(page)).toEqual({ found: false });
  });

  describe("the sandbox contact page's Orders tab, read end to end", () => {
    function readContactPage(contactId: number, options: ContactPageOptions): OrdersTableReading {
      const html = renderContactPage(createSeedState(), contactId, { ...options, ordersDrawn: true });
      if (html === undefined) throw new Error(`no contact ${contactId}`);
      return readOrdersTable(new DOMParser().parseFromString(html, 'text/html'));
    }

    function seedRows(contactId: number): PageOrderRow[] {
      return ordersOfContact(createSeedState(), contactId).map((order) => ({
        orderId: order.id,
        orderDate: order.orderDate.slice(0, 10),
        title: normaliseWhitespace(order.title),
        totalMinor: order.totalMinor,
        paidMinor: order.totalPaidMinor,
      }));
    }

    it.each(['name-links', 'id-column'] as const)('reads every order of the demo contact in the %s layout', (ordersLayout) => {
      const reading = readContactPage(SEED.contacts.demo, { ordersLayout });
      if (!reading.found) throw new Error('table not found');
      expect(reading.rejectedRows).toEqual([]);
      expect(reading.rows).toEqual(seedRows(SEED.contacts.demo));
      expect(reading.rows).toHaveLength(9);
    });

    it('reads the hostile title as text in the name-links layout', () => {
      const reading = readContactPage(SEED.contacts.hostile, { ordersLayout: 'name-links' });
      expect(reading.found && reading.rows).toEqual(seedRows(SEED.contacts.hostile));
      expect(reading.found && reading.rows[0]?.title).toBe(SEED.hostileText.orderTitle);
    });
  });

  it('reads generated orders back exactly from either layout, whatever the header decoration', () => {
    type Layout = 'id-column' | 'name-links';
    const HEADERS: Record<Layout, readonly string[]> = {
      'id-column': ['Order ID', 'Date', 'Title', 'Total', 'Paid', 'Balance Due', 'Status'],
      'name-links': ['Order Name', 'Date', 'Total', 'Paid', 'Balance Due', 'Status'],
    };
    const decorations = fc.constantFrom(
      (header: string) => header,
      (header: string) => header.toUpperCase(),
      (header: string) => ` ${header.toLowerCase()}: `,
      (header: string) => `${header} ▲`,
      (header: string) => `▼ ${header}`,
    );
    const generatedOrder = fc.record({
      orderId: fc.integer({ min: 1, max: 999_999_999 }),
      title: fc.string({ maxLength: 16 }),
      date: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
      totalMinor: fc.integer({ min: 0, max: 99_999_999 }),
      paidMinor: fc.option(fc.integer({ min: 0, max: 99_999_999 }), { nil: null }),
    });
    const usDate = (date: Date) => `${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}/${date.getUTCFullYear()}`;

    fc.assert(
      fc.property(
        fc.constantFrom<Layout>('id-column', 'name-links'),
        fc.array(decorations, { minLength: 7, maxLength: 7 }),
        // At least one order: an empty table without an id column shows nothing that makes it the Orders table.
        fc.uniqueArray(generatedOrder, { selector: (order) => order.orderId, minLength: 1, maxLength: 8 }),
        (layout, decorate, orders) => {
          const table = document.createElement('table');
          const headerRow = table.createTHead().insertRow();
          HEADERS[layout].forEach((header, index) => {
            const cell = document.createElement('th');
            cell.textContent = decorate[index]!(header);
            headerRow.append(cell);
          });
          const body = table.createTBody();
          for (const order of orders) {
            const row = body.insertRow();
            const link = document.createElement('a');
            link.href = `../Job/manageJob.jsp?view=edit&ID=${order.orderId}`;
            const paid = order.paidMinor === null ? '' : formatUsd(order.paidMinor);
            if (layout === 'name-links') {
              link.textContent = order.title;
              row.insertCell().append(link);
              for (const text of [usDate(order.date), formatUsd(order.totalMinor), paid, '', '']) row.insertCell().textContent = text;
            } else {
              link.textContent = String(order.orderId);
              row.insertCell().append(link);
              for (const text of [usDate(order.date), order.title, formatUsd(order.totalMinor), paid, '', '']) row.insertCell().textContent = text;
            }
          }
          document.body.replaceChildren(table);
          const reading = readOrdersTable(document.body);
          if (!reading.found) throw new Error('table not found');
          expect(reading.rejectedRows).toEqual([]);
          expect(reading.rows).toEqual(
            orders.map((order) => ({
              orderId: order.orderId,
              orderDate: order.date.toISOString().slice(0, 10),
              title: normaliseWhitespace(order.title),
              totalMinor: order.totalMinor,
              paidMinor: order.paidMinor,
            })),
          );
        },
      ),
    );
  });

  it('turns any cell text into rows that match the schema or rejections with a reason, one per body row', () => {
    const cellText = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', '#12', '0', '00042', '9007199254740993', '02/30/2024', '2024-02-29', '13/01/2024', '$1,234.56', '(5.00)', '-$0.25', '1.005', '¥3'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cellText, { minLength: 7, maxLength: 7 }), { maxLength: 8 }), (bodyRows) => {
        const table = document.createElement('table');
        table.createTHead().insertRow().innerHTML = CONTRACT_HEADERS.replace(/<\/?tr>/g, '');
        const body = table.createTBody();
        for (const cells of bodyRows) {
          const row = body.insertRow();
          for (const text of cells) row.insertCell().textContent = text;
        }
        document.body.replaceChildren(table);
        const reading = readOrdersTable(document.body);
        if (!reading.found) throw new Error('table not found');
        for (const row of reading.rows) expect(pageOrderRowSchema.safeParse(row).success).toBe(true);
        expect(reading.rows.length + reading.rejectedRows.length).toBe(bodyRows.length);
        for (const rejected of reading.rejectedRows) expect(rejected.reason).not.toBe('');
      }),
    );
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

  it('reads a table that appears in two steps when asked: its first rows at once, then all of them', async () => {
    const root = render('<div id="tab"></div>');
    const readings: OrdersTableReading[] = [];
    const controller = new AbortController();
    watchOrdersTable(root, (reading) => readings.push(reading), { signal: controller.signal, firstRows: 2 });

    const rows = [501, 502, 503, 504, 505].map((id) => orderRow([String(id), '', `Order ${id}`, '$5.00', '', '', ''])).join('');
    document.getElementById('tab')!.innerHTML = ordersTable(rows);
    await vi.waitFor(() => expect(readings).toHaveLength(3));
    const [, firstPage, whole] = readings;
    expect(firstPage?.found && { ids: firstPage.rows.map((row) => row.orderId), complete: firstPage.complete }).toEqual({ ids: [501, 502], complete: false });
    expect(whole?.found && { ids: whole.rows.map((row) => row.orderId), complete: whole.complete }).toEqual({ ids: [501, 502, 503, 504, 505], complete: true });
    controller.abort();
  });

  it('reads a small table in one step even when asked for its first rows first', async () => {
    const root = render('<div id="tab"></div>');
    const readings: OrdersTableReading[] = [];
    const controller = new AbortController();
    // Fake timers, so that "no read is left for later" is checked, not waited for.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      watchOrdersTable(root, (reading) => readings.push(reading), { signal: controller.signal, firstRows: 2 });
      document.getElementById('tab')!.innerHTML = ordersTable(orderRow(['501', '', 'Shirt', '$5.00', '', '', '']) + orderRow(['502', '', 'Hat', '$6.00', '', '', '']));
      await vi.waitFor(() => expect(readings).toHaveLength(2));
      expect(readings[1]?.found && readings[1].complete).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      vi.runAllTimers();
      expect(readings).toHaveLength(2);
    } finally {
      vi.useRealTimers();
      controller.abort();
    }
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
