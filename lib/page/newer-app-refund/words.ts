import { MONEY_CARD_WORDS } from '@/lib/page/newer-app/words';
import { type LearnedWords, looseText, REASON_WORDS } from '@/lib/page/refund-screen/words';

/*
 * Every word Refund Desk reads in the refund flow of Keap's newer web app, in one place. Keap
 * documents the flow only in words (help.keap.com, "Issue a refund"; docs/keap-screen-contract.md
 * quotes them): each documented word carries its source, every other word is marked as a guess.
 */

/** help.keap.com: "Click the Money card in the Contact activity section"; older: "Click on the Money button". */
export const MONEY_WORDS = MONEY_CARD_WORDS;

/** help.keap.com: "Click the Refund button". */
const REFUND_BUTTON_WORDS = ['Refund'] as const;

/**
 * The confirmation. help.keap.com: "Click the confirmation link to process the refund"; the link's
 * wording is not documented (guess: a synonym list, and the whole-word phrases below).
 */
const CONFIRM_WORDS = ['Confirm', 'Confirm refund', 'Process refund', 'Yes, refund', 'Refund now', 'Yes, process refund'] as const;
/** Guess: a longer link text around the help centre's own "process the refund" ("Click here to process the refund"). */
export const CONFIRM_PHRASES = ['process the refund', 'confirm the refund'] as const;

/** Leaving or going back, never forward (guess, as on the classic screen). */
export const DISMISS_WORDS = ['Cancel', 'Close', 'Back', 'No', 'Go back', 'Keep payment'] as const;

/** The refund amount field, when the flow offers one. Not documented whether it does (guess: synonym list). */
export const AMOUNT_FIELD_WORDS = ['Refund amount', 'Amount to refund', 'Amount', 'Refund'] as const;

/** The reason field, when the flow offers one (guess: the classic screen's synonym list; "(optional)" aside). */
export const REASON_FIELD_WORDS = REASON_WORDS;

/**
 * Recording a refund made elsewhere. The newer app's help does not mention it (guess): without
 * exactly one control of these words on the payment, a manual refund goes the guided way.
 */
export const MANUAL_REFUND_WORDS = ['Record refund', 'Record a refund', 'Manual refund', 'Record manual refund'] as const;

/**
 * help.keap.com: "You will receive a message the refund was completed". Its wording is not
 * documented (guess: these phrases). Failure phrases are read first: "could not be completed"
 * also says "completed".
 */
export const FAILURE_PHRASES = ['failed', 'declined', 'could not', 'cannot', 'not refunded', 'unable', 'error', 'was not'] as const;
export const COMPLETION_PHRASES = [
  'refund completed',
  'refund was completed',
  'was completed',
  'refund complete',
  'was refunded',
  'refunded successfully',
  'refund successful',
  'refund processed',
] as const;

/** A field's label read without a trailing "(optional)" or "*" (guess: common form decorations). */
export function fieldLabel(name: string): string {
  return looseText(name)
    .replace(/ optional$/, '')
    .trim();
}

/** The words a newer-app slot accepts: its list plus what a person taught for it. */
export function newerAppWordsFor(slot: 'newer-app-refund' | 'newer-app-confirm', learned: LearnedWords): readonly string[] {
  return [...(slot === 'newer-app-refund' ? REFUND_BUTTON_WORDS : CONFIRM_WORDS), ...(learned[slot] ?? [])];
}
