import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';
import type { RefundForm } from '@/lib/refund/form';
import type { MessageName } from './protocol';
import type { SenderIdentity } from './senders';

// protocol.ts creates its messenger on import, and webextension-polyfill throws outside an extension.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { checkMessage } = await import('./serve');

const extensionPage: SenderIdentity = { kind: 'extension-page', url: 'chrome-extension://abc/sidepanel.html' };
const contactPage = (contactId: number): SenderIdentity => ({
  kind: 'content-script',
  tabId: 5,
  windowId: 1,
  frameId: 0,
  page: { kind: 'classic-contact', contactId },
  origin: 'https://ab123.infusionsoft.com',
});
const orderPage = (orderId: number): SenderIdentity => ({
  kind: 'content-script',
  tabId: 6,
  windowId: 1,
  frameId: 0,
  page: { kind: 'classic-order', orderId },
  origin: 'https://ab123.infusionsoft.com',
});
const unknownSender: SenderIdentity = { kind: 'unknown' };

const validForm: RefundForm = {
  orderId: 7,
  contactId: 42,
  currency: 'USD',
  payments: [{ paymentId: 7001, selected: true, amount: '60.00' }],
  reasonPreset: 'Customer did not want it',
  reasonDetails: '',
  errorHandling: 'skip-payment',
  amountOwed: '0.00',
};
const validStartRefund = {
  idempotencyKey: '3f2b8c1e-7a4d-4b6e-9c2f-1d2e3f4a5b6c',
  form: validForm,
  appOrigin: 'https://ab123.infusionsoft.com',
  manualRefundsDone: false,
};

function errorOf(name: MessageName, data: unknown, sender: SenderIdentity) {
  const checked = checkMessage(name, data, sender);
  if (checked.ok) throw new Error(`expected "${name}" to be refused, but it was accepted`);
  return checked.error;
}

describe('checkMessage: who may send what', () => {
  it.each([
    ['startRefund', validStartRefund],
    ['saveSettings', { settings: { apiHost: 'api.infusionsoft.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 0 }, apiKey: 'KeapAK-0123456789abcdef' }],
    ['getOrderForRefund', { orderId: 7, contactId: 42 }],
    ['testConnection', { apiHost: 'api.infusionsoft.com' }],
    ['getSettings', {}],
    ['recheckRefund', { refundId: '3f2b8c1e-7a4d-4b6e-9c2f-1d2e3f4a5b6c' }],
    ['markNotRefunded', { refundId: '3f2b8c1e-7a4d-4b6e-9c2f-1d2e3f4a5b6c' }],
  ] as const)('a content script on a Keap contact page may not send %s', (name, data) => {
    expect(errorOf(name, data, contactPage(42)).kind).toBe('refused');
  });

  it('a content script asking for the orders of another contact than its tab shows is refused', () => {
    const error = errorOf('getContactOrders', { contactId: 43 }, contactPage(42));
    expect(error).toEqual({ kind: 'refused', message: 'A Keap page may only ask about the contact it shows.' });
  });

  it('a content script may ask for the orders of the contact its tab shows', () => {
    expect(checkMessage('getContactOrders', { contactId: 42, refresh: true }, contactPage(42))).toEqual({
      ok: true,
      data: { contactId: 42, refresh: true },
    });
  });

  it('an order page may not ask for contact orders', () => {
    expect(errorOf('getContactOrders', { contactId: 42 }, orderPage(7)).kind).toBe('refused');
  });

  it('an extension page may ask for any contact’s orders', () => {
    expect(checkMessage('getContactOrders', { contactId: 43 }, extensionPage).ok).toBe(true);
  });

  it('openRefundPanel comes only from the contact page it is about', () => {
    expect(checkMessage('openRefundPanel', { contactId: 42, orderId: 7 }, contactPage(42)).ok).toBe(true);
    expect(errorOf('openRefundPanel', { contactId: 41, orderId: 7 }, contactPage(42)).kind).toBe('refused');
    expect(errorOf('openRefundPanel', { contactId: 42, orderId: 7 }, extensionPage).kind).toBe('refused');
    expect(errorOf('openRefundPanel', { contactId: 42, orderId: 7 }, orderPage(7)).kind).toBe('refused');
  });

  it('orderPageReady comes only from the order page of that order', () => {
    expect(checkMessage('orderPageReady', { orderId: 7 }, orderPage(7))).toEqual({ ok: true, data: { orderId: 7 } });
    expect(errorOf('orderPageReady', { orderId: 8 }, orderPage(7)).kind).toBe('refused');
    expect(errorOf('orderPageReady', { orderId: 7 }, contactPage(42)).kind).toBe('refused');
    expect(errorOf('orderPageReady', { orderId: 7 }, extensionPage).kind).toBe('refused');
  });

  it('an unknown sender is refused everything, even openOptions', () => {
    expect(errorOf('openOptions', {}, unknownSender).kind).toBe('refused');
    expect(errorOf('getContactOrders', { contactId: 42 }, unknownSender).kind).toBe('refused');
  });

  it('a stranger learns nothing about its payload: a malformed message is refused, not called malformed', () => {
    expect(errorOf('startRefund', { idempotencyKey: 'nope' }, unknownSender).kind).toBe('refused');
    expect(errorOf('saveSettings', 'garbage', contactPage(42)).kind).toBe('refused');
  });

  it('openOptions is answered to content scripts and extension pages, with no payload at all', () => {
    expect(checkMessage('openOptions', undefined, contactPage(42))).toEqual({ ok: true, data: {} });
    expect(checkMessage('openOptions', null, orderPage(7))).toEqual({ ok: true, data: {} });
    expect(checkMessage('openOptions', {}, extensionPage)).toEqual({ ok: true, data: {} });
  });

  it('a valid startRefund from an extension page is accepted with its data', () => {
    expect(checkMessage('startRefund', validStartRefund, extensionPage)).toEqual({ ok: true, data: validStartRefund });
  });
});

describe('checkMessage: malformed payloads', () => {
  it.each([
    ['a string contact id', 'getContactOrders', { contactId: '42' }, contactPage(42), 'contactId'],
    ['a negative contact id', 'getContactOrders', { contactId: -42 }, extensionPage, 'contactId'],
    ['a zero order id', 'orderPageReady', { orderId: 0 }, orderPage(7), 'orderId'],
    ['a fractional order id', 'getOrderForRefund', { orderId: 7.5, contactId: 42 }, extensionPage, 'orderId'],
    ['an id beyond the safe integers', 'getContactOrders', { contactId: 2 ** 53 }, extensionPage, 'contactId'],
    ['a missing field', 'getOrderForRefund', { orderId: 7 }, extensionPage, 'contactId'],
    ['a key that is not a uuid', 'startRefund', { ...validStartRefund, idempotencyKey: 'refund-1' }, extensionPage, 'idempotencyKey'],
    ['a form field of the wrong type', 'startRefund', { ...validStartRefund, form: { ...validForm, payments: [{ paymentId: 7001, selected: 'yes', amount: '1' }] } }, extensionPage, 'form.payments.0.selected'],
    ['an app origin that is not Keap', 'startRefund', { ...validStartRefund, appOrigin: 'https://evil.example' }, extensionPage, 'appOrigin'],
    ['an unknown API host', 'testConnection', { apiHost: 'api.evil.example' }, extensionPage, 'apiHost'],
    ['retention beyond ten years', 'saveSettings', { settings: { apiHost: 'api.keap.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 5000 } }, extensionPage, 'settings.historyRetentionDays'],
  ] as const)('%s is refused as invalid-message, naming the path', (_label, name, data, sender, path) => {
    const error = errorOf(name, data, sender);
    expect(error.kind).toBe('invalid-message');
    expect(error.message).toBe(`Refund Desk refused a malformed "${name}" request (at ${path}).`);
  });

  it('a payload that is not an object is invalid, without a path', () => {
    expect(errorOf('getOrderForRefund', 'orders please', extensionPage)).toEqual({
      kind: 'invalid-message',
      message: 'Refund Desk refused a malformed "getOrderForRefund" request.',
    });
  });

  it('fields a message does not define are dropped before a handler sees them', () => {
    expect(checkMessage('getContactOrders', { contactId: 42, apiKey: 'leak' }, contactPage(42))).toEqual({ ok: true, data: { contactId: 42 } });
  });
});
