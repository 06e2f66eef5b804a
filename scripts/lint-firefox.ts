import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findingsLeft, lintReportSchema, ownCodeSettingRawHtml } from './store/firefox-lint';

/**
 * `npm run lint:firefox` (after `npm run zip`) pipes `web-ext lint --output=json
 * --warnings-as-errors` — addons-linter, with which addons.mozilla.org checks every upload — over
 * the Firefox build into this script, which fails on every error and warning but one, each
 * occurrence checked: React's and Preact's own setter for `dangerouslySetInnerHTML`, which Refund
 * Desk never passes (its own code is searched for it here), so no HTML from data reaches it.
 * docs/store-listing.md says so to AMO's reviewers.
 */
const SOURCE_DIR = '.output/firefox-mv2';
const OWN_CODE = ['lib', 'components', 'entrypoints'];

const output = readFileSync(0, 'utf8');
let json: unknown = null;
try {
  json = JSON.parse(output);
} catch {
  // Reported below with what web-ext printed.
}
const parsed = lintReportSchema.safeParse(json);
if (!parsed.success) {
  process.stderr.write(`web-ext lint gave no report:\n${output}\n${z.prettifyError(parsed.error)}\n`);
  process.exit(1);
}
const report = parsed.data;
const left = findingsLeft(report, (file) => readFileSync(join(SOURCE_DIR, file), 'utf8'));
const rawHtml = ownCodeSettingRawHtml(OWN_CODE);
for (const finding of left) process.stderr.write(`${finding._type} ${finding.code} ${finding.file ?? ''}:${finding.line ?? ''}:${finding.column ?? ''} ${finding.message}\n`);
for (const place of rawHtml) process.stderr.write(`Refund Desk's own code sets raw HTML, which the allowed library setters would then carry: ${place}\n`);
const allowed = report.summary.warnings - left.filter((finding) => finding._type === 'warning').length;
process.stdout.write(
  `web-ext lint ${SOURCE_DIR}: ${report.summary.errors} errors, ${report.summary.warnings} warnings (${allowed} of them the UI libraries' raw-HTML setter), ${report.summary.notices} notices\n`,
);
process.exit(left.length === 0 && rawHtml.length === 0 ? 0 : 1);
