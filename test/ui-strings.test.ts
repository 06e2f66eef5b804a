import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generateChromeMessages, parseMessagesText } from '@wxt-dev/i18n/build';

/*
 * Every word Refund Desk's pages show comes from locales/en.yml through `i18n.t`, so the extension
 * can be translated. This reads the components and entry points as TypeScript sees them and fails
 * on words written into them: text between JSX tags, a user-facing attribute given as a literal,
 * and string literals that read as words (two or more, or one capitalised word), wherever they are
 * in those files. It also checks that every key the code asks for is in the messages file.
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
      /^i18n\.t$|querySelector|getElementById|addEventListener|removeEventListener|createElement|getByRole|matchMedia|setProperty|getAttribute|setAttribute|console\./.test(callee)
    )
      return true;
  }
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
    } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !ts.isJsxAttribute(node.parent) && WORDS.test(node.text) && !isMachineUse(node)) {
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
const messages = generateChromeMessages(parseMessagesText(readFileSync(resolve('locales/en.yml'), 'utf8'), 'YAML'));

describe("the pages' words", () => {
  it('come from the messages file, not from literals in components and entry points', () => {
    const findings = files.flatMap((file) => findingsIn(file));
    expect(findings.map((finding) => `${finding.where}  ${finding.text}`)).toEqual([]);
  });

  it('every key the code asks for is in locales/en.yml', () => {
    const missing = files.flatMap(keysAskedFor).filter(({ key }) => messages[key.replaceAll('.', '_')] === undefined);
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
