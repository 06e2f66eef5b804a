import type { z } from 'zod';
import { i18n } from '#i18n';
import type { AppError } from './messages';
import { MESSAGES, type MessageName, type MessageOutput, messenger, POLICY } from './protocol';
import { contactOfSender, identifySender, type SenderIdentity } from './senders';

export type MessageData<N extends MessageName> = z.output<(typeof MESSAGES)[N]['input']>;

export type Handlers = {
  [N in MessageName]: (data: MessageData<N>, sender: SenderIdentity) => Promise<MessageOutput<N>> | MessageOutput<N>;
};

type Checked<N extends MessageName> = { ok: true; data: MessageData<N> } | { ok: false; error: AppError };

const refused = (message: string): { ok: false; error: AppError } => ({ ok: false, error: { kind: 'refused', message } });

/** Sender check first (a stranger learns nothing, not even whether its payload was valid), then the payload. */
export function checkMessage<N extends MessageName>(name: N, rawData: unknown, sender: SenderIdentity): Checked<N> {
  const policy = POLICY[name];
  const parsed = MESSAGES[name].input.safeParse(rawData ?? {});
  const senderContact = contactOfSender(sender);
  switch (policy) {
    case 'any-sender':
      if (sender.kind === 'unknown') return refused(i18n.t('problems.messaging.stranger'));
      break;
    case 'extension-page':
      if (sender.kind !== 'extension-page') return refused(onlyOwnPages(name));
      break;
    case 'refund-screen':
      if (sender.kind !== 'content-script') return refused(i18n.t('problems.messaging.refundScreen.askFor', [name]));
      break;
    case 'own-contact':
    case 'own-contact-or-extension-page':
      if (policy === 'own-contact-or-extension-page' && sender.kind === 'extension-page') break;
      if (senderContact === undefined) return refused(onlyContactPages(name));
      if (parsed.success && (parsed.data as { contactId?: number }).contactId !== senderContact) {
        return refused(i18n.t('problems.messaging.otherContact'));
      }
      break;
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue && issue.path.length > 0 ? i18n.t('problems.messaging.malformedAt', [name, issue.path.join('.')]) : i18n.t('problems.messaging.malformed', [name]);
    return { ok: false, error: { kind: 'invalid-message', message } };
  }
  return { ok: true, data: parsed.data as MessageData<N> };
}

/** The refusal of a message only extension pages may send (see POLICY), naming what the sender tried. */
function onlyOwnPages(name: MessageName): string {
  switch (name) {
    case 'saveSettings':
      return i18n.t('problems.messaging.ownPages.changeSettings');
    case 'startRefund':
      return i18n.t('problems.messaging.ownPages.startRefund');
    default:
      return i18n.t('problems.messaging.ownPages.askFor', [name]);
  }
}

/** The refusal of a message only a Keap contact page may send (see POLICY), naming what the sender tried. */
function onlyContactPages(name: MessageName): string {
  return name === 'openRefundPanel' ? i18n.t('problems.messaging.contactPage.openRefundPanel') : i18n.t('problems.messaging.contactPage.askFor', [name]);
}

/** Registers every handler behind the sender and payload checks. Handlers never see unchecked input. */
export function serveMessages(handlers: Handlers, extension: { id: string; origin: string }): void {
  for (const name of Object.keys(MESSAGES) as MessageName[]) {
    messenger.onMessage(name, (message) => {
      const identity = identifySender(message.sender, extension.id, extension.origin);
      const checked = checkMessage(name, message.data, identity);
      if (!checked.ok) return checked;
      const handler = handlers[name] as (data: unknown, sender: SenderIdentity) => Promise<MessageOutput<typeof name>> | MessageOutput<typeof name>;
      return handler(checked.data, identity);
    });
  }
}
