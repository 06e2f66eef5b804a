import { describe, expect, it } from 'vitest';
import { filterOnOpening, NO_FILTER, toJournalFilter } from './filter';

describe('toJournalFilter', () => {
  it('is empty for an untouched filter', () => {
    expect(toJournalFilter(NO_FILTER)).toEqual({});
  });

  it('maps a state word to every state it names', () => {
    expect(toJournalFilter({ ...NO_FILTER, stateWord: 'In progress' }).states).toEqual(['planned', 'submitting']);
    expect(toJournalFilter({ ...NO_FILTER, stateWord: 'Needs you' }).states).toEqual(['needs-manual']);
  });

  it('covers whole local days from the start of "from" to the end of "to"', () => {
    const filter = toJournalFilter({ ...NO_FILTER, fromDate: '2025-03-01', toDate: '2025-03-02' });
    expect(filter.from).toBe(new Date(2025, 2, 1).getTime());
    expect(filter.to).toBe(new Date(2025, 2, 3).getTime() - 1);
  });

  it('keeps who made the refunds exactly as chosen', () => {
    expect(toJournalFilter({ ...NO_FILTER, madeBy: 'Kim Lee' })).toEqual({ madeBy: 'Kim Lee' });
  });

  it('ignores blank search text', () => {
    expect(toJournalFilter({ ...NO_FILTER, search: '   ' })).toEqual({});
  });
});

describe('filterOnOpening', () => {
  it('shows the refunds that need the person while the badge counts any', () => {
    expect(filterOnOpening(2)).toEqual({ ...NO_FILTER, stateWord: 'Needs you' });
    expect(toJournalFilter(filterOnOpening(1)).states).toEqual(['needs-manual']);
  });
  it('shows every refund when none needs the person', () => {
    expect(filterOnOpening(0)).toEqual(NO_FILTER);
  });
});
