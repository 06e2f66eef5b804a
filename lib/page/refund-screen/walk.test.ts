// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderOrderPage } from '@/test/sandbox/pages';
import { processRefund, RefundSubmissionSchema, type RefundSubmission } from '@/test/sandbox/refund';
import { answerStepPage, answerStepPost } from '@/test/sandbox/refund-steps';
import type { ScreenForm } from '@/test/sandbox/screen-forms';
import { createSeedState, SEED } from '@/test/sandbox/seed';
import { paymentsOfOrder, refundableMinor, type SandboxState } from '@/test/sandbox/state';
import { NO_PROGRESS, type RefundScreenPlan, type ScreenProgress, type WalkRequest } from './protocol';
import type { WalkOutcome } from '@/lib/page/walk-parts';
import { walkRefundScreen } from './walk';
import type { LearnedWords } from './words';

/*
 * The walk against the sandbox's in-page forms of Keap's refund screen: the order page's HTML and
 * its own script (run here by hand, since happy-dom does not run page scripts), with the posts
 * answered by the sandbox's bookkeeping and step pages. Forms that load new pages or windows are
 * covered end to end in test/e2e/screen-forms.e2e.ts.
 */

const STEP_TIMEOUT_MS = 1_000;
const { orders, payments } = SEED;

let state: SandboxState;
let declined: Set<number>;
let jsonPosts: RefundSubmission[];
let savedProgress: ScreenProgress[];
let approvals: number;
/** Ends the listeners a test adds to the shared document. */
let testListeners: AbortController;

function loadOrderPage(orderId: number, form: ScreenForm, alteredRefundScreen = false): void {
  const html = renderOrderPage(state, orderId, { form, alteredRefundScreen });
  if (html === undefined) throw new Error(`no order ${orderId}`);
  const page = new DOMParser().parseFromString(html, 'text/html');
  document.body.innerHTML = page.body.innerHTML;
  const pageScript = Array.from(page.querySelectorAll('script')).find((script) => !script.hasAttribute('type'));
  // The sandbox page's own inline script, run as the browser would run it.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call
  new Function(pageScript?.textContent ?? '')();
}

/** Keap's server, as the sandbox plays it: JSON posts of the dialog forms, form posts and fragments of the jQuery form. */
function answerFromSandbox(): void {
  const context = () => ({ declines: (paymentId: number) => declined.has(paymentId), now: new Date(), altered: false });
  vi.stubGlobal('fetch', async (url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const address = new URL(url, 'https://refunddemo.infusionsoft.com/Job/');
    if (init.method === 'POST' && init.headers?.['Content-Type'] === 'application/json') {
      const submission = RefundSubmissionSchema.parse(JSON.parse(init.body ?? ''));
      jsonPosts.push(submission);
      const answer = processRefund(state, submission, { declines: (paymentId) => declined.has(paymentId), now: new Date() });
      const body = answer.ok ? { results: answer.results } : answer.error;
      return { ok: answer.ok, json: async () => body, text: async () => JSON.stringify(body) };
    }
    const step =
      init.method === 'POST' ? answerStepPost(state, new URLSearchParams(init.body), context()) : answerStepPage(state, address.searchParams, 'XMLHttpRequest', context());
    return { ok: step.status === 200, text: async () => step.html, json: async (): Promise<unknown> => JSON.parse(step.html) };
  });
}

function plan(overrides: Partial<RefundScreenPlan> = {}): RefundScreenPlan {
  const orderId = overrides.orderId ?? orders.twoPayments;
  return {
    orderId,
    lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 6000 }],
    orderPayments: paymentsOfOrder(state, orderId)
      .filter((payment) => payment.refundOfPaymentId === null)
      .map((payment) => ({ paymentId: payment.id, payDate: payment.payDate, amountMinor: payment.amountMinor, refundableMinor: refundableMinor(state, payment) })),
    currency: 'USD',
    reason: 'Sent wrong size',
    method: 'refund',
    errorHandling: 'skip-payment',
    amountOwedMinor: 0,
    ...overrides,
  };
}

function walk(refundPlan: RefundScreenPlan, options: { learned?: LearnedWords; approve?: boolean; signal?: AbortSignal; progress?: ScreenProgress } = {}): Promise<WalkOutcome> {
  const request: WalkRequest = {
    attemptId: crypto.randomUUID(),
    plan: refundPlan,
    progress: options.progress ?? NO_PROGRESS,
    learned: options.learned ?? {},
    stepTimeoutMs: STEP_TIMEOUT_MS,
  };
  return walkRefundScreen(document, request, {
    signal: options.signal ?? new AbortController().signal,
    saveProgress: async (progress) => {
      savedProgress.push(structuredClone(progress));
      return true;
    },
    approveFinalClick: async () => {
      approvals += 1;
      return options.approve ?? true;
    },
  });
}

const refundsOf = (paymentId: number) => state.refundLog.filter((entry) => entry.paymentId === paymentId);

beforeEach(() => {
  state = createSeedState();
  declined = new Set();
  jsonPosts = [];
  savedProgress = [];
  approvals = 0;
  testListeners = new AbortController();
  answerFromSandbox();
});

afterEach(() => {
  testListeners.abort();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe.each(['dialog', 'words', 'jquery'] as const)('walking the “%s” form', (form) => {
  it('refunds one payment in full, saving its progress before each click and asking once before the final one', async () => {
    loadOrderPage(orders.twoPayments, form);
    const outcome = await walk(plan());

    expect(outcome.end).toEqual({ kind: 'results', lines: [expect.objectContaining({ paymentId: payments.twoPaymentsFirst, outcome: 'refunded' })] });
    expect(refundsOf(payments.twoPaymentsFirst)).toEqual([expect.objectContaining({ amountMinor: 6000, method: 'refund', outcome: 'refunded' })]);
    expect(refundsOf(payments.twoPaymentsSecond)).toEqual([]);
    expect(approvals).toBe(1);
    // Opened, then the payments, then the options: each saved before its click.
    expect(savedProgress[0]).toEqual({ opened: true, submitted: [], finalClicked: false });
    expect(savedProgress.at(-1)?.submitted).toEqual(expect.arrayContaining(['payments', 'method', 'error-handling']));
  });

  it('refunds parts of two payments and leaves the amount owed', async () => {
    loadOrderPage(orders.twoPayments, form);
    const outcome = await walk(
      plan({
        lines: [
          { paymentId: payments.twoPaymentsFirst, amountMinor: 1000 },
          { paymentId: payments.twoPaymentsSecond, amountMinor: 1500 },
        ],
        amountOwedMinor: 500,
      }),
    );
    expect(outcome.end.kind).toBe('results');
    expect(refundsOf(payments.twoPaymentsFirst).map((entry) => entry.amountMinor)).toEqual([1000]);
    expect(refundsOf(payments.twoPaymentsSecond).map((entry) => entry.amountMinor)).toEqual([1500]);
    expect(state.orders.find((order) => order.id === orders.twoPayments)?.totalDueMinor).toBe(500);
  });

  it('records a manual refund, choosing Manual Refund', async () => {
    loadOrderPage(orders.paypalExpress, form);
    const outcome = await walk(plan({ orderId: orders.paypalExpress, lines: [{ paymentId: payments.paypalExpress, amountMinor: 4500 }], method: 'manual-refund' }));
    expect(outcome.end).toEqual({ kind: 'results', lines: [expect.objectContaining({ outcome: 'manual-recorded' })] });
    expect(refundsOf(payments.paypalExpress)).toEqual([expect.objectContaining({ method: 'manual' })]);
  });

  it('reads a skipped payment from Keap’s results', async () => {
    declined.add(payments.twoPaymentsFirst);
    loadOrderPage(orders.twoPayments, form);
    const outcome = await walk(plan());
    expect(outcome.end).toEqual({ kind: 'results', lines: [expect.objectContaining({ outcome: 'skipped' })] });
  });

  it('reads a refund recorded anyway from Keap’s results', async () => {
    declined.add(payments.twoPaymentsFirst);
    loadOrderPage(orders.twoPayments, form);
    const outcome = await walk(plan({ errorHandling: 'record-anyway' }));
    expect(outcome.end).toEqual({ kind: 'results', lines: [expect.objectContaining({ outcome: 'recorded-anyway' })] });
  });
});

describe('stopping before anything is sent', () => {
  it('stops at two buttons that could each complete the refund, with nothing sent', async () => {
    loadOrderPage(orders.twoPayments, 'two-submits');
    const outcome = await walk(plan());
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', problem: expect.stringContaining('2 buttons that could complete the refund') });
    expect(approvals).toBe(0);
    expect(jsonPosts).toEqual([]);
  });

  it('stops at a last step that never asks how much the client should owe, with nothing sent', async () => {
    loadOrderPage(orders.twoPayments, 'no-owed');
    const outcome = await walk(plan());
    expect(outcome.end).toMatchObject({ kind: 'stopped' });
    expect(approvals).toBe(0);
    expect(jsonPosts).toEqual([]);
  });

  it('stops at a final button it does not know, offers to learn it, and completes once shown it', async () => {
    loadOrderPage(orders.twoPayments, 'dialog', true);
    const stopped = await walk(plan());
    expect(stopped.end).toMatchObject({ kind: 'stopped', step: 'credit', learnable: 'credit-final' });
    expect(stopped.highlight).toMatchObject({ value: 'Make it so' });
    expect(jsonPosts).toEqual([]);

    loadOrderPage(orders.twoPayments, 'dialog', true);
    const learned = await walk(plan(), { learned: { 'credit-final': ['Make it so'] } });
    expect(learned.end.kind).toBe('results');
    expect(refundsOf(payments.twoPaymentsFirst)).toHaveLength(1);
  });

  it('does not click the final button when the background says the attempt is no longer live', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    const outcome = await walk(plan(), { approve: false });
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'credit', problem: expect.stringContaining('called this refund off') });
    expect(approvals).toBe(1);
    expect(jsonPosts).toEqual([]);
  });

  it('stops when a page script changes a typed amount, highlighting the field', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    document.addEventListener(
      'input',
      (event) => {
        const field = event.target as HTMLInputElement;
        if (field.name === `refundAmount_${payments.twoPaymentsFirst}`) field.value = '1.00';
      },
      { capture: true, signal: testListeners.signal },
    );
    const outcome = await walk(plan());
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'payments', problem: expect.stringContaining('"1.00" for payment') });
    expect(outcome.highlight).toMatchObject({ name: `refundAmount_${payments.twoPaymentsFirst}` });
    expect(jsonPosts).toEqual([]);
  });

  it('stops when the screen lists a payment Keap’s API does not show on the order', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    const onlyFirst = plan();
    const outcome = await walk({ ...onlyFirst, orderPayments: onlyFirst.orderPayments.filter((payment) => payment.paymentId === payments.twoPaymentsFirst) });
    expect(outcome.end).toMatchObject({
      kind: 'stopped',
      step: 'payments',
      problem: expect.stringContaining(`lists payment ${payments.twoPaymentsSecond}, which Keap's API does not show`),
    });
    expect(jsonPosts).toEqual([]);
  });

  it('stops when Keap shows the payments step again after Next, with its message', async () => {
    loadOrderPage(orders.twoPayments, 'jquery');
    // More than is left to refund: Keap's server answers with the same step and an error line.
    const outcome = await walk({
      ...plan(),
      orderPayments: plan().orderPayments.map((payment) => ({ ...payment, refundableMinor: 9000 })),
      lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 9000 }],
    });
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'payments', problem: expect.stringMatching(/again|problem/) });
    expect(refundsOf(payments.twoPaymentsFirst)).toEqual([]);
  });

  it('stops when called off, before anything is sent', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    const controller = new AbortController();
    controller.abort();
    const outcome = await walk(plan(), { signal: controller.signal });
    expect(outcome.end).toMatchObject({ kind: 'stopped', problem: 'Stopped before anything was sent to Keap' });
    expect(jsonPosts).toEqual([]);
  });

  it('picks up after a page load from the saved progress, and never reopens the screen', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    const outcome = await walk(plan(), { progress: { opened: true, submitted: [], finalClicked: false } });
    // The dialog is not open and the opener was clicked before: nothing to do but say so.
    expect(outcome.end).toMatchObject({ kind: 'stopped', step: 'payments' });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });
});

describe('after the final click', () => {
  it('reports the refund as sent when Keap’s results never appear', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    vi.stubGlobal('fetch', () => new Promise(() => undefined));
    const outcome = await walk(plan());
    expect(outcome.end).toMatchObject({ kind: 'sent-without-results' });
    expect(approvals).toBe(1);
  });

  it('reads only the results, not the order page’s own payments table naming the payment', async () => {
    loadOrderPage(orders.twoPayments, 'dialog');
    expect(document.body.textContent).toContain(String(payments.twoPaymentsFirst));
    const outcome = await walk(plan());
    expect(outcome.end).toEqual({
      kind: 'results',
      lines: [{ paymentId: payments.twoPaymentsFirst, text: `Payment ${payments.twoPaymentsFirst}: Refunded $60.00`, outcome: 'refunded' }],
    });
  });
});
