import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { docsPath } from './docs-output';
import { contactPath, useSandboxedExtension } from './harness';
import { journalRecords, openSidePanelFrom, reviewRefund } from './refund-helpers';

/*
 * The store listing's screenshots (docs/store-listing.md), from the production build against the
 * sandbox Keap CRM: 1280×800 JPEGs, as the Chrome Web Store asks ("1280x800 or 640x400, JPEG or
 * 24-bit PNG (no alpha)") and Edge Add-ons and addons.mozilla.org take. The side panel and the
 * popup are drawn where the browser shows them, beside and over the Keap page. `npm run docs`
 * writes them into docs/; other runs into a temporary folder.
 */

const STORE_DIR = docsPath('docs/screenshots/store');
const STORE_SIZE = { width: 1280, height: 800 };
const SIDE_PANEL_WIDTH = 400;
/** The popup is shot whole, as tall as what it shows. */
const POPUP_SIZE = { width: 460, height: 320 };

const env = useSandboxedExtension({ apiKey: SEED.apiKey });
const ORDER = SEED.orders.twoPayments;
const PAYMENT = SEED.payments.twoPaymentsFirst;

/** Width and height from a JPEG's start-of-frame segment. */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  for (let offset = 2; offset + 9 < jpeg.length;) {
    const marker = jpeg.readUInt16BE(offset);
    if (marker >= 0xffc0 && marker <= 0xffc3) return { height: jpeg.readUInt16BE(offset + 5), width: jpeg.readUInt16BE(offset + 7) };
    offset += 2 + jpeg.readUInt16BE(offset + 2);
  }
  throw new Error('No start-of-frame segment in the JPEG.');
}

/** The Keap contact page with its Refunds panel drawn and filled from Keap's API. */
async function keapContactPage(width: number): Promise<Page> {
  const page = await env.browser.context.newPage();
  await page.setViewportSize({ width, height: STORE_SIZE.height });
  await page.goto(`https://${SEED.appName}.infusionsoft.com${contactPath(SEED.contacts.demo)}`);
  const panel = page.getByRole('region', { name: 'Refunds' });
  await panel.getByRole('button', { name: `Refund order #${ORDER}`, disabled: false }).waitFor();
  await panel.getByText("Orders come from Keap's API").waitFor({ state: 'detached' });
  return page;
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** Lays out pictures of the browser's parts on one 1280×800 canvas and saves it as `name`. */
async function saveStoreShot(name: string, body: string): Promise<string> {
  const canvas = await env.browser.context.newPage();
  await canvas.setViewportSize(STORE_SIZE);
  await canvas.setContent(`<body style="margin:0;width:${STORE_SIZE.width}px;height:${STORE_SIZE.height}px;overflow:hidden;position:relative;background:#fff">${body}</body>`);
  await canvas.evaluate(() => Promise.all([...document.images].map((image) => image.decode())));
  mkdirSync(STORE_DIR, { recursive: true });
  const file = join(STORE_DIR, name);
  writeFileSync(file, await canvas.screenshot({ type: 'jpeg', quality: 90 }));
  await canvas.close();
  return file;
}

describe('the store listing screenshots', () => {
  it('shows the Refunds panel, the refund flow beside Keap, and the refund history, at 1280×800', async () => {
    const files: string[] = [];

    const wide = await keapContactPage(STORE_SIZE.width);
    files.push(await saveStoreShot('1-refunds-panel.jpg', `<img src="${dataUrl(await wide.screenshot())}">`));

    const narrow = await keapContactPage(STORE_SIZE.width - SIDE_PANEL_WIDTH);
    const { panel } = await openSidePanelFrom(env.browser, narrow, ORDER);
    await panel.setViewportSize({ width: SIDE_PANEL_WIDTH, height: STORE_SIZE.height });
    await reviewRefund(panel, PAYMENT, 'Confirm refund of $60.00');
    files.push(
      await saveStoreShot(
        '2-review-beside-keap.jpg',
        `<img src="${dataUrl(await narrow.screenshot())}" style="position:absolute;left:0;top:0">` +
          `<img src="${dataUrl(await panel.screenshot())}" style="position:absolute;right:0;top:0;border-left:1px solid #c8c8c8">`,
      ),
    );

    await panel.getByRole('button', { name: 'Confirm refund of $60.00' }).click();
    await expect.poll(() => panel.getByRole('status').innerText(), { timeout: 60_000 }).toBe('Refunded $60.00');
    const popup = await env.browser.extensionPage('popup');
    await popup.setViewportSize(POPUP_SIZE);
    await popup.getByRole('list', { name: 'Refunds' }).getByRole('listitem').first().waitFor();
    const refunded = await keapContactPage(STORE_SIZE.width);
    files.push(
      await saveStoreShot(
        '3-refund-history.jpg',
        `<img src="${dataUrl(await refunded.screenshot())}" style="position:absolute;left:0;top:0">` +
          `<img src="${dataUrl(await popup.screenshot({ fullPage: true }))}" style="position:absolute;right:12px;top:8px;border:1px solid #c8c8c8;border-radius:8px;box-shadow:0 6px 24px #0005">`,
      ),
    );
    for (const page of [popup, panel, narrow, wide, refunded]) await page.close();

    expect((await journalRecords(env.browser, { orderId: ORDER })).map((record) => record.state)).toEqual(['confirmed']);
    for (const file of files) {
      const jpeg = readFileSync(file);
      expect(jpeg.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), `${file} is a JPEG`).toBe(true);
      expect(jpegSize(jpeg), file).toEqual(STORE_SIZE);
      expect(jpeg.length, `${file} shows something`).toBeGreaterThan(30_000);
    }
  }, 180_000);
});
