import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { configureExtension, launchExtensionBrowser, useSandboxedExtension } from './harness';
import { historyRows, journalRecords, refundFirstPaymentOfTwoPaymentOrder } from './refund-helpers';

/*
 * Team history: a refund made in one browser profile reaches a teammate's through Refund Desk's
 * closing note on the contact in Keap (the sandbox), and their "Import from Keap" adds it once.
 */

const env = useSandboxedExtension({ apiKey: SEED.apiKey });

describe('team history', () => {
  it("imported in a second browser profile, it shows the first profile's refund once, marked from Keap", async () => {
    await refundFirstPaymentOfTwoPaymentOrder(env.browser);
    const [made] = await journalRecords(env.browser);
    expect(made).toMatchObject({ state: 'confirmed', totalMinor: 1234 });
    // The closing note is written once the refund has settled.
    await expect.poll(() => env.sandbox.state.notes.some((note) => note.body.includes(`"attempt":"${made!.id}"`) && note.body.includes('"state":"confirmed"'))).toBe(true);

    const teammate = await launchExtensionBrowser(env.sandbox);
    try {
      await configureExtension(teammate, { apiKey: SEED.apiKey });
      const popup = await teammate.extensionPage('popup');
      await popup.getByRole('heading', { name: 'No refunds yet' }).waitFor();

      await popup.getByRole('button', { name: 'Import all notes' }).click();
      await popup.getByText(/^Imported all notes from Keap: read \d+ of \d+ notes · 1 refund added$/).waitFor();
      await expect.poll(() => historyRows(popup).count()).toBe(1);
      const row = await historyRows(popup).first().innerText();
      expect(row).toContain('$12.34');
      expect(row).toContain(`Order ${SEED.orders.twoPayments}`);
      expect(row).toContain('Item misrepresented');
      expect(row).toContain('from Keap');

      await popup.getByRole('button', { name: 'Import all notes' }).click();
      await popup.getByText(/^Imported all notes from Keap: read \d+ of \d+ notes · 0 refunds added · 1 already here$/).waitFor();
      expect(await historyRows(popup).count()).toBe(1);
      const imported = await journalRecords(teammate);
      expect(imported.map((record) => ({ id: record.id, totalMinor: record.totalMinor, state: record.state, fromKeap: record.fromKeap !== undefined }))).toEqual([
        { id: made!.id, totalMinor: 1234, state: 'confirmed', fromKeap: true },
      ]);
    } finally {
      await teammate.close({ removeProfile: true });
    }
  });
});
