import Papa from 'papaparse';
import { FORMULA_START } from '@/lib/audit/export';
import { toDecimalString } from '@/lib/money';
import type { QueueRow, QueueRowRunStatus } from './schema';
import { type QueueRowCheckState, rowCheckState, rowProblem } from './summary';

/*
 * The report is a data file, not a page: its headers and status words stay English whatever the
 * browser's language, so spreadsheets and scripts that read it see the same columns and values.
 * The Problem and Message cells are free text for a person: the words the queue page showed, in
 * the browser's language.
 */

const REPORT_COLUMNS = [
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
] as const;

const CHECK_STATE_WORDS: Record<QueueRowCheckState, string> = { unchecked: 'Not checked', ready: 'Ready', invalid: 'Cannot refund' };

const RUN_STATUS_WORDS: Record<QueueRowRunStatus, string> = {
  waiting: 'Waiting',
  running: 'Refunding…',
  done: 'Refunded',
  'needs-you': 'Needs you',
  'not-refunded': 'Not refunded',
  cancelled: 'Cancelled',
};

function reportLine(row: QueueRow): string[] {
  const { draft, check, run } = row;
  const state = rowCheckState(row);
  const ready = check?.status === 'ready' && state === 'ready' ? check : undefined;
  const runStatus = run?.status ?? (ready === undefined ? undefined : 'waiting');
  return [
    String(row.position + 1),
    draft.csvLine === undefined ? '' : String(draft.csvLine),
    draft.orderId === undefined ? '' : String(draft.orderId),
    ready === undefined ? (draft.paymentId === undefined ? '' : String(draft.paymentId)) : ready.lines.map((line) => line.paymentId).join(' '),
    // Checked rows have exact amounts; the others show the amount as it was given.
    ready === undefined ? (draft.amount ?? '') : toDecimalString(ready.totalMinor, ready.currency),
    ready?.currency ?? '',
    ready === undefined ? '' : String(ready.contact.id),
    ready?.contact.name ?? '',
    ready?.contact.email ?? '',
    CHECK_STATE_WORDS[state],
    rowProblem(row) ?? '',
    runStatus === undefined ? '' : RUN_STATUS_WORDS[runStatus],
    run?.message ?? '',
    run?.refundIds.join(' ') ?? '',
  ];
}

/** The queue's final report: RFC 4180 CSV, a header and one line per row in queue order; formula-like cells are neutralised. */
export function queueReportCsv(rows: readonly QueueRow[]): string {
  const lines = [...rows].sort((a, b) => a.position - b.position).map(reportLine);
  return `${Papa.unparse([[...REPORT_COLUMNS], ...lines], { newline: '\r\n', escapeFormulae: FORMULA_START })}\r\n`;
}
