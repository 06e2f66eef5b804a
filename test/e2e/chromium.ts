import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/*
 * Which Chromium-family browser the demo, the e2e tests and the bench drive: CHROMIUM_PATH when
 * set, else the first Chrome, Chromium or Edge installed where each system puts them. On Debian or
 * Ubuntu, run as root with none installed, Debian's `chromium` is installed (and the person told).
 */

/** Where Chrome, Chromium and Edge install themselves on each system, most likely first. */
export function chromiumCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string[] {
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    return ['/Applications', join(home, 'Applications')].flatMap((folder) => apps.map((app) => `${folder}/${app}`));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
    const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
    return roots.flatMap((root) => apps.map((app) => `${root}\\${app}`));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/usr/bin/microsoft-edge-stable',
    '/snap/bin/chromium',
  ];
}

/** Whether /etc/os-release describes Debian or a system built on it (Ubuntu). */
export function isDebianLike(osRelease: string): boolean {
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1]?.toLowerCase() ?? '';
  return [field('ID'), ...field('ID_LIKE').split(/\s+/)].some((id) => id === 'debian' || id === 'ubuntu');
}

export type ChromiumSearch = { found: true; path: string } | { found: false; tried: string[] };

/** CHROMIUM_PATH (which must exist), else the first installed candidate. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumSearch {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? { found: true, path: env.CHROMIUM_PATH } : { found: false, tried: [env.CHROMIUM_PATH] };
  const tried = chromiumCandidates(process.platform, env, homedir());
  const path = tried.find((candidate) => existsSync(candidate));
  return path ? { found: true, path } : { found: false, tried };
}

let resolved: string | undefined;

/**
 * The browser to drive, installing Debian's `chromium` when none is found on Debian or Ubuntu run
 * as root. Throws with what to do otherwise.
 */
export function chromiumPath(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  if (resolved) return resolved;
  const search = findChromium();
  if (search.found) return (resolved = search.path);
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const root = process.getuid?.() === 0;
  if (process.env.CHROMIUM_PATH || process.platform !== 'linux' || !isDebianLike(osRelease) || !root) {
    throw new Error(
      `No Chrome, Chromium or Edge found (looked at ${search.tried.join(', ')}). Install one, or set CHROMIUM_PATH to its executable` +
        (process.platform === 'linux' ? ' (Debian and Ubuntu: sudo apt-get install -y chromium).' : '.'),
    );
  }
  log("No Chrome, Chromium or Edge found: installing Debian's chromium (apt-get install -y chromium)…");
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installed = findChromium();
  if (!installed.found) throw new Error("Debian's chromium was installed, but no Chromium executable was found afterwards.");
  log(`Installed: ${installed.path}`);
  return (resolved = installed.path);
}
