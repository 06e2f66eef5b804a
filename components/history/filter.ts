import type { JournalFilter } from '@/lib/audit/schema';
import { STATE_CHOICES, STATE_WORDS } from './states';

/**
 * The filter as the user typed it; dates are the `YYYY-MM-DD` values of date inputs, '' when unset;
 * `madeBy` is who made the refunds (as the rows say it), '' for anyone.
 */
export type HistoryFilterValue = { search: string; stateWord: string; fromDate: string; toDate: string; madeBy: string };

export const NO_FILTER: HistoryFilterValue = { search: '', stateWord: '', fromDate: '', toDate: '', madeBy: '' };

/** The refunds the toolbar badge counts: the popup opens on them while there are any (clicking the badge shows them). */
export function filterOnOpening(refundsNeedingYou: number): HistoryFilterValue {
  return refundsNeedingYou > 0 ? { ...NO_FILTER, stateWord: STATE_WORDS['needs-manual'].word } : NO_FILTER;
}

/** Local midnight at the start of `date`, shifted by `days`. */
function localDayStart(date: string, days = 0): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days).getTime();
}

/** The journal query for what the user entered: "to" includes the whole of that day. */
export function toJournalFilter(value: HistoryFilterValue): JournalFilter {
  const filter: JournalFilter = {};
  if (value.search.trim() !== '') filter.search = value.search;
  const choice = STATE_CHOICES.find((candidate) => candidate.word === value.stateWord);
  if (choice !== undefined) filter.states = choice.states;
  if (value.madeBy !== '') filter.madeBy = value.madeBy;
  const from = localDayStart(value.fromDate);
  if (from !== undefined) filter.from = Math.max(0, from);
  const nextDay = localDayStart(value.toDate, 1);
  if (nextDay !== undefined) filter.to = Math.max(0, nextDay - 1);
  return filter;
}
