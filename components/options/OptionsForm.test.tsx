// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '@/lib/settings';
import { OptionsForm, type OptionsFormProps } from './OptionsForm';

afterEach(cleanup);

const SETTINGS: Settings = { apiHost: 'api.infusionsoft.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 0 };

function renderForm(overrides: Partial<OptionsFormProps> = {}) {
  const props: OptionsFormProps = {
    settings: SETTINGS,
    maskedApiKey: null,
    saveFeedback: null,
    connectionFeedback: null,
    busy: false,
    onSave: vi.fn(),
    onTestConnection: vi.fn(),
    onRemoveKey: vi.fn(),
    ...overrides,
  };
  const view = render(<OptionsForm {...props} />);
  return { ...view, props };
}

const keyField = () => screen.getByLabelText('API key') as HTMLInputElement;
const hostField = () => screen.getByLabelText('API host') as HTMLSelectElement;
const retentionField = () => screen.getByLabelText('Keep finished refunds for (days)') as HTMLInputElement;
const radio = (name: string) => screen.getByRole('radio', { name }) as HTMLInputElement;
const save = () => userEvent.click(screen.getByRole('button', { name: 'Save' }));

describe('OptionsForm', () => {
  it('shows the stored settings: host, default error handling and retention', () => {
    renderForm({ settings: { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 90 } });
    expect(hostField().value).toBe('api.keap.com');
    expect([...hostField().options].map((option) => option.value)).toEqual(['api.infusionsoft.com', 'api.keap.com']);
    expect(radio('Record the refund anyway').checked).toBe(true);
    expect(radio('Skip that payment').checked).toBe(false);
    expect(retentionField().value).toBe('90');
  });

  it('the key field is a password field that starts empty and says no key is saved', () => {
    renderForm();
    expect(keyField().type).toBe('password');
    expect(keyField().value).toBe('');
    expect(screen.getByText(/No key saved yet\./)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove saved key' })).toBeNull();
  });

  it('shows only the masked saved key, never fills the field with a key', () => {
    const { container } = renderForm({ maskedApiKey: 'Keap…9f2c' });
    expect(keyField().value).toBe('');
    expect(keyField().placeholder).toBe('Saved key Keap…9f2c — type to replace');
    expect(screen.getByText(/Saved key: Keap…9f2c\./)).toBeTruthy();
    // Nothing in the page holds more of the key than the mask.
    expect(container.innerHTML.match(/Keap\S*9f2c/g)?.every((text) => text.startsWith('Keap…9f2c'))).toBe(true);
  });

  it('saving without typing a key keeps the stored key (apiKey undefined)', async () => {
    const { props } = renderForm({ maskedApiKey: 'Keap…9f2c' });
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith(SETTINGS, undefined);
  });

  it('a key of only spaces is no key', async () => {
    const { props } = renderForm();
    await userEvent.type(keyField(), '   ');
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith(SETTINGS, undefined);
  });

  it('saving sends the typed key, trimmed, with the changed settings', async () => {
    const { props } = renderForm();
    await userEvent.type(keyField(), '  KeapAK-0123456789abcdef  ');
    await userEvent.selectOptions(hostField(), 'api.keap.com');
    await userEvent.click(radio('Record the refund anyway'));
    await userEvent.clear(retentionField());
    await userEvent.type(retentionField(), '30');
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith(
      { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 30 },
      'KeapAK-0123456789abcdef',
    );
  });

  it.each([
    ['a fraction', '1.5'],
    ['a negative number', '-3'],
  ])('retention days of %s are stopped by the field itself, and nothing is saved', async (_label, typed) => {
    const { props } = renderForm();
    await userEvent.clear(retentionField());
    await userEvent.type(retentionField(), typed);
    await save();
    expect(retentionField().validity.valid).toBe(false);
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it('an emptied retention field is passed on as invalid (-1), not as 0 ("keep forever")', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, historyRetentionDays: 90 } });
    await userEvent.clear(retentionField());
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, historyRetentionDays: -1 }, undefined);
  });

  it('Test connection uses the chosen host and the typed key, or none to test the stored one', async () => {
    const { props } = renderForm({ maskedApiKey: 'Keap…9f2c' });
    const test = screen.getByRole('button', { name: 'Test connection' });
    await userEvent.click(test);
    expect(props.onTestConnection).toHaveBeenLastCalledWith('api.infusionsoft.com', undefined);
    await userEvent.selectOptions(hostField(), 'api.keap.com');
    await userEvent.type(keyField(), 'KeapAK-new-key-0001');
    await userEvent.click(test);
    expect(props.onTestConnection).toHaveBeenLastCalledWith('api.keap.com', 'KeapAK-new-key-0001');
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it('Remove saved key is offered only when a key is saved', async () => {
    const { props } = renderForm({ maskedApiKey: 'Keap…9f2c' });
    await userEvent.click(screen.getByRole('button', { name: 'Remove saved key' }));
    expect(props.onRemoveKey).toHaveBeenCalledOnce();
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it('while busy, its buttons are disabled', () => {
    renderForm({ busy: true, maskedApiKey: 'Keap…9f2c' });
    for (const name of ['Save', 'Test connection', 'Remove saved key']) {
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    }
  });

  it('shows connection and save feedback', () => {
    renderForm({
      connectionFeedback: { tone: 'error', text: 'Keap refused the key.' },
      saveFeedback: { tone: 'success', text: 'Saved.' },
    });
    const messages = screen.getAllByRole('status').map((status) => status.textContent);
    expect(messages).toEqual(['Keap refused the key.', 'Saved.']);
  });
});
