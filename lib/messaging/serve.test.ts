import { fakeBrowser } from '@webext-core/fake-browser';
import { describe, expect, it, vi } from 'vitest';
import type { RefundForm } from '@/lib/refund/form';
import type { MessageName } from './protocol';
import type { SenderIdentity } from './senders';

// protocol.ts creates its messenger on import, and webextension-polyfill throws outside an extension.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { checkMessage } = await import('./serve');
const { MESSAGES, POLICY } = await import('./protocol');

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
/** Keap's refund screen may be any page of the app: the sender identifies it as an 'other' Keap page. */
const keapAppPage: SenderIdentity = {
  kind: 'content-script',
  tabId: 7,
  windowId: 3,
  frameId: 0,
  page: { kind: 'other' },
  origin: 'https://ab123.infusionsoft.com',
};
const unknownSender: SenderIdentity = { kind: 'unknown' };
const REFUND_ID = '3f2b8c1e-7a4d-4b6e-9c2f-1d2e3f4a5b6c';
const ATTEMPT_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const progress = { opened: true, submitted: ['payments'], finalClicked: false };

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
  mode: 'automatic',
};

function errorOf(name: MessageName, data: unknown, sender: SenderIdentity) {
  const checked = checkMessage(name, data, sender);
  if (checked.ok) throw new Error(`expected "${name}" to be refused, but it was accepted`);
  return checked.error;
}

describe('checkMessage: who may send what', () => {
  it.each([
    ['startRefund', validStartRefund],
    [
      'saveSettings',
      {
        settings: { apiHost: 'api.infusionsoft.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 0, defaultRefundMode: 'guided' },
        apiKey: 'KeapAK-0123456789abcdef',
      },
    ],
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

  const refundScreenMessages = [
    ['refundScreenProgress', { attemptId: ATTEMPT_ID, progress }],
    ['approveFinalClick', { attemptId: ATTEMPT_ID }],
    ['refundScreenGuide', { attemptId: ATTEMPT_ID, progress, items: [{ id: 'payments', text: 'Tick payment #7001', done: true }] }],
  ] as const;

  describe.each(refundScreenMessages)('%s (the refund screen speaks; its handler checks the session)', (name, data) => {
    it.each([
      ['any page of a Keap app', keapAppPage],
      ['a Keap order page', orderPage(7)],
      ['a Keap contact page', contactPage(42)],
    ])('is accepted with its data from a content script on %s', (_label, sender) => {
      expect(checkMessage(name, data, sender)).toEqual({ ok: true, data });
    });

    it('is refused from an extension page, naming the refund screen', () => {
      expect(errorOf(name, data, extensionPage)).toEqual({ kind: 'refused', message: `Only Keap's refund screen may ask for "${name}".` });
    });

    it('is refused from an unknown sender', () => {
      expect(errorOf(name, data, unknownSender).kind).toBe('refused');
    });

    it('a malformed one from an extension page or a stranger is refused, not called malformed', () => {
      expect(errorOf(name, { attemptId: 'nope' }, extensionPage).kind).toBe('refused');
      expect(errorOf(name, { attemptId: 'nope' }, unknownSender).kind).toBe('refused');
    });
  });

  const extensionPageOnly = [
    ['continueInKeap', { refundId: REFUND_ID }],
    ['learnControl', { refundId: REFUND_ID }],
    ['forgetLearnedWord', { appName: 'ab123', slot: 'credit-final', word: 'Do it' }],
  ] as const;

  describe.each(extensionPageOnly)('%s (only Refund Desk’s own pages)', (name, data) => {
    it('is accepted with its data from an extension page', () => {
      expect(checkMessage(name, data, extensionPage)).toEqual({ ok: true, data });
    });

    it.each([
      ['a Keap contact page', contactPage(42)],
      ['a Keap order page', orderPage(7)],
      ['any other page of a Keap app', keapAppPage],
    ])('is refused from a content script on %s', (_label, sender) => {
      expect(errorOf(name, data, sender)).toEqual({ kind: 'refused', message: `Only Refund Desk's own pages may ask for "${name}".` });
    });

    it('is refused from an unknown sender', () => {
      expect(errorOf(name, data, unknownSender).kind).toBe('refused');
    });
  });

  it('the refund screen’s messages are exactly the ones any Keap content script may send for an attempt', () => {
    const names = (Object.keys(POLICY) as MessageName[]).filter((name) => POLICY[name] === 'refund-screen').sort();
    expect(names).toEqual(['approveFinalClick', 'refundScreenGuide', 'refundScreenProgress']);
  });

  it('every message has a policy, and the order page no longer has messages of its own', () => {
    expect(Object.keys(POLICY).sort()).toEqual(Object.keys(MESSAGES).sort());
    expect(Object.keys(MESSAGES)).not.toContain('orderPageReady');
    expect(Object.values(POLICY)).not.toContain('own-order');
  });

  it('a Keap app page that is not a contact may not ask for contact orders or open the refund panel', () => {
    expect(errorOf('getContactOrders', { contactId: 42 }, keapAppPage)).toEqual({ kind: 'refused', message: 'Only a Keap contact page may ask for "getContactOrders".' });
    expect(errorOf('openRefundPanel', { contactId: 42, orderId: 7 }, keapAppPage)).toEqual({ kind: 'refused', message: 'Only a Keap contact page may open the refund panel.' });
  });

  it('an unknown sender is refused everything, even openOptions', () => {
    expect(errorOf('openOptions', {}, unknownSender)).toEqual({ kind: 'refused', message: 'Refund Desk only answers its own pages and Keap pages.' });
    expect(errorOf('getContactOrders', { contactId: 42 }, unknownSender).kind).toBe('refused');
  });

  it('a stranger learns nothing about its payload: a malformed message is refused, not called malformed', () => {
    expect(errorOf('startRefund', { idempotencyKey: 'nope' }, unknownSender).kind).toBe('refused');
    expect(errorOf('saveSettings', 'garbage', contactPage(42)).kind).toBe('refused');
  });

  it('openOptions is answered to content scripts and extension pages, with no payload at all', () => {
    expect(checkMessage('openOptions', undefined, contactPage(42))).toEqual({ ok: true, data: {} });
    expect(checkMessage('openOptions', null, orderPage(7))).toEqual({ ok: true, data: {} });
    expect(checkMessage('openOptions', undefined, keapAppPage)).toEqual({ ok: true, data: {} });
    expect(checkMessage('openOptions', {}, extensionPage)).toEqual({ ok: true, data: {} });
  });

  it('a valid startRefund from an extension page is accepted with its data, in either mode', () => {
    expect(checkMessage('startRefund', validStartRefund, extensionPage)).toEqual({ ok: true, data: validStartRefund });
    const guided = { ...validStartRefund, mode: 'guided' };
    expect(checkMessage('startRefund', guided, extensionPage)).toEqual({ ok: true, data: guided });
  });

  it('startRefund is refused from the refund screen, whatever page of Keap it is on', () => {
    expect(errorOf('startRefund', validStartRefund, keapAppPage)).toEqual({ kind: 'refused', message: "Only Refund Desk's own pages may start a refund." });
  });

  it('saveSettings is refused from a Keap page, saying what it would have done', () => {
    expect(errorOf('saveSettings', { settings: {} }, contactPage(42))).toEqual({ kind: 'refused', message: "Only Refund Desk's own pages may change settings." });
  });
});

describe('checkMessage: malformed payloads', () => {
  it.each([
    ['a string contact id', 'getContactOrders', { contactId: '42' }, contactPage(42), 'contactId'],
    ['a negative contact id', 'getContactOrders', { contactId: -42 }, extensionPage, 'contactId'],
    ['a zero order id', 'getOrderForRefund', { orderId: 0, contactId: 42 }, extensionPage, 'orderId'],
    ['a fractional order id', 'getOrderForRefund', { orderId: 7.5, contactId: 42 }, extensionPage, 'orderId'],
    ['an id beyond the safe integers', 'getContactOrders', { contactId: 2 ** 53 }, extensionPage, 'contactId'],
    ['a missing field', 'getOrderForRefund', { orderId: 7 }, extensionPage, 'contactId'],
    ['a key that is not a uuid', 'startRefund', { ...validStartRefund, idempotencyKey: 'refund-1' }, extensionPage, 'idempotencyKey'],
    [
      'a form field of the wrong type',
      'startRefund',
      { ...validStartRefund, form: { ...validForm, payments: [{ paymentId: 7001, selected: 'yes', amount: '1' }] } },
      extensionPage,
      'form.payments.0.selected',
    ],
    ['an app origin that is not Keap', 'startRefund', { ...validStartRefund, appOrigin: 'https://evil.example' }, extensionPage, 'appOrigin'],
    ['a startRefund without a mode', 'startRefund', { ...validStartRefund, mode: undefined }, extensionPage, 'mode'],
    ['a startRefund in a mode Refund Desk does not know', 'startRefund', { ...validStartRefund, mode: 'manual' }, extensionPage, 'mode'],
    ['an attempt id that is not a uuid', 'refundScreenProgress', { attemptId: 'attempt-1', progress }, keapAppPage, 'attemptId'],
    ['a progress without its steps', 'refundScreenProgress', { attemptId: ATTEMPT_ID, progress: { opened: true, finalClicked: false } }, orderPage(7), 'progress.submitted'],
    [
      'a step Refund Desk does not know',
      'refundScreenProgress',
      { attemptId: ATTEMPT_ID, progress: { ...progress, submitted: ['everything'] } },
      keapAppPage,
      'progress.submitted.0',
    ],
    ['a missing attempt id', 'approveFinalClick', {}, keapAppPage, 'attemptId'],
    [
      'a guide of more than 40 items',
      'refundScreenGuide',
      { attemptId: ATTEMPT_ID, progress, items: Array.from({ length: 41 }, (_, i) => ({ id: `${i}`, text: 'x', done: false })) },
      keapAppPage,
      'items',
    ],
    ['a guide item without done', 'refundScreenGuide', { attemptId: ATTEMPT_ID, progress, items: [{ id: 'payments', text: 'Tick it' }] }, contactPage(42), 'items.0.done'],
    ['a refund id that is not a uuid', 'continueInKeap', { refundId: '42' }, extensionPage, 'refundId'],
    ['a missing refund id', 'learnControl', {}, extensionPage, 'refundId'],
    ['a control Refund Desk does not know', 'forgetLearnedWord', { appName: 'ab123', slot: 'delete-button', word: 'Go' }, extensionPage, 'slot'],
    ['an unknown refund mode in settings', 'saveSettings', { settings: { apiHost: 'api.keap.com', defaultRefundMode: 'yolo' } }, extensionPage, 'settings.defaultRefundMode'],
    ['an unknown API host', 'testConnection', { apiHost: 'api.evil.example' }, extensionPage, 'apiHost'],
    [
      'retention beyond ten years',
      'saveSettings',
      { settings: { apiHost: 'api.keap.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 5000 } },
      extensionPage,
      'settings.historyRetentionDays',
    ],
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
