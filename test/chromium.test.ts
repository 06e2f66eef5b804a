import { describe, expect, it } from 'vitest';
import { chromiumCandidates, findChromium, isDebianLike } from './e2e/chromium';

describe('where Chrome, Chromium and Edge are looked for', () => {
  it('on Linux: Debian’s chromium first, then Chrome, Edge and the snap', () => {
    const candidates = chromiumCandidates('linux', {}, '/home/dana');
    expect(candidates[0]).toBe('/usr/bin/chromium');
    expect(candidates).toEqual(expect.arrayContaining(['/usr/bin/google-chrome', '/usr/bin/microsoft-edge', '/snap/bin/chromium']));
  });

  it('on macOS: the apps in /Applications and in the person’s own Applications folder', () => {
    const candidates = chromiumCandidates('darwin', {}, '/Users/dana');
    expect(candidates[0]).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(candidates).toContain('/Users/dana/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge');
    expect(candidates).toContain('/Applications/Chromium.app/Contents/MacOS/Chromium');
  });

  it('on Windows: Program Files (both) and the local app data, skipping folders the system does not name', () => {
    const candidates = chromiumCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\dana\\AppData\\Local' }, 'C:\\Users\\dana');
    expect(candidates).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(candidates).toContain('C:\\Users\\dana\\AppData\\Local\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(candidates.some((candidate) => candidate.includes('undefined'))).toBe(false);
  });

  it('takes CHROMIUM_PATH as it is, and says when it does not exist', () => {
    expect(findChromium({ CHROMIUM_PATH: '/no/such/browser' })).toEqual({ found: false, tried: ['/no/such/browser'] });
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toEqual({ found: true, path: process.execPath });
  });
});

describe('which systems get Debian’s chromium installed', () => {
  it('Debian and Ubuntu (and systems built on them), not others', () => {
    expect(isDebianLike('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')).toBe(true);
    expect(isDebianLike('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')).toBe(true);
    expect(isDebianLike('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe(true);
    expect(isDebianLike('NAME="Fedora Linux"\nID=fedora\n')).toBe(false);
    expect(isDebianLike('ID="arch"\nID_LIKE=""\n')).toBe(false);
    expect(isDebianLike('')).toBe(false);
  });
});
