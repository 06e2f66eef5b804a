import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchQueryTokens, searchTokensFor } from './search';

const WORDS = ['ana', 'anabel', 'ana-maria', 'José', 'jo', 'lima', 'example', 'ex', '90', '9001'];

/** The search rule, checked against tokens: every query word begins one of them. */
function matches(tokens: string[], query: string): boolean {
  return searchQueryTokens(query).every((word) => tokens.some((token) => token.startsWith(word)));
}

describe('searchTokensFor', () => {
  it('leaves out a word that begins another, and keeps the rest', () => {
    expect(searchTokensFor({ contact: { name: 'Maria Okafor', email: 'maria.okafor7@example.com' }, orderId: 9001 })).toEqual([
      'okafor',
      'maria.okafor7@example.com',
      'example.com',
      '9001',
    ]);
  });

  it('matches exactly what the full token list matches', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.array(fc.constantFrom(...WORDS, 'an', 'j', 'jose', 'ana-m', 'x'), { minLength: 1, maxLength: 3 }),
        (nameWords, emailWords, orderId, queryWords) => {
          const name = nameWords.join(' ');
          const email = `${emailWords.join('.')}@example.com`;
          const pruned = searchTokensFor({ contact: { name, email }, orderId });
          const emailFolded = email
            .normalize('NFKD')
            .replace(/\p{M}+/gu, '')
            .toLowerCase();
          const full = [
            ...searchQueryTokens(name.normalize('NFKD').replace(/\p{M}+/gu, '')).flatMap((word) => [word, ...word.split(/[-'.]+/)]),
            emailFolded,
            'example.com',
            String(orderId),
          ];
          const query = queryWords.join(' ');
          expect(matches(pruned, query)).toBe(matches(full, query));
        },
      ),
    );
  });
});
