import { defineExtensionMessaging } from '@webext-core/messaging';
import { z } from 'zod/mini';
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
      return {
        ok: false,
        error: { kind: 'extension-unavailable', message: `Refund Desk's background service did not answer (${String(cause)}). Reload the page and try again.` },
      } as OutputOf<M, N>;
    }
    const parsed = z.safeParse(messages[name].output, answer);
    if (parsed.success) return parsed.data as OutputOf<M, N>;
    return { ok: false, error: { kind: 'invalid-message', message: 'Refund Desk received an answer it could not understand.' } } as OutputOf<M, N>;
  };
}
