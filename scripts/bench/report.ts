import type { BundleSize } from './bundles';
import type { Machine } from './machine';

export type Verdict = 'PASS' | 'MISS' | '—';

export interface ResultRow {
  measurement: string;
  result: string;
  target: string;
  verdict: Verdict;
}

export interface Report {
  machine: Machine;
  /** What the runs had in common: sandbox latency, runs per measurement, and so on. */
  setup: string[];
  rows: ResultRow[];
  /** Extra tables (per-run numbers), each with a title. */
  details: Array<{ title: string; headers: string[]; rows: string[][] }>;
  bundles: BundleSize[];
  notes: string[];
  durationMs: number;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('No values to take the median of.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function formatMs(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(1)} ms`;
}

export function formatRuns(values: number[]): string {
  return values.map((value) => value.toFixed(0)).join(', ');
}

export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} B (${(bytes / 1024).toFixed(1)} KiB)`;
}

export function verdict(passed: boolean): Verdict {
  return passed ? 'PASS' : 'MISS';
}

/** A cell cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function resultsTable(rows: ResultRow[]): string {
  return markdownTable(
    ['Measurement', 'Result', 'Target', 'Verdict'],
    rows.map((row) => [row.measurement, row.result, row.target, row.verdict]),
  );
}

export function bundlesTable(bundles: BundleSize[]): string {
  return markdownTable(
    ['Bundle', 'Files', 'Minified', 'Gzipped'],
    bundles.map((bundle) => [bundle.name, bundle.files.map((file) => file.path).join(', '), formatBytes(bundle.bytes), formatBytes(bundle.gzipBytes)]),
  );
}

export function renderReport(report: Report): string {
  const { machine } = report;
  const misses = report.rows.filter((row) => row.verdict === 'MISS');
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`scripts/bench.ts`): the production build in headless Chromium against the sandbox Keap CRM. Do not edit by hand; run it again.',
    '',
    '## Machine',
    '',
    markdownTable(
      ['', ''],
      [
        ['CPU', machine.cpuModel],
        ['Cores', String(machine.cores)],
        ['Memory', `${machine.memoryGiB} GiB`],
        ['Load average (1 min) at start', String(machine.loadAverage)],
        ['Node', machine.node],
        ['Chromium', machine.chromium],
        ['Date', machine.date],
        ['Bench duration (after the build)', formatMs(report.durationMs)],
      ],
    ),
    '',
    '## Setup',
    '',
    ...report.setup.map((line) => `- ${line}`),
    '',
    '## Results',
    '',
    resultsTable(report.rows),
    '',
    misses.length === 0 ? 'Every target was met.' : `${misses.length} of ${report.rows.filter((row) => row.verdict !== '—').length} targets missed.`,
    '',
    '## Bundles',
    '',
    "As built in `.output/chrome-mv3` (minified by the production build); gzip is `node:zlib` at its default level, each file on its own. Chunks shared by several pages count in each. The refund screen's script is in no manifest entry: it is the file `background.js` names to inject. The content scripts render with preact/compat; the extension pages with React.",
    '',
    bundlesTable(report.bundles),
    '',
    ...report.details.flatMap((detail) => [`## ${detail.title}`, '', markdownTable(detail.headers, detail.rows), '']),
    '## Notes',
    '',
    ...report.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
