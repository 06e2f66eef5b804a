import { defineExtensionMessaging } from '@webext-core/messaging';
import { z } from 'zod/mini';
import { i18n } from '#i18n';
import type { MessageSchema } from './messages';

type InputOf<M extends Record<keyof M, MessageSchema>, N extends keyof M> = z.input<M[N]['input']>;
type OutputOf<M extends Record<keyof M, MessageSchema>, N extends keyof M> = z.output<M[N]['output']>;

/**
 * A `callBackground` for one context: it sends only the messages given (the context's own), and
 * validates each answer with its schema before anyone uses it.
 */
export function backgroundCaller<M extends Record<keyof M, MessageSchema>>(messages: M) {
  const messenger = defineExtensionMessaging<Record<string, (data: unknown) => unknown>>();
  return async function callBackground<N extends keyof M & string>(name: N, data: InputOf<M, N>): Promise<OutputOf<M, N>> {
    let answer: unknown;
    try {
      answer = await messenger.sendMessage(name, data);
    } catch (cause) {
      return { ok: false, error: { kind: 'extension-unavailable', message: i18n.t('problems.messaging.noBackground', [String(cause)]) } } as OutputOf<M, N>;
    }
    const parsed = z.safeParse(messages[name].output, answer);
    if (parsed.success) return parsed.data as OutputOf<M, N>;
    return { ok: false, error: { kind: 'invalid-message', message: i18n.t('problems.messaging.unreadableAnswer') } } as OutputOf<M, N>;
  };
}
