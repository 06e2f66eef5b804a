import { describe, expect, it } from 'vitest';
import {
  forbiddenMessage,
  keapDownError,
  networkError,
  notFoundMessage,
  quotaExhaustedError,
  redirectedError,
  throttledError,
  timeoutError,
  unexpectedAnswerError,
  type KeapAction,
  type KeapSubject,
} from '@/lib/keap/errors';

describe('KeapError messages, in whole sentences from locales/en.yml', () => {
  it.each<[KeapAction, string]>([
    ['readAccountProfile', 'read the account profile'],
    ['readBusinessProfile', 'read the business profile'],
    ['readUserInfo', 'read user info'],
    ['readUsers', 'read users'],
    ['readContacts', 'read contacts'],
    ['readOrders', 'read orders'],
    ['readOrderPayments', 'read order payments'],
    ['readTransactions', 'read transactions'],
    ['readMerchantAccounts', 'read merchant accounts'],
    ['readNotes', 'read notes'],
    ['addNotes', 'add notes to contacts'],
  ])('a refused permission to %s names what the key may not do', (action, words) => {
    expect(forbiddenMessage(action)).toBe(`This API key does not have permission to ${words}. Use a key created by a Keap user who can ${words}.`);
  });

  it.each<[KeapSubject, string]>([
    [{ what: 'accountProfile' }, 'account profile'],
    [{ what: 'businessProfile' }, 'business profile'],
    [{ what: 'userInfo' }, 'user info for this key'],
    [{ what: 'users' }, 'users'],
    [{ what: 'orders' }, 'orders'],
    [{ what: 'transactions' }, 'transactions'],
    [{ what: 'merchantAccounts' }, 'merchant accounts'],
    [{ what: 'notes' }, 'notes'],
    [{ what: 'contact', id: 42 }, 'contact 42'],
    [{ what: 'order', id: 5001 }, 'order 5001'],
    [{ what: 'ordersOfContact', id: 42 }, 'orders of contact 42'],
    [{ what: 'transactionsOfContact', id: 42 }, 'transactions of contact 42'],
    [{ what: 'notesOfContact', id: 42 }, 'notes of contact 42'],
  ])('a missing %o is named', (subject, words) => {
    expect(notFoundMessage(subject)).toBe(`Keap has no ${words} (it may have been deleted).`);
  });

  it('counts seconds in the singular and the plural', () => {
    expect(throttledError('GET /v1/orders', 1_000, 0).message).toBe('Keap is limiting requests; try again in 1 second.');
    expect(throttledError('GET /v1/orders', 30_000, 0).message).toBe('Keap is limiting requests; try again in 30 seconds.');
    expect(timeoutError('GET /v1/orders', 1_000).message).toBe('Keap did not answer within 1 second. Try again.');
    expect(timeoutError('GET /v1/orders', 15_000).message).toBe('Keap did not answer within 15 seconds. Try again.');
  });

  it('tells to check in Keap first when a note may have been saved, and to try again otherwise', () => {
    expect(networkError('GET /v1/orders').message).toBe('Could not reach Keap. Check the internet connection. Try again.');
    expect(networkError('POST /v1/notes', 'note').message).toBe(
      'Could not reach Keap. Check the internet connection. The note may or may not have been saved on the contact. Check in Keap before trying again.',
    );
    expect(redirectedError('POST /v1/notes', 'note').message).toBe(
      "Keap's API answered from another address, so Refund Desk did not send your key there. The note may or may not have been saved on the contact. Check in Keap before trying again.",
    );
  });

  it('names the status, the quota’s reset and the field of an answer that does not read', () => {
    expect(keapDownError('GET /v1/orders', 503).message).toBe("Keap's servers are having trouble (HTTP 503). Try again in a few minutes.");
    expect(quotaExhaustedError('GET /v1/orders', Date.UTC(2025, 0, 16, 0, 5)).message).toBe(
      'This API key has used up its daily allowance of Keap requests. It resets at 00:05 UTC on 2025-01-16.',
    );
    expect(unexpectedAnswerError('GET /v1/orders', '').message).toBe("Keap's answer to GET /v1/orders had an unexpected shape.");
    expect(unexpectedAnswerError('GET /v1/orders', 'orders[3].total').message).toBe("Keap's answer to GET /v1/orders had an unexpected value at orders[3].total.");
  });
});
