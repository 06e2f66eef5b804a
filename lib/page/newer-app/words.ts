import { looseText } from '@/lib/page/refund-screen/words';

/*
 * Every word Refund Desk reads on the contact record of Keap's newer web app, in one place, each
 * with its source (keap-facts.md, "Keap's newer web app"; docs/keap-screen-contract.md quotes
 * them). Nothing public shows the app's markup, so these are matched by meaning: as a person reads
 * them (case, punctuation and a trailing count such as "Money (3)" aside), in a heading, a labelled
 * region or a control's accessible name.
 */

/**
 * The section holding the contact's activity. help.keap.com, "Issue a refund": "Click the Money
 * card in the Contact activity section". "Activity" alone is a guess from the record's `activity`
 * tab in public code (`…/contact/<id>/activity`).
 */
export const ACTIVITY_SECTION_WORDS = ['Contact activity', 'Activity'] as const;

/**
 * The card (or, in an older version, the button) that opens the contact's payments. help.keap.com:
 * "Click the Money card in the Contact activity section"; an older version: "Click on the Money
 * button".
 */
export const MONEY_CARD_WORDS = ['Money'] as const;

/** A label reads as one of `words`, a count after it aside ("Money (3)", "Activity 12"). */
export function labelIsOneOf(label: string, words: readonly string[]): boolean {
  const loose = looseText(label).replace(/(?: \d+)+$/, '');
  return loose !== '' && words.some((word) => looseText(word) === loose);
}
