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

const CONTACT_PAGE_BUNDLE = 'Content script (Keap contact pages)';
const REFUND_SCREEN_BUNDLE = "Refund screen's script (injected into a refund's tabs)";

/**
 * What each part of the built extension loads, from its manifest, its pages and what the
 * background injects. Chunks shared by several pages count in each page that loads them.
 */
export function measureBundles(outputDir: string): BundleSize[] {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(outputDir, 'manifest.json'), 'utf8')));
  const contentFiles = manifest.content_scripts.flatMap((script) => [...(script.js ?? []), ...(script.css ?? [])]);
  return [
    bundle(outputDir, CONTACT_PAGE_BUNDLE, contentFiles),
    bundle(outputDir, REFUND_SCREEN_BUNDLE, injectedScripts(outputDir, manifest.background.service_worker)),
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
 * What Refund Desk adds to one Keap page, by kind of page: the contact page's script, the refund
 * screen's on the pages of a refund's tabs, and both on a contact page in a refund's tab (the
 * background injects into every Keap page those tabs load).
 */
export function contentScriptsPerPage(bundles: BundleSize[]): KeapPageScripts[] {
  const named = (name: string): BundleSize => {
    const found = bundles.find((bundle) => bundle.name === name);
    if (!found) throw new Error(`No bundle named ${name}.`);
    return found;
  };
  const pageOf = (page: string, parts: BundleSize[]): KeapPageScripts => ({
    page,
    files: parts.flatMap((part) => part.files.map((file) => file.path)),
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    gzipBytes: parts.reduce((sum, part) => sum + part.gzipBytes, 0),
  });
  const contactPage = named(CONTACT_PAGE_BUNDLE);
  const refundScreen = named(REFUND_SCREEN_BUNDLE);
  return [pageOf('contact page', [contactPage]), pageOf('order page in a refund', [refundScreen]), pageOf("contact page in a refund's tab", [contactPage, refundScreen])];
}
