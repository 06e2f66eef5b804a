// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { accessibleName, findControlByName, findControlsByName, roleOf } from '@/lib/page/accessible-name';

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
    const root = render(
      '<label><input type="checkbox">Reason</label><label for="r">Reason</label><textarea id="r"></textarea><label for="s">Reason</label><select id="s"></select>',
    );
    expect(findControlByName(root, 'checkbox', 'Reason')?.element.tagName).toBe('INPUT');
    expect(findControlByName(root, 'textbox', 'Reason')?.element.tagName).toBe('TEXTAREA');
    expect(findControlByName(root, 'combobox', 'Reason')?.element.tagName).toBe('SELECT');
  });

  it('skips controls that are not displayed', () => {
    const root = render('<div style="display:none"><button>Next</button></div><div hidden><button>Next</button></div><button style="visibility:hidden">Next</button>');
    expect(findControlsByName(root, 'button', 'Next')).toEqual([]);
  });

  it('reports disabled controls instead of hiding them', () => {
    const root = render(
      '<input type="button" value="Next" disabled><fieldset disabled><button>Finish</button></fieldset><div role="button" aria-disabled="true">Close</div><button>Cancel</button>',
    );
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

describe('accessibleName from the text beside a field', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('reads the other cell of a table row: <td>Reason:</td><td><input></td>', () => {
    render('<table><tr><td>Reason:</td><td><input data-testid="f" type="text"></td></tr></table>');
    expect(accessibleName(byTestId('f'))).toBe('Reason:');
  });

  it('reads the question around a field in its paragraph', () => {
    render('<p>How much should the client owe you after this transaction is complete? <input data-testid="f" value="0.00"></p>');
    expect(accessibleName(byTestId('f'))).toBe('How much should the client owe you after this transaction is complete?');
  });

  it('reads the text after a radio or tick box, up to the line break', () => {
    render(`<div><input data-testid="a" type="radio" name="m" value="1"> Refund<br>
      <input data-testid="b" type="radio" name="m" value="2"> Manual <b>Refund</b><br>
      <input data-testid="c" type="checkbox"> Email the client<br></div>`);
    expect(accessibleName(byTestId('a'))).toBe('Refund');
    expect(accessibleName(byTestId('b'))).toBe('Manual Refund');
    expect(accessibleName(byTestId('c'))).toBe('Email the client');
  });

  it('reads the text before a field when the field sits in a box of its own', () => {
    render('<div><span>Reason</span><input data-testid="f"><input type="button" value="Next"></div>');
    expect(accessibleName(byTestId('f'))).toBe('Reason');
  });

  it('does not read a row that holds another field', () => {
    render('<table><tr><td>Amount</td><td><input data-testid="a"></td><td><input data-testid="b"></td></tr></table>');
    expect(accessibleName(byTestId('a'))).toBe('');
    expect(accessibleName(byTestId('b'))).toBe('');
  });

  it('does not read a paragraph that holds another field', () => {
    render('<p>Reason: <input data-testid="a"> <input data-testid="b"></p><p>Notes <textarea data-testid="c"></textarea><button>Save</button></p>');
    expect(accessibleName(byTestId('a'))).toBe('');
    expect(accessibleName(byTestId('b'))).toBe('');
    expect(accessibleName(byTestId('c'))).toBe('');
  });

  it("does not name a field after the control just before it (a select's options, a button's or a script link's text)", () => {
    render(`<p><select><option>Refund</option><option>Manual Refund</option></select><input data-testid="a"></p>
      <p><button>Help</button><input data-testid="b"></p>
      <p><a href="#" onclick="help()">Help</a><input data-testid="c"> <input type="button" value="Go"></p>`);
    expect(accessibleName(byTestId('a'))).toBe('');
    expect(accessibleName(byTestId('b'))).toBe('');
    expect(accessibleName(byTestId('c'))).toBe('');
  });

  it('leaves out a long paragraph beside a field', () => {
    render(`<p>${'This is a long explanation. '.repeat(20)}<input data-testid="f"></p>`);
    expect(accessibleName(byTestId('f'))).toBe('');
  });

  it('prefers a label in markup over the text beside', () => {
    render('<table><tr><td>Reason:</td><td><label for="r">Notes</label><input data-testid="f" id="r"></td></tr></table>');
    expect(accessibleName(byTestId('f'))).toBe('Notes');
  });
});

describe('image buttons and links that act as buttons', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('names <input type="image"> by its alt text, and it is a button', () => {
    const root = render('<input data-testid="f" type="image" src="next.gif" alt="  Next  ">');
    expect(roleOf(byTestId('f'))).toBe('button');
    expect(accessibleName(byTestId('f'))).toBe('Next');
    expect(findControlByName(root, 'button', 'Next')?.element).toBe(byTestId('f'));
  });

  it('treats links that run script as buttons', () => {
    const root = render(`<a data-testid="a" href="#" onclick="next(); return false;">Next</a>
      <a data-testid="b" href="javascript:void(0)">Finish</a>
      <a data-testid="c" onclick="go()">Continue</a>`);
    expect(roleOf(byTestId('a'))).toBe('button');
    expect(roleOf(byTestId('b'))).toBe('button');
    expect(roleOf(byTestId('c'))).toBe('button');
    expect(findControlByName(root, 'button', 'Next')?.element).toBe(byTestId('a'));
    expect(findControlByName(root, 'button', 'finish')?.element).toBe(byTestId('b'));
  });

  it('does not treat a link to another page as a button', () => {
    const root = render('<a data-testid="a" href="page.jsp">Cancel</a><a data-testid="b" href="../Job/manageJob.jsp?view=edit&amp;ID=5001">Order</a>');
    expect(roleOf(byTestId('a'))).toBeNull();
    expect(roleOf(byTestId('b'))).toBeNull();
    expect(findControlByName(root, 'button', 'Cancel')).toBeNull();
  });
});
