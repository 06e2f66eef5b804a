// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { NO_PROGRESS, type RefundScreenPlan, type ScreenProgress } from '@/lib/page/refund-screen/protocol';
import type { LearnedWords } from '@/lib/page/refund-screen/words';
import { renderTestPage, TEST_PAYMENTS, type TestMarkup, type TestPageOptions, testPlan } from './test-pages';
import { walkNewerAppRefund } from './walk';

const STEP_TIMEOUT_MS = 400;
const MARKUPS: TestMarkup[] = ['drawer', 'table'];

afterEach(() => document.body.replaceChildren());

async function walk(plan: RefundScreenPlan, options: { approve?: boolean; learned?: LearnedWords; progress?: ScreenProgress; abort?: AbortController } = {}) {
  const saved: ScreenProgress[] = [];
  let approvals = 0;
  const outcome = await walkNewerAppRefund(
    document,
    { attemptId: '00000000-0000-4000-8000-000000000001', plan, progress: options.progress ?? NO_PROGRESS, learned: options.learned ?? {}, stepTimeoutMs: STEP_TIMEOUT_MS },
    {
      signal: (options.abort ?? new AbortController()).signal,
      saveProgress: async (progress) => {
        saved.push(structuredClone(progress));
        return true;
      },
      approveFinalClick: async () => {
        approvals += 1;
        return options.approve ?? true;
      },
    },
  );
  return { outcome, saved, approvals };
}

function page(markup: TestMarkup, options: Partial<TestPageOptions> = {}) {
  return renderTestPage(document, { markup, payments: TEST_PAYMENTS, ...options });
}

describe.each(MARKUPS)('the newer app refund walk on the %s markup', (markup) => {
  it('refunds a whole payment: Money card, the payment by amount and day, Refund, the confirmation, the message', async () => {
    const shown = page(markup);
    const { outcome, saved, approvals } = await walk(testPlan(6000));
    expect(outcome.end).toEqual({ kind: 'results', lines: [{ paymentId: 7001, outcome: 'refunded', text: 'The refund of $60.00 was completed.' }] });
    expect(shown.sent).toEqual([{ paymentId: 7001, amount: markup === 'drawer' ? '60.00' : null, reason: markup === 'drawer' ? 'Customer asked' : null }]);
    expect(approvals).toBe(1);
    expect(saved).toEqual([{ opened: true, submitted: ['payments'], finalClicked: false }]);
  });

  it('reports a decline shown by the app as failed: nothing is confirmed by the walk', async () => {
    const shown = page(markup, { answer: 'declined' });
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'results', lines: [{ paymentId: 7001, outcome: 'failed' }] });
    expect(shown.sent).toHaveLength(1);
  });

  it('sends nothing when the background does not approve the final click', async () => {
    const shown = page(markup);
    const { outcome } = await walk(testPlan(6000), { approve: false });
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', problem: expect.stringContaining('nothing was sent') });
    expect(shown.sent).toEqual([]);
  });

  it('stops before anything is sent when the Money card lists no payment of that amount and day', async () => {
    const shown = page(markup, { payments: TEST_PAYMENTS.filter((payment) => payment.id !== 7001) });
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'open', problem: expect.stringContaining('does not list payment 7001') });
    expect(shown.sent).toEqual([]);
  });

  it('stops when two payments of the list have the amount and day of the one to refund', async () => {
    const shown = page(markup, { payments: [...TEST_PAYMENTS, { id: 9999, date: '2025-04-23', amountMinor: 6000 }] });
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'open', problem: expect.stringContaining('more than one payment') });
    expect(shown.sent).toEqual([]);
  });

  it('stops before anything is sent when the app opens another payment than the one clicked', async () => {
    const shown = page(markup, { opensAnotherPayment: true });
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'payments' });
    expect(shown.sent).toEqual([]);
  });

  it('stops before anything is sent when a payment is already open with its Refund button', async () => {
    const shown = page(markup);
    (document.querySelector('h3 button, [aria-label="Money"]') as HTMLElement).click();
    const other = Array.from(document.querySelectorAll<HTMLElement>('button, a')).find((element) =>
      /40\.00|05\/23/.test(element.getAttribute('aria-label') ?? element.closest('tr')?.textContent ?? ''),
    )!;
    other.click();
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'open', problem: expect.stringContaining('already shows a payment open') });
    expect(shown.sent).toEqual([]);
  });

  it('stops when two links could process the refund', async () => {
    const shown = page(markup, {
      onConfirmationShown: (box) => {
        const second = document.createElement('a');
        second.href = '#';
        second.textContent = 'Confirm';
        box.append(second);
      },
    });
    const { outcome } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', problem: expect.stringContaining('links that could process the refund') });
    expect(shown.sent).toEqual([]);
  });

  it('stops when the confirmation reads another amount than planned before the final click', async () => {
    const shown = page(markup, {
      onConfirmationShown: (box) => {
        const field = box.querySelector('input');
        // The app rewrites the amount Refund Desk typed; or, with no field, says it refunds another amount.
        if (field) field.addEventListener('change', () => (field.value = '59.00'));
        else box.querySelector('p')!.textContent = 'The whole payment of $59.00 will be refunded to the customer.';
      },
    });
    const { outcome, approvals } = await walk(testPlan(6000));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', problem: expect.stringMatching(/59\.00|does not say it refunds \$?60\.00/) });
    expect(approvals).toBe(0);
    expect(shown.sent).toEqual([]);
  });

  it('stops, nothing sent, when called off', async () => {
    const shown = page(markup);
    const abort = new AbortController();
    abort.abort();
    const { outcome } = await walk(testPlan(6000), { abort });
    expect(outcome.end).toMatchObject({ kind: 'stopped' });
    expect(shown.sent).toEqual([]);
  });

  it('hands a manual refund to the person: no control records a refund made elsewhere', async () => {
    const shown = page(markup);
    const { outcome } = await walk(testPlan(6000, { method: 'manual-refund' }));
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'payments' });
    expect(shown.sent).toEqual([]);
  });
});

describe('partial refunds in the newer app', () => {
  it('fills the amount where the flow offers a field', async () => {
    const shown = page('drawer');
    const { outcome } = await walk(testPlan(2500));
    expect(outcome.end).toMatchObject({ kind: 'results', lines: [{ paymentId: 7001, outcome: 'refunded', text: 'The refund of $25.00 was completed.' }] });
    expect(shown.sent).toEqual([{ paymentId: 7001, amount: '25.00', reason: 'Customer asked' }]);
  });

  it('stops before anything is sent, saying the app refunds whole payments, where it offers no amount', async () => {
    const shown = page('table');
    const { outcome, approvals } = await walk(testPlan(2500));
    expect(outcome.end).toEqual({
      kind: 'stopped',
      step: 'credit',
      problem: "Keap's newer app refunds whole payments only: it offers no amount to refund. Refund part of a payment on Keap's classic refund screen, or refund the whole payment",
    });
    expect(approvals).toBe(0);
    expect(shown.sent).toEqual([]);
  });
});

describe('what the newer app cannot do', () => {
  it('refunds one payment at a time', async () => {
    const shown = page('drawer');
    const plan = testPlan(6000, {
      lines: [
        { paymentId: 7001, amountMinor: 6000 },
        { paymentId: 7002, amountMinor: 4000 },
      ],
    });
    const { outcome } = await walk(plan);
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'open', problem: expect.stringContaining('one payment at a time') });
    expect(shown.sent).toEqual([]);
  });

  it('reads nothing more once the final click was made before this page', async () => {
    page('drawer');
    const { outcome } = await walk(testPlan(6000), { progress: { opened: true, submitted: ['payments'], finalClicked: true } });
    expect(outcome.end.kind).toBe('sent-without-results');
  });

  it.each(MARKUPS)('takes a learned word for the Refund button on the %s markup, and stops offering to learn it without', async (markup) => {
    page(markup, { refundWord: 'Give money back' });
    const stopped = await walk(testPlan(6000));
    expect(stopped.outcome.end).toMatchObject({ kind: 'stopped', step: 'payments', learnable: 'newer-app-refund' });
    expect(stopped.outcome.highlight?.textContent || (stopped.outcome.highlight as HTMLInputElement | null)?.value).toBe('Give money back');
    const shown = page(markup, { refundWord: 'Give money back' });
    const learned = await walk(testPlan(6000), { learned: { 'newer-app-refund': ['Give money back'] } });
    expect(learned.outcome.end).toMatchObject({ kind: 'results' });
    expect(shown.sent).toHaveLength(1);
  });

  it.each(MARKUPS)('offers to learn an unknown confirmation link on the %s markup, and follows it once learned', async (markup) => {
    const shown = page(markup, { confirmWord: 'Make it so' });
    const stopped = await walk(testPlan(6000));
    expect(stopped.outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', learnable: 'newer-app-confirm' });
    expect(shown.sent).toEqual([]);
    const again = page(markup, { confirmWord: 'Make it so' });
    const learned = await walk(testPlan(6000), { learned: { 'newer-app-confirm': ['Make it so'] } });
    expect(learned.outcome.end).toMatchObject({ kind: 'results' });
    expect(again.sent).toHaveLength(1);
  });
});
