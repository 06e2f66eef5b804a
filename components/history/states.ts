import { REFUND_STATES, type RefundState } from '@/lib/audit/states';

export type StateTone = 'good' | 'neutral' | 'attention' | 'bad' | 'progress';

/** What each state is called in the popup. The word carries the meaning; the tone only adds colour. */
export const STATE_WORDS: Record<RefundState, { word: string; tone: StateTone }> = {
  planned: { word: 'In progress', tone: 'progress' },
  submitting: { word: 'In progress', tone: 'progress' },
  unconfirmed: { word: 'Not confirmed yet', tone: 'attention' },
  'needs-manual': { word: 'Needs you', tone: 'attention' },
  confirmed: { word: 'Refunded', tone: 'good' },
  recorded: { word: 'Recorded', tone: 'good' },
  skipped: { word: 'Skipped', tone: 'neutral' },
  failed: { word: 'Failed', tone: 'bad' },
};

/** The state filter's choices: one per word, so "In progress" covers both planned and submitting. */
export const STATE_CHOICES: { word: string; states: RefundState[] }[] = [...new Set(REFUND_STATES.map((state) => STATE_WORDS[state].word))].map((word) => ({
  word,
  states: REFUND_STATES.filter((state) => STATE_WORDS[state].word === word),
}));
