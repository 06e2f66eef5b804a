import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';

// protocol.ts creates its messenger on import, and webextension-polyfill throws outside an extension.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { MESSAGES, POLICY } = await import('./protocol');
const { CONTACT_PAGE_MESSAGES } = await import('./contact-page-messages');
const { REFUND_SCREEN_MESSAGES } = await import('./refund-screen-messages');
const { EXTENSION_PAGE_MESSAGES } = await import('./extension-page-messages');
const { QUEUE_MESSAGES } = await import('./queue-messages');

describe('MESSAGES: each context’s own messages, served together', () => {
  const contexts = [CONTACT_PAGE_MESSAGES, REFUND_SCREEN_MESSAGES, EXTENSION_PAGE_MESSAGES, QUEUE_MESSAGES].map((messages) => Object.keys(messages));

  it('defines each message in one context’s module only, so combining them replaces none', () => {
    const names = contexts.flat();
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(MESSAGES).sort()).toEqual([...names].sort());
  });

  it('gives each context’s messages the policy of that context', () => {
    const [contactPage = [], refundScreen = [], extensionPages = [], queuePage = []] = contexts;
    for (const name of contactPage) expect(['own-contact', 'own-contact-or-extension-page', 'any-sender']).toContain(POLICY[name as keyof typeof POLICY]);
    for (const name of refundScreen) expect(POLICY[name as keyof typeof POLICY]).toBe('refund-screen');
    for (const name of [...extensionPages, ...queuePage]) expect(POLICY[name as keyof typeof POLICY]).toBe('extension-page');
  });
});
