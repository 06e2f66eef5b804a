import { defineExtensionMessaging } from '@webext-core/messaging';
import type { z } from 'zod';
import { CONTACT_PAGE_MESSAGES } from './contact-page-messages';
import { EXTENSION_PAGE_MESSAGES } from './extension-page-messages';
import { QUEUE_MESSAGES } from './queue-messages';
import { REFUND_SCREEN_MESSAGES } from './refund-screen-messages';

/**
 * Every message the background answers: each context's own (defined once, in its own module, so a
 * content script carries only its own schemas), and who may send each one. Receivers validate on
 * arrival (serve.ts); senders validate answers (`backgroundCaller` in messages.ts).
 */
export const MESSAGES = { ...CONTACT_PAGE_MESSAGES, ...REFUND_SCREEN_MESSAGES, ...EXTENSION_PAGE_MESSAGES, ...QUEUE_MESSAGES } as const;

export type MessageName = keyof typeof MESSAGES;
type MessageInput<N extends MessageName> = z.input<(typeof MESSAGES)[N]['input']>;
export type MessageOutput<N extends MessageName> = z.infer<(typeof MESSAGES)[N]['output']>;

/**
 * Who may send each message. Content scripts may read the orders of the contact on their own tab
 * and open the side panel; the refund screen's script speaks only for the attempt its tab serves
 * (checked by the handler); only extension pages may start refunds or change settings.
 */
export const POLICY: Record<MessageName, 'any-sender' | 'own-contact-or-extension-page' | 'own-contact' | 'refund-screen' | 'extension-page'> = {
  getContactOrders: 'own-contact-or-extension-page',
  bindKeapApp: 'own-contact',
  openRefundPanel: 'own-contact',
  addOrdersToQueue: 'own-contact',
  openOptions: 'any-sender',
  refundScreenProgress: 'refund-screen',
  approveFinalClick: 'refund-screen',
  refundScreenGuide: 'refund-screen',
  getOrderForRefund: 'extension-page',
  startRefund: 'extension-page',
  recheckRefund: 'extension-page',
  markNotRefunded: 'extension-page',
  continueInKeap: 'extension-page',
  learnControl: 'extension-page',
  forgetLearnedWord: 'extension-page',
  getSettings: 'extension-page',
  saveSettings: 'extension-page',
  saveConnection: 'extension-page',
  removeConnection: 'extension-page',
  testConnection: 'extension-page',
  importHistoryFromKeap: 'extension-page',
  resumeHistoryImport: 'extension-page',
  cancelHistoryImport: 'extension-page',
  queueAddRows: 'extension-page',
  queueRemoveRow: 'extension-page',
  queueUpdate: 'extension-page',
  queueCheck: 'extension-page',
  queueRun: 'extension-page',
  queuePause: 'extension-page',
  queueCancel: 'extension-page',
  queueNew: 'extension-page',
};

type ProtocolMap = { [N in MessageName]: (data: MessageInput<N>) => MessageOutput<N> };

export const messenger = defineExtensionMessaging<ProtocolMap>();
