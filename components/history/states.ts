import { i18n } from '#i18n';
import { REFUND_STATES, type RefundState } from '@/lib/audit/states';

export type StateTone = 'good' | 'neutral' | 'attention' | 'bad' | 'progress';

/** What each state is called in the popup. The word carries the meaning; the tone only adds colour. */
export const STATE_WORDS: Record<RefundState, { word: string; tone: StateTone }> = {
  planned: { word: i18n.t('history.state.inProgress'), tone: 'progress' },
  submitting: { word: i18n.t('history.state.inProgress'), tone: 'progress' },
  unconfirmed: { word: i18n.t('history.state.notConfirmed'), tone: 'attention' },
  'needs-manual': { word: i18n.t('history.state.needsYou'), tone: 'attention' },
  confirmed: { word: i18n.t('history.state.refunded'), tone: 'good' },
  recorded: { word: i18n.t('history.state.recorded'), tone: 'good' },
  skipped: { word: i18n.t('history.state.skipped'), tone: 'neutral' },
  failed: { word: i18n.t('history.state.failed'), tone: 'bad' },
};

/** The state filter's choices: one per word, so "In progress" covers both planned and submitting. */
export const STATE_CHOICES: { word: string; states: RefundState[] }[] = [...new Set(REFUND_STATES.map((state) => STATE_WORDS[state].word))].map((word) => ({
  word,
  states: REFUND_STATES.filter((state) => STATE_WORDS[state].word === word),
}));
