import { describe, expect, it } from 'vitest';
import { CONTENT_SCRIPT_MATCHES } from '@/lib/keap-hosts';
import config from '../wxt.config';
import { expectPinnedManifest, type ManifestUnderTest, PINNED_CONTENT_MATCHES } from './manifest-pins';

type ManifestFactory = (env: { browser: string; manifestVersion: 2 | 3; mode: string; command: string }) => ManifestUnderTest;

function manifestFor(browser: 'chrome' | 'firefox'): ManifestUnderTest {
  const factory = config.manifest as ManifestFactory;
  return factory({ browser, manifestVersion: browser === 'chrome' ? 3 : 2, mode: 'production', command: 'build' });
}

// The built manifests are checked again, as shipped, by test/e2e/manifest.e2e.ts.
describe('manifest permissions', () => {
  it('asks Chrome for the pinned permissions and Keap hosts only', () => {
    expectPinnedManifest(manifestFor('chrome'), 'chrome');
  });
  it('asks Firefox for the pinned permissions, with a gecko id', () => {
    expectPinnedManifest(manifestFor('firefox'), 'firefox');
  });
  it('runs the content script on Keap contact pages only', () => {
    expect(CONTENT_SCRIPT_MATCHES).toEqual(PINNED_CONTENT_MATCHES);
  });
});
