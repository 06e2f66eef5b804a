import { describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { clickButton, fillField, textOf, waitForButton } from './dom';
import { openOptionsFromKeapPanel, useSandboxedFirefox } from './harness';

const env = useSandboxedFirefox();

describe('the options page in Firefox', () => {
  it('adds a Keap connection: the panel links to it, Test connection names the app, Save makes the panel load amounts', async () => {
    const { keap, options } = await openOptionsFromKeapPanel(env.firefox);
    await expect(textOf(keap, '>>> .rd-panel')).resolves.toContain('Refunding is off until you add your Keap API key.');

    await fillField(options, 'Keap app', SEED.appName);
    await fillField(options, 'API key', SEED.apiKey);
    await clickButton(options, 'Test connection');
    await expect.poll(() => textOf(options, '.connections [role="status"]')).toBe(`Connected to Keap app "${SEED.appName}".`);
    await clickButton(options, 'Save connection');
    await expect.poll(() => textOf(options, '.connections [role="status"]')).toBe('Saved.');
    await expect(textOf(options, 'ul[aria-label="Keap connections"]')).resolves.toContain(`${SEED.appName}.infusionsoft.com`);
    // The key is stored, never shown back.
    await expect(options.content()).resolves.not.toContain(SEED.apiKey);

    // The contact's Refunds panel now reads Keap's API with the key.
    await keap.reload();
    await waitForButton(keap, `Refund order #${SEED.orders.twoPayments}`, { timeout: 30_000 });
    await expect(textOf(keap, `>>> tr[data-order-id="${SEED.orders.twoPayments}"] .rd-refundable`)).resolves.toBe('$120.00');
  });
});
