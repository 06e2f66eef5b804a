import { describe, expect, it } from 'vitest';
import { bumpVersion, changelogDate, releaseChangelog, unreleasedEntries } from '../scripts/release/changelog';

const CHANGELOG = `# Changelog

Notes.

## [Unreleased]

### Added
- A toolbar badge.

### Fixed
- A typo.

## [0.1.0] - 2026-11-27

### Added
- Refunds.
`;

describe('bumpVersion', () => {
  it('raises one part and resets the ones after it', () => {
    expect(bumpVersion('0.1.9', 'patch')).toBe('0.1.10');
    expect(bumpVersion('0.1.9', 'minor')).toBe('0.2.0');
    expect(bumpVersion('0.9.3', 'major')).toBe('1.0.0');
  });
  it('refuses a version that is not x.y.z', () => {
    expect(() => bumpVersion('1.0', 'patch')).toThrow('not x.y.z');
    expect(() => bumpVersion('1.0.0-beta.1', 'patch')).toThrow('not x.y.z');
  });
});

describe('releaseChangelog', () => {
  it('moves the Unreleased entries under the new version and its date, leaving Unreleased empty', () => {
    expect(releaseChangelog(CHANGELOG, '0.2.0', '2026-12-06')).toBe(`# Changelog

Notes.

## [Unreleased]

## [0.2.0] - 2026-12-06

### Added
- A toolbar badge.

### Fixed
- A typo.

## [0.1.0] - 2026-11-27

### Added
- Refunds.
`);
  });

  it('works on a changelog whose only section is Unreleased', () => {
    const first = '# Changelog\n\n## [Unreleased]\n\n### Added\n- Everything.\n';
    const released = releaseChangelog(first, '0.1.0', '2026-11-27');
    expect(released).toBe('# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-27\n\n### Added\n- Everything.\n');
    expect(unreleasedEntries(released)).toBe('');
  });

  it('refuses a release with nothing under Unreleased, or a version already released', () => {
    const released = releaseChangelog(CHANGELOG, '0.2.0', '2026-12-06');
    expect(() => releaseChangelog(released, '0.3.0', '2026-12-07')).toThrow('nothing under "Unreleased"');
    expect(() => releaseChangelog(CHANGELOG, '0.1.0', '2026-12-07')).toThrow('already has a section for 0.1.0');
    expect(() => releaseChangelog('# Changelog\n', '0.1.0', '2026-12-07')).toThrow('no "## [Unreleased]" section');
  });
});

describe('changelogDate', () => {
  it('writes the local day as YYYY-MM-DD', () => {
    expect(changelogDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
