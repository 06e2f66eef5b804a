// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Dexie } from 'dexie';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { markState, planRefund } from '@/lib/audit/journal';
import { openJournal } from '@/lib/audit/db';
import { freshFactory, samplePlan } from '@/lib/audit/test-support';
import { App } from './App';

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

function contactNames(): string[] {
  return within(screen.getByRole('list', { name: 'Refunds' }))
    .getAllByRole('link')
    .map((link) => link.textContent ?? '');
}

describe('popup App', () => {
  it('shows writes made elsewhere as they happen, newest first', async () => {
    const db = await openTestJournal();
    render(createElement(App, { db, onOpenOptions: vi.fn(), onContinue: vi.fn() }));
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
    render(createElement(App, { db, onOpenOptions: vi.fn(), onContinue: vi.fn() }));

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
    render(createElement(App, { db, onOpenOptions: vi.fn(), onContinue }));
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
});
