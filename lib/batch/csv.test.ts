import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED } from '@/test/sandbox/seed';
import { MAX_QUEUE_FILE_BYTES, MAX_QUEUE_ROWS, parsePastedOrderIds, parseQueueCsv, type QueueImportResult } from './csv';
import type { QueueRowDraft } from './schema';

const HEADER = 'Order ID,Payment ID,Amount,Reason,Reason details,Error handling,Amount owed after';

function rowsOf(result: QueueImportResult): QueueRowDraft[] {
  if (!result.ok) throw new Error(`Expected rows, got ${result.error.kind}: ${result.error.message}`);
  return result.rows;
}

function errorOf(result: QueueImportResult): { kind: string; message: string } {
  if (result.ok) throw new Error('Expected a file error, got rows');
  return result.error;
}

function onlyRow(csv: string): QueueRowDraft {
  const rows = rowsOf(parseQueueCsv(csv));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('parseQueueCsv: the sample file', () => {
  const sample = readFileSync(fileURLToPath(new URL('../../docs/sample-refund-queue.csv', import.meta.url)), 'utf8');

  it('reads every row of docs/sample-refund-queue.csv without a problem, on orders the sandbox has', () => {
    const rows = rowsOf(parseQueueCsv(sample));
    expect(rows.map((row) => row.problem)).toEqual(rows.map(() => undefined));
    expect(rows[0]).toEqual({
      orderId: SEED.orders.twoPayments,
      paymentId: SEED.payments.twoPaymentsFirst,
      amount: '25.00',
      reasonPreset: "Customer wasn't happy with product",
      reasonDetails: 'Partial refund agreed by phone, first installment only',
      errorHandling: 'record-anyway',
      amountOwedAfter: '0.00',
      source: 'csv',
      csvLine: 2,
    });
    expect(rows.some((row) => row.amount === undefined)).toBe(true);
    const seededOrders: number[] = Object.values(SEED.orders);
    for (const row of rows) expect(seededOrders).toContain(row.orderId);
  });
});

describe('parseQueueCsv: headers', () => {
  it.each(['Order ID', 'order_id', 'orderId', 'ORDER-ID', ' order id ', 'Order'])('reads %j as the order ID column', (header) => {
    expect(onlyRow(`${header}\n5001\n`).orderId).toBe(5001);
  });

  it('needs only the order ID column: the rest are left to the queue', () => {
    expect(onlyRow('Order ID\n5001')).toEqual({
      orderId: 5001,
      paymentId: undefined,
      amount: undefined,
      reasonPreset: undefined,
      reasonDetails: '',
      errorHandling: undefined,
      amountOwedAfter: undefined,
      source: 'csv',
      csvLine: 2,
    });
  });

  it('reads the columns in any order and spelling', () => {
    const row = onlyRow('amount_owed_after;REASON;payment-id;order;Details;errorHandling\n1.00;other;#7001;5001;Duplicate charge;skip');
    expect(row).toMatchObject({ orderId: 5001, paymentId: 7001, amountOwedAfter: '1.00', reasonPreset: 'Other', reasonDetails: 'Duplicate charge', errorHandling: 'skip-payment' });
  });

  it('refuses a file with columns it does not know, naming them and the expected ones', () => {
    const error = errorOf(parseQueueCsv('Order ID,Customer,Notes\n5001,Dana,hi'));
    expect(error.kind).toBe('wrong-headers');
    expect(error.message).toContain('"Customer", "Notes"');
    expect(error.message).toContain('Order ID (required), Payment ID, Amount, Reason, Reason details, Error handling, Amount owed after');
  });

  it('refuses a file without an order ID column, or with it twice', () => {
    expect(errorOf(parseQueueCsv('Amount,Reason\n25.00,Other'))).toMatchObject({ kind: 'wrong-headers', message: expect.stringContaining('no "Order ID" column') });
    expect(errorOf(parseQueueCsv('Order ID,order_id\n5001,5002'))).toMatchObject({ kind: 'wrong-headers', message: expect.stringContaining('"Order ID" column more than once') });
  });

  it('says a list of IDs without a header line should be pasted instead', () => {
    const error = errorOf(parseQueueCsv('5001\n5002\n'));
    expect(error.kind).toBe('wrong-headers');
    expect(error.message).toContain('starts with "5001"');
    expect(error.message).toContain('paste them');
  });

  it('ignores a nameless column only while it is empty', () => {
    expect(onlyRow('Order ID,Amount,\n5001,10.00,\n').amount).toBe('10.00');
    expect(errorOf(parseQueueCsv('Order ID,Amount,\n5001,10.00,surprise\n'))).toMatchObject({ kind: 'wrong-headers', message: expect.stringContaining('column 3') });
  });

  it('reads a file saved with a byte-order mark and CRLF line ends', () => {
    expect(onlyRow('\uFEFFOrder ID,Amount\r\n5001,10.00\r\n')).toMatchObject({ orderId: 5001, amount: '10.00' });
  });
});

describe('parseQueueCsv: cells', () => {
  it.each([
    ['sent wrong size', 'Sent wrong size'],
    ['  CUSTOMER   DID NOT WANT IT ', 'Customer did not want it'],
    ['Customer wasn’t happy with product', "Customer wasn't happy with product"],
  ])('matches the reason %j to Keap’s preset %j', (cell, preset) => {
    expect(onlyRow(`Order ID,Reason\n5001,${cell}`).reasonPreset).toBe(preset);
  });

  it('gives a row with another reason a problem listing Keap’s reasons, and keeps the good rows', () => {
    const rows = rowsOf(parseQueueCsv('Order ID,Reason\n5001,Changed mind\n5002,Other'));
    expect(rows[0]!.reasonPreset).toBeUndefined();
    expect(rows[0]!.problem).toContain('"Changed mind" is not one of Keap\'s reasons');
    expect(rows[0]!.problem).toContain('"Sent wrong size", "Customer wasn\'t happy with product", "Item misrepresented", "Customer did not want it", "Other"');
    expect(rows[1]).toMatchObject({ orderId: 5002, reasonPreset: 'Other', problem: undefined });
  });

  it.each([
    ['Record the refund anyway', 'record-anyway'],
    ['record anyway', 'record-anyway'],
    ['RECORD', 'record-anyway'],
    ['Skip that payment', 'skip-payment'],
    ['skip', 'skip-payment'],
  ])('reads the error handling %j', (cell, choice) => {
    expect(onlyRow(`Order ID,Error handling\n5001,${cell}`).errorHandling).toBe(choice);
  });

  it('gives a row with unknown error handling a problem in Keap’s words', () => {
    const row = onlyRow('Order ID,Error handling\n5001,retry');
    expect(row.errorHandling).toBeUndefined();
    expect(row.problem).toContain('"retry" is not a way to handle a failed refund: use "Record the refund anyway" or "Skip that payment"');
  });

  it('reads order and payment IDs with or without "#", and says which ones are not IDs', () => {
    const rows = rowsOf(parseQueueCsv('Order ID,Payment ID\n#5001,#7001\nabc,7002\n0,\n5003,7.5\n,7004'));
    expect(rows[0]).toMatchObject({ orderId: 5001, paymentId: 7001, problem: undefined });
    expect(rows[1]).toMatchObject({ orderId: undefined, paymentId: 7002, problem: '"abc" is not an order ID: write Keap\'s order number, like 5001.' });
    expect(rows[2]).toMatchObject({ orderId: undefined, problem: expect.stringContaining('"0" is not an order ID') });
    expect(rows[3]).toMatchObject({ orderId: 5003, paymentId: undefined, problem: expect.stringContaining('"7.5" is not a payment ID') });
    expect(rows[4]).toMatchObject({ orderId: undefined, problem: 'The order ID is missing.' });
  });

  it('keeps amounts as the text given, and gives letters a problem', () => {
    const rows = rowsOf(parseQueueCsv('Order ID,Amount,Amount owed after\n5001, $25.00 ,USD 0\n5002,"1,234.50",0 EUR\n5003,full,\n5004,12,abc'));
    expect(rows[0]).toMatchObject({ amount: '$25.00', amountOwedAfter: 'USD 0', problem: undefined });
    expect(rows[1]).toMatchObject({ amount: '1,234.50', amountOwedAfter: '0 EUR', problem: undefined });
    expect(rows[2]!.problem).toBe('"full" is not an amount: write it like 25.00, or leave it blank to refund everything still refundable.');
    expect(rows[3]!.problem).toContain('"abc" is not an amount owed');
  });

  it('puts every problem of a row into its one message', () => {
    const problem = onlyRow('Order ID,Reason,Error handling\nx,Nope,maybe').problem ?? '';
    expect(problem).toContain('"x" is not an order ID');
    expect(problem).toContain('"Nope" is not one of Keap\'s reasons');
    expect(problem).toContain('"maybe" is not a way to handle a failed refund');
  });

  it('gives too long reason details a problem', () => {
    expect(onlyRow(`Order ID,Reason details\n5001,${'x'.repeat(501)}`).problem).toBe('The reason details are longer than 500 characters.');
    expect(onlyRow(`Order ID,Reason details\n5001,${'x'.repeat(500)}`).problem).toBeUndefined();
  });

  it('gives a line with more cells than columns a problem, but not for trailing empty cells', () => {
    const rows = rowsOf(parseQueueCsv('Order ID,Reason details\n5001,Late, very late\n5002,On time,,'));
    expect(rows[0]!.problem).toContain('more cells than the file has columns');
    expect(rows[1]!.problem).toBeUndefined();
  });

  it('skips blank lines, numbering lines as a spreadsheet numbers its rows', () => {
    const rows = rowsOf(parseQueueCsv(`\n${HEADER}\n5001,,,,"two\nlines",,\n\n ,, ,,,,\n5002,,,,,,\n`));
    expect(rows.map((row) => [row.orderId, row.csvLine])).toEqual([
      [5001, 3],
      [5002, 6],
    ]);
    expect(rows[0]!.reasonDetails).toBe('two\nlines');
  });
});

describe('parseQueueCsv: files it cannot read', () => {
  it.each([
    ['a PDF', '%PDF-1.7\n%âãÏÓ\n1 0 obj'],
    ['an .xlsx (a zip)', 'PK\u0003\u0004\u0014\u0000\u0006\u0000[Content_Types].xml'],
    ['text with NUL characters', 'Order ID\u0000,Amount\n5001,1'],
  ])('refuses %s as not a CSV file', (_what, text) => {
    const error = errorOf(parseQueueCsv(text));
    expect(error.kind).toBe('not-csv');
    expect(error.message).toContain('CSV UTF-8');
  });

  it('refuses text that was not UTF-8', () => {
    expect(errorOf(parseQueueCsv('Order ID,Reason details\n5001,Caf\uFFFD'))).toMatchObject({ kind: 'not-csv', message: expect.stringContaining('not saved as UTF-8') });
  });

  it('refuses a file whose quotes do not close, naming the line', () => {
    expect(errorOf(parseQueueCsv('Order ID,Reason details\n5001,ok\n5002,"never closed\n5003,x'))).toMatchObject({
      kind: 'not-csv',
      message: expect.stringContaining('a quote on line 3 is never closed'),
    });
  });

  it('refuses an empty file and a file with only its header', () => {
    expect(errorOf(parseQueueCsv(''))).toEqual({ kind: 'empty', message: 'This file is empty.' });
    expect(errorOf(parseQueueCsv(' \n\n'))).toMatchObject({ kind: 'empty' });
    expect(errorOf(parseQueueCsv(`${HEADER}\n\n`))).toEqual({ kind: 'empty', message: 'This file has no rows under its column names.' });
  });

  it(`reads ${MAX_QUEUE_ROWS} rows and refuses one more, stating the limit`, () => {
    const lines = (count: number) => `Order ID\n${Array.from({ length: count }, (_, index) => 5001 + index).join('\n')}\n`;
    expect(rowsOf(parseQueueCsv(lines(MAX_QUEUE_ROWS)))).toHaveLength(MAX_QUEUE_ROWS);
    expect(errorOf(parseQueueCsv(lines(MAX_QUEUE_ROWS + 1)))).toEqual({
      kind: 'too-large',
      message: 'This file has 1,001 rows; Refund Desk reads at most 1,000 rows from one file. Split it into smaller files.',
    });
  });

  it('refuses a file over 1 MiB, counting UTF-8 bytes, stating the limit', () => {
    const header = 'Order ID,Reason details\n';
    const fill = (bytes: number, char: string) => char.repeat(Math.floor(bytes / new TextEncoder().encode(char).byteLength));
    const atLimit = `${header}5001,${fill(MAX_QUEUE_FILE_BYTES - header.length - 5, 'x')}`;
    expect(new TextEncoder().encode(atLimit).byteLength).toBe(MAX_QUEUE_FILE_BYTES);
    expect(rowsOf(parseQueueCsv(atLimit))).toHaveLength(1);
    const error = errorOf(parseQueueCsv(`${header}5001,${fill(MAX_QUEUE_FILE_BYTES, 'é')}`));
    expect(error).toEqual({ kind: 'too-large', message: 'This file is larger than 1 MiB, the most Refund Desk reads. Split it into smaller files.' });
  });
});

describe('parsePastedOrderIds', () => {
  it('reads IDs separated by spaces, commas, semicolons and new lines, with or without "#"', () => {
    const rows = rowsOf(parsePastedOrderIds(' 5001, #5002;5003\n5004\t5005\r\n\n'));
    expect(rows).toEqual([5001, 5002, 5003, 5004, 5005].map((orderId) => ({ orderId, reasonDetails: '', source: 'pasted' })));
  });

  it('keeps each ID once, in the order first pasted', () => {
    expect(rowsOf(parsePastedOrderIds('5002 5001 #5002 05001')).map((row) => row.orderId)).toEqual([5002, 5001]);
  });

  it('gives each word that is not an ID its own problem, and keeps the IDs', () => {
    const rows = rowsOf(parsePastedOrderIds('5001 Dana 5002 $25.00 Dana'));
    expect(rows).toEqual([
      { orderId: 5001, reasonDetails: '', source: 'pasted' },
      { reasonDetails: '', source: 'pasted', problem: '"Dana" is not an order ID: write Keap\'s order number, like 5001.' },
      { orderId: 5002, reasonDetails: '', source: 'pasted' },
      { reasonDetails: '', source: 'pasted', problem: '"$25.00" is not an order ID: write Keap\'s order number, like 5001.' },
    ]);
  });

  it('says when nothing was pasted', () => {
    expect(errorOf(parsePastedOrderIds(' ,\n ; '))).toEqual({ kind: 'empty', message: 'Paste at least one order ID.' });
  });

  it(`takes at most ${MAX_QUEUE_ROWS} different IDs at a time`, () => {
    const ids = (count: number) => Array.from({ length: count }, (_, index) => 5001 + index).join(' ');
    expect(rowsOf(parsePastedOrderIds(`${ids(MAX_QUEUE_ROWS)} 5001`))).toHaveLength(MAX_QUEUE_ROWS);
    expect(errorOf(parsePastedOrderIds(ids(MAX_QUEUE_ROWS + 1)))).toEqual({ kind: 'too-large', message: 'That is 1,001 order IDs; paste at most 1,000 at a time.' });
  });
});
