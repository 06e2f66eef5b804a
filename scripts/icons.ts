import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { ICON_SIZES, type IconLook, iconPath } from '../lib/icons';
import { chromiumPath } from '../test/e2e/chromium';
import { ICON_SOURCE_KEYWORD, markSourceHash, markSvg } from './icons/mark';
import { withText } from './icons/png';

/**
 * `npm run icons`: renders the mark (scripts/icons/mark.ts) into the PNGs in public/icon/ with the
 * Chromium the e2e tests drive, each PNG recording the hash of the SVG it came from. The PNGs are
 * committed; test/icons.test.ts fails when one is missing, the wrong size or older than the mark.
 */
const LOOKS: IconLook[] = ['active', 'disabled'];

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const size of ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    for (const look of LOOKS) {
      const svg = markSvg(look, size);
      await page.setContent(`<body style="margin:0"><img width="${size}" height="${size}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body>`);
      await page.locator('img').evaluate((image: HTMLImageElement) => image.decode());
      const png = withText(await page.screenshot({ omitBackground: true }), ICON_SOURCE_KEYWORD, markSourceHash(svg));
      const file = join('public', iconPath(look, size));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, png);
      process.stdout.write(`${file}\n`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
