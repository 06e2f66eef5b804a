// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readPaymentsList, watchPaymentsList, type PaymentsListReading } from './payments-list';

afterEach(() => {
  document.body.innerHTML = '';
});

function page(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

const paymentsOf = (reading: PaymentsListReading) => (reading.found ? reading.payments : null);
const listId = (reading: PaymentsListReading) => (reading.found ? reading.list.id : null);

describe('readPaymentsList recognises', () => {
  it('a table of payments, its header and a "show more" row aside', () => {
    const reading = readPaymentsList(
      page(`<table id="payments"><thead><tr><th>Date</th><th>Amount</th><th>Payment</th><th>Status</th></tr></thead><tbody>
        <tr><td>04/23/2025</td><td>$60.00</td><td><a href="#">Credit card payment made</a></td><td>Paid</td></tr>
        <tr><td>03/02/2025</td><td>$1,234.56</td><td><a href="#">Check payment made</a></td><td>Paid</td></tr>
        <tr><td colspan="4"><a href="#">Show more</a></td></tr>
      </tbody></table>`),
    );
    expect(listId(reading)).toBe('payments');
    expect(paymentsOf(reading)).toEqual([
      { date: '2025-04-23', amountMinor: 6000 },
      { date: '2025-03-02', amountMinor: 123456 },
    ]);
  });

  it('ARIA list items holding payment buttons, dates written out', () => {
    const reading = readPaymentsList(
      page(`<div id="payments" role="list" aria-label="Payments">
        <div role="listitem"><button type="button"><span>Credit card payment</span><span>$60.00</span><span>Apr 23, 2025</span><span>Paid</span></button></div>
        <div role="listitem"><button type="button"><span>Refund</span><span>-$25.00</span><span>Apr 24, 2025</span><span>Refund</span></button></div>
      </div>`),
    );
    expect(paymentsOf(reading)).toEqual([
      { date: '2025-04-23', amountMinor: 6000 },
      { date: '2025-04-24', amountMinor: 2500 },
    ]);
  });

  it('a plain list, an ARIA grid, and a row whose date is only a <time> value', () => {
    expect(paymentsOf(readPaymentsList(page('<ul><li>Paid $60.00 on 10 Jan 2025</li><li>Paid $5.00 on 11 Jan 2025</li></ul>')))).toEqual([
      { date: '2025-01-10', amountMinor: 6000 },
      { date: '2025-01-11', amountMinor: 500 },
    ]);
    expect(
      paymentsOf(
        readPaymentsList(
          page(`<div role="grid"><div role="row"><span role="columnheader">When</span><span role="columnheader">Amount</span></div>
            <div role="row"><span role="gridcell"><time datetime="2025-01-10T15:00:00Z">2 days ago</time></span><span role="gridcell">$60.00</span></div></div>`),
        ),
      ),
    ).toEqual([{ date: '2025-01-10', amountMinor: 6000 }]);
  });

  it('the first list that reads, past lists of other things and past a list nested in a row', () => {
    const reading = readPaymentsList(
      page(`<ul id="menu"><li>Contacts</li><li>Money</li></ul>
        <ul id="notes"><li>01/02/2025 Called about the invoice</li></ul>
        <table id="payments"><tr><td>01/10/2025</td><td>$60.00</td></tr><tr><td>01/11/2025</td><td>$5.00</td></tr></table>`),
    );
    expect(listId(reading)).toBe('payments');
  });
});

describe('readPaymentsList does not recognise', () => {
  it.each([
    ['no list at all', '<p>Paid $60.00 on 01/10/2025</p>'],
    ['an empty list', '<table><thead><tr><th>Date</th><th>Amount</th></tr></thead><tbody></tbody></table>'],
    ['a list of notes: dates, no amounts', '<ul><li>01/02/2025 Called</li><li>01/03/2025 Emailed</li></ul>'],
    ['a note that mentions money among notes that do not', '<ul><li>01/02/2025 Quoted $500.00</li><li>01/03/2025 Emailed</li></ul>'],
    ['a row with an amount and no date', '<table><tr><td>01/10/2025</td><td>$60.00</td></tr><tr><td>Balance</td><td>$5.00</td></tr></table>'],
    ['a row with two dates', '<table><tr><td>Paid 01/10/2025, due 02/10/2025</td><td>$60.00</td></tr></table>'],
    ['a row with two amounts', '<table><tr><td>01/10/2025</td><td>$60.00</td><td>$20.00 refunded</td></tr></table>'],
    ['a row of facts about one payment', '<table><tr><th>Amount</th><td>$60.00</td></tr><tr><th>Date</th><td>Apr 23, 2025</td></tr></table>'],
    ['amounts without cents, which read as no amount', '<ul><li>01/10/2025 $60</li></ul>'],
  ])('%s', (_label, html) => {
    expect(readPaymentsList(page(html))).toEqual({ found: false });
  });
});

describe('watchPaymentsList', () => {
  it('reports at once, then each new reading once the page settles, and never the same twice in a row', async () => {
    const root = page('<main id="main"><p>Loading payments…</p></main>');
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPaymentsList(root, onChange, { signal: controller.signal, scope: () => document.getElementById('main')!, settleMs: 5 });
    expect(onChange).toHaveBeenCalledExactlyOnceWith({ found: false });
    document.getElementById('main')!.innerHTML = '<table><tr><td>01/10/2025</td><td>$60.00</td></tr></table>';
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(2));
    expect(paymentsOf(onChange.mock.calls[1]![0] as PaymentsListReading)).toEqual([{ date: '2025-01-10', amountMinor: 6000 }]);
    // Drawn anew with the same payments: nothing to report.
    document.getElementById('main')!.innerHTML = '<table><tr><td>Jan 10, 2025</td><td>$60.00</td></tr></table>';
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onChange).toHaveBeenCalledTimes(2);
    document.getElementById('main')!.innerHTML = '<p>No payments yet.</p>';
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledTimes(3));
    expect(onChange.mock.calls[2]![0]).toEqual({ found: false });
    controller.abort();
  });

  it('reads a burst of changes once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const root = page('<main></main>');
      const onChange = vi.fn();
      const controller = new AbortController();
      watchPaymentsList(root, onChange, { signal: controller.signal, scope: () => root, settleMs: 100 });
      const main = root.querySelector('main')!;
      for (let index = 1; index <= 20; index += 1) {
        main.insertAdjacentHTML('beforeend', `<p>${index}</p>`);
        await Promise.resolve();
      }
      expect(vi.getTimerCount()).toBe(1);
      vi.runAllTimers();
      expect(onChange).toHaveBeenCalledOnce();
      controller.abort();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops once aborted', async () => {
    const root = page('<main></main>');
    const onChange = vi.fn();
    const controller = new AbortController();
    watchPaymentsList(root, onChange, { signal: controller.signal, scope: () => root, settleMs: 1 });
    controller.abort();
    root.innerHTML = '<table><tr><td>01/10/2025</td><td>$60.00</td></tr></table>';
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onChange).toHaveBeenCalledOnce();
  });
});
