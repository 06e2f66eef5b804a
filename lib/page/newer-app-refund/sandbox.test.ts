// @vitest-environment happy-dom
import type { Browser } from 'happy-dom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_PROGRESS, type RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import { sandboxBrowser, sandboxRequest } from '@/test/sandbox/happy-dom-app';
import { newerAppContactPath } from '@/test/sandbox/newer-app';
import { NEWER_APP_FORMS } from '@/test/sandbox/newer-app-forms';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import { walkNewerAppRefund } from './walk';

/*
 * The driver against the sandbox's imitation of Keap's newer app (made by others, from the same
 * public words), run in happy-dom with its own script: what the e2e tests do in Chromium.
 */

let sandbox: Sandbox;
let browser: Browser;
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  browser = sandboxBrowser(sandbox);
});
afterEach(() => browser.close());

/** Keap's API as the sandbox answers it (Node's own HTTP: this file's fetch is happy-dom's, bound by its origin rules). */
async function apiGet<T>(path: string): Promise<T> {
  const base = new URL(sandbox.apiBase);
  const answer = await sandboxRequest(sandbox, `${base.pathname}${path}`, { host: base.host, apiKey: sandbox.apiKey });
  return JSON.parse(answer.text) as T;
}

interface ApiPayment {
  id: number;
  amount: number;
  pay_date: string;
  pay_status: string;
  refund_invoice_payment_id?: number;
}

/** A plan refunding `amountMinor` (all of it when null) of the one payment of the seed's Stripe test order, from Keap's API. */
async function planFor(amountMinor: number | null): Promise<RefundScreenPlan> {
  const payments = (await apiGet<ApiPayment[]>(`/v1/orders/${SEED.orders.stripeTest}/payments`)).filter((payment) => payment.amount > 0);
  const orderPayments = payments.map((payment) => ({
    paymentId: payment.id,
    payDate: payment.pay_date,
    amountMinor: Math.round(payment.amount * 100),
    refundableMinor: Math.round(payment.amount * 100),
  }));
  const first = orderPayments.find((payment) => payment.paymentId === SEED.payments.stripeTest)!;
  return {
    orderId: SEED.orders.stripeTest,
    lines: [{ paymentId: first.paymentId, amountMinor: amountMinor ?? first.refundableMinor }],
    orderPayments,
    currency: 'USD',
    reason: 'Customer asked',
    method: 'refund',
    errorHandling: 'skip-payment',
    amountOwedMinor: 0,
  };
}

async function refundRowsOf(paymentId: number): Promise<number[]> {
  const payments = await apiGet<ApiPayment[]>(`/v1/orders/${SEED.orders.stripeTest}/payments`);
  return payments.filter((payment) => payment.refund_invoice_payment_id === paymentId).map((payment) => Math.round(-payment.amount * 100));
}

async function walkOn(form: (typeof NEWER_APP_FORMS)[number], plan: RefundScreenPlan) {
  sandbox.setNewerAppForm(form);
  const page = browser.newPage();
  await page.goto(`https://keap.app${newerAppContactPath(SEED.contacts.demo)}`);
  const document = page.mainFrame.document as unknown as Document;
  let approvals = 0;
  const outcome = await walkNewerAppRefund(
    document,
    { attemptId: '00000000-0000-4000-8000-000000000001', plan, progress: NO_PROGRESS, learned: {}, stepTimeoutMs: 5_000 },
    {
      signal: new AbortController().signal,
      saveProgress: async () => true,
      approveFinalClick: async () => {
        approvals += 1;
        return true;
      },
    },
  );
  return { outcome, approvals };
}

describe.each(NEWER_APP_FORMS)("the walk on the sandbox's newer app (%s)", (form) => {
  it("refunds a whole payment, and Keap's API shows it", async () => {
    const plan = await planFor(null);
    const { outcome, approvals } = await walkOn(form, plan);
    expect(outcome.end).toMatchObject({ kind: 'results', lines: [{ paymentId: plan.lines[0]!.paymentId, outcome: 'refunded' }] });
    expect(approvals).toBe(1);
    expect(await refundRowsOf(plan.lines[0]!.paymentId)).toEqual([plan.lines[0]!.amountMinor]);
  });
});

describe("partial refunds on the sandbox's newer app", () => {
  it('refunds part of a payment where the app offers an amount (cards)', async () => {
    const plan = await planFor(500);
    const { outcome } = await walkOn('cards', plan);
    expect(outcome.end).toMatchObject({ kind: 'results', lines: [{ outcome: 'refunded' }] });
    expect(await refundRowsOf(plan.lines[0]!.paymentId)).toEqual([500]);
  });

  it('stops before anything is sent where it refunds whole payments only (table)', async () => {
    const plan = await planFor(500);
    const { outcome, approvals } = await walkOn('table', plan);
    expect(outcome.end).toEqual({
      kind: 'stopped',
      step: 'credit',
      problem: "Keap's newer app refunds whole payments only: it offers no amount to refund. Refund part of a payment on Keap's classic refund screen, or refund the whole payment",
    });
    expect(approvals).toBe(0);
    expect(await refundRowsOf(plan.lines[0]!.paymentId)).toEqual([]);
  });
});
