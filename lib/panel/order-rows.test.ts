import { describe, expect, it } from 'vitest';
import type { PageOrderRow } from '@/lib/page/orders-table';
import { filterOrderRows, mergeOrderRows, type PanelOrderRow } from './order-rows';
import { contactOrderRow } from './test-fixtures';

function pageRow(orderId: number, overrides: Partial<PageOrderRow> = {}): PageOrderRow {
  return { orderId, orderDate: '2025-01-10', title: `Order ${orderId}`, totalMinor: 6000, paidMinor: 6000, ...overrides };
}

const apiRow = contactOrderRow;

describe('mergeOrderRows', () => {
  it('before the API answers, page rows show with refunds and refundable unknown', () => {
    expect(mergeOrderRows([pageRow(1, { totalMinor: 4000, paidMinor: null })], null)).toEqual([
      {
        orderId: 1,
        title: 'Order 1',
        orderDate: '2025-01-10',
        currency: 'USD',
        totalMinor: 4000,
        paidMinor: null,
        refundedMinor: null,
        refundableNowMinor: null,
        discrepancies: [],
        badges: [],
        fromApi: false,
      },
    ]);
  });

  it('the API overrides the page’s amounts and names each disagreement', () => {
    const [row] = mergeOrderRows(
      [pageRow(1, { totalMinor: 4000, paidMinor: 4000 })],
      [apiRow(1, { totalMinor: 3500, paidMinor: 2000, refundedMinor: 500, refundableNowMinor: 1500 })],
    );
    expect(row).toMatchObject({ totalMinor: 3500, paidMinor: 2000, refundedMinor: 500, refundableNowMinor: 1500, fromApi: true });
    expect(row?.discrepancies).toEqual([
      { amount: 'total', pageMinor: 4000, apiMinor: 3500 },
      { amount: 'paid', pageMinor: 4000, apiMinor: 2000 },
    ]);
  });

  it('no notes when the page agrees with the API, or shows no paid column', () => {
    const [agreeing, withoutPaid] = mergeOrderRows([pageRow(2), pageRow(1, { paidMinor: null })], [apiRow(2), apiRow(1, { paidMinor: 1000 })]);
    expect(agreeing?.discrepancies).toEqual([]);
    expect(withoutPaid?.discrepancies).toEqual([]);
    expect(withoutPaid?.paidMinor).toBe(1000);
  });

  it('keeps orders only the API knows and orders only the page shows', () => {
    const rows = mergeOrderRows([pageRow(1)], [apiRow(2, {}, { orderDate: '2025-02-01' })]);
    expect(rows.map((row) => [row.orderId, row.fromApi])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(rows[0]?.discrepancies).toEqual([]);
  });

  it('fills a title or date the API leaves empty from the page', () => {
    const [row] = mergeOrderRows([pageRow(1, { title: 'Coaching', orderDate: '2024-12-01' })], [apiRow(1, {}, { title: '', orderDate: null })]);
    expect(row).toMatchObject({ title: 'Coaching', orderDate: '2024-12-01' });
  });

  it('takes the currency from the API', () => {
    const [row] = mergeOrderRows([pageRow(1, { totalMinor: 6000 })], [apiRow(1, { currency: 'EUR', totalMinor: 5000 })]);
    expect(row?.currency).toBe('EUR');
    expect(row?.discrepancies).toEqual([{ amount: 'total', pageMinor: 6000, apiMinor: 5000 }]);
  });

  it('badges say what is special about an order', () => {
    const rows = mergeOrderRows(
      [],
      [
        apiRow(1, { hasPending: true }),
        apiRow(2, {
          gatewayLimits: [
            { gatewayName: 'PayPal Express', text: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' },
            { gatewayName: 'eWAY', text: 'eWAY cannot refund from Keap: refund it in your eWAY account, then record it here' },
          ],
        }),
        apiRow(3, { hasManual: true }),
        apiRow(4, { partiallyRefunded: true, refundedMinor: 1000 }),
        apiRow(5, { fullyRefunded: true, refundedMinor: 6000, refundableNowMinor: 0 }),
        apiRow(6),
      ],
    );
    const badgesOf = (orderId: number) => rows.find((row) => row.orderId === orderId)?.badges;
    expect(badgesOf(1)).toEqual([{ kind: 'pending' }]);
    expect(badgesOf(2)).toEqual([
      { kind: 'gateway-cannot-refund', text: 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here' },
      { kind: 'gateway-cannot-refund', text: 'eWAY cannot refund from Keap: refund it in your eWAY account, then record it here' },
    ]);
    expect(badgesOf(3)).toEqual([{ kind: 'manual-payment' }]);
    expect(badgesOf(4)).toEqual([{ kind: 'partially-refunded' }]);
    expect(badgesOf(5)).toEqual([{ kind: 'fully-refunded' }]);
    expect(badgesOf(6)).toEqual([]);
  });

  it('an order both partially and fully refunded is badged fully refunded only', () => {
    const [row] = mergeOrderRows([], [apiRow(1, { partiallyRefunded: true, fullyRefunded: true })]);
    expect(row?.badges.map((badge) => badge.kind)).toEqual(['fully-refunded']);
  });

  it('sorts newest first, undated orders last, and by id (newest first) within a day', () => {
    const rows = mergeOrderRows(
      [pageRow(10, { orderDate: null }), pageRow(11, { orderDate: '2024-06-01' }), pageRow(12, { orderDate: null })],
      [apiRow(3, {}, { orderDate: '2025-03-01' }), apiRow(4, {}, { orderDate: '2025-03-01' }), apiRow(5, {}, { orderDate: '2023-01-01' })],
    );
    expect(rows.map((row) => row.orderId)).toEqual([4, 3, 11, 5, 12, 10]);
  });
});

describe('filterOrderRows', () => {
  const rows: PanelOrderRow[] = mergeOrderRows(
    [],
    [
      apiRow(1042, {}, { title: 'Annual Membership', orderDate: '2025-03-14' }),
      apiRow(2077, {}, { title: 'Coaching call', orderDate: '2024-11-02' }),
      apiRow(3100, {}, { title: 'Workbook 1042 edition', orderDate: '2023-05-20' }),
    ],
  );
  const ids = (query: string) => filterOrderRows(rows, query).map((row) => row.orderId);

  it('a blank query keeps every row, in order', () => {
    expect(ids('')).toEqual([1042, 2077, 3100]);
    expect(ids('   ')).toEqual([1042, 2077, 3100]);
  });

  it('matches part of an order id, with or without the # the panel shows', () => {
    expect(ids('207')).toEqual([2077]);
    expect(ids('#2077')).toEqual([2077]);
    expect(ids('# 31')).toEqual([3100]);
  });

  it('matches titles without regard to case', () => {
    expect(ids('coaching')).toEqual([2077]);
    expect(ids('  MEMBERSHIP ')).toEqual([1042]);
  });

  it('an id query also finds titles that mention it', () => {
    expect(ids('1042')).toEqual([1042, 3100]);
  });

  it('matches dates as the panel shows them', () => {
    expect(ids('2024-11')).toEqual([2077]);
    expect(ids('2025-03-14')).toEqual([1042]);
  });

  it('finds nothing for a query nothing contains', () => {
    expect(ids('refund')).toEqual([]);
  });
});
