// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newNotesImport, type NotesImport } from '@/lib/audit/import';
import { KeapImport, type KeapImportProps } from './KeapImport';

afterEach(cleanup);

function progress(overrides: Partial<NotesImport> = {}): NotesImport {
  return { ...newNotesImport('acme', { kind: 'all' }, 1000), ...overrides };
}

function props(overrides: Partial<KeapImportProps> = {}): KeapImportProps {
  return { progress: null, contactOnPage: null, busy: false, error: null, onImport: vi.fn(), onResume: vi.fn(), onCancel: vi.fn(), ...overrides };
}

const buttonNames = () => screen.getAllByRole('button').map((button) => button.textContent);

describe('KeapImport', () => {
  it('offers all notes, and this contact when the popup is over a contact, and says which was chosen', async () => {
    const user = userEvent.setup();
    const onImport = vi.fn();
    const { rerender } = render(<KeapImport {...props({ onImport })} />);
    expect(buttonNames()).toEqual(['Import all notes']);
    rerender(<KeapImport {...props({ onImport, contactOnPage: 42 })} />);
    expect(buttonNames()).toEqual(['Import this contact', 'Import all notes']);
    await user.click(screen.getByRole('button', { name: 'Import this contact' }));
    await user.click(screen.getByRole('button', { name: 'Import all notes' }));
    expect(onImport.mock.calls).toEqual([[{ kind: 'contact', contactId: 42 }], [{ kind: 'all' }]]);
  });

  it('while it runs: how far it got, and only Cancel', async () => {
    const user = userEvent.setup();
    const onCancel = vi.fn();
    render(<KeapImport {...props({ onCancel, progress: progress({ notesRead: 2000, total: 5000, imported: 3, alreadyInHistory: 1 }) })} />);
    expect(screen.getByText('Importing all notes from Keap: read 2,000 of 5,000 notes · 3 refunds added · 1 already here')).toBeTruthy();
    expect(buttonNames()).toEqual(['Cancel import']);
    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it.each([
    ['cancelled', {}, 'Import cancelled after 1,000 of 5,000 notes · 1 refund added'],
    [
      'stopped',
      { problem: "Keap's servers are having trouble (HTTP 503)." },
      "Import stopped after 1,000 of 5,000 notes: Keap's servers are having trouble (HTTP 503). · 1 refund added",
    ],
  ] as const)('%s: says where it stopped, and offers Resume', async (status, extra, line) => {
    const user = userEvent.setup();
    const onResume = vi.fn();
    render(<KeapImport {...props({ onResume, progress: progress({ status, notesRead: 1000, total: 5000, imported: 1, ...extra }) })} />);
    expect(screen.getByText(line)).toBeTruthy();
    expect(buttonNames()).toEqual(['Resume import', 'Import all notes']);
    await user.click(screen.getByRole('button', { name: 'Resume import' }));
    expect(onResume).toHaveBeenCalledOnce();
  });

  it('done: what was added, what was left out, and each skipped Refund Desk note by id, with why', () => {
    const done = progress({
      status: 'done',
      scope: { kind: 'contact', contactId: 42 },
      notesRead: 12,
      total: 12,
      imported: 2,
      unfinished: ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
      olderNotes: [705],
      malformed: [{ noteId: 704, problem: 'its Refund Desk line is not valid JSON' }],
    });
    render(<KeapImport {...props({ progress: done })} />);
    expect(screen.getByText("Imported contact 42's notes from Keap: read 12 of 12 notes · 2 refunds added · 1 refund not finished yet, left out")).toBeTruthy();
    const skipped = screen.getByText('2 Refund Desk notes skipped').closest('details')!;
    expect(
      within(skipped)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Note 704: its Refund Desk line is not valid JSON', 'Note 705: written by an older Refund Desk, without amounts']);
    expect(buttonNames()).toEqual(['Import all notes']);
  });

  it('says plainly why a click did nothing, and holds the buttons while the background answers', () => {
    render(<KeapImport {...props({ busy: true, error: 'Refund Desk has API keys for several Keap apps (a.infusionsoft.com, b.infusionsoft.com).' })} />);
    expect(screen.getByRole('alert').textContent).toBe('Refund Desk has API keys for several Keap apps (a.infusionsoft.com, b.infusionsoft.com).');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Import all notes' }).disabled).toBe(true);
  });
});
