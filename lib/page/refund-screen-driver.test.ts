// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  driveRefundScreen,
  type RefundScreenPlan,
  type RefundScreenResult,
  type RefundScreenStep,
} from '@/lib/page/refund-screen-driver';
import { renderOrderPage, type OrderPageOptions } from '@/test/sandbox/pages';
import { processRefund, RefundSubmissionSchema, type RefundSubmission } from '@/test/sandbox/refund';
import { createSeedState, SEED } from '@/test/sandbox/seed';
import type { SandboxState } from '@/test/sandbox/state';

/*
 * The driver against the sandbox's own order page: its HTML and its inline dialog script
 * (run here by hand, since happy-dom does not run page scripts), with Finish's POST answered
 * by the sandbox's bookkeeping.
 */

const FAILURE_TIMEOUT_MS = 1_000;

let state: SandboxState;
let submissions: RefundSubmission[];
let declinedPaymentIds: Set<number>;
/** Ends the listeners a test adds to the shared document. */
let testListeners: AbortController;

function loadOrderPage(orderId: number, options: OrderPageOptions = {}): void {
  const html = renderOrderPage(state, orderId, options);
  if (html === undefined) throw new Error(`no order ${orderId}`);
  const page = new DOMParser().parseFromString(html, 'text/html');
  document.body.innerHTML = page.body.innerHTML;
  const pageScript = Array.from(page.querySelectorAll('script')).find((script) => !script.hasAttribute('type'));
  new Function(pageScript?.textContent ?? '')();
}

function answerFinishFromSandbox(): void {
  vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
    const submission = RefundSubmissionSchema.parse(JSON.parse(init.body));
    submissions.push(submission);
    const answer = processRefund(state, submission, { declines: (paymentId) => declinedPaymentIds.has(paymentId), now: new Date() });
    return { ok: answer.ok, json: async () => (answer.ok ? answer : answer.error) };
  });
}

function plan(overrides: Partial<RefundScreenPlan> = {}): RefundScreenPlan {
  return {
    orderId: SEED.orders.twoPayments,
    lines: [{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 6000 }],
    currency: 'USD',
    reason: 'Sent wrong size',
    method: 'refund',
    errorHandling: 'record-anyway',
    amountOwedMinor: 0,
    ...overrides,
  };
}

function drive(refundPlan: RefundScreenPlan, stepTimeoutMs?: number, onStep?: (step: RefundScreenStep) => void): Promise<RefundScreenResult> {
  return driveRefundScreen(refundPlan, { root: document, stepTimeoutMs, onStep });
}

function dialog(): HTMLElement {
  const found = document.querySelector<HTMLElement>('[role="dialog"]');
  if (!found) throw new Error('no dialog');
  return found;
}

beforeEach(() => {
  state = createSeedState();
  submissions = [];
  declinedPaymentIds = new Set();
  testListeners = new AbortController();
  answerFinishFromSandbox();
});

afterEach(() => {
  testListeners.abort();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('driveRefundScreen on the sandbox order page', () => {
  it('refunds one payment in full through every step and reads the result', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const steps: RefundScreenStep[] = [];
    const result = await drive(plan(), undefined, (step) => steps.push(step));

    expect(result).toEqual({
      ok: true,
      results: [{ paymentId: 7001, text: 'Payment 7001: Refunded $60.00', outcome: 'refunded' }],
    });
    expect(steps).toEqual(['open-dialog', 'select-payments', 'refund-method', 'error-handling', 'issuing-credit', 'results']);
    expect(submissions).toEqual([
      { orderId: 5001, reason: 'Sent wrong size', method: 'refund', onFailure: 'record', amountOwed: '0.00', payments: [{ paymentId: 7001, amount: '60.00' }] },
    ]);
  });

  it('refunds parts of two payments and leaves the amount owed that was planned', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(
      plan({
        lines: [
          { paymentId: SEED.payments.twoPaymentsSecond, amountMinor: 1250 },
          { paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 999 },
        ],
        amountOwedMinor: 1000,
      }),
    );
    expect(result).toEqual({
      ok: true,
      results: [
        { paymentId: 7002, text: 'Payment 7002: Refunded $12.50', outcome: 'refunded' },
        { paymentId: 7001, text: 'Payment 7001: Refunded $9.99', outcome: 'refunded' },
      ],
    });
    expect(submissions[0]?.payments).toEqual([
      { paymentId: 7001, amount: '9.99' },
      { paymentId: 7002, amount: '12.50' },
    ]);
    expect(submissions[0]?.amountOwed).toBe('10.00');
  });

  it('unticks payments that were ticked but are not in the plan', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const observer = new MutationObserver(() => {
      const otherBox = document.querySelector<HTMLInputElement>('input[aria-label="Refund payment 7002"]');
      if (otherBox && !otherBox.dataset.preticked) {
        otherBox.checked = true;
        otherBox.dataset.preticked = 'yes';
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const result = await drive(plan());
    observer.disconnect();
    expect(result.ok).toBe(true);
    expect(submissions[0]?.payments).toEqual([{ paymentId: 7001, amount: '60.00' }]);
  });

  it.each([
    ['record-anyway', 'Payment 7006: Automatic refund failed (PayPal Express refunds must be made in the merchant account); refund recorded anyway', 'recorded-anyway'],
    ['skip-payment', 'Payment 7006: Automatic refund failed (PayPal Express refunds must be made in the merchant account); payment skipped', 'skipped'],
  ] as const)('chooses error handling "%s" and reads the failed refund as %s', async (errorHandling, text, outcome) => {
    loadOrderPage(SEED.orders.paypalExpress);
    const result = await drive(
      plan({ orderId: SEED.orders.paypalExpress, lines: [{ paymentId: SEED.payments.paypalExpress, amountMinor: 4500 }], errorHandling }),
    );
    expect(result).toEqual({ ok: true, results: [{ paymentId: 7006, text, outcome }] });
    expect(submissions[0]?.onFailure).toBe(errorHandling === 'record-anyway' ? 'record' : 'skip');
  });

  it('reads a gateway decline with the refund recorded anyway', async () => {
    declinedPaymentIds.add(SEED.payments.twoPaymentsFirst);
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan());
    expect(result.ok && result.results[0]?.outcome).toBe('recorded-anyway');
  });

  it('records a manual refund without the Error Handling step', async () => {
    loadOrderPage(SEED.orders.check);
    const steps: RefundScreenStep[] = [];
    const result = await drive(
      plan({ orderId: SEED.orders.check, lines: [{ paymentId: SEED.payments.check, amountMinor: 5000 }], method: 'manual-refund' }),
      undefined,
      (step) => steps.push(step),
    );
    expect(result).toEqual({ ok: true, results: [{ paymentId: 7007, text: 'Payment 7007: Manual refund recorded $50.00', outcome: 'manual-recorded' }] });
    expect(steps).not.toContain('error-handling');
    expect(submissions[0]?.method).toBe('manual');
  });

  it('voids a pending payment', async () => {
    loadOrderPage(SEED.orders.pending);
    const result = await drive(
      plan({ orderId: SEED.orders.pending, lines: [{ paymentId: SEED.payments.pending, amountMinor: 7500 }], method: 'void' }),
    );
    expect(result).toEqual({ ok: true, results: [{ paymentId: 7005, text: 'Payment 7005: Voided $75.00', outcome: 'voided' }] });
  });

  it('reads titles and results on the hostile order as text', async () => {
    loadOrderPage(SEED.orders.hostile);
    const result = await drive(plan({ orderId: SEED.orders.hostile, lines: [{ paymentId: SEED.payments.hostile, amountMinor: 4000 }] }));
    expect(result).toEqual({ ok: true, results: [{ paymentId: 7017, text: 'Payment 7017: Refunded $40.00', outcome: 'refunded' }] });
    expect(document.querySelector('h1')?.textContent).toContain('<script>alert("xss")</script>');
  });
});

describe('driveRefundScreen stops before sending when anything is off', () => {
  it('stops on the altered screen (Ref and Continue) without guessing', async () => {
    loadOrderPage(SEED.orders.twoPayments, { alteredRefundScreen: true });
    const result = await drive(plan(), FAILURE_TIMEOUT_MS);
    expect(result).toEqual({
      ok: false,
      sent: false,
      stoppedAt: 'select-payments',
      problem: `Could not find the payments table (headers "Payment ID" and "Refund Amount") on Keap's Refund Payment step`,
      stepsLeft: [
        'Tick payment 7001 and set its refund amount to 60.00',
        'Untick every other payment',
        'Enter the reason "Sent wrong size"',
        'Click "Next"',
        'Choose "Refund"',
        'Click "Next"',
        'Choose "If an automatic refund fails, record the refund anyway"',
        'Click "Next"',
        'Enter 0.00 in "How much should the client owe you after this transaction is complete"',
        'Click "Finish"',
        "Check Keap's Refund Results for the payment before doing anything again",
      ],
    });
    expect(submissions).toEqual([]);
  });

  it('stops when only the Next button is renamed', async () => {
    loadOrderPage(SEED.orders.twoPayments, { alteredRefundScreen: true });
    const observer = new MutationObserver(() => {
      for (const header of Array.from(document.querySelectorAll('th'))) {
        if (header.textContent === 'Ref') header.textContent = 'Payment ID';
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const result = await drive(plan(), FAILURE_TIMEOUT_MS);
    observer.disconnect();
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'select-payments',
      problem: `Could not find the button "Next" on Keap's Refund Payment step`,
    });
    expect(submissions).toEqual([]);
  });

  it('stops with the error Keap shows in the dialog and highlights Next', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan({ lines: [{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 6001 }] }), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'select-payments',
      problem: "Keap showed a problem on Keap's Refund Payment step: Enter a refund amount between 0.01 and 60.00 for payment 7001.",
    });
    const next = Array.from(dialog().querySelectorAll<HTMLInputElement>('input[type="button"]')).find((button) => button.value === 'Next');
    expect(next?.style.outline).toContain('solid');
    expect(submissions).toEqual([]);
  });

  it('stops when the page shows another amount than the one typed', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    document.addEventListener('change', (event) => {
      const field = event.target as HTMLInputElement;
      if (field.name === 'refundAmount_7001') field.value = '6.00';
    }, { signal: testListeners.signal });
    const result = await drive(plan({ lines: [{ paymentId: SEED.payments.twoPaymentsFirst, amountMinor: 3000 }] }), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'select-payments',
      problem: `Keap's Refund Payment step shows "6.00" for payment 7001, not 30.00`,
    });
    expect(document.querySelector<HTMLInputElement>('input[name="refundAmount_7001"]')?.style.outline).toContain('solid');
  });

  it('stops when the dialog does not list a planned payment', async () => {
    loadOrderPage(SEED.orders.fullyRefunded);
    const result = await drive(
      plan({ orderId: SEED.orders.fullyRefunded, lines: [{ paymentId: SEED.payments.fullyRefunded, amountMinor: 3000 }] }),
      FAILURE_TIMEOUT_MS,
    );
    expect(result).toMatchObject({ ok: false, sent: false, stoppedAt: 'select-payments', problem: "Keap's Refund Payment step does not list payment 7015" });
  });

  it('stops when Void is not offered for a settled payment', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan({ method: 'void' }), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'refund-method',
      problem: `Could not find the choice "Void" on Keap's Refund Method step`,
      stepsLeft: ['Choose "Void"', 'Click "Next"', 'Enter 0.00 in "How much should the client owe you after this transaction is complete"', 'Click "Finish"', "Check Keap's Refund Results for the payment before doing anything again"],
    });
  });

  it('stops when Keap skips to a step that was not expected', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    document.addEventListener(
      'click',
      (event) => {
        const target = event.target as HTMLInputElement;
        const heading = document.querySelector('[role="dialog"] h2')?.textContent;
        if (target.value === 'Next' && heading === 'Refund Method') {
          event.stopImmediatePropagation();
          dialog().replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Issuing a Credit' }));
        }
      },
      { capture: true, signal: testListeners.signal },
    );
    const result = await drive(plan(), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'refund-method',
      problem: "Keap showed its Issuing a Credit step where its Error Handling step was expected",
    });
    expect(submissions).toEqual([]);
  });

  it('stops on a page of another order', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan({ orderId: SEED.orders.partiallyRefunded }), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: false,
      stoppedAt: 'open-dialog',
      problem: 'This page does not show order 5002: open that order in Keap first',
    });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('stops and highlights Refund Payment when the dialog never opens', async () => {
    document.body.innerHTML = '<h1>Order 5001: Annual membership</h1><input type="button" value="Refund Payment">';
    const result = await drive(plan(), 100);
    expect(result).toMatchObject({ ok: false, sent: false, stoppedAt: 'open-dialog', problem: "Keap's Refund Payment dialog did not open" });
    expect(document.querySelector<HTMLInputElement>('input')?.style.outline).toContain('solid');
  });

  it('refuses a plan it cannot carry out', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan({ lines: [] }));
    expect(result).toMatchObject({ ok: false, sent: false, stoppedAt: 'open-dialog' });
    expect(document.querySelector('[role="dialog"]')).toBeNull();
  });

  it('stops before sending when aborted', async () => {
    loadOrderPage(SEED.orders.twoPayments);
    const controller = new AbortController();
    const driving = driveRefundScreen(plan(), { root: document, signal: controller.signal, onStep: (step) => step === 'refund-method' && controller.abort() });
    expect(await driving).toMatchObject({ ok: false, sent: false, stoppedAt: 'refund-method', problem: 'Stopped before anything was sent to Keap' });
    expect(submissions).toEqual([]);
  });
});

describe('driveRefundScreen after Finish', () => {
  it('reports sent when the results never appear', async () => {
    vi.stubGlobal('fetch', () => new Promise(() => undefined));
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan(), FAILURE_TIMEOUT_MS);
    expect(result).toEqual({
      ok: false,
      sent: true,
      stoppedAt: 'results',
      problem: 'Keap did not move on to its Refund Results step',
      stepsLeft: ["Check Keap's Refund Results for the payment before doing anything again"],
    });
  });

  it('reports sent when Keap answers Finish with an error', async () => {
    vi.stubGlobal('fetch', async () => ({ ok: false, json: async () => ({ kind: 'refund-rejected', message: 'Payment 7001 has only $10.00 left to refund.' }) }));
    loadOrderPage(SEED.orders.twoPayments);
    const result = await drive(plan(), FAILURE_TIMEOUT_MS);
    expect(result).toMatchObject({
      ok: false,
      sent: true,
      stoppedAt: 'results',
      problem: "Keap showed a problem on Keap's Refund Results: Payment 7001 has only $10.00 left to refund.",
    });
  });
});
