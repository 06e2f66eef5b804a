import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { docsPath } from './docs-output';
import { useSandboxedExtension } from './harness';
import { journalRecords } from './refund-helpers';
import { WALKTHROUGH_REFUND, walkThroughRefund, type WalkthroughStep } from './walkthrough';

/** The README embeds these: `npm run docs` is what makes them (other runs check them in a temporary folder). */
const SCREENSHOT_DIR = docsPath('docs/screenshots');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const env = useSandboxedExtension({ apiKey: SEED.apiKey });

/** Width and height from the PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the README walkthrough', () => {
  it('refunds part of a payment step by step and saves a screenshot of each step', async () => {
    const { orderId, paymentId, amountShown, reason } = WALKTHROUGH_REFUND;
    const seen: string[] = [];
    const checkStep = async ({ name, page }: WalkthroughStep) => {
      seen.push(name);
      if (name === 'refunds-panel') {
        const panel = page.getByRole('region', { name: 'Refunds' });
        await expect(panel.isVisible()).resolves.toBe(true);
        await expect(panel.locator(`tr[data-order-id="${orderId}"] .rd-refundable`).innerText()).resolves.toBe('$120.00');
      }
      if (name === 'form-filled') {
        await expect(page.getByLabel(`Refund amount for payment #${paymentId}`).inputValue()).resolves.toBe(WALKTHROUGH_REFUND.amountText);
      }
      if (name === 'review') {
        await expect(page.getByRole('heading', { name: 'Review refund' }).isVisible()).resolves.toBe(true);
      }
      if (name === 'result') {
        await expect(page.getByRole('status').innerText()).resolves.toBe(`Refunded ${amountShown}`);
      }
      if (name === 'history') {
        const row = page.getByRole('list', { name: 'Refunds' }).getByRole('listitem');
        await expect(row.count()).resolves.toBe(1);
        const text = await row.innerText();
        expect(text).toContain('Dana Whitfield');
        expect(text).toContain(amountShown);
        expect(text).toContain(`Order ${orderId}`);
        expect(text).toContain('Refunded');
        expect(text).toContain(reason);
      }
    };

    const files = await walkThroughRefund(env.browser, env.sandbox, SCREENSHOT_DIR, { onStep: checkStep });

    expect(seen).toEqual(['refunds-panel', 'side-panel-form', 'form-filled', 'review', 'result', 'history']);
    expect(files.map((file) => basename(file))).toEqual([
      '01-refunds-panel.png',
      '02-side-panel-form.png',
      '03-form-filled.png',
      '04-review.png',
      '05-result.png',
      '06-history.png',
    ]);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).toBe(true);
      expect(bytes.length, `${file} has content`).toBeGreaterThan(5_000);
      const { width, height } = pngSize(bytes);
      expect(width).toBeGreaterThanOrEqual(400);
      expect(height).toBeGreaterThanOrEqual(300);
    }
    // The refund really happened in "Keap" and in the journal, not only on screen.
    const order = env.sandbox.state.orders.find((candidate) => candidate.id === orderId)!;
    expect(order.refundTotalMinor).toBe(2500);
    const [record] = await journalRecords(env.browser, { orderId });
    expect(record?.state).toBe('confirmed');
  }, 300_000);
});
