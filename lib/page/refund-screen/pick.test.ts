// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { pickCandidates, pickControl } from './pick';
import { creditDialog, optionsDialog, OWED_QUESTION, paymentRow, paymentsDialog, PLAN, STANDARD_ROWS } from './test-screens';

function render(html: string): void {
  document.body.innerHTML = html;
}

function element<T extends HTMLElement = HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

/** A click as the browser sends one from a person. happy-dom has no `isTrusted`, so it is set here by hand. */
function trustedClick(target: HTMLElement): boolean {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  return target.dispatchEvent(event);
}

/** The candidates' outline as this DOM writes it back. */
function candidateOutline(): string {
  const probe = document.createElement('span');
  probe.style.outline = '3px dashed #1a73e8';
  return probe.style.outline;
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

/** A pick, and whether (and with what) it has answered so far. */
function startPick(candidates: HTMLElement[], signal: AbortSignal) {
  const state: { answered: boolean; name: string | null } = { answered: false, name: null };
  const promise = pickControl(document, candidates, signal).then((name) => {
    state.answered = true;
    state.name = name;
    return name;
  });
  return { state, promise };
}

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('pickCandidates', () => {
  it("offers the step's forward actions for the final button, not Cancel or Back", () => {
    render(creditDialog(undefined, '<button>Back</button> <button data-testid="go">Make it so</button> <button>Cancel</button>'));
    expect(pickCandidates(document, PLAN, {}, 'credit-final')).toEqual([element('[data-testid="go"]')]);
  });

  it('offers every forward action when several could move on', () => {
    render(paymentsDialog({ actions: '<button data-testid="a">Go on</button> <a href="#" onclick="x()" data-testid="b">Onwards</a> <button>Cancel</button>' }));
    expect(pickCandidates(document, PLAN, {}, 'payments-next')).toEqual([element('[data-testid="a"]'), element('[data-testid="b"]')]);
  });

  it("offers the free text fields for the reason, not the rows' amount fields nor hidden ones", () => {
    render(
      paymentsDialog({
        reason: `<p><label for="why">Why?</label><input id="why"></p><textarea data-testid="memo"></textarea>
          <input type="hidden" name="token" value="x"><input type="text" style="display:none" name="gone">
          <input type="checkbox" data-testid="email"> Email the client`,
      }),
    );
    expect(pickCandidates(document, PLAN, {}, 'payments-reason')).toEqual([element('#why'), element('[data-testid="memo"]')]);
  });

  it('offers nothing on a page without the screen', () => {
    render('<p>Nothing here</p><button>Next</button>');
    expect(pickCandidates(document, PLAN, {}, 'credit-final')).toEqual([]);
  });

  it('does not offer a field or a tick box for a button', () => {
    // The screen reads as a problem about something else (an unknown reason label, a foreign row):
    // the control that problem points at is not a candidate for a button.
    render(paymentsDialog({ reason: '<p><label for="why">Why?</label><input id="why"></p>', actions: '<button>Go on</button>' }));
    expect(pickCandidates(document, PLAN, {}, 'payments-next')).not.toContain(element('#why'));
    render(paymentsDialog({ rows: [...STANDARD_ROWS, paymentRow({ truth: 7003, date: '09/01/2026', idText: '7003', amount: '$15.00' })] }));
    expect(pickCandidates(document, PLAN, {}, 'payments-next')).toEqual([]);
    render(creditDialog(`<p>${OWED_QUESTION}? <input></p><p>${OWED_QUESTION}? <input></p>`, '<button>Make it so</button>'));
    expect(pickCandidates(document, PLAN, {}, 'credit-final')).toEqual([]);
  });

  it("offers the options step's forward actions for its Next", () => {
    render(optionsDialog(undefined, '<button data-testid="on">Onwards</button><button>Cancel</button>'));
    expect(pickCandidates(document, PLAN, {}, 'options-next')).toEqual([element('[data-testid="on"]')]);
  });
});

describe('pickControl', () => {
  it('outlines the candidates while it waits, and answers null with the outlines restored when called off', async () => {
    render('<button data-testid="a" style="outline: 1px solid green">Make it so</button><button data-testid="b">Other</button>');
    const a = element('[data-testid="a"]');
    const b = element('[data-testid="b"]');
    const own = a.style.outline;
    const controller = new AbortController();
    const pick = startPick([a, b], controller.signal);
    expect(a.style.outline).toBe(candidateOutline());
    expect(b.style.outline).toBe(candidateOutline());
    await settle();
    expect(pick.state.answered).toBe(false);

    controller.abort();
    expect(await pick.promise).toBeNull();
    expect(a.style.outline).toBe(own);
    expect(b.style.outline).toBe('');
  });

  it('answers null at once when already called off', async () => {
    render('<button>Make it so</button>');
    const controller = new AbortController();
    controller.abort();
    const button = element('button');
    expect(await pickControl(document, [button], controller.signal)).toBeNull();
    expect(button.style.outline).toBe('');
  });

  it("ignores a script's click on a candidate, and keeps it from the page", async () => {
    render('<form><input type="submit" value="Make it so" data-testid="go"></form><button data-testid="other">Help me</button>');
    const go = element('[data-testid="go"]');
    const pageSaw: string[] = [];
    go.addEventListener('click', () => pageSaw.push('click'));
    go.addEventListener('mousedown', () => pageSaw.push('mousedown'));
    element('form').addEventListener('submit', (event) => {
      event.preventDefault();
      pageSaw.push('submit');
    });
    const controller = new AbortController();
    const pick = startPick([go], controller.signal);

    go.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true }));
    go.click();
    await settle();
    expect(pageSaw).toEqual([]);
    expect(pick.state.answered).toBe(false);

    controller.abort();
    expect(await pick.promise).toBeNull();
  });

  it('lets clicks elsewhere through to the page', async () => {
    render('<button data-testid="go">Make it so</button><button data-testid="other">Help</button>');
    let otherClicks = 0;
    element('[data-testid="other"]').addEventListener('click', () => (otherClicks += 1));
    const controller = new AbortController();
    const pick = startPick([element('[data-testid="go"]')], controller.signal);
    element('[data-testid="other"]').click();
    trustedClick(element('[data-testid="other"]'));
    await settle();
    expect(otherClicks).toBe(2);
    expect(pick.state.answered).toBe(false);
    controller.abort();
    await pick.promise;
  });

  it('keeps Enter and space on a candidate from the page, but not other keys', async () => {
    render('<button data-testid="go">Make it so</button>');
    const go = element('[data-testid="go"]');
    const keys: string[] = [];
    go.addEventListener('keydown', (event) => keys.push(event.key));
    const controller = new AbortController();
    const pick = startPick([go], controller.signal);
    for (const key of ['Enter', ' ', 'Tab']) go.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    expect(keys).toEqual(['Tab']);
    await settle();
    expect(pick.state.answered).toBe(false);
    controller.abort();
    await pick.promise;
  });

  it('answers the name of the candidate a person clicks (inside it too), without the page seeing the click', async () => {
    render('<div role="dialog"><button data-testid="go"><b>Make</b> it so</button></div>');
    const go = element('[data-testid="go"]');
    let pageClicks = 0;
    go.addEventListener('click', () => (pageClicks += 1));
    const pick = startPick([go], new AbortController().signal);

    expect(trustedClick(element('b'))).toBe(false);
    expect(await pick.promise).toBe('Make it so');
    expect(pageClicks).toBe(0);
    expect(go.style.outline).toBe('');

    // Once answered, the page has its clicks back.
    go.click();
    expect(pageClicks).toBe(1);
  });

  it('answers null for a picked control with no name', async () => {
    render('<input type="image" src="go.gif" data-testid="go">');
    const go = element('[data-testid="go"]');
    const pick = startPick([go], new AbortController().signal);
    trustedClick(go);
    expect(await pick.promise).toBeNull();
  });
});
