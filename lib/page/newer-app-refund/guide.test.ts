// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GuideReport } from '@/lib/page/refund-screen/guide';
import { NO_PROGRESS } from '@/lib/page/refund-screen/protocol';
import { followNewerAppRefund, newerAppChecklist } from './guide';
import { newerAppPickCandidates } from './pick';
import { renderTestPage, TEST_PAYMENTS, testPlan } from './test-pages';

afterEach(() => document.body.replaceChildren());

const done = (amountMinor = 6000) => Object.fromEntries(newerAppChecklist(document, testPlan(amountMinor), {}).items.map((item) => [item.id, item.done]));

function click(name: string): void {
  const control = Array.from(document.querySelectorAll<HTMLElement>('button, a, input, [role="button"]')).find(
    (element) =>
      element.getAttribute('aria-label') === name ||
      element.textContent === name ||
      (element as HTMLInputElement).value === name ||
      element.getAttribute('aria-label')?.startsWith(name),
  );
  if (!control) throw new Error(`no control ${name}`);
  control.click();
}

describe.each(['drawer', 'table'] as const)('the guided checklist in the newer app (%s markup)', (markup) => {
  it('ticks off each step as the page shows it, and outlines the next control', () => {
    renderTestPage(document, { markup, payments: TEST_PAYMENTS });
    expect(done()).toEqual({ money: false, 'payment:7001': false, 'refund:7001': false, 'amount:7001': false, 'confirm:7001': false });
    expect(newerAppChecklist(document, testPlan(), {}).controls.get('money')?.textContent).toMatch(/Money/);
    click('Money');
    expect(done()).toMatchObject({ money: true, 'payment:7001': false });
    click(markup === 'drawer' ? 'Credit card payment, $60.00' : 'Credit card payment made');
    expect(done()).toMatchObject({ 'payment:7001': true, 'refund:7001': false });
    click('Refund');
    expect(done()).toEqual({ money: true, 'payment:7001': true, 'refund:7001': true, 'amount:7001': true, 'confirm:7001': false });
    expect(done(2500)['amount:7001']).toBe(false);
  });
});

describe('the guided checklist for several payments', () => {
  it('lists each payment, the app refunding one at a time', () => {
    renderTestPage(document, { markup: 'drawer', payments: TEST_PAYMENTS });
    const plan = testPlan(6000, {
      lines: [
        { paymentId: 7001, amountMinor: 6000 },
        { paymentId: 7002, amountMinor: 4000 },
      ],
    });
    click('Money');
    click('Credit card payment, $40.00');
    const items = newerAppChecklist(document, plan, {}).items;
    expect(items.map((item) => item.id)).toEqual([
      'money',
      'payment:7001',
      'refund:7001',
      'amount:7001',
      'confirm:7001',
      'payment:7002',
      'refund:7002',
      'amount:7002',
      'confirm:7002',
    ]);
    expect(items.filter((item) => item.done).map((item) => item.id)).toEqual(['money', 'payment:7002']);
  });
});

describe('"Show Refund Desk this control" in the newer app', () => {
  it('offers the one unknown button on the opened payment as its Refund button', () => {
    renderTestPage(document, { markup: 'drawer', payments: TEST_PAYMENTS, refundWord: 'Money back' });
    click('Money');
    click('Credit card payment, $60.00');
    expect(newerAppPickCandidates(document, testPlan(), {}, 'newer-app-refund').map((element) => element.textContent)).toEqual(['Money back']);
    expect(newerAppPickCandidates(document, testPlan(), {}, 'newer-app-confirm')).toEqual([]);
  });
});

describe('followNewerAppRefund', () => {
  /** A click as the browser sends one from a person. happy-dom has no `isTrusted`, so it is set here by hand. */
  function trustedClick(target: HTMLElement): void {
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'isTrusted', { value: true });
    target.dispatchEvent(event);
  }

  it('reports the checklist as the person works, outlines the next control, and counts their click on the confirmation as sending', async () => {
    renderTestPage(document, { markup: 'table', payments: TEST_PAYMENTS });
    const reports: GuideReport[] = [];
    const stop = new AbortController();
    followNewerAppRefund(document, { plan: testPlan(), progress: NO_PROGRESS, learned: {}, signal: stop.signal, onReport: (report) => reports.push(report) });
    const money = document.querySelector('button')!;
    expect(money.style.outline).not.toBe('');
    click('Money');
    click('Credit card payment made');
    click('Refund');
    await vi.waitFor(() => expect(reports.at(-1)?.items.find((item) => item.id === 'refund:7001')?.done).toBe(true));
    expect(reports.at(-1)?.progress.finalClicked).toBe(false);
    const link = Array.from(document.querySelectorAll('a')).find((element) => element.textContent === 'Click here to process the refund')!;
    expect(link.style.outline).not.toBe('');
    trustedClick(link);
    await vi.waitFor(() => expect(reports.at(-1)?.progress.finalClicked).toBe(true));
    expect(reports.at(-1)?.items.every((item) => item.done)).toBe(true);
    stop.abort();
    expect(link.style.outline).toBe('');
  });
});
