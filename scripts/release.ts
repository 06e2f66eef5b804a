import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { bumpVersion, changelogDate, releaseChangelog, VERSION_PARTS } from './release/changelog';

/**
 * `npm run release -- patch|minor|major`: raises the version in package.json (the one place it is
 * kept: WXT writes it into each manifest, npm into the lockfile), moves CHANGELOG.md's Unreleased
 * entries under that version with today's date, runs `npm test`, and zips the store packages into
 * .output/. When the tests fail, package.json, the lockfile and CHANGELOG.md are put back as they were.
 */
const part = z.enum(VERSION_PARTS).safeParse(process.argv[2]);
if (!part.success) {
  process.stderr.write(`Usage: npm run release -- ${VERSION_PARTS.join('|')}\n`);
  process.exit(2);
}

const FILES = ['package.json', 'package-lock.json', 'CHANGELOG.md'];
const before = new Map(FILES.map((file) => [file, readFileSync(file, 'utf8')]));
const { version } = z.object({ version: z.string() }).parse(JSON.parse(before.get('package.json')!));
const next = bumpVersion(version, part.data);
// Checked before anything is written: a release with an empty Unreleased section stops here.
const changelog = releaseChangelog(before.get('CHANGELOG.md')!, next, changelogDate(new Date()));

const npm = (...args: string[]) => execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { stdio: 'inherit' });
npm('version', next, '--no-git-tag-version');
writeFileSync('CHANGELOG.md', changelog);
process.stdout.write(`Refund Desk ${version} → ${next}: running npm test…\n`);
try {
  npm('test');
} catch {
  for (const [file, content] of before) writeFileSync(file, content);
  process.stderr.write(`npm test failed: package.json, package-lock.json and CHANGELOG.md are back at ${version}.\n`);
  process.exit(1);
}
// npm test has made the packages, at the new version.
process.stdout.write(
  `Refund Desk ${next} is ready in .output/: refund-desk-${next}-chrome.zip, -edge.zip, -firefox.zip and -sources.zip. Commit package.json, package-lock.json and CHANGELOG.md.\n`,
);
