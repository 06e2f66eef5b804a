import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { queueReportCsv } from './report';
import { draftRow, invalidRow, ranRow, readyRow } from './test-rows';

function parsed(csv: string): string[][] {
  return Papa.parse<string[]>(csv.trimEnd(), { header: false }).data;
}

describe('queueReportCsv', () => {
  it('writes a header and one line per row, in queue order, with what was checked and what happened', () => {
    const rows = [
      invalidRow(2, 'Order #5003 has nothing to refund.'),
      ranRow(readyRow(0, [6000, 2500], { draft: { paymentId: undefined } }), 'done', "Keap's API shows the refund.", ['r-1', 'r-2']),
      ranRow(readyRow(1, [1250], { currency: 'GBP' }), 'needs-you', 'Stopped safely before anything was sent.'),
      draftRow(3, { orderId: undefined, problem: '"abc" is not an order ID.', amount: '12.00' }),
      readyRow(4, [900]),
    ];
    const [header, ...lines] = parsed(queueReportCsv(rows));
    expect(header).toEqual([
      'Position',
      'CSV line',
      'Order ID',
      'Payment IDs',
      'Amount',
      'Currency',
      'Contact ID',
      'Contact name',
      'Contact email',
      'Check',
      'Problem',
      'Run status',
      'Message',
      'Refund IDs',
    ]);
    expect(lines).toEqual([
      ['1', '2', '5001', '7001 7002', '85.00', 'USD', '1001', 'Dana Whitfield', 'dana.whitfield@example.com', 'Ready', '', 'Refunded', "Keap's API shows the refund.", 'r-1 r-2'],
      ['2', '3', '5002', '7011', '12.50', 'GBP', '1001', 'Dana Whitfield', 'dana.whitfield@example.com', 'Ready', '', 'Needs you', 'Stopped safely before anything was sent.', ''],
      ['3', '4', '5003', '', '', '', '', '', '', 'Cannot refund', 'Order #5003 has nothing to refund.', '', '', ''],
      ['4', '5', '', '', '12.00', '', '', '', '', 'Cannot refund', '"abc" is not an order ID.', '', '', ''],
      ['5', '6', '5005', '7041', '9.00', 'USD', '1001', 'Dana Whitfield', 'dana.whitfield@example.com', 'Ready', '', 'Waiting', '', ''],
    ]);
  });

  it('ends lines with CRLF, quoting cells that need it', () => {
    const csv = queueReportCsv([ranRow(readyRow(0, [100]), 'not-refunded', 'Keap said: "declined", try later')]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(3);
    expect(csv).toContain('"Keap said: ""declined"", try later"');
  });

  it('neutralises cells a spreadsheet would run as a formula, including ones with a line break', () => {
    const hostile = ranRow(readyRow(0, [100], { draft: { csvLine: 2 } }), 'not-refunded', '=HYPERLINK("http://evil.example","click")');
    const contact = { id: 1001, name: '@SUM(1+1)\r\nx', email: '+1@example.com' };
    const row = { ...hostile, check: hostile.check?.status === 'ready' ? { ...hostile.check, contact } : hostile.check };
    const [, line] = parsed(queueReportCsv([row]));
    expect(line?.[7]).toBe("'@SUM(1+1)\r\nx");
    expect(line?.[8]).toBe("'+1@example.com");
    expect(line?.[12]).toBe('\'=HYPERLINK("http://evil.example","click")');
  });
});
