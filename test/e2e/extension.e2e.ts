import { beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../sandbox/seed';
import { configureExtension, contactPath, useSandboxedExtension } from './harness';

const env = useSandboxedExtension({});
beforeEach(() => env.sandbox.reset());

describe('the extension in Chromium against the sandbox', () => {
  it('runs its content script on a Keap contact record', async () => {
    await configureExtension(env.browser, { apiKey: null });
    const page = await env.browser.keapPage(contactPath(SEED.contacts.demo));
    await expect(page.getByRole('region', { name: 'Refunds' }).isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('loads the popup and the side panel pages', async () => {
    const popup = await env.browser.extensionPage('popup');
    await popup.getByRole('heading', { name: 'Refund history' }).waitFor();
    const sidePanel = await env.browser.extensionPage('sidepanel');
    await sidePanel.getByRole('heading', { level: 1 }).waitFor();
    await popup.close();
    await sidePanel.close();
  });

  it('tests the connection from the options page with the key typed in', async () => {
    await configureExtension(env.browser, { apiKey: null });
    const options = await env.browser.extensionPage('options');
    await options.getByLabel('API key').fill(SEED.apiKey);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByText(`Connected to Keap app "${SEED.appName}".`).waitFor();
    await options.getByLabel('Keap app').fill(SEED.appName);
    await options.getByRole('button', { name: 'Save connection' }).click();
    await options.getByText('Saved.').waitFor();
    await options.getByRole('list', { name: 'Keap connections' }).getByText(`${SEED.appName}.infusionsoft.com`).waitFor();
    // The saved key is never shown back in full.
    await expect(options.content()).resolves.not.toContain(SEED.apiKey);
    await options.close();
  });

  it('explains a wrong key in plain words', async () => {
    await configureExtension(env.browser, { apiKey: null });
    const options = await env.browser.extensionPage('options');
    await options.getByLabel('API key').fill('KeapAK-this-key-is-not-valid-at-all');
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByText(/Keap did not accept the API key/).waitFor();
    await options.close();
  });
});
