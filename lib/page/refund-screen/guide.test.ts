// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followRefundScreen, type GuideReport, guideChecklist, progressSeen } from './guide';
import { NO_PROGRESS, type RefundScreenPlan, type ScreenProgress } from './protocol';
import { readRefundScreen, type ScreenStepReading } from './screen';
import { creditDialog, optionsDialog, ORDER_PAGE_TOP, OWED_QUESTION, paymentsDialog, PLAN } from './test-screens';

/** A partial refund of the first payment, so its amount field needs typing (it shows the full 60.00). */
const GUIDE_PLAN: RefundScreenPlan = { ...PLAN, lines: [{ paymentId: 7001, amountMinor: 2500 }] };
const GUIDE_OUTLINE = '3px solid #d93025';

function render(html: string): void {
  document.body.innerHTML = html;
}

function element<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

function stepOnScreen(plan: RefundScreenPlan = GUIDE_PLAN): ScreenStepReading {
  const reading = readRefundScreen(document, plan, {});
  if (reading.kind !== 'step') throw new Error(`expected a step, read ${reading.kind}`);
  return reading.step;
}

/** What a person does: set the field, and the browser tells the page. */
function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
}

function tick(box: HTMLInputElement): void {
  box.checked = true;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.dispatchEvent(new Event('change', { bubbles: true }));
}

/** A click as the browser sends one from a person. happy-dom has no `isTrusted`, so it is set here by hand. */
function trustedClick(target: HTMLElement): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  target.dispatchEvent(event);
}

/** Every field's value and tick, to show the guide changes none of them. */
function fieldStates(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('input, textarea, select')).map(
    (field) => `${field.tagName}:${field.getAttribute('type') ?? ''}:${field.value}:${String(field.checked ?? '')}`,
  );
}

/** Lets the page's mutation observers run (happy-dom delivers their records in a microtask). */
async function observersRun(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

let following: AbortController;
let reports: GuideReport[];
let waiting: ((report: GuideReport) => void) | null;

function follow(plan: RefundScreenPlan = GUIDE_PLAN, progress: ScreenProgress = NO_PROGRESS): void {
  followRefundScreen(document, {
    plan,
    progress,
    learned: {},
    signal: following.signal,
    onReport: (report) => {
      reports.push(report);
      waiting?.(report);
    },
  });
}

/** The next report the guide makes, once the page's observers have seen a change. */
function nextReport(): Promise<GuideReport> {
  return new Promise((resolve) => {
    waiting = (report) => {
      waiting = null;
      resolve(report);
    };
  });
}

function latest(): GuideReport {
  const report = reports.at(-1);
  if (!report) throw new Error('no report yet');
  return report;
}

function done(report: GuideReport = latest()): string[] {
  return report.items.filter((item) => item.done).map((item) => item.id);
}

function firstOpen(report: GuideReport = latest()): string | undefined {
  return report.items.find((item) => !item.done)?.id;
}

/** The guide's outline as this DOM writes it back (happy-dom reorders the parts of the shorthand). */
function guideOutline(): string {
  const probe = document.createElement('span');
  probe.style.outline = GUIDE_OUTLINE;
  return probe.style.outline;
}

function outlined(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('*')).filter((candidate) => candidate.style.outline === guideOutline());
}

beforeEach(() => {
  document.body.innerHTML = '';
  following = new AbortController();
  reports = [];
  waiting = null;
});

afterEach(() => {
  following.abort();
});

describe('progressSeen', () => {
  it('on the order page, nothing is done yet', () => {
    expect(progressSeen(NO_PROGRESS, null, true)).toEqual(NO_PROGRESS);
  });

  it('a step on screen means the screen was opened', () => {
    render(paymentsDialog());
    expect(progressSeen(NO_PROGRESS, stepOnScreen(), false)).toEqual({ opened: true, submitted: [], finalClicked: false });
  });

  it('the options step means the payments were submitted', () => {
    render(optionsDialog());
    expect(progressSeen(NO_PROGRESS, stepOnScreen(), false)).toEqual({ opened: true, submitted: ['payments'], finalClicked: false });
  });

  it('the credit step means the payments and the options were submitted', () => {
    render(creditDialog());
    const seen = progressSeen(NO_PROGRESS, stepOnScreen(), false);
    expect(seen.opened).toBe(true);
    expect([...seen.submitted].sort()).toEqual(['error-handling', 'method', 'payments']);
    expect(seen.finalClicked).toBe(false);
  });

  it('keeps the final click, and what was submitted, whatever the screen shows', () => {
    render(paymentsDialog());
    const progress: ScreenProgress = { opened: true, submitted: ['payments', 'method'], finalClicked: true };
    expect(progressSeen(progress, stepOnScreen(), false)).toEqual(progress);
  });

  it('with no step and no opener after a submit, the screen was opened (a new page is loading)', () => {
    expect(progressSeen({ opened: false, submitted: ['payments'], finalClicked: false }, null, false).opened).toBe(true);
    expect(progressSeen({ opened: false, submitted: ['payments'], finalClicked: false }, null, true).opened).toBe(false);
  });
});

describe('guideChecklist', () => {
  it("points at Keap's Refund Payment button on the order page", () => {
    render(ORDER_PAGE_TOP);
    const reading = readRefundScreen(document, GUIDE_PLAN, {});
    if (reading.kind !== 'order-page') throw new Error(reading.kind);
    const guide = guideChecklist(GUIDE_PLAN, NO_PROGRESS, null, reading.opener, {});
    expect(guide.items[0]).toEqual({ id: 'open', text: 'Click "Refund Payment" on order #5001', done: false });
    expect(guide.next).toBe(element('input[value="Refund Payment"]'));
  });

  it('lists every step of the plan in order', () => {
    render(paymentsDialog());
    const guide = guideChecklist(GUIDE_PLAN, NO_PROGRESS, stepOnScreen(), null, {});
    expect(guide.items.map((item) => item.id)).toEqual([
      'open',
      'tick:7001',
      'amount:7001',
      'untick',
      'reason',
      'next:payments',
      'method',
      'error-handling',
      'next:options',
      'owed',
      'final',
    ]);
    expect(guide.items.find((item) => item.id === 'amount:7001')?.text).toBe('Set its refund amount to 25.00');
    expect(guide.items.find((item) => item.id === 'reason')?.text).toBe('Enter the reason "Sent wrong size"');
  });

  it('leaves out error handling for a manual refund', () => {
    render(paymentsDialog());
    const guide = guideChecklist({ ...GUIDE_PLAN, method: 'manual-refund' }, NO_PROGRESS, stepOnScreen(), null, {});
    expect(guide.items.map((item) => item.id)).not.toContain('error-handling');
    expect(guide.items.find((item) => item.id === 'method')?.text).toBe('Choose "Manual Refund"');
  });

  it('marks the final item done only once the final button was clicked', () => {
    render(creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="0.00">`));
    const step = stepOnScreen();
    const seen = progressSeen(NO_PROGRESS, step, false);
    const before = guideChecklist(GUIDE_PLAN, seen, step, null, {});
    expect(before.items.filter((item) => !item.done).map((item) => item.id)).toEqual(['final']);
    expect(before.next).toBe(element('button'));
    const after = guideChecklist(GUIDE_PLAN, { ...seen, finalClicked: true }, step, null, {});
    expect(after.items.every((item) => item.done)).toBe(true);
    expect(after.next).toBeNull();
  });

  it('does not point at a final button it cannot tell from another', () => {
    render(creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="0.00">`, '<button>Finish</button><button>Submit</button>'));
    const step = stepOnScreen();
    expect(guideChecklist(GUIDE_PLAN, progressSeen(NO_PROGRESS, step, false), step, null, {}).next).toBeNull();
  });
});

describe('followRefundScreen', () => {
  it('ticks off each item as the person works the payments step, outlining the next control', () => {
    render(paymentsDialog());
    const box = element<HTMLInputElement>('[data-truth="7001"]');
    const amount = box.closest('tr')!.querySelector<HTMLInputElement>('input[type="text"]')!;
    const reason = element<HTMLInputElement>('#reason');
    const next = element('input[value="Next"]');
    follow();

    expect(done()).toEqual(['open', 'untick']);
    expect(firstOpen()).toBe('tick:7001');
    expect(outlined()).toEqual([box]);

    tick(box);
    expect(done()).toEqual(['open', 'tick:7001', 'untick']);
    expect(outlined()).toEqual([amount]);

    type(amount, '30.00');
    expect(firstOpen()).toBe('amount:7001');
    type(amount, '25.00');
    expect(done()).toEqual(['open', 'tick:7001', 'amount:7001', 'untick']);
    expect(outlined()).toEqual([reason]);

    type(reason, 'Sent wrong size');
    expect(done()).toEqual(['open', 'tick:7001', 'amount:7001', 'untick', 'reason']);
    expect(firstOpen()).toBe('next:payments');
    expect(outlined()).toEqual([next]);
    expect(latest().progress).toEqual({ opened: true, submitted: [], finalClicked: false });
  });

  it('asks to untick another payment the person ticked', () => {
    render(paymentsDialog());
    follow();
    const other = element<HTMLInputElement>('[data-truth="7002"]');
    tick(other);
    expect(done()).not.toContain('untick');
    tick(element<HTMLInputElement>('[data-truth="7001"]'));
    type(element<HTMLInputElement>('[data-truth="7001"]').closest('tr')!.querySelector('input[type="text"]')!, '25.00');
    expect(firstOpen()).toBe('untick');
    expect(outlined()).toEqual([other]);
  });

  it('follows the screen through later steps: a later step shows the earlier ones were submitted', async () => {
    render(paymentsDialog());
    follow();
    const dialog = element('[role="dialog"]');

    let report = nextReport();
    dialog.outerHTML = optionsDialog().replace(ORDER_PAGE_TOP, '');
    expect(done(await report)).toEqual(['open', 'tick:7001', 'amount:7001', 'untick', 'reason', 'next:payments']);
    expect(latest().progress.submitted).toEqual(['payments']);
    expect(outlined()).toEqual([element('[data-choice="refund"]')]);

    tick(element<HTMLInputElement>('[data-choice="refund"]'));
    expect(firstOpen()).toBe('error-handling');
    expect(outlined()).toEqual([element('[data-choice="skip-payment"]')]);
    tick(element<HTMLInputElement>('[data-choice="record-anyway"]'));
    expect(firstOpen()).toBe('error-handling');
    tick(element<HTMLInputElement>('[data-choice="skip-payment"]'));
    expect(firstOpen()).toBe('next:options');
    expect(outlined()).toEqual([element('button')]);

    report = nextReport();
    element('[role="dialog"]').outerHTML = creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="">`).replace(ORDER_PAGE_TOP, '');
    expect(firstOpen(await report)).toBe('owed');
    expect([...latest().progress.submitted].sort()).toEqual(['error-handling', 'method', 'payments']);
    expect(outlined()).toEqual([element('#owed')]);

    type(element<HTMLInputElement>('#owed'), '0.00');
    expect(firstOpen()).toBe('final');
    const finish = element('button');
    expect(outlined()).toEqual([finish]);
    expect(latest().progress.finalClicked).toBe(false);
  });

  it("counts a person's click on the final button, not a script's", () => {
    render(creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="0.00">`));
    // The person opened the screen and went through its first steps before this page loaded.
    follow(GUIDE_PLAN, { opened: true, submitted: ['payments', 'method', 'error-handling'], finalClicked: false });
    const finish = element('button');
    expect(firstOpen()).toBe('final');

    finish.click();
    expect(latest().progress.finalClicked).toBe(false);
    expect(firstOpen()).toBe('final');

    trustedClick(finish);
    expect(latest().progress.finalClicked).toBe(true);
    expect(latest().items.every((item) => item.done)).toBe(true);
    expect(outlined()).toEqual([]);
  });

  it("counts a person's click on Next as submitting the step, not a script's", () => {
    render(paymentsDialog());
    follow();
    const next = element('input[value="Next"]');
    next.click();
    expect(latest().progress.submitted).toEqual([]);
    trustedClick(next);
    expect(latest().progress.submitted).toEqual(['payments']);
    expect(done()).toContain('next:payments');
  });

  it('outlines the opener on the order page, then moves on when the screen opens', async () => {
    render(ORDER_PAGE_TOP);
    follow();
    expect(firstOpen()).toBe('open');
    const opener = element('input[value="Refund Payment"]');
    expect(outlined()).toEqual([opener]);

    const report = nextReport();
    document.body.insertAdjacentHTML('beforeend', paymentsDialog().replace(ORDER_PAGE_TOP, ''));
    expect(done(await report)).toContain('open');
    expect(opener.style.outline).toBe('');
    expect(outlined()).toEqual([element('[data-truth="7001"]')]);
  });

  it('never changes a field, ticks a box or clicks anything itself', async () => {
    render(paymentsDialog());
    const clicks: EventTarget[] = [];
    document.addEventListener('click', (event) => clicks.push(event.target!), true);
    const before = fieldStates();
    follow();
    await observersRun();
    expect(fieldStates()).toEqual(before);

    tick(element<HTMLInputElement>('[data-truth="7001"]'));
    const afterTick = fieldStates();
    await observersRun();
    expect(fieldStates()).toEqual(afterTick);

    const report = nextReport();
    element('[role="dialog"]').outerHTML = optionsDialog().replace(ORDER_PAGE_TOP, '');
    await report;
    await observersRun();
    expect(Array.from(document.querySelectorAll<HTMLInputElement>('input[type="radio"]')).some((radio) => radio.checked)).toBe(false);

    element('[role="dialog"]').outerHTML = creditDialog(`<label for="owed">${OWED_QUESTION}</label> <input id="owed" value="">`).replace(ORDER_PAGE_TOP, '');
    await observersRun();
    expect(element<HTMLInputElement>('#owed').value).toBe('');
    expect(firstOpen()).toBe('owed');
    expect(clicks).toEqual([]);
  });

  it('reports only when the checklist changes', async () => {
    render(paymentsDialog());
    follow();
    expect(reports).toHaveLength(1);
    element('h2').textContent = 'Refund a payment';
    await observersRun();
    type(element<HTMLInputElement>('[data-truth="7002"]').closest('tr')!.querySelector('input[type="text"]')!, '60.00');
    expect(reports).toHaveLength(1);
    tick(element<HTMLInputElement>('[data-truth="7001"]'));
    expect(reports).toHaveLength(2);
  });

  it('puts the outline back as it was when it stops', () => {
    render(paymentsDialog());
    const box = element<HTMLInputElement>('[data-truth="7001"]');
    box.style.outline = '1px dotted blue';
    const own = box.style.outline;
    follow();
    expect(box.style.outline).toBe(guideOutline());
    following.abort();
    expect(box.style.outline).toBe(own);
    expect(own).not.toBe('');
    expect(outlined()).toEqual([]);
    const count = reports.length;
    tick(box);
    expect(reports).toHaveLength(count);
  });
});
