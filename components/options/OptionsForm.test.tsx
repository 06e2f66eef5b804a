// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LearnedWordsByApp } from '@/lib/messaging/protocol';
import { LEARN_SLOT_DESCRIPTIONS } from '@/lib/page/refund-screen/words';
import type { Settings } from '@/lib/settings';
import { OptionsForm, type OptionsFormProps } from './OptionsForm';

afterEach(cleanup);

const SETTINGS: Settings = { apiHost: 'api.infusionsoft.com', defaultErrorHandling: 'skip-payment', historyRetentionDays: 0, defaultRefundMode: 'automatic' };

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
    learnedWords: {},
    onForgetWord: vi.fn(),
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
    renderForm({ settings: { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 90, defaultRefundMode: 'automatic' } });
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
      { apiHost: 'api.keap.com', defaultErrorHandling: 'record-anyway', historyRetentionDays: 30, defaultRefundMode: 'automatic' },
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

  it('the default refund mode radios show the stored mode', () => {
    renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'guided' } });
    const group = within(screen.getByRole('group', { name: "On Keap's refund screen (default)" }));
    expect((group.getByRole('radio', { name: 'I do it myself in Keap, guided step by step' }) as HTMLInputElement).checked).toBe(true);
    expect((group.getByRole('radio', { name: 'Refund Desk fills it in and sends it' }) as HTMLInputElement).checked).toBe(false);
    cleanup();
    renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'automatic' } });
    expect(radio('Refund Desk fills it in and sends it').checked).toBe(true);
    expect(radio('I do it myself in Keap, guided step by step').checked).toBe(false);
  });

  it('saving sends the stored refund mode unchanged when it was not touched', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'guided' } });
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultRefundMode: 'guided' }, undefined);
  });

  it.each([
    ['automatic', 'I do it myself in Keap, guided step by step', 'guided'],
    ['guided', 'Refund Desk fills it in and sends it', 'automatic'],
  ] as const)('saving after switching from %s sends the chosen refund mode', async (stored, choice, sent) => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultRefundMode: stored } });
    await userEvent.click(radio(choice));
    expect(radio(choice).checked).toBe(true);
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultRefundMode: sent }, undefined);
  });

  it('choosing a refund mode does not touch the error handling radios', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultErrorHandling: 'record-anyway' } });
    await userEvent.click(radio('I do it myself in Keap, guided step by step'));
    expect(radio('Record the refund anyway').checked).toBe(true);
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultErrorHandling: 'record-anyway', defaultRefundMode: 'guided' }, undefined);
  });

  describe('learned words', () => {
    const LEARNED: LearnedWordsByApp = {
      ab123: { 'payments-next': ['Weiter', 'Go on'], 'credit-final': ['Do it'] },
      zz999: { 'payments-reason': ['Why'] },
    };
    const learnedList = () => screen.getByRole('list', { name: 'Learned words' });

    it('says "None." when nothing was learned, with no list', () => {
      renderForm({ learnedWords: {} });
      expect(screen.getByText(/^None\. When Refund Desk stops at a control it does not know/)).toBeTruthy();
      expect(screen.queryByRole('list', { name: 'Learned words' })).toBeNull();
      expect(screen.queryByRole('button', { name: /^Forget/ })).toBeNull();
    });

    it('an app whose slots hold no words counts as nothing learned', () => {
      renderForm({ learnedWords: { ab123: { 'payments-next': [] }, zz999: {} } });
      expect(screen.getByText(/^None\./)).toBeTruthy();
      expect(screen.queryByRole('list', { name: 'Learned words' })).toBeNull();
    });

    it('lists every word with what it names and its app', () => {
      renderForm({ learnedWords: LEARNED });
      expect(screen.queryByText(/^None\./)).toBeNull();
      const items = within(learnedList()).getAllByRole('listitem');
      expect(items.map((item) => within(item).getByText(/^“/).textContent)).toEqual([
        `“Weiter” — ${LEARN_SLOT_DESCRIPTIONS['payments-next']} (ab123)`,
        `“Go on” — ${LEARN_SLOT_DESCRIPTIONS['payments-next']} (ab123)`,
        `“Do it” — ${LEARN_SLOT_DESCRIPTIONS['credit-final']} (ab123)`,
        `“Why” — ${LEARN_SLOT_DESCRIPTIONS['payments-reason']} (zz999)`,
      ]);
      expect(items[0]!.textContent).toContain('the button that moves on from the payments step');
      expect(items[3]!.textContent).toContain('the field for the refund reason');
      expect(
        items.map((item) => within(item).getByRole('button').getAttribute('aria-label')),
      ).toEqual(['Forget “Weiter” for ab123', 'Forget “Go on” for ab123', 'Forget “Do it” for ab123', 'Forget “Why” for zz999']);
    });

    it.each([
      ['Forget “Weiter” for ab123', 'ab123', 'payments-next', 'Weiter'],
      ['Forget “Go on” for ab123', 'ab123', 'payments-next', 'Go on'],
      ['Forget “Do it” for ab123', 'ab123', 'credit-final', 'Do it'],
      ['Forget “Why” for zz999', 'zz999', 'payments-reason', 'Why'],
    ] as const)('%s forgets that word of that app, and saves nothing', async (name, appName, slot, word) => {
      const { props } = renderForm({ learnedWords: LEARNED });
      await userEvent.click(screen.getByRole('button', { name }));
      expect(props.onForgetWord).toHaveBeenCalledExactlyOnceWith(appName, slot, word);
      expect(props.onSave).not.toHaveBeenCalled();
    });

    it('the same word learned for two apps has a Forget button for each', async () => {
      const { props } = renderForm({ learnedWords: { ab123: { 'options-next': ['Go'] }, cd456: { 'options-next': ['Go'] } } });
      await userEvent.click(screen.getByRole('button', { name: 'Forget “Go” for cd456' }));
      expect(props.onForgetWord).toHaveBeenCalledExactlyOnceWith('cd456', 'options-next', 'Go');
      expect(screen.getByText(`“Go” — ${LEARN_SLOT_DESCRIPTIONS['options-next']} (ab123)`)).toBeTruthy();
    });

    it('while busy, the Forget buttons are disabled', async () => {
      const { props } = renderForm({ busy: true, learnedWords: LEARNED });
      const forget = screen.getByRole('button', { name: 'Forget “Why” for zz999' }) as HTMLButtonElement;
      expect(forget.disabled).toBe(true);
      await userEvent.click(forget);
      expect(props.onForgetWord).not.toHaveBeenCalled();
    });
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
