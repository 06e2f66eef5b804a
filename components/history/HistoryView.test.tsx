// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import type { RefundState } from '@/lib/audit/states';
import { samplePlan } from '@/lib/audit/test-support';
import { NO_FILTER, type HistoryFilterValue } from './filter';
import { HistoryView, type HistoryViewProps } from './HistoryView';

afterEach(cleanup);

function record(name: string, state: RefundState, createdAt: number, orderId = 9001): RefundRecord {
  const plan = samplePlan({ contact: { id: 42, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` }, orderId });
  return { ...buildPlannedRecord(plan, crypto.randomUUID(), createdAt), state };
}

function failedWith(name: string, state: RefundState, message: string): RefundRecord {
  return { ...record(name, state, 1000), error: { kind: 'screen-changed', message } };
}

function props(overrides: Partial<HistoryViewProps> = {}): HistoryViewProps {
  return {
    rows: [],
    journalIsEmpty: false,
    filter: NO_FILTER,
    onFilterChange: vi.fn(),
    summary: { count: 0, refunded: [] },
    hasNewer: false,
    hasOlder: false,
    onNewer: vi.fn(),
    onOlder: vi.fn(),
    onExport: vi.fn(),
    finishedCount: 0,
    onClearHistory: vi.fn(),
    onOpenOptions: vi.fn(),
    onOpenQueue: vi.fn(),
    onContinue: vi.fn(),
    madeByChoices: [],
    keapImport: { progress: null, contactOnPage: null, busy: false, error: null, onImport: vi.fn(), onResume: vi.fn(), onCancel: vi.fn() },
    ...overrides,
  };
}

function rowTexts(): string[] {
  return within(screen.getByRole('list', { name: 'Refunds' }))
    .getAllByRole('listitem')
    .map((item) => item.textContent ?? '');
}

describe('HistoryView', () => {
  it('shows the rows in the order given, with contact, order, amount, reason and a Keap link', () => {
    const rows = [record('Newest Person', 'confirmed', 3000, 9003), record('Older Person', 'failed', 1000, 9001)];
    render(<HistoryView {...props({ rows, summary: { count: 2, refunded: [{ currency: 'USD', amountMinor: 6000 }] } })} />);

    expect(screen.getByRole('heading', { name: 'Refund history' })).toBeTruthy();
    const texts = rowTexts();
    expect(texts[0]).toContain('Newest Person');
    expect(texts[0]).toContain('Order 9003');
    expect(texts[0]).toContain('$60.00');
    expect(texts[0]).toContain('Customer request: Changed their mind');
    expect(texts[1]).toContain('Older Person');
    const link = screen.getByRole('link', { name: 'Newest Person' });
    expect(link.getAttribute('href')).toBe('https://ab123.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=42');
    expect(screen.getByText('2 refunds · Refunded $60.00')).toBeTruthy();
  });

  it('says who made each refund in the row’s meta line: the name, else the email, else nothing', () => {
    const byName = record('Jane Doe', 'confirmed', 3000, 9003);
    const byEmail = { ...record('John Roe', 'confirmed', 2000, 9002), actor: { name: '  ', email: 'sam@merchant.example' } };
    const byNobody = { ...record('Ann Poe', 'confirmed', 1000, 9001), actor: { name: '', email: '' } };
    render(<HistoryView {...props({ rows: [byName, byEmail, byNobody] })} />);
    const [first, second, third] = within(screen.getByRole('list', { name: 'Refunds' })).getAllByRole('listitem');
    const metaOf = (row: HTMLElement | undefined) => row?.querySelector('.refund-row__meta')?.textContent ?? '';
    expect(within(first!).getByText('By Sam Admin').closest('.refund-row__meta')).not.toBeNull();
    expect(metaOf(first)).toContain('Order 9003');
    expect(metaOf(second)).toContain('By sam@merchant.example');
    expect(metaOf(third)).toContain('Order 9001');
    expect(metaOf(third)).not.toContain('By');
    expect(third!.querySelector('.refund-row__actor')).toBeNull();
  });

  it('shows a name with markup as the text it is, never as HTML', () => {
    const name = '<img src=x onerror="window.__pwned=1"><b>Sam</b> & Co';
    const hostile = { ...record('Jane Doe', 'confirmed', 1000), actor: { name, email: 'sam@merchant.example' } };
    render(<HistoryView {...props({ rows: [hostile] })} />);
    const row = screen.getByRole('listitem');
    expect(within(row).getByText(`By ${name}`).className).toBe('refund-row__actor');
    expect(row.querySelector('img')).toBeNull();
    expect(row.querySelector('b')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it.each([
    ['confirmed', 'Refunded'],
    ['recorded', 'Recorded'],
    ['needs-manual', 'Needs you'],
    ['failed', 'Failed'],
    ['skipped', 'Skipped'],
    ['planned', 'In progress'],
    ['submitting', 'In progress'],
    ['unconfirmed', 'Not confirmed yet'],
  ] as const)('names the state %s in plain words: %s', (state, word) => {
    render(<HistoryView {...props({ rows: [record('Jane Doe', state, 1000)] })} />);
    const badge = within(screen.getByRole('listitem')).getByText(word);
    expect(badge.className).toMatch(/^state state--/);
  });

  it('a refund that needs the person offers "Continue in side panel", which calls back with its id', async () => {
    const user = userEvent.setup();
    const onContinue = vi.fn();
    const waiting = record('Jane Doe', 'needs-manual', 2000, 9002);
    const other = record('John Roe', 'needs-manual', 1000, 9001);
    render(<HistoryView {...props({ rows: [waiting, other], onContinue })} />);
    const [first, second] = within(screen.getByRole('list', { name: 'Refunds' })).getAllByRole('listitem');
    await user.click(within(second!).getByRole('button', { name: 'Continue in side panel' }));
    expect(onContinue).toHaveBeenCalledExactlyOnceWith(other.id);
    await user.click(within(first!).getByRole('button', { name: 'Continue in side panel' }));
    expect(onContinue.mock.calls).toEqual([[other.id], [waiting.id]]);
  });

  it.each(['confirmed', 'recorded', 'failed', 'skipped', 'planned', 'submitting', 'unconfirmed'] as const)('a refund %s offers no "Continue in side panel"', (state) => {
    render(<HistoryView {...props({ rows: [record('Jane Doe', state, 1000)] })} />);
    expect(within(screen.getByRole('listitem')).queryByRole('button')).toBeNull();
    expect(screen.queryByText('Continue in side panel')).toBeNull();
  });

  it('shows only the first sentence of a long error, cut to 110 characters, with the whole message as its title', () => {
    const firstSentence = 'Keap’s refund screen showed a step Refund Desk does not know, with a button named “Weiter zur Rückerstattung” and two more fields it could not read.';
    const message = `${firstSentence} Finish the refund in Keap yourself. Then mark it here.`;
    expect(firstSentence.length).toBeGreaterThan(110);
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'needs-manual', message)] })} />);
    const error = within(screen.getByRole('listitem')).getByTitle(message);
    const shown = error.textContent ?? '';
    expect(shown).toHaveLength(110);
    expect(shown.endsWith('…')).toBe(true);
    expect(firstSentence.startsWith(shown.slice(0, -1))).toBe(true);
    expect(shown).not.toContain('Finish the refund');
    expect(error.getAttribute('title')).toBe(message);
  });

  it('a cut at a space does not leave the space before the ellipsis', () => {
    const message = `${'a'.repeat(108)} ${'b'.repeat(20)}.`;
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'failed', message)] })} />);
    expect(within(screen.getByRole('listitem')).getByTitle(message).textContent).toBe(`${'a'.repeat(108)}…`);
  });

  it('shows a short first sentence whole, without the sentences after it', () => {
    const message = 'Keap did not answer. Try again in a minute. Nothing was refunded.';
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'failed', message)] })} />);
    const error = within(screen.getByRole('listitem')).getByTitle(message);
    expect(error.textContent).toBe('Keap did not answer.');
  });

  it('shows a short one-sentence error exactly as it is', () => {
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'failed', 'Keap refused the key')] })} />);
    const error = within(screen.getByRole('listitem')).getByTitle('Keap refused the key');
    expect(error.textContent).toBe('Keap refused the key');
  });

  it('does not end a sentence at a dot inside an amount or a name', () => {
    const message = 'Refunded $25.00 on order #5001 via Keap.com! Keap shows it.';
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'unconfirmed', message)] })} />);
    expect(within(screen.getByRole('listitem')).getByTitle(message).textContent).toBe('Refunded $25.00 on order #5001 via Keap.com!');
  });

  it('does not show the error of a refund that was confirmed or recorded', () => {
    render(<HistoryView {...props({ rows: [failedWith('Jane Doe', 'confirmed', 'Keap was slow.'), failedWith('John Roe', 'recorded', 'Keap was slower.')] })} />);
    expect(screen.queryByTitle('Keap was slow.')).toBeNull();
    expect(screen.queryByTitle('Keap was slower.')).toBeNull();
    expect(screen.queryByText(/Keap was/)).toBeNull();
  });

  it('reports what the user types and picks as filter changes', async () => {
    const user = userEvent.setup();
    const changes: HistoryFilterValue[] = [];
    function Harness() {
      const [filter, setFilter] = useState(NO_FILTER);
      return (
        <HistoryView
          {...props({
            filter,
            onFilterChange: (next) => {
              changes.push(next);
              setFilter(next);
            },
          })}
        />
      );
    }
    render(<Harness />);
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'jane');
    await user.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'Needs you');
    expect(changes.at(-1)).toEqual({ ...NO_FILTER, search: 'jane', stateWord: 'Needs you' });
  });

  it('"Made by" offers anyone and each person who made a refund, and reports the choice', async () => {
    const user = userEvent.setup();
    const onFilterChange = vi.fn();
    render(<HistoryView {...props({ madeByChoices: ['Kim Lee', 'sam@merchant.example'], onFilterChange })} />);
    const madeBy = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Made by' });
    expect([...madeBy.options].map((option) => option.text)).toEqual(['Anyone', 'Kim Lee', 'sam@merchant.example']);
    await user.selectOptions(madeBy, 'Kim Lee');
    expect(onFilterChange).toHaveBeenCalledExactlyOnceWith({ ...NO_FILTER, madeBy: 'Kim Lee' });
  });

  it('"Made by" keeps showing a chosen person whose refunds are gone', () => {
    render(<HistoryView {...props({ madeByChoices: ['Sam Admin'], filter: { ...NO_FILTER, madeBy: 'Kim Lee' } })} />);
    const madeBy = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Made by' });
    expect(madeBy.value).toBe('Kim Lee');
    expect([...madeBy.options].map((option) => option.text)).toEqual(['Anyone', 'Sam Admin', 'Kim Lee']);
  });

  it('marks a refund imported from Keap as such, and only that one', () => {
    const imported = { ...record('Jane Doe', 'confirmed', 2000), fromKeap: { noteId: 611, importedAt: 5000 } };
    render(<HistoryView {...props({ rows: [imported, record('John Roe', 'confirmed', 1000)] })} />);
    const [first, second] = within(screen.getByRole('list', { name: 'Refunds' })).getAllByRole('listitem');
    expect(within(first!).getByText('from Keap').getAttribute('title')).toBe("Imported from Refund Desk's note 611 on the contact in Keap");
    expect(within(second!).queryByText('from Keap')).toBeNull();
  });

  it('offers "Import from Keap" in an empty history too, where a new teammate starts', () => {
    render(<HistoryView {...props({ journalIsEmpty: true })} />);
    expect(screen.getByRole('region', { name: 'Import from Keap' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Import all notes' })).toBeTruthy();
  });

  it('shows the new user how to start, with a way to the options page', async () => {
    const user = userEvent.setup();
    const onOpenOptions = vi.fn();
    render(<HistoryView {...props({ journalIsEmpty: true, onOpenOptions })} />);
    expect(screen.getByText(/Open a contact in Keap and use the Refunds panel/)).toBeTruthy();
    expect(screen.queryByRole('searchbox')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Set up API key' }));
    expect(onOpenOptions).toHaveBeenCalledOnce();
  });

  it('opens the refund queue from an empty history and from a full one', async () => {
    const user = userEvent.setup();
    const onOpenQueue = vi.fn();
    const { unmount } = render(<HistoryView {...props({ journalIsEmpty: true, onOpenQueue })} />);
    await user.click(screen.getByRole('button', { name: 'Refund several orders…' }));
    unmount();
    render(<HistoryView {...props({ onOpenQueue })} />);
    await user.click(screen.getByRole('button', { name: 'Refund several orders…' }));
    expect(onOpenQueue).toHaveBeenCalledTimes(2);
  });

  it('says so when nothing matches the filters', () => {
    render(<HistoryView {...props({ rows: [] })} />);
    expect(screen.getByText('No refunds match these filters.')).toBeTruthy();
  });

  it('calls back for each export format', async () => {
    const user = userEvent.setup();
    const onExport = vi.fn();
    render(<HistoryView {...props({ onExport })} />);
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    await user.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(onExport.mock.calls).toEqual([['csv'], ['json']]);
  });

  it('pages with Newer and Older only when there is somewhere to go', async () => {
    const user = userEvent.setup();
    const onOlder = vi.fn();
    render(<HistoryView {...props({ rows: [record('Jane Doe', 'confirmed', 1)], hasOlder: true, onOlder })} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Newer' }).disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Older' }));
    expect(onOlder).toHaveBeenCalledOnce();
  });

  it('clears history only after confirmation, and not on cancel', async () => {
    const user = userEvent.setup();
    const onClearHistory = vi.fn();
    render(<HistoryView {...props({ finishedCount: 3, onClearHistory })} />);

    await user.click(screen.getByRole('button', { name: 'Clear history' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Delete 3 finished refunds from this browser? In-progress ones are kept.',
    });
    expect(onClearHistory).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(onClearHistory).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Clear history' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Clear history' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(onClearHistory).toHaveBeenCalledOnce();
  });
});
