import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

interface BundleFile {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleSize {
  name: string;
  files: BundleFile[];
  bytes: number;
  /** Each file gzipped on its own (as a browser fetches them), added up. */
  gzipBytes: number;
}

const manifestSchema = z.object({
  background: z.object({ service_worker: z.string() }),
  content_scripts: z.array(z.object({ js: z.array(z.string()).optional(), css: z.array(z.string()).optional() })),
  action: z.object({ default_popup: z.string() }),
  side_panel: z.object({ default_path: z.string() }),
  options_ui: z.object({ page: z.string() }),
});

function measureFile(outputDir: string, path: string): BundleFile {
  const content = readFileSync(join(outputDir, path));
  return { path, bytes: content.length, gzipBytes: gzipSync(content).length };
}

/**
 * The scripts the background injects with `scripting.executeScript` (the refund screen's), as its
 * built code names them: they are in no manifest entry.
 */
function injectedScripts(outputDir: string, serviceWorker: string): string[] {
  const code = readFileSync(join(outputDir, serviceWorker), 'utf8');
  const paths = [...code.matchAll(/["'`]\/?(content-scripts\/[\w.-]+\.js)["'`]/g)].map((match) => match[1] ?? '');
  if (paths.length === 0) throw new Error(`${serviceWorker} names no content script to inject: the refund screen's script cannot be measured.`);
  return [...new Set(paths)];
}

/** The page itself and the scripts, preloaded modules and style sheets it names. */
function pageFiles(outputDir: string, page: string): string[] {
  const html = readFileSync(join(outputDir, page), 'utf8');
  const referenced = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="\/?([^"]+)"/g)].map((match) => match[1] ?? '');
  return [page, ...referenced.filter((path) => path !== '')];
}

function bundle(outputDir: string, name: string, paths: string[]): BundleSize {
  const files = [...new Set(paths)].map((path) => measureFile(outputDir, path));
  return {
    name,
    files,
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
  };
}

/** The bundle of one manifest content script (a kind of Keap contact page), named by its file. */
const CONTACT_PAGE_PREFIX = 'Content script on Keap contact pages: ';
/** The bundle of one script the background injects into a refund's tabs, named by its file. */
const INJECTED_PREFIX = 'Injected into a refund’s tabs: ';

/**
 * What each part of the built extension loads, from its manifest, its pages and what the
 * background injects. Chunks shared by several pages count in each page that loads them.
 */
export function measureBundles(outputDir: string): BundleSize[] {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(outputDir, 'manifest.json'), 'utf8')));
  return [
    ...manifest.content_scripts.map((script) => {
      const files = [...(script.js ?? []), ...(script.css ?? [])];
      return bundle(outputDir, `${CONTACT_PAGE_PREFIX}${files.join(' + ')}`, files);
    }),
    ...injectedScripts(outputDir, manifest.background.service_worker).map((path) => bundle(outputDir, `${INJECTED_PREFIX}${path}`, [path])),
    bundle(outputDir, 'Background', [manifest.background.service_worker]),
    bundle(outputDir, 'Side panel', pageFiles(outputDir, manifest.side_panel.default_path)),
    bundle(outputDir, 'Popup', pageFiles(outputDir, manifest.action.default_popup)),
    bundle(outputDir, 'Options', pageFiles(outputDir, manifest.options_ui.page)),
  ];
}

export interface KeapPageScripts {
  page: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

/**
 * What Refund Desk adds to one Keap page, by kind of page: each contact page's script alone, each
 * injected script alone (a page of a refund's tab that is no contact page), and each pair of them
 * (a contact page in a refund's tab: the background injects one refund script into a tab, and
 * every pair is counted, the largest included, whatever app draws that page).
 */
export function contentScriptsPerPage(bundles: BundleSize[]): KeapPageScripts[] {
  const pageOf = (page: string, parts: BundleSize[]): KeapPageScripts => ({
    page,
    files: parts.flatMap((part) => part.files.map((file) => file.path)),
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    gzipBytes: parts.reduce((sum, part) => sum + part.gzipBytes, 0),
  });
  const contactPages = bundles.filter((bundle) => bundle.name.startsWith(CONTACT_PAGE_PREFIX));
  const injected = bundles.filter((bundle) => bundle.name.startsWith(INJECTED_PREFIX));
  if (contactPages.length === 0) throw new Error('The manifest names no content script for Keap contact pages.');
  return [
    ...contactPages.map((script) => pageOf('contact page', [script])),
    ...injected.map((script) => pageOf("a refund's page", [script])),
    ...contactPages.flatMap((contactPage) => injected.map((script) => pageOf("contact page in a refund's tab", [contactPage, script]))),
  ];
}
