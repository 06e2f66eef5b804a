import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What `web-ext lint --output=json` prints: addons-linter's findings. */
const findingSchema = z.object({
  _type: z.enum(['error', 'warning', 'notice']),
  code: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});
export type LintFinding = z.infer<typeof findingSchema>;

export const lintReportSchema = z.object({
  summary: z.object({ errors: z.number(), warnings: z.number(), notices: z.number() }),
  errors: z.array(findingSchema),
  warnings: z.array(findingSchema),
  notices: z.array(findingSchema),
});
export type LintReport = z.infer<typeof lintReportSchema>;

/** How far before the assignment the library's `dangerouslySetInnerHTML` branch starts, in minified code. */
const BRANCH_REACH = 300;

/**
 * React's and Preact's setter for `dangerouslySetInnerHTML`: an `innerHTML` assignment of the
 * prop's `__html` (or of a variable just read from it) inside the branch that handles that prop.
 */
function isUiLibraryRawHtmlSetter(finding: LintFinding, source: string): boolean {
  if (finding.code !== 'UNSAFE_VAR_ASSIGNMENT' || finding.line === undefined || finding.column === undefined) return false;
  const line = source.split('\n')[finding.line - 1] ?? '';
  const at = finding.column - 1;
  if (!/^[\w$]+\.innerHTML=[\w$]+(\.__html)?\)/.test(line.slice(at))) return false;
  const before = line.slice(Math.max(0, at - BRANCH_REACH), at);
  return before.includes('dangerouslySetInnerHTML') && before.includes('__html');
}

/** The errors and warnings of `report` that fail the lint: all of them but the UI libraries' raw-HTML setter. */
export function findingsLeft(report: LintReport, readSource: (file: string) => string): LintFinding[] {
  const allowed = (finding: LintFinding) => finding.file !== undefined && isUiLibraryRawHtmlSetter(finding, readSource(finding.file));
  return [...report.errors, ...report.warnings.filter((finding) => !allowed(finding))];
}

const RAW_HTML = /dangerouslySetInnerHTML|\.(?:inner|outer)HTML\s*=[^=]|insertAdjacentHTML|document\.write/;

/** Places in Refund Desk's own code (tests aside) that set HTML from text: there must be none. */
export function ownCodeSettingRawHtml(folders: string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$|(^|\/)test-[^/]*\.ts$/.test(file))
      .flatMap((file) => {
        const path = join(folder, file);
        return readFileSync(path, 'utf8')
          .split('\n')
          .flatMap((line, index) => (RAW_HTML.test(line) ? [`${path}:${index + 1}`] : []));
      }),
  );
}
