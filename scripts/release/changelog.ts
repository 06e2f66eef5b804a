/*
 * The pure parts of `npm run release`: the next version, and CHANGELOG.md ("Keep a Changelog"
 * style, keepachangelog.com/en/1.1.0) with its Unreleased section moved under that version.
 */

export type VersionPart = 'major' | 'minor' | 'patch';
export const VERSION_PARTS: readonly VersionPart[] = ['major', 'minor', 'patch'];

/** `version` (x.y.z) with `part` raised by one and the parts after it reset. */
export function bumpVersion(version: string, part: VersionPart): string {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`The version "${version}" is not x.y.z.`);
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  if (part === 'major') return `${major + 1}.0.0`;
  if (part === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const UNRELEASED_HEADING = /^## \[Unreleased\][^\n]*\n/m;
const NEXT_SECTION = /^## \[/m;

/** The changelog's Unreleased entries, trimmed; '' when there are none. */
export function unreleasedEntries(changelog: string): string {
  const heading = UNRELEASED_HEADING.exec(changelog);
  if (!heading) throw new Error('CHANGELOG.md has no "## [Unreleased]" section.');
  const start = heading.index + heading[0].length;
  const rest = changelog.slice(start);
  const end = NEXT_SECTION.exec(rest)?.index ?? rest.length;
  return rest.slice(0, end).trim();
}

/**
 * `changelog` with its Unreleased entries under `## [version] - date`, below a new, empty
 * Unreleased section. Refuses a release with nothing in it.
 */
export function releaseChangelog(changelog: string, version: string, date: string): string {
  const entries = unreleasedEntries(changelog);
  if (entries === '') throw new Error('CHANGELOG.md says nothing under "Unreleased": write what this release changes first.');
  if (changelog.includes(`## [${version}]`)) throw new Error(`CHANGELOG.md already has a section for ${version}.`);
  const heading = UNRELEASED_HEADING.exec(changelog)!;
  const start = heading.index + heading[0].length;
  const rest = changelog.slice(start);
  const end = NEXT_SECTION.exec(rest)?.index ?? rest.length;
  const after = rest.slice(end);
  return `${changelog.slice(0, start)}\n## [${version}] - ${date}\n\n${entries}\n${after === '' ? '' : `\n${after}`}`;
}

/** A local calendar day as the changelog writes it (YYYY-MM-DD). */
export function changelogDate(day: Date): string {
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${twoDigits(day.getMonth() + 1)}-${twoDigits(day.getDate())}`;
}
