import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

export interface BundleFile {
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

/**
 * What each part of the built extension loads, from its manifest and pages. Chunks shared by
 * several pages count in each page that loads them.
 */
export function measureBundles(outputDir: string): BundleSize[] {
  const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(outputDir, 'manifest.json'), 'utf8')));
  const contentFiles = manifest.content_scripts.flatMap((script) => [...(script.js ?? []), ...(script.css ?? [])]);
  return [
    bundle(outputDir, 'Content script', contentFiles),
    bundle(outputDir, 'Background', [manifest.background.service_worker]),
    bundle(outputDir, 'Side panel', pageFiles(outputDir, manifest.side_panel.default_path)),
    bundle(outputDir, 'Popup', pageFiles(outputDir, manifest.action.default_popup)),
    bundle(outputDir, 'Options', pageFiles(outputDir, manifest.options_ui.page)),
  ];
}
