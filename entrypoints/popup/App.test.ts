// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Dexie } from 'dexie';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { markState, planRefund } from '@/lib/audit/journal';
import { openJournal } from '@/lib/audit/db';
import { freshFactory, samplePlan } from '@/lib/audit/test-support';
import { newNotesImport, type NotesImport } from '@/lib/audit/import';
import { App } from './App';
import type { KeapImporter } from './keap-import';

// liveQuery only runs where Dexie sees an IndexedDB of its own (it looks once, at import); node has none.
const originalDependencies = { ...Dexie.dependencies };
let factory: ReturnType<typeof freshFactory>;

beforeEach(() => {
  factory = freshFactory();
  Object.assign(Dexie.dependencies, factory);
});

afterEach(() => {
  cleanup();
  Object.assign(Dexie.dependencies, originalDependencies);
});

const openTestJournal = () => openJournal({ factory });

/** The background's import as the popup sees it: `store` plays the stored progress the popup watches. */
function fakeImporter(overrides: Partial<KeapImporter> = {}) {
  const watchers = new Set<(progress: NotesImport | null) => void>();
  const store = (progress: NotesImport | null) => watchers.forEach((watcher) => watcher(progress));
  const importer: KeapImporter = {
    contactOnPage: null,
    start: vi.fn(async () => ({ ok: true as const })),
    resume: vi.fn(async () => ({ ok: true as const })),
    cancel: vi.fn(async () => ({ ok: true as const })),
    watch(onChange) {
      watchers.add(onChange);
      onChange(null);
      return () => watchers.delete(onChange);
    },
    ...overrides,
  };
  return Object.assign(importer, { store });
}

function contactNames(): string[] {
  return within(screen.getByRole('list', { name: 'Refunds' }))
    .getAllByRole('link')
    .map((link) => link.textContent ?? '');
}

describe('popup App', () => {
  it('shows writes made elsewhere as they happen, newest first', async () => {
    const db = await openTestJournal();
    render(createElement(App, { db, onOpenOptions: vi.fn(), onOpenQueue: vi.fn(), onContinue: vi.fn(), importer: fakeImporter() }));
    await screen.findByText(/Open a contact in Keap/);

    const first = await planRefund(db, samplePlan({ contact: { id: 1, name: 'Ada Byron', email: 'ada@example.com' } }), { now: 1000 });
    await screen.findByRole('link', { name: 'Ada Byron' });
    await planRefund(db, samplePlan({ contact: { id: 2, name: 'Grace Hopper', email: 'grace@example.com' } }), { now: 2000 });
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper', 'Ada Byron']));

    await markState(db, first.id, 'submitting');
    await markState(db, first.id, 'confirmed');
    const adaRow = (await screen.findByRole('link', { name: 'Ada Byron' })).closest('li')!;
    await waitFor(() => expect(within(adaRow).getByText('Refunded')).toBeTruthy());
    await screen.findByText('2 refunds · Refunded $60.00');
  });

  it('filters by search and clears only finished refunds after confirmation', async () => {
    const user = userEvent.setup();
    const db = await openTestJournal();
    const done = await planRefund(db, samplePlan({ contact: { id: 1, name: 'Ada Byron', email: 'ada@example.com' } }), { now: 1000 });
    await markState(db, done.id, 'failed');
    await planRefund(db, samplePlan({ contact: { id: 2, name: 'Grace Hopper', email: 'grace@example.com' } }), { now: 2000 });
    render(createElement(App, { db, onOpenOptions: vi.fn(), onOpenQueue: vi.fn(), onContinue: vi.fn(), importer: fakeImporter() }));

    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper', 'Ada Byron']));
    await screen.findByText('2 refunds · Refunded nothing');
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'grac');
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper']));
    await screen.findByText('1 refund · Refunded nothing');
    await user.clear(screen.getByRole('searchbox', { name: 'Search' }));

    await user.click(screen.getByRole('button', { name: 'Clear history' }));
    await user.click(within(screen.getByRole('dialog', { name: /Delete 1 finished refund from this browser/ })).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper']));
    expect(await db.refunds.count()).toBe(1);
  });

  it('a refund that comes to need the person offers "Continue in side panel", which passes its id on', async () => {
    const user = userEvent.setup();
    const onContinue = vi.fn();
    const db = await openTestJournal();
    const waiting = await planRefund(db, samplePlan({ contact: { id: 1, name: 'Ada Byron', email: 'ada@example.com' } }), { now: 1000 });
    await planRefund(db, samplePlan({ contact: { id: 2, name: 'Grace Hopper', email: 'grace@example.com' } }), { now: 2000 });
    render(createElement(App, { db, onOpenOptions: vi.fn(), onOpenQueue: vi.fn(), onContinue, importer: fakeImporter() }));
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper', 'Ada Byron']));
    expect(screen.queryByRole('button', { name: 'Continue in side panel' })).toBeNull();

    const message = 'Keap’s refund screen asked for something Refund Desk does not know how to answer safely, so it stopped before sending anything at all. Finish it in Keap.';
    await markState(db, waiting.id, 'submitting');
    await markState(db, waiting.id, 'needs-manual', { error: { kind: 'screen-changed', message } });
    const adaRow = (await screen.findByRole('link', { name: 'Ada Byron' })).closest('li')!;
    const button = await within(adaRow).findByRole('button', { name: 'Continue in side panel' });
    expect(screen.getAllByRole('button', { name: 'Continue in side panel' })).toHaveLength(1);
    const error = within(adaRow).getByTitle(message);
    expect(error.textContent).toMatch(/^Keap’s refund screen asked for something .*…$/);
    expect(error.textContent).toHaveLength(110);

    await user.click(button);
    expect(onContinue).toHaveBeenCalledExactlyOnceWith(waiting.id);
  });

  it('"Made by" lists who made the refunds and filters the rows and the count by them', async () => {
    const user = userEvent.setup();
    const db = await openTestJournal();
    await planRefund(db, samplePlan({ contact: { id: 1, name: 'Ada Byron', email: 'ada@example.com' }, actor: { name: 'Kim Lee', email: '' } }), { now: 1000 });
    await planRefund(db, samplePlan({ contact: { id: 2, name: 'Grace Hopper', email: 'grace@example.com' }, actor: { name: '', email: 'sam@merchant.example' } }), { now: 2000 });
    render(createElement(App, { db, onOpenOptions: vi.fn(), onOpenQueue: vi.fn(), onContinue: vi.fn(), importer: fakeImporter() }));
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper', 'Ada Byron']));

    const madeBy = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Made by' });
    await waitFor(() => expect([...madeBy.options].map((option) => option.text)).toEqual(['Anyone', 'Kim Lee', 'sam@merchant.example']));
    await user.selectOptions(madeBy, 'sam@merchant.example');
    await waitFor(() => expect(contactNames()).toEqual(['Grace Hopper']));
    await screen.findByText('1 refund · Refunded nothing');
  });

  it('"Import from Keap" starts in the background, follows its stored progress, and shows what a refusal says', async () => {
    const user = userEvent.setup();
    const db = await openTestJournal();
    const start = vi.fn<KeapImporter['start']>(async () => ({ ok: true }));
    const cancel = vi.fn<KeapImporter['cancel']>(async () => ({ ok: true }));
    const importer = fakeImporter({ contactOnPage: 42, start, cancel });
    render(createElement(App, { db, onOpenOptions: vi.fn(), onOpenQueue: vi.fn(), onContinue: vi.fn(), importer }));
    await screen.findByText(/Open a contact in Keap/);

    await user.click(screen.getByRole('button', { name: 'Import this contact' }));
    expect(start).toHaveBeenCalledExactlyOnceWith({ kind: 'contact', contactId: 42 });
    act(() => importer.store({ ...newNotesImport('acme', { kind: 'contact', contactId: 42 }, 1000), notesRead: 3, total: 9 }));
    await screen.findByText("Importing contact 42's notes from Keap: read 3 of 9 notes · 0 refunds added");
    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(cancel).toHaveBeenCalledOnce();

    act(() => importer.store(null));
    start.mockResolvedValueOnce({ ok: false, error: { message: 'Add your Keap API key in Refund Desk options first.' } });
    await user.click(screen.getByRole('button', { name: 'Import all notes' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Add your Keap API key in Refund Desk options first.');
  });
});
