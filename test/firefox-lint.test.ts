import { describe, expect, it } from 'vitest';
import { findingsLeft, type LintFinding, type LintReport } from '../scripts/store/firefox-lint';

// The code addons-linter flagged in the Firefox build: Preact's and React's dangerouslySetInnerHTML setters, minified.
const PREACT = 'u=="dangerouslySetInnerHTML"?d=_:u=="value"?h=_:0;if(d)a||f&&(d.__html==f.__html||d.__html==e.innerHTML)||(e.innerHTML=d.__html),t.__k=[];';
const REACT = 'case"dangerouslySetInnerHTML":if(u!=null){if(n=u.__html,n!=null){if(i.children!=null)throw Error(o(60));r?.__html!==n&&(e.innerHTML=n)}}break;';
const OWN = 'function show(e,n){(e.innerHTML=n)}';

const unsafeAssignment = (file: string, source: string): LintFinding => ({
  _type: 'warning',
  code: 'UNSAFE_VAR_ASSIGNMENT',
  message: 'Unsafe assignment to innerHTML',
  file,
  line: 1,
  column: source.lastIndexOf('e.innerHTML=') + 1,
});

function report(findings: LintFinding[]): LintReport {
  const of = (type: LintFinding['_type']) => findings.filter((finding) => finding._type === type);
  return {
    summary: { errors: of('error').length, warnings: of('warning').length, notices: of('notice').length },
    errors: of('error'),
    warnings: of('warning'),
    notices: of('notice'),
  };
}

const sources: Record<string, string> = { 'preact.js': PREACT, 'react.js': REACT, 'own.js': OWN };
const read = (file: string) => sources[file] ?? '';

describe('findingsLeft', () => {
  it("lets through only the UI libraries' raw-HTML setters", () => {
    const own = unsafeAssignment('own.js', OWN);
    expect(findingsLeft(report([unsafeAssignment('preact.js', PREACT), unsafeAssignment('react.js', REACT), own]), read)).toEqual([own]);
  });

  it('keeps the same code flagged anywhere else on the line', () => {
    const elsewhere = { ...unsafeAssignment('preact.js', PREACT), column: 1 };
    expect(findingsLeft(report([elsewhere]), read)).toEqual([elsewhere]);
  });

  it('keeps every other warning and every error', () => {
    const missing: LintFinding = { _type: 'warning', code: 'MISSING_DATA_COLLECTION_PERMISSIONS', message: 'missing', file: 'manifest.json' };
    const error: LintFinding = { _type: 'error', code: 'JSON_INVALID', message: 'broken', file: 'manifest.json' };
    expect(findingsLeft(report([missing, error]), read)).toEqual([error, missing]);
  });

  it('does not fail on notices, as web-ext lint --warnings-as-errors does not', () => {
    expect(findingsLeft(report([{ _type: 'notice', code: 'NOTE', message: 'fyi' }]), read)).toEqual([]);
  });
});
