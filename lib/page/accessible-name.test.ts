// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { accessibleName, findControlByName, findControlsByName } from '@/lib/page/accessible-name';

function render(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

function byTestId(id: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`no element ${id}`);
  return element;
}

describe('accessibleName', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('prefers aria-labelledby, joining the referenced texts', () => {
    render('<span id="a">Refund</span><span id="b">  this   payment </span><button data-testid="c" aria-label="Ignored" aria-labelledby="a b">Text</button>');
    expect(accessibleName(byTestId('c'))).toBe('Refund this payment');
  });

  it('uses aria-label before content', () => {
    render('<button data-testid="c" aria-label="Close dialog">X</button>');
    expect(accessibleName(byTestId('c'))).toBe('Close dialog');
  });

  it('reads the value of input buttons', () => {
    render('<input data-testid="c" type="button" value="  Refund   Payment ">');
    expect(accessibleName(byTestId('c'))).toBe('Refund Payment');
  });

  it('reads <label for> and wrapping labels of inputs', () => {
    render(`<label for="r">Reason</label><input data-testid="a" id="r" type="text">
      <label><input data-testid="b" type="radio" name="m"> Manual
        Refund</label>`);
    expect(accessibleName(byTestId('a'))).toBe('Reason');
    expect(accessibleName(byTestId('b'))).toBe('Manual Refund');
  });

  it('reads button text content, including nested elements, skipping hidden parts', () => {
    render('<button data-testid="c"><span>Next</span><span hidden>secret</span> <b>step</b></button>');
    expect(accessibleName(byTestId('c'))).toBe('Next step');
  });

  it('falls back to title', () => {
    render('<input data-testid="c" type="text" title="Amount owed">');
    expect(accessibleName(byTestId('c'))).toBe('Amount owed');
  });

  it('gives an empty name to an unlabelled field', () => {
    render('<input data-testid="c" type="text">');
    expect(accessibleName(byTestId('c'))).toBe('');
  });
});

describe('findControlByName', () => {
  it('finds <button> and <input type=button> by name and role', () => {
    const root = render('<button>Cancel</button><input type="button" value="Next"><input type="submit" value="Finish">');
    expect(findControlByName(root, 'button', 'Next')?.element.tagName).toBe('INPUT');
    expect(findControlByName(root, 'button', 'finish')?.name).toBe('Finish');
    expect(findControlByName(root, 'button', 'Continue')).toBeNull();
  });

  it('matches whole names, so "Refund" does not find "Manual Refund"', () => {
    const root = render('<label><input type="radio" name="m" value="2">Manual Refund</label><label><input type="radio" name="m" value="1">Refund</label>');
    const refund = findControlByName(root, 'radio', 'Refund');
    expect((refund?.element as HTMLInputElement).value).toBe('1');
  });

  it('accepts a pattern', () => {
    const root = render('<label for="o">How much should the client owe you after this transaction is complete?</label><input id="o">');
    expect(findControlByName(root, 'textbox', /^How much should the client owe you/g)).not.toBeNull();
    expect(findControlByName(root, 'textbox', /^How much should the client owe you/g)).not.toBeNull();
  });

  it('distinguishes roles', () => {
    const root = render('<label><input type="checkbox">Reason</label><label for="r">Reason</label><textarea id="r"></textarea><label for="s">Reason</label><select id="s"></select>');
    expect(findControlByName(root, 'checkbox', 'Reason')?.element.tagName).toBe('INPUT');
    expect(findControlByName(root, 'textbox', 'Reason')?.element.tagName).toBe('TEXTAREA');
    expect(findControlByName(root, 'combobox', 'Reason')?.element.tagName).toBe('SELECT');
  });

  it('skips controls that are not displayed', () => {
    const root = render('<div style="display:none"><button>Next</button></div><div hidden><button>Next</button></div><button style="visibility:hidden">Next</button>');
    expect(findControlsByName(root, 'button', 'Next')).toEqual([]);
  });

  it('reports disabled controls instead of hiding them', () => {
    const root = render('<input type="button" value="Next" disabled><fieldset disabled><button>Finish</button></fieldset><div role="button" aria-disabled="true">Close</div><button>Cancel</button>');
    expect(findControlByName(root, 'button', 'Next')?.disabled).toBe(true);
    expect(findControlByName(root, 'button', 'Finish')?.disabled).toBe(true);
    expect(findControlByName(root, 'button', 'Close')?.disabled).toBe(true);
    expect(findControlByName(root, 'button', 'Cancel')?.disabled).toBe(false);
  });

  it('finds ARIA widgets by role', () => {
    const root = render('<div role="checkbox" aria-checked="false">Payment 7001</div>');
    expect(findControlByName(root, 'checkbox', 'Payment 7001')).not.toBeNull();
  });
});
