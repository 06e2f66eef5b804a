// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { FINAL_WORDS, looseText, nameContainsOneOf, nameIsOneOf, NEXT_WORDS, REASON_WORDS, wordsFor } from './words';

describe('looseText', () => {
  it('lower-cases, drops punctuation and accents, and keeps one space between words', () => {
    expect(looseText('Next »')).toBe('next');
    expect(looseText('  Refund\n\tReason:  ')).toBe('refund reason');
    expect(looseText('Réfund — Payment!')).toBe('refund payment');
    expect(looseText('How much should the client owe you…?')).toBe('how much should the client owe you');
    expect(looseText('Payment #7001')).toBe('payment 7001');
  });

  it('reads nothing but punctuation as empty', () => {
    expect(looseText('  ?: »  ')).toBe('');
  });
});

describe('nameIsOneOf', () => {
  it('ignores case, punctuation, a trailing "?" or ":" and whitespace', () => {
    expect(nameIsOneOf('reason', ['Reason'])).toBe(true);
    expect(nameIsOneOf('REASON:', ['Reason'])).toBe(true);
    expect(nameIsOneOf('  Refund   Reason? ', ['Refund Reason'])).toBe(true);
    expect(nameIsOneOf('Next »', ['Next'])).toBe(true);
    expect(nameIsOneOf('Next', ['Next »'])).toBe(true);
  });

  it('compares whole names: "Refund" is not "Manual Refund", nor the other way round', () => {
    expect(nameIsOneOf('Manual Refund', ['Refund'])).toBe(false);
    expect(nameIsOneOf('Refund', ['Manual Refund'])).toBe(false);
    expect(nameIsOneOf('Refund', ['Refund', 'Manual Refund'])).toBe(true);
    expect(nameIsOneOf('Reasons', ['Reason'])).toBe(false);
  });

  it('never matches an empty name, even against an empty word', () => {
    expect(nameIsOneOf('', ['', 'Next'])).toBe(false);
    expect(nameIsOneOf('»', ['»'])).toBe(false);
  });
});

describe('nameContainsOneOf', () => {
  it('finds a phrase as whole words inside a longer name', () => {
    expect(nameContainsOneOf('If an automatic refund fails, skip that payment.', ['skip that payment'])).toBe(true);
    expect(nameContainsOneOf('How much should the client owe you after this transaction is complete?', ['How much should the client owe you'])).toBe(true);
    expect(nameContainsOneOf('Skip that payment', ['skip that payment'])).toBe(true);
  });

  it('does not match inside longer words', () => {
    expect(nameContainsOneOf('If an automatic refund fails, skip that payments', ['skip that payment'])).toBe(false);
    expect(nameContainsOneOf('Unskip that payment', ['skip that payment'])).toBe(false);
    expect(nameContainsOneOf('voided', ['void'])).toBe(false);
  });

  it('ignores an empty phrase', () => {
    expect(nameContainsOneOf('anything', ['', ' ? '])).toBe(false);
  });
});

describe('wordsFor', () => {
  const learned = { 'credit-final': ['Make it so'], 'payments-next': ['Onward'], 'payments-reason': ['Why'] };

  it('gives each slot its synonym list', () => {
    expect(wordsFor('credit-final', {})).toEqual([...FINAL_WORDS]);
    expect(wordsFor('payments-next', {})).toEqual([...NEXT_WORDS]);
    expect(wordsFor('options-next', {})).toEqual([...NEXT_WORDS]);
    expect(wordsFor('payments-reason', {})).toEqual([...REASON_WORDS]);
  });

  it('adds the words learned for that slot only', () => {
    expect(wordsFor('credit-final', learned)).toEqual([...FINAL_WORDS, 'Make it so']);
    expect(wordsFor('payments-next', learned)).toEqual([...NEXT_WORDS, 'Onward']);
    expect(wordsFor('options-next', learned)).toEqual([...NEXT_WORDS]);
    expect(wordsFor('payments-reason', learned)).toEqual([...REASON_WORDS, 'Why']);
    expect(wordsFor('payments-next', learned)).not.toContain('Make it so');
    expect(wordsFor('credit-final', learned)).not.toContain('Onward');
  });

  it('never lets a "next" word complete the refund, nor a final word move on', () => {
    expect(wordsFor('credit-final', {}).some((word) => nameIsOneOf(word, NEXT_WORDS))).toBe(false);
    expect(wordsFor('payments-next', {}).some((word) => nameIsOneOf(word, FINAL_WORDS))).toBe(false);
  });
});
