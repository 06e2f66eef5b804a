import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { expectPinnedManifest, type ManifestUnderTest } from '../manifest-pins';

const built = (dir: string): ManifestUnderTest => JSON.parse(readFileSync(`.output/${dir}/manifest.json`, 'utf8')) as ManifestUnderTest;

// The manifests as shipped in the zips: a widening of permissions must show up here.
describe('production manifests', () => {
  it('Chrome MV3 asks for the pinned permissions and Keap hosts only', () => {
    expectPinnedManifest(built('chrome-mv3'), 'chrome');
  });
  it('Firefox asks for the pinned permissions and Keap hosts only', () => {
    expectPinnedManifest(built('firefox-mv2'), 'firefox');
  });
});
