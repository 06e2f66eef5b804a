import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fakeBrowser } from '@webext-core/fake-browser';
import { generateChromeMessages, parseMessagesText } from '@wxt-dev/i18n/build';

/**
 * `chrome.i18n.getMessage` for unit tests, answering from locales/en.yml as the browser answers
 * from the built `_locales/en/messages.json`: `$1`…`$9` replaced by the substitutions.
 */
const messages = generateChromeMessages(parseMessagesText(readFileSync(resolve('locales/en.yml'), 'utf8'), 'YAML'));

function getMessage(name: string, substitutions?: string | string[]): string {
  const message = messages[name]?.message ?? '';
  const values = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  return message.replace(/\$(\d)/g, (_, digit: string) => values[Number(digit) - 1] ?? '');
}

const global = globalThis as { chrome?: { i18n?: unknown } };
global.chrome ??= {};
global.chrome.i18n = { getMessage, getUILanguage: () => 'en-US' };
// Tests that stand the fake browser in for `chrome` get the same answers from it.
Object.assign(fakeBrowser.i18n, { getMessage, getUILanguage: () => 'en-US' });
