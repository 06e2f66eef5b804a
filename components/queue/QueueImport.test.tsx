// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUEUE_FILE_BYTES } from '@/lib/batch/csv';
import type { QueueDefaults } from '@/lib/batch/schema';
import { QueueImport, type QueueImportProps } from './QueueImport';

afterEach(cleanup);

const DEFAULTS: QueueDefaults = { reasonDetails: '', errorHandling: 'skip-payment' };

function props(overrides: Partial<QueueImportProps> = {}): QueueImportProps {
  return { defaults: DEFAULTS, onDefaultsChange: vi.fn(), onCsvText: vi.fn(), onPaste: vi.fn(), error: null, disabled: false, ...overrides };
}

describe('QueueImport', () => {
  it('hands over a chosen CSV file’s text with its name', async () => {
    const onCsvText = vi.fn();
    render(<QueueImport {...props({ onCsvText })} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), new File(['Order ID\n5001\n'], 'refunds.csv', { type: 'text/csv' }));
    await waitFor(() => expect(onCsvText).toHaveBeenCalledWith('Order ID\n5001\n', 'refunds.csv'));
  });

  it('reads a large file only just past the size limit, enough for the reader to refuse it', async () => {
    const onCsvText = vi.fn<(text: string, fileName: string) => void>();
    render(<QueueImport {...props({ onCsvText })} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), new File(['x'.repeat(MAX_QUEUE_FILE_BYTES * 2)], 'huge.csv', { type: 'text/csv' }));
    await waitFor(() => expect(onCsvText).toHaveBeenCalledTimes(1));
    expect(onCsvText.mock.calls[0]?.[0]).toHaveLength(MAX_QUEUE_FILE_BYTES + 1);
  });

  it('hands over pasted order IDs and empties the box', async () => {
    const onPaste = vi.fn();
    render(<QueueImport {...props({ onPaste })} />);
    const box = screen.getByLabelText<HTMLTextAreaElement>('Order IDs');
    await userEvent.type(box, '5001, #5002');
    await userEvent.click(screen.getByRole('button', { name: 'Add order IDs' }));
    expect(onPaste).toHaveBeenCalledWith('5001, #5002');
    expect(box.value).toBe('');
  });

  it('shows a file error as an alert', () => {
    render(<QueueImport {...props({ error: 'This is a PDF, not a CSV file.' })} />);
    expect(screen.getByRole('alert').textContent).toBe('This is a PDF, not a CSV file.');
  });

  it('offers Keap’s reasons and error handling as the defaults, and reports changes', async () => {
    const onDefaultsChange = vi.fn();
    render(<QueueImport {...props({ onDefaultsChange })} />);
    const reason = screen.getByLabelText<HTMLSelectElement>('Default reason');
    expect([...reason.options].map((option) => option.text)).toEqual([
      'Choose a reason…',
      'Sent wrong size',
      "Customer wasn't happy with product",
      'Item misrepresented',
      'Customer did not want it',
      'Other',
    ]);
    await userEvent.selectOptions(reason, 'Item misrepresented');
    expect(onDefaultsChange).toHaveBeenLastCalledWith({ ...DEFAULTS, reasonPreset: 'Item misrepresented' });
    const handling = screen.getByLabelText<HTMLSelectElement>('If an automatic refund fails');
    expect(handling.value).toBe('skip-payment');
    await userEvent.selectOptions(handling, 'Record the refund anyway');
    expect(onDefaultsChange).toHaveBeenLastCalledWith({ ...DEFAULTS, errorHandling: 'record-anyway' });
    await userEvent.type(screen.getByLabelText('Default reason details'), 'x');
    expect(onDefaultsChange).toHaveBeenLastCalledWith({ ...DEFAULTS, reasonDetails: 'x' });
  });

  it('shows the reason details as typed while the saved defaults have not come back yet', async () => {
    const onDefaultsChange = vi.fn();
    render(<QueueImport {...props({ onDefaultsChange })} />);
    const details = screen.getByLabelText<HTMLInputElement>('Default reason details');
    await userEvent.type(details, 'late');
    expect(details.value).toBe('late');
    expect(onDefaultsChange).toHaveBeenLastCalledWith({ ...DEFAULTS, reasonDetails: 'late' });
  });

  it('takes nothing while disabled', () => {
    render(<QueueImport {...props({ disabled: true })} />);
    expect(screen.getByLabelText<HTMLInputElement>('CSV file').disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Add order IDs' }).disabled).toBe(true);
    expect(screen.getByLabelText<HTMLSelectElement>('Default reason').disabled).toBe(true);
    expect(screen.getByLabelText<HTMLInputElement>('Default reason details').disabled).toBe(true);
    expect(screen.getByLabelText<HTMLSelectElement>('If an automatic refund fails').disabled).toBe(true);
  });
});
