// zod/mini: the refund screen's script checks its commands with these, and full zod is too big for a Keap page.
import { z } from 'zod/mini';
import { i18n } from '#i18n';

/*
 * Every word Refund Desk reads on Keap's refund screen, in one place. Documented words carry their
 * public source (docs/keap-screen-contract.md quotes them); words no public source gives come from
 * short synonym lists, and are only ever trusted together with the control's role in its step.
 */

/** Lower case, accents and punctuation gone, one space between words: "Next »" reads as "next". */
export function looseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A name read leniently equals one of `words` (case, punctuation, a trailing "?" or ":", whitespace). */
export function nameIsOneOf(name: string, words: readonly string[]): boolean {
  const loose = looseText(name);
  return loose !== '' && words.some((word) => looseText(word) === loose);
}

/** A name holds one of `phrases` as whole words, e.g. a longer radio label around Keap's documented wording. */
export function nameContainsOneOf(name: string, phrases: readonly string[]): boolean {
  const loose = ` ${looseText(name)} `;
  return phrases.some((phrase) => {
    const wanted = looseText(phrase);
    return wanted !== '' && loose.includes(` ${wanted} `);
  });
}

/** Seed article: "Click the Refund Payment button". */
export const OPEN_SCREEN_WORDS = ['Refund Payment'] as const;

/** Seed article: "click Next to proceed"; the rest are common words for the same step button (synonym list). */
export const NEXT_WORDS = ['Next', 'Continue', 'Next Step', 'Proceed', 'Next >', 'Next »'] as const;

/**
 * The last step's button is not documented anywhere (synonym list). It is only clicked when it is
 * also the single enabled action on the step that asks how much the client should owe.
 */
export const FINAL_WORDS = [
  'Finish',
  'Submit',
  'Process Refund',
  'Issue Refund',
  'Submit Refund',
  'Complete Refund',
  'Complete',
  'Refund',
  'Process',
  'Done',
  'Save',
  'OK',
  'Confirm',
  'Confirm Refund',
] as const;

/** Actions that leave or go back, never forward (synonym list); `OPEN_SCREEN_WORDS` is the order page's own. */
export const DISMISS_WORDS = ['Back', 'Previous', 'Prev', 'Cancel', 'Close', 'Close Window', 'X', '×', 'Help', 'Print', ...OPEN_SCREEN_WORDS] as const;

/** Seed article: "You will then be asked to enter a reason"; the field's label is not documented (synonym list). */
export const REASON_WORDS = [
  'Reason',
  'Refund Reason',
  'Reason for Refund',
  'Reason for the Refund',
  'Reason for Refunding',
  'Note',
  'Notes',
  'Refund Note',
  'Comment',
  'Comments',
  'Description',
  'Memo',
] as const;

/** The refund amount column's header is not documented (synonym list); read only when a row holds several fields. */
export const REFUND_AMOUNT_HEADERS = ['Refund Amount', 'Amount to Refund', 'Refund', 'Amount', 'Refund Amt'] as const;

/** Help centre, "Refunding options": "The three available refund options are: Void, Refund, and Manual Refund". */
export const METHOD_WORDS = {
  refund: ['Refund'],
  'manual-refund': ['Manual Refund'],
  void: ['Void'],
} as const;

/**
 * Seed article: "If an automatic refund fails, record the refund anyway" / "If an automatic refund
 * fails, skip that payment". The distinctive part of each is matched as whole words.
 */
export const ERROR_HANDLING_PHRASES = {
  'record-anyway': ['record the refund anyway'],
  'skip-payment': ['skip that payment'],
} as const;

/** Seed article and help centre: "How much should the client owe you after this transaction is complete". */
export const AMOUNT_OWED_PHRASES = ['How much should the client owe you'] as const;

/**
 * Words of a results line, checked in this order (the first that fits wins: "refund recorded anyway"
 * also says "refund"). Not documented anywhere (synonym lists): the results only say what Keap
 * claims; Keap's API decides what happened.
 */
export const RESULT_PHRASES = [
  ['recorded-anyway', ['recorded anyway', 'refund anyway', 'recorded the refund anyway']],
  ['skipped', ['skipped', 'skip']],
  ['manual-recorded', ['manual refund']],
  ['voided', ['voided', 'void']],
  ['failed', ['failed', 'declined', 'error', 'not refunded']],
  ['refunded', ['refunded', 'refund processed', 'refund successful', 'refund complete', 'refund completed', 'refund issued', 'success', 'successful']],
] as const;

/**
 * Where a word Refund Desk was shown by a person is used: the control's job on its step of the
 * classic screen, or (`newer-app-…`) in the refund flow of Keap's newer app.
 */
export const learnSlotSchema = z.enum(['payments-next', 'options-next', 'credit-final', 'payments-reason', 'newer-app-refund', 'newer-app-confirm']);
export type LearnSlot = z.infer<typeof learnSlotSchema>;
/** The slots of the classic refund screen. */
type ClassicLearnSlot = Exclude<LearnSlot, 'newer-app-refund' | 'newer-app-confirm'>;

/** What each slot is, in the person's language, looked up each time one is read: importing this module (as message schemas do) needs no messages. */
export const LEARN_SLOT_DESCRIPTIONS: Readonly<Record<LearnSlot, string>> = {
  get 'payments-next'() {
    return i18n.t('keapScreen.learnSlot.paymentsNext');
  },
  get 'options-next'() {
    return i18n.t('keapScreen.learnSlot.optionsNext');
  },
  get 'credit-final'() {
    return i18n.t('keapScreen.learnSlot.creditFinal');
  },
  get 'payments-reason'() {
    return i18n.t('keapScreen.learnSlot.paymentsReason');
  },
  get 'newer-app-refund'() {
    return i18n.t('keapScreen.learnSlot.newerAppRefund');
  },
  get 'newer-app-confirm'() {
    return i18n.t('keapScreen.learnSlot.newerAppConfirm');
  },
};

/** How many words one control keeps for one Keap app: the newest, when a person teaches more. */
export const LEARNED_WORDS_PER_SLOT = 20;
/** The longest word (a control's accessible name) Refund Desk keeps. */
export const LEARNED_WORD_MAX_LENGTH = 200;

/** Words a person taught Refund Desk for one Keap app, by slot. */
export const learnedWordsSchema = z.partialRecord(
  learnSlotSchema,
  z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LEARNED_WORD_MAX_LENGTH))).check(z.maxLength(LEARNED_WORDS_PER_SLOT)),
);
export type LearnedWords = z.infer<typeof learnedWordsSchema>;

/** The words a classic screen's slot accepts: its synonym list plus what was learned for it. */
export function wordsFor(slot: ClassicLearnSlot, learned: LearnedWords): readonly string[] {
  const base = slot === 'credit-final' ? FINAL_WORDS : slot === 'payments-reason' ? REASON_WORDS : NEXT_WORDS;
  return [...base, ...(learned[slot] ?? [])];
}
