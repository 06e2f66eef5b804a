import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toDecimalString } from '@/lib/money';
import { exportJournal, toCsv, toJson } from './export';
import { refundIdFor } from './ids';
import { buildPlannedRecord } from './journal';
import type { RefundRecord } from './schema';
import { openTestJournal, samplePlan, storeRecords } from './test-support';

function record(overrides: Parameters<typeof samplePlan>[0] = {}, createdAt = Date.UTC(2025, 4, 6, 7, 8, 9)): RefundRecord {
  return buildPlannedRecord(samplePlan(overrides), refundIdFor(createdAt), createdAt);
}

function parse(csv: string): string[][] {
  const result = Papa.parse<string[]>(csv, { newline: '\r\n', skipEmptyLines: true });
  expect(result.errors).toEqual([]);
  return result.data;
}

function column(rows: string[][], name: string): string[] {
  const index = rows[0]!.indexOf(name);
  expect(index).toBeGreaterThanOrEqual(0);
  return rows.slice(1).map((row) => row[index]!);
}

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated row per refunded payment', () => {
    const twoPayments = record({
      lines: [
        { paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' },
        { paymentId: 7002, amountMinor: 5, currency: 'USD', channel: 'keap-refund-screen' },
      ],
    });
    const csv = toCsv([twoPayments]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parse(csv);
    expect(rows).toHaveLength(3);
    expect(column(rows, 'Payment ID')).toEqual(['7001', '7002']);
    expect(column(rows, 'Amount')).toEqual(['60.00', '0.05']);
    expect(column(rows, 'Currency')).toEqual(['USD', 'USD']);
    expect(column(rows, 'Created (UTC)')).toEqual(['2025-05-06T07:08:09.000Z', '2025-05-06T07:08:09.000Z']);
  });

  it('quotes commas, quotes and line breaks so they survive a round trip', () => {
    const tricky = record({
      contact: { id: 1, name: 'Doe, "JD" Jane', email: 'jane@example.com' },
      reason: { preset: 'Other', details: 'Line one\r\nLine two\nand "three"' },
    });
    const csv = toCsv([tricky]);
    expect(csv).toContain('"Doe, ""JD"" Jane"');
    const rows = parse(csv);
    expect(column(rows, 'Contact name')).toEqual(['Doe, "JD" Jane']);
    expect(column(rows, 'Reason details')).toEqual(['Line one\r\nLine two\nand "three"']);
  });

  it.each(['=HYPERLINK("http://evil.example")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '=1+1\nsecond line'])('neutralises the formula-like cell %j', (payload) => {
    const rows = parse(toCsv([record({ reason: { preset: 'Other', details: payload } })]));
    expect(column(rows, 'Reason details')).toEqual([`'${payload}`]);
  });

  it('keeps non-ASCII text as it is', () => {
    const rows = parse(toCsv([record({ contact: { id: 1, name: 'Zoë Ångström 李雷', email: 'zoe@exämple.com' } })]));
    expect(column(rows, 'Contact name')).toEqual(['Zoë Ångström 李雷']);
    expect(column(rows, 'Contact email')).toEqual(['zoe@exämple.com']);
  });

  it('writes only the header for no records', () => {
    expect(parse(toCsv([]))).toHaveLength(1);
  });
});

describe('toDecimalString in exports', () => {
  it.each([
    [0, 'USD', '0.00'],
    [5, 'USD', '0.05'],
    [123456, 'USD', '1234.56'],
    [-250, 'EUR', '-2.50'],
    [1500, 'JPY', '1500'],
    [1234, 'KWD', '1.234'],
  ])('%i %s is %s', (minor, currency, text) => {
    expect(toDecimalString(minor, currency)).toBe(text);
  });
});

describe('toJson', () => {
  it('is an array of the records without the internal search index', () => {
    const records = [record(), record({ orderId: 77 })];
    const parsed = JSON.parse(toJson(records)) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(parsed[1]).toMatchObject({ orderId: 77, totalMinor: 6000 });
    const { searchTokens: _omitted, ...exported } = records[0]!;
    expect(parsed[0]).toEqual(exported);
    expect(parsed[0]).not.toHaveProperty('searchTokens');
  });

  it('drops any field the schema does not know, so nothing unexpected leaves the browser', () => {
    const withStray = { ...record(), apiKey: 'secret' } as RefundRecord;
    expect(toJson([withStray])).not.toContain('secret');
  });
});

describe('exportJournal', () => {
  it('exports the filtered refunds, newest first, in both formats', async () => {
    const db = await openTestJournal();
    const older = record({ contact: { id: 5, name: 'Ann Lee', email: 'ann@example.com' } }, 1000);
    const newer = record({ contact: { id: 6, name: 'Ann Park', email: 'park@example.com' } }, 2000);
    const other = record({ contact: { id: 7, name: 'Bo Chan', email: 'bo@example.com' } }, 3000);
    await storeRecords(db, [older, newer, other]);

    const csv = await (await exportJournal(db, { search: 'ann' }, 'csv')).text();
    expect(csv).toBe(toCsv([newer, older]));

    const json = await (await exportJournal(db, { search: 'ann' }, 'json')).text();
    expect(json).toBe(toJson([newer, older]));
    expect(await (await exportJournal(db, { search: 'nobody' }, 'json')).text()).toBe('[]');
  });
});
