import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generateChromeMessages, parseMessagesText } from '@wxt-dev/i18n/build';

/*
 * Every word Refund Desk shows comes from locales/en.yml through `i18n.t`, so the extension can be
 * translated. This reads the components, entry points and lib/ as TypeScript sees them and fails on
 * words written into them: text between JSX tags, a user-facing attribute given as a literal, and
 * string literals that read as words (two or more, or one capitalised word), wherever they are in
 * those files. It also checks that every key the code asks for is in the messages file.
 */

const ROOTS = ['components', 'entrypoints'];
/** Attributes a person reads or hears. */
const USER_FACING_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'aria-valuetext', 'aria-roledescription', 'title', 'placeholder', 'alt', 'label']);
/** Attributes whose values are never words for a person. */
const MACHINE_ATTRIBUTES = new Set([
  'className',
  'type',
  'role',
  'id',
  'key',
  'name',
  'htmlFor',
  'href',
  'accept',
  'rel',
  'target',
  'method',
  'autoComplete',
  'inputMode',
  'lang',
  'dir',
]);
/** Looks like words: two words, or one capitalised word of three letters or more (not an all-caps code such as USD). */
const WORDS = /[A-Za-z]{2,}[,.:;!?'’]?\s+[A-Za-z]|^[A-Z][a-z]{2,}/;

/** A CSS selector or style value (lower case, with a comma, bracket, colour or length): not words. */
const CSS = /^(?=.*(?:[,[#]|\dpx))[a-z0-9\s,[\]=:#.()*>"'^$|~+-]+$/;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

interface Finding {
  where: string;
  text: string;
}

function attributeName(node: ts.Node): string | null {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isJsxAttribute(current)) return current.name.getText();
    if (ts.isJsxElement(current) || ts.isJsxSelfClosingElement(current) || ts.isBlock(current)) return null;
  }
  return null;
}

/** A literal given to something other than a person: an import, `i18n.t`, a CSS or DOM API, a comparison. */
function isMachineUse(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent)) return true;
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText();
    if (
      /^i18n\.t$|querySelector|getElementById|addEventListener|removeEventListener|createElement|getByRole|matchMedia|setProperty|getAttribute|setAttribute|closest|matches|\.stores$|^Symbol$|console\./.test(
        callee,
      )
    )
      return true;
  }
  // A Dexie schema: `.stores({ table: 'id, index' })`.
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent) && ts.isCallExpression(parent.parent.parent)) {
    if (/\.stores$/.test(parent.parent.parent.expression.getText())) return true;
  }
  // A programming fault's Error (never shown to a person), and an error class's name.
  if (ts.isNewExpression(parent) && parent.expression.getText() === 'Error') return true;
  if (ts.isPropertyDeclaration(parent) && parent.name.getText() === 'name') return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.getText() === '=' && /\.name$/.test(parent.left.getText())) return true;
  if (ts.isElementAccessExpression(parent)) return true;
  if (ts.isBinaryExpression(parent) && /^(===|!==|==|!=)$/.test(parent.operatorToken.getText())) return true;
  if (ts.isCaseClause(parent)) return true;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return true;
  if (ts.isLiteralTypeNode(parent) || ts.isIndexedAccessTypeNode(parent)) return true;
  const attribute = attributeName(node);
  return attribute !== null && (MACHINE_ATTRIBUTES.has(attribute) || attribute.startsWith('data-'));
}

function findingsIn(file: string, text = readFileSync(file, 'utf8')): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    findings.push({ where: `${relative(resolve('.'), file)}:${line + 1}`, text: text.trim().slice(0, 80) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && /[A-Za-z]/.test(node.text)) report(node, node.text);
    else if (
      ts.isJsxAttribute(node) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer) &&
      USER_FACING_ATTRIBUTES.has(node.name.getText()) &&
      /[A-Za-z]/.test(node.initializer.text)
    ) {
      report(node, node.initializer.text);
    } else if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      !ts.isJsxAttribute(node.parent) &&
      WORDS.test(node.text) &&
      !CSS.test(node.text) &&
      !isMachineUse(node)
    ) {
      report(node, node.text);
    } else if (ts.isTemplateExpression(node) && !isMachineUse(node)) {
      const literalText = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
      if (WORDS.test(literalText)) report(node, node.getText());
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

function keysAskedFor(file: string): { where: string; key: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/i18n\.t\(\s*'([^']+)'/g)].map((match) => ({ where: relative(resolve('.'), file), key: match[1] ?? '' }));
}

const files = ROOTS.flatMap((root) => sourceFiles(resolve(root)));

/*
 * lib/ builds messages too (errors, row problems, checklist steps): they come from the messages file
 * like the pages' words. What stays English is listed here, each with why: a file whose every word is
 * kept, or the words a file may keep. A new literal in lib/ fails the test until it goes through
 * `i18n.t` or is listed here with its reason.
 */
const KEAPS_WORDS = "Keap's own words: what the readers look for on Keap's English screens and answers, Keap's reason presets and labels";
const NOTES = 'the notes written on Keap contacts: the team shares them, and other installs read their machine line';
const FILE_FORMAT = 'file formats: CSV column names and values that imports and spreadsheets read back';
const VALIDATION = "validation wording of schemas, never shown, or quoted after a field path as the reason a teammate's note was skipped";
const AUDIT_TRAIL = "the journal's event notes, an audit trail no page shows";
const KEPT_IN_ENGLISH: Record<string, { why: string; texts?: string[] }> = {
  'lib/page/refund-screen/words.ts': { why: KEAPS_WORDS },
  'lib/page/newer-app-refund/words.ts': { why: KEAPS_WORDS },
  'lib/page/newer-app/words.ts': { why: KEAPS_WORDS },
  'lib/page/orders-table.ts': {
    why: KEAPS_WORDS,
    texts: ['Order ID', 'Order #', 'Date', 'Order Date', 'Title', 'Order Title', 'Order Name', 'Description', 'Order', 'Total', 'Order Total', 'Amount', 'Paid', 'Amount Paid'],
  },
  'lib/page/refund-screen/guide.ts': {
    why: KEAPS_WORDS,
    texts: [
      'If an automatic refund fails, record the refund anyway',
      'If an automatic refund fails, skip that payment',
      'How much should the client owe you after this transaction is complete',
    ],
  },
  'lib/refund/rules.ts': {
    why: KEAPS_WORDS,
    texts: ['Sent wrong size', "Customer wasn't happy with product", 'Item misrepresented', 'Customer did not want it', 'Other', 'Record the refund anyway', 'Skip that payment'],
  },
  'lib/refund/gateways.ts': { why: KEAPS_WORDS, texts: ['Authorize.Net', 'Nexus', 'PayPal Commerce', 'Stripe', 'PayPal'] },
  'lib/keap/schemas.ts': { why: `${KEAPS_WORDS}; ${VALIDATION}` },
  'lib/keap/v2/schemas.ts': { why: `${KEAPS_WORDS}; ${VALIDATION}` },
  'lib/batch/check.ts': { why: KEAPS_WORDS, texts: ['Other'] },
  'lib/refund/note.ts': { why: NOTES },
  'lib/refund/team-notes.ts': {
    why: NOTES,
    texts: [
      'Refund Desk attempt:',
      '`Refund Desk: refunding ${formatMoney(record.totalMinor, currency)} of payment $',
      '`Refund Desk is refunding ${formatMoney(record.totalMinor, currency)} of payment',
      'Please do not refund these payments until it says how it ended.',
    ],
  },
  'lib/refund/executor.ts': { why: `${NOTES} (the note's title and type)`, texts: ['Other', '`Refund Desk: ${formatMoney(record.totalMinor, record.lines[0]?.currency)} on or'] },
  'lib/keap/contacts.ts': { why: `${NOTES} (a contact without a name, as notes and the journal name it)`, texts: ['`Contact ${contact.id}`'] },
  'lib/audit/export.ts': { why: FILE_FORMAT },
  'lib/batch/report.ts': { why: FILE_FORMAT },
  'lib/batch/csv.ts': {
    why: FILE_FORMAT,
    texts: ['Order ID', 'Payment ID', 'Amount', 'Reason', 'Reason details', 'Error handling', 'Amount owed after', 'record anyway', 'skip payment'],
  },
  'lib/audit/schema.ts': { why: VALIDATION },
  'lib/keap/v2/domain.ts': { why: VALIDATION, texts: ['not a date'] },
  'lib/messaging/messages.ts': { why: VALIDATION, texts: ['a Keap app address', "an address of Keap's newer app"] },
  'lib/page/refund-screen/protocol.ts': { why: VALIDATION, texts: ['Each payment may appear once.'] },
  'lib/refund/plan.ts': { why: VALIDATION, texts: ['A blocked payment cannot be refunded.', 'Each payment may appear once.', 'The total must be the sum of the lines.'] },
  'lib/audit/import.ts': { why: `${VALIDATION}; ${AUDIT_TRAIL}`, texts: ['unknown problem', '`Imported from Keap note ${record.fromKeap?.noteId}`'] },
  'lib/audit/journal.ts': { why: AUDIT_TRAIL, texts: ['Confirmed after an interruption', 'Interrupted; not visible in Keap'] },
  'lib/service/refund-handlers.ts': {
    why: AUDIT_TRAIL,
    texts: ["Confirmed by Keap's API after the person finished it on Keap's screen", 'Confirmed when a person asked to check again', 'Marked as not refunded by a person'],
  },
};

function keptInEnglish(finding: Finding): boolean {
  const kept = KEPT_IN_ENGLISH[finding.where.slice(0, finding.where.lastIndexOf(':'))];
  return kept !== undefined && (kept.texts === undefined || kept.texts.includes(finding.text));
}

/** lib/'s modules, without the fixtures tests build from (`test-*.ts`). */
const libFiles = sourceFiles(resolve('lib')).filter((file) => !/[\\/]test-[^\\/]*\.ts$/.test(file));
const messages = generateChromeMessages(parseMessagesText(readFileSync(resolve('locales/en.yml'), 'utf8'), 'YAML'));

describe("Refund Desk's words", () => {
  it('come from the messages file, not from literals in components and entry points', () => {
    const findings = files.flatMap((file) => findingsIn(file));
    expect(findings.map((finding) => `${finding.where}  ${finding.text}`)).toEqual([]);
  });

  it('come from the messages file in what lib/ builds, except the words listed as kept in English', () => {
    const findings = libFiles.flatMap((file) => findingsIn(file)).filter((finding) => !keptInEnglish(finding));
    expect(findings.map((finding) => `${finding.where}  ${finding.text}`)).toEqual([]);
  });

  it('every word listed as kept in English is still in its file', () => {
    const found = new Set(libFiles.flatMap((file) => findingsIn(file)).map((finding) => `${finding.where.slice(0, finding.where.lastIndexOf(':'))}  ${finding.text}`));
    const listed = Object.entries(KEPT_IN_ENGLISH).flatMap(([file, { texts }]) => (texts ?? []).map((text) => `${file}  ${text}`));
    expect(listed.filter((entry) => !found.has(entry))).toEqual([]);
  });

  it('every key the code asks for is in locales/en.yml', () => {
    const missing = [...files, ...libFiles].flatMap(keysAskedFor).filter(({ key }) => messages[key.replaceAll('.', '_')] === undefined);
    expect(missing).toEqual([]);
  });

  it('catches words written into a component, and lets i18n keys and class names be', () => {
    const sample = [
      "import { i18n } from '#i18n';",
      "const HEADINGS = { paused: 'Paused', running: i18n.t('queue.running') };",
      'export function Sample({ left }: { left: number }) {',
      "  const note = left === 0 ? 'Nothing to refund' : i18n.t('queue.left', [left]);",
      '  return (',
      '    <section className="queue-run" aria-label={i18n.t(\'queue.title\')} data-state="two words">',
      '      <button type="button" title="Choose a reason">Refund order</button>',
      '      <p>{note}{HEADINGS.paused}</p>',
      '    </section>',
      '  );',
      '}',
    ].join('\n');
    expect(findingsIn('sample.tsx', sample).map((finding) => finding.text)).toEqual(['Paused', 'Nothing to refund', 'Choose a reason', 'Refund order']);
  });
});
