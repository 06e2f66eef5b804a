// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LearnedWordsByApp } from '@/lib/messaging/extension-page-messages';
import { LEARN_SLOT_DESCRIPTIONS } from '@/lib/page/refund-screen/words';
import type { Settings } from '@/lib/settings';
import { OptionsForm, type OptionsFormProps } from './OptionsForm';

afterEach(cleanup);

const SETTINGS: Settings = {
  defaultErrorHandling: 'skip-payment',
  historyRetentionDays: 0,
  defaultRefundMode: 'automatic',
  refundThrough: 'app-in-use',
  yourName: '',
  quietPeriodSeconds: 120,
};

function renderForm(overrides: Partial<OptionsFormProps> = {}) {
  const props: OptionsFormProps = {
    settings: SETTINGS,
    saveFeedback: null,
    busy: false,
    onSave: vi.fn(),
    learnedWords: {},
    onForgetWord: vi.fn(),
    ...overrides,
  };
  const view = render(<OptionsForm {...props} />);
  return { ...view, props };
}

const retentionField = () => screen.getByLabelText<HTMLInputElement>('Keep finished refunds for (days)');
const quietField = () => screen.getByLabelText<HTMLInputElement>('Keep the payment locked for (seconds)');
const nameField = () => screen.getByLabelText<HTMLInputElement>('Your name');
const radio = (name: string) => screen.getByRole<HTMLInputElement>('radio', { name });
const save = () => userEvent.click(screen.getByRole('button', { name: 'Save' }));

/** Replaces a field's text as a person would: select all, type. */
async function retype(field: HTMLInputElement, text: string): Promise<void> {
  await userEvent.clear(field);
  if (text !== '') await userEvent.type(field, text);
}

describe('OptionsForm', () => {
  it('shows the stored settings: error handling, name, quiet period and retention', () => {
    renderForm({
      settings: {
        defaultErrorHandling: 'record-anyway',
        historyRetentionDays: 90,
        defaultRefundMode: 'automatic',
        refundThrough: 'classic',
        yourName: 'Dana Ortiz',
        quietPeriodSeconds: 300,
      },
    });
    expect(radio('Record the refund anyway').checked).toBe(true);
    expect(radio('Skip that payment').checked).toBe(false);
    expect(retentionField().value).toBe('90');
    expect(nameField().value).toBe('Dana Ortiz');
    expect(quietField().value).toBe('300');
    expect(radio('Always the classic screen').checked).toBe(true);
    expect(radio('The app I am in').checked).toBe(false);
  });

  it('holds no Keap connection: no API key, host, Test connection or Remove', () => {
    const { container } = renderForm();
    expect(screen.queryByLabelText('API key')).toBeNull();
    expect(screen.queryByLabelText('API host')).toBeNull();
    expect(container.querySelector('input[type="password"], select')).toBeNull();
    expect(screen.queryByRole('button', { name: /Test connection|Remove/ })).toBeNull();
    expect(screen.getAllByRole('button').map((button) => button.textContent)).toEqual(['Save']);
  });

  it('saving untouched sends the stored settings unchanged', async () => {
    const stored: Settings = { ...SETTINGS, yourName: 'Dana', quietPeriodSeconds: 45, historyRetentionDays: 7 };
    const { props } = renderForm({ settings: stored });
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith(stored);
  });

  it('saving sends every changed setting', async () => {
    const { props } = renderForm();
    await userEvent.click(radio('Record the refund anyway'));
    await userEvent.click(radio('I do it myself in Keap, guided step by step'));
    await userEvent.click(radio('Always the classic screen'));
    await userEvent.type(nameField(), 'Sam Lee');
    await retype(quietField(), '600');
    await retype(retentionField(), '30');
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({
      defaultErrorHandling: 'record-anyway',
      defaultRefundMode: 'guided',
      refundThrough: 'classic',
      yourName: 'Sam Lee',
      quietPeriodSeconds: 600,
      historyRetentionDays: 30,
    });
  });

  describe('Your name', () => {
    it('is a text field of at most 100 characters with its help text', () => {
      renderForm();
      expect(nameField().type).toBe('text');
      expect(nameField().maxLength).toBe(100);
      const helpId = nameField().getAttribute('aria-describedby');
      expect(document.getElementById(helpId!)?.textContent).toMatch(/as who made a refund/);
    });

    it('an emptied name is sent as empty', async () => {
      const { props } = renderForm({ settings: { ...SETTINGS, yourName: 'Dana' } });
      await retype(nameField(), '');
      await save();
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, yourName: '' });
    });
  });

  describe('Keep the payment locked for (seconds)', () => {
    it('is a whole-number field from 10 to 3600', () => {
      renderForm();
      expect(quietField().type).toBe('number');
      expect([quietField().min, quietField().max, quietField().step]).toEqual(['10', '3600', '1']);
    });

    it.each([
      ['the lowest', '10', 10],
      ['the highest', '3600', 3600],
      ['a value between', '121', 121],
    ])('%s value is sent as typed', async (_label, typed, sent) => {
      const { props } = renderForm();
      await retype(quietField(), typed);
      await save();
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, quietPeriodSeconds: sent });
    });

    it('an emptied field is passed on as -1, not as 0', async () => {
      const { props } = renderForm();
      await retype(quietField(), '');
      await save();
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, quietPeriodSeconds: -1 });
    });

    it.each([
      ['below 10', '9'],
      ['above 3600', '3601'],
      ['a fraction', '12.5'],
    ])('a value %s is stopped by the field itself, and nothing is saved', async (_label, typed) => {
      const { props } = renderForm();
      await retype(quietField(), typed);
      await save();
      expect(quietField().validity.valid).toBe(false);
      expect(props.onSave).not.toHaveBeenCalled();
    });

    it.each([
      ['below 10', '9', 9],
      ['above 3600', '3601', 3601],
      ['a fraction', '12.5', -1],
    ])('if submitted anyway, a value %s reaches the entry point as out of range (never as a valid one)', async (_label, typed, sent) => {
      const { props, container } = renderForm();
      await retype(quietField(), typed);
      // The browser's own check aside (a form submitted without it, as requestSubmit on an older engine).
      container.querySelector('form')!.noValidate = true;
      await save();
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, quietPeriodSeconds: sent });
      const quietPeriodSeconds = vi.mocked(props.onSave).mock.calls[0]![0].quietPeriodSeconds;
      expect(Number.isInteger(quietPeriodSeconds) && quietPeriodSeconds >= 10 && quietPeriodSeconds <= 3600).toBe(false);
    });
  });

  it.each([
    ['a fraction', '1.5'],
    ['a negative number', '-3'],
  ])('retention days of %s are stopped by the field itself, and nothing is saved', async (_label, typed) => {
    const { props } = renderForm();
    await retype(retentionField(), typed);
    await save();
    expect(retentionField().validity.valid).toBe(false);
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it('an emptied retention field is passed on as invalid (-1), not as 0 ("keep forever")', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, historyRetentionDays: 90 } });
    await retype(retentionField(), '');
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, historyRetentionDays: -1 });
  });

  it('while busy, Save is disabled and nothing is saved', async () => {
    const { props } = renderForm({ busy: true });
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Save' });
    expect(button.disabled).toBe(true);
    await userEvent.click(button);
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it('the default refund mode radios show the stored mode', () => {
    renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'guided' } });
    const group = within(screen.getByRole('group', { name: "On Keap's refund screen (default)" }));
    expect(group.getByRole<HTMLInputElement>('radio', { name: 'I do it myself in Keap, guided step by step' }).checked).toBe(true);
    expect(group.getByRole<HTMLInputElement>('radio', { name: 'Refund Desk fills it in and sends it' }).checked).toBe(false);
    cleanup();
    renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'automatic' } });
    expect(radio('Refund Desk fills it in and sends it').checked).toBe(true);
    expect(radio('I do it myself in Keap, guided step by step').checked).toBe(false);
  });

  it('saving sends the stored refund mode unchanged when it was not touched', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultRefundMode: 'guided' } });
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultRefundMode: 'guided' });
  });

  it.each([
    ['automatic', 'I do it myself in Keap, guided step by step', 'guided'],
    ['guided', 'Refund Desk fills it in and sends it', 'automatic'],
  ] as const)('saving after switching from %s sends the chosen refund mode', async (stored, choice, sent) => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultRefundMode: stored } });
    await userEvent.click(radio(choice));
    expect(radio(choice).checked).toBe(true);
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultRefundMode: sent });
  });

  it('choosing a refund mode does not touch the error handling radios', async () => {
    const { props } = renderForm({ settings: { ...SETTINGS, defaultErrorHandling: 'record-anyway' } });
    await userEvent.click(radio('I do it myself in Keap, guided step by step'));
    expect(radio('Record the refund anyway').checked).toBe(true);
    await save();
    expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ ...SETTINGS, defaultErrorHandling: 'record-anyway', defaultRefundMode: 'guided' });
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
      expect(items.map((item) => within(item).getByRole('button').getAttribute('aria-label'))).toEqual([
        'Forget “Weiter” for ab123',
        'Forget “Go on” for ab123',
        'Forget “Do it” for ab123',
        'Forget “Why” for zz999',
      ]);
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
      const forget = screen.getByRole<HTMLButtonElement>('button', { name: 'Forget “Why” for zz999' });
      expect(forget.disabled).toBe(true);
      await userEvent.click(forget);
      expect(props.onForgetWord).not.toHaveBeenCalled();
    });
  });

  it('shows the save feedback in its one status region', () => {
    const { rerender, props } = renderForm();
    expect(screen.getByRole('status').textContent).toBe('');
    rerender(<OptionsForm {...props} saveFeedback={{ tone: 'error', text: 'Keep the payment locked for 10 to 3600 seconds.' }} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Keep the payment locked for 10 to 3600 seconds.');
    expect(status.className).toContain('error');
    rerender(<OptionsForm {...props} saveFeedback={{ tone: 'success', text: 'Saved.' }} />);
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toEqual(['Saved.']);
  });
});
