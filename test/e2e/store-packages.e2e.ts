import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, iconPaths } from '../../lib/icons';
import { readPng } from '../../scripts/icons/png';
import { readZip } from '../support/zip';

/*
 * The packages `npm run zip` makes, checked as the stores receive them against the rules of the
 * Chrome Web Store, Microsoft Edge Add-ons and addons.mozilla.org (AMO) that can be checked
 * offline. (Firefox's package is also linted by `npm run lint:firefox`, AMO's own linter.)
 */

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const packagePath = (kind: 'chrome' | 'edge' | 'firefox' | 'sources') => `.output/refund-desk-${version}-${kind}.zip`;

const RULES = {
  // Chrome Web Store, "Publish in the Chrome Web Store" (developer.chrome.com/docs/webstore/publish):
  // the manifest's description is "a string of no more than 132 characters".
  descriptionLength: 132,
  // AMO's linter (addons-linter, manifest schema): a name of 2 to 45 characters; Chrome allows 75.
  nameLength: 45,
  // Chrome's manifest "version": one to four dot-separated integers, each 0 to 65535.
  version: /^(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}$/,
  // AMO takes uploads of up to 200 MB ("Submitting an add-on", extensionworkshop.com/documentation/publish/submitting-an-add-on),
  // the lowest of the three stores' published figures. Refund Desk keeps each package under 2 MB,
  // so a build that swells (a bundled asset, source maps) fails here long before any store would.
  storeBytes: 200 * 1024 * 1024,
  ownBudgetBytes: 2 * 1024 * 1024,
};

type Manifest = {
  name?: string;
  version?: string;
  description?: string;
  icons?: Record<string, string>;
  action?: { default_icon?: Record<string, string> };
  browser_action?: { default_icon?: Record<string, string> };
  sidebar_action?: { default_icon?: Record<string, string> };
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  content_security_policy?: unknown;
  browser_specific_settings?: { gecko?: { id?: string; data_collection_permissions?: { required?: string[] } } };
};

type Package = { path: string; files: Map<string, Buffer>; manifest: Manifest };

/** A manifest string as the stores read it: `__MSG_name__` is the default locale's message. */
function localized(value: string | undefined, files: Map<string, Buffer>): string | undefined {
  const key = /^__MSG_(\w+)__$/.exec(value ?? '')?.[1];
  if (key === undefined) return value;
  const messages = files.get('_locales/en/messages.json');
  if (!messages) throw new Error(`${value} needs _locales/en/messages.json, which the package lacks.`);
  return (JSON.parse(messages.toString('utf8')) as Record<string, { message?: string }>)[key]?.message;
}

function openPackage(kind: 'chrome' | 'edge' | 'firefox'): Package {
  const path = packagePath(kind);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run zip\` first.`);
  const files = readZip(readFileSync(path));
  const manifest = files.get('manifest.json');
  if (!manifest) throw new Error(`${path} has no manifest.json at its root.`);
  const read = JSON.parse(manifest.toString('utf8')) as Manifest;
  return { path, files, manifest: { ...read, name: localized(read.name, files), description: localized(read.description, files) } };
}

/** The rows of one of docs/permissions.md's tables: permission → purpose. */
function documentedPermissions(): Map<string, string> {
  const rows = readFileSync('docs/permissions.md', 'utf8').matchAll(/^\|\s*`([^`]+)`\s*\|[^|]*\|([^|]*)\|\s*$/gm);
  return new Map([...rows].map((row) => [row[1]!, row[2]!.trim()]));
}

/** Code run from text, which the stores' remote-code rules forbid (and the default CSP blocks). */
const CODE_FROM_TEXT = /(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(|(?<![\w$.])Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*['"`]|\bimportScripts\s*\(/;
/** A module loaded from the network. */
const REMOTE_IMPORT = /\bimport\s*\(\s*['"`](?:https?:)?\/\//;
/** A page's script from the network. */
const REMOTE_SCRIPT_TAG = /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\//i;

function checkIcons(pkg: Package, declared: Record<string, string> | undefined, what: string): void {
  expect(Object.keys(declared ?? {}).sort(), `${what} declares every size`).toEqual(ICON_SIZES.map(String).sort());
  for (const size of ICON_SIZES) {
    const file = declared?.[size] ?? '';
    const png = pkg.files.get(file);
    expect(png, `${what} ${size}: ${file} is in ${pkg.path}`).toBeDefined();
    const { width, height } = readPng(png!);
    expect({ width, height }, `${what} ${size}: ${file}`).toEqual({ width: size, height: size });
  }
}

function checkCommonRules(pkg: Package): void {
  const { manifest, files } = pkg;
  expect(manifest.name?.length ?? 0).toBeGreaterThanOrEqual(2);
  expect(manifest.name!.length).toBeLessThanOrEqual(RULES.nameLength);
  expect(manifest.version).toMatch(RULES.version);
  expect(manifest.version).toBe(version);
  expect(manifest.description?.length ?? 0).toBeGreaterThan(0);
  expect(manifest.description!.length).toBeLessThanOrEqual(RULES.descriptionLength);

  checkIcons(pkg, manifest.icons, 'the extension icon');
  checkIcons(pkg, (manifest.action ?? manifest.browser_action)?.default_icon, 'the toolbar button');
  // The grey look the background gives the button on tabs that are not Keap.
  checkIcons(pkg, iconPaths('disabled'), 'the grey toolbar button');

  // No remote code: the browser's default content security policy, and nothing that runs text or loads code from the network.
  expect(manifest.content_security_policy).toBeUndefined();
  for (const [name, content] of files) {
    if (name.endsWith('.js')) {
      const code = content.toString('utf8');
      expect(CODE_FROM_TEXT.exec(code)?.[0], `${name} runs no code from text`).toBeUndefined();
      expect(REMOTE_IMPORT.exec(code)?.[0], `${name} imports no module from the network`).toBeUndefined();
    }
    if (name.endsWith('.html')) expect(REMOTE_SCRIPT_TAG.exec(content.toString('utf8'))?.[0], `${name} loads no script from the network`).toBeUndefined();
  }

  // Each permission with a stated purpose, and nothing asked for on the side.
  const documented = documentedPermissions();
  for (const permission of [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])]) {
    expect(documented.get(permission), `docs/permissions.md states why ${pkg.path} asks for ${permission}`).toMatch(/\w/);
  }
  expect(manifest.optional_permissions ?? []).toEqual([]);

  // Chrome refuses names starting with "_" at the package's root (reserved, but for _locales);
  // Edge Add-ons refuses packages holding compressed files.
  const topLevel = new Set([...files.keys()].map((name) => name.split('/')[0]!));
  expect([...topLevel].filter((name) => name.startsWith('_') && name !== '_locales')).toEqual([]);
  expect([...files.keys()].filter((name) => /\.(zip|gz|tgz|crx|xpi|7z|rar|tar|br)$/i.test(name))).toEqual([]);
  expect(
    [...files.keys()].filter((name) => name.endsWith('.map')),
    'no source maps',
  ).toEqual([]);

  const bytes = statSync(pkg.path).size;
  expect(bytes).toBeLessThanOrEqual(RULES.storeBytes);
  expect(bytes).toBeLessThanOrEqual(RULES.ownBudgetBytes);
}

describe('the store packages', () => {
  it('Chrome Web Store: the MV3 package', () => {
    const chrome = openPackage('chrome');
    checkCommonRules(chrome);
  });

  it('Microsoft Edge Add-ons: the same MV3 package, named for Edge', () => {
    const edge = openPackage('edge');
    checkCommonRules(edge);
    expect(readFileSync(edge.path).equals(readFileSync(packagePath('chrome')))).toBe(true);
  });

  it('addons.mozilla.org: the MV2 package, with its id, data declaration and sidebar icon', () => {
    const firefox = openPackage('firefox');
    checkCommonRules(firefox);
    const gecko = firefox.manifest.browser_specific_settings?.gecko;
    expect(gecko?.id).toMatch(/@/);
    // Required of new add-ons since 3 November 2025 (extensionworkshop.com, "Firefox built-in consent for data collection and transmission").
    expect(gecko?.data_collection_permissions?.required?.length ?? 0).toBeGreaterThan(0);
    checkIcons(firefox, firefox.manifest.sidebar_action?.default_icon, 'the sidebar');
  });

  it('addons.mozilla.org: the sources, which build the Firefox package as submitted', () => {
    const sources = readZip(readFileSync(packagePath('sources')));
    for (const needed of ['package.json', 'package-lock.json', 'wxt.config.ts', 'README.md', 'public/icon/128.png']) expect(sources.has(needed), needed).toBe(true);
    expect([...sources.keys()].filter((name) => /^(node_modules|\.output|\.wxt)\//.test(name))).toEqual([]);
  });

  it('states the purpose of no permission that no package asks for', () => {
    const asked = new Set(
      (['chrome', 'firefox'] as const).flatMap((kind) => {
        const { manifest } = openPackage(kind);
        return [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])];
      }),
    );
    expect([...documentedPermissions().keys()].filter((permission) => !asked.has(permission))).toEqual([]);
  });
});
