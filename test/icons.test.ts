import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, type IconLook, iconPath } from '@/lib/icons';
import { ICON_SOURCE_KEYWORD, markSourceHash, markSvg } from '../scripts/icons/mark';
import { readPng } from '../scripts/icons/png';

const LOOKS: IconLook[] = ['active', 'disabled'];
const cases = LOOKS.flatMap((look) => ICON_SIZES.map((size) => ({ look, size, file: join('public', iconPath(look, size)) })));

// The PNGs are rendered once by `npm run icons` and committed: these fail when one is missing,
// the wrong size, or older than the mark in scripts/icons/mark.ts (run `npm run icons` again).
describe('the icons in public/', () => {
  it.each(cases)('$file is there', ({ file }) => {
    expect(existsSync(file), `${file} is missing: run npm run icons`).toBe(true);
  });

  it.each(cases)('$file is $size×$size pixels', ({ file, size }) => {
    const { width, height } = readPng(readFileSync(file));
    expect({ width, height }).toEqual({ width: size, height: size });
  });

  it.each(cases)('$file was rendered from the current mark', ({ file, look, size }) => {
    const { text } = readPng(readFileSync(file));
    expect(text[ICON_SOURCE_KEYWORD], `${file} is older than the mark: run npm run icons`).toBe(markSourceHash(markSvg(look, size)));
  });
});

describe('the mark', () => {
  it('has a grey look that differs from the colour one only in its colours', () => {
    for (const size of ICON_SIZES) {
      const shapes = (look: IconLook) => markSvg(look, size).replace(/#[0-9a-f]{6}/gi, '#');
      expect(shapes('disabled')).toBe(shapes('active'));
      expect(markSvg('disabled', size)).not.toBe(markSvg('active', size));
    }
  });
});
