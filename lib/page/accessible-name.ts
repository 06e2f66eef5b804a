/**
 * Accessible names and control lookup for Keap's pages, which mix `<button>`,
 * `<input type="button" value="…">`, links with click handlers, `<label for>`, wrapping labels
 * and labels that are only the text in the next table cell. Controls are found by what a person
 * reads on screen, never by ids or classes.
 */

export type ControlRole = 'button' | 'checkbox' | 'radio' | 'textbox' | 'combobox';

export interface FoundControl {
  element: HTMLElement;
  name: string;
  disabled: boolean;
}

const BUTTON_INPUT_TYPES = new Set(['button', 'submit', 'reset', 'image']);
const TEXT_INPUT_TYPES = new Set(['', 'text', 'number', 'email', 'tel', 'url', 'search']);

export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The ARIA role a control plays, from its explicit role or its tag and type. */
export function roleOf(element: Element): ControlRole | null {
  const explicitRole = element.getAttribute('role');
  if (explicitRole === 'button' || explicitRole === 'checkbox' || explicitRole === 'radio' || explicitRole === 'textbox' || explicitRole === 'combobox') {
    return explicitRole;
  }
  const tag = element.tagName.toLowerCase();
  if (tag === 'button') return 'button';
  if (tag === 'a' && actsAsButton(element)) return 'button';
  if (tag === 'textarea') return 'textbox';
  if (tag === 'select') return 'combobox';
  if (tag === 'input') {
    const type = (element.getAttribute('type') ?? '').toLowerCase();
    if (BUTTON_INPUT_TYPES.has(type)) return 'button';
    if (type === 'checkbox') return 'checkbox';
    if (type === 'radio') return 'radio';
    if (TEXT_INPUT_TYPES.has(type)) return 'textbox';
  }
  return null;
}

/**
 * A link that runs script rather than going somewhere (`href="#"`, `javascript:`, or an inline
 * click handler), as jQuery-era pages draw buttons; a link to another page is not a control.
 */
function actsAsButton(link: Element): boolean {
  const href = (link.getAttribute('href') ?? '').trim();
  return link.hasAttribute('onclick') || href === '' || href === '#' || /^javascript:/i.test(href);
}

/** Text a person reads inside an element, skipping hidden parts and form controls' own text. */
function visibleText(element: Element): string {
  let text = '';
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3) {
      text += ` ${child.textContent ?? ''} `;
    } else if (child.nodeType === 1) {
      const childElement = child as Element;
      const tag = childElement.tagName.toLowerCase();
      if (tag === 'script' || tag === 'style' || childElement.hasAttribute('hidden')) continue;
      if (tag === 'select' || tag === 'textarea') continue;
      if (tag === 'input') {
        const type = (childElement.getAttribute('type') ?? '').toLowerCase();
        if (BUTTON_INPUT_TYPES.has(type)) text += ` ${childElement.getAttribute(type === 'image' ? 'alt' : 'value') ?? ''} `;
        continue;
      }
      text += ` ${visibleText(childElement)} `;
    }
  }
  return text;
}

/**
 * The text a person reads in an element, its parts spaced apart as a page lays them out: "$60.00"
 * and "Apr 23, 2025" in two spans do not run together as `textContent` has them.
 */
export function readableText(element: Element): string {
  return normaliseWhitespace(visibleText(element));
}

function textOfIdList(element: Element, ids: string): string {
  const document = element.ownerDocument;
  return ids
    .split(/\s+/)
    .filter((id) => id !== '')
    .map((id) => document.getElementById(id))
    .filter((labelElement): labelElement is HTMLElement => labelElement !== null)
    .map((labelElement) => visibleText(labelElement))
    .join(' ');
}

function labelsOf(element: Element): Element[] {
  const labels: Element[] = [];
  const id = element.getAttribute('id');
  if (id) {
    for (const label of Array.from(element.ownerDocument.querySelectorAll('label'))) {
      if (label.getAttribute('for') === id) labels.push(label);
    }
  }
  const wrappingLabel = element.closest('label');
  if (wrappingLabel && !labels.includes(wrappingLabel)) labels.push(wrappingLabel);
  return labels;
}

/** The accessible name of a control, whitespace-normalised (a practical subset of accname 1.2). */
export function accessibleName(element: Element): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    const name = normaliseWhitespace(textOfIdList(element, labelledBy));
    if (name !== '') return name;
  }
  const ariaLabel = normaliseWhitespace(element.getAttribute('aria-label') ?? '');
  if (ariaLabel !== '') return ariaLabel;

  const tag = element.tagName.toLowerCase();
  const type = (element.getAttribute('type') ?? '').toLowerCase();
  if (tag === 'input' && type === 'image') {
    const alt = normaliseWhitespace(element.getAttribute('alt') ?? '');
    if (alt !== '') return alt;
  }
  if (tag === 'input' && BUTTON_INPUT_TYPES.has(type)) {
    const value = normaliseWhitespace(element.getAttribute('value') ?? (element as HTMLInputElement).value ?? '');
    if (value !== '') return value;
  }
  const isField = tag === 'input' || tag === 'select' || tag === 'textarea';
  if (isField) {
    const labelText = normaliseWhitespace(
      labelsOf(element)
        .map((label) => visibleText(label))
        .join(' '),
    );
    if (labelText !== '') return labelText;
  }
  if (tag === 'button' || tag === 'a' || element.getAttribute('role') === 'button' || element.getAttribute('role') === 'checkbox' || element.getAttribute('role') === 'radio') {
    const content = normaliseWhitespace(visibleText(element));
    if (content !== '') return content;
  }
  const title = normaliseWhitespace(element.getAttribute('title') ?? '');
  if (title !== '' || !isField) return title;
  return textBeside(element);
}

const FIELD_SELECTOR = 'input:not([type="hidden"]), select, textarea, button';
/** Longer text beside a field is a paragraph, not its label. */
const MAX_BESIDE_TEXT_LENGTH = 300;

function holdsOtherFields(container: Element, field: Element): boolean {
  return Array.from(container.querySelectorAll(FIELD_SELECTOR)).some((other) => other !== field);
}

/** A tick box or radio followed by bare text (`<input type="radio"> Refund<br>`): that text, up to the next field or line break. */
function textFollowing(field: Element): string {
  const type = (field.getAttribute('type') ?? '').toLowerCase();
  if (field.tagName !== 'INPUT' || (type !== 'radio' && type !== 'checkbox')) return '';
  let text = '';
  for (let node = field.nextSibling; node; node = node.nextSibling) {
    if (node.nodeType === 3) {
      text += node.textContent ?? '';
      continue;
    }
    if (node.nodeType !== 1) continue;
    const element = node as Element;
    if (element.tagName === 'BR' || element.matches(FIELD_SELECTOR) || element.querySelector(FIELD_SELECTOR) !== null) break;
    text += ` ${visibleText(element)} `;
  }
  const name = normaliseWhitespace(text);
  return name.length <= MAX_BESIDE_TEXT_LENGTH ? name : '';
}

/**
 * The label of a field that has none in markup, as jQuery-era forms draw it: the text around it
 * in its own parent (`<p>Reason: <input></p>`), else the other cells of its table row
 * (`<td>Reason:</td><td><input></td>`), else the element just before it. Only when nothing there
 * holds another field, so the text cannot belong to something else.
 */
function textBeside(field: Element): string {
  const following = textFollowing(field);
  if (following !== '') return following;
  const candidates: Element[] = [];
  const parent = field.parentElement;
  if (parent) candidates.push(parent);
  const row = field.closest('tr');
  if (row) candidates.push(row);
  const before = field.previousElementSibling;
  if (before && before.tagName !== 'BR') candidates.push(before);
  for (const candidate of candidates) {
    if (candidate !== before && holdsOtherFields(candidate, field)) continue;
    // The element just before may itself be a control (a select, whose options would read as text; a button).
    if (candidate === before && (candidate.matches(FIELD_SELECTOR) || roleOf(candidate) !== null || candidate.querySelector(FIELD_SELECTOR) !== null)) continue;
    const text = normaliseWhitespace(visibleText(candidate));
    if (text !== '' && text.length <= MAX_BESIDE_TEXT_LENGTH) return text;
  }
  return '';
}

/** Whether an element is rendered: no `hidden`, `display:none` on it or an ancestor, or `visibility:hidden`. */
export function isVisible(element: Element): boolean {
  const view = element.ownerDocument.defaultView;
  if (!view) return false;
  for (let current: Element | null = element; current; current = current.parentElement) {
    if (current.hasAttribute('hidden')) return false;
    if (view.getComputedStyle(current).display === 'none') return false;
  }
  const visibility = view.getComputedStyle(element).visibility;
  return visibility !== 'hidden' && visibility !== 'collapse';
}

export function isDisabled(element: Element): boolean {
  if (element.getAttribute('aria-disabled') === 'true') return true;
  if ((element as HTMLInputElement).disabled === true) return true;
  return element.closest('fieldset[disabled]') !== null;
}

const CANDIDATE_SELECTOR = 'button, a, input, select, textarea, [role="button"], [role="checkbox"], [role="radio"], [role="textbox"], [role="combobox"]';

function nameMatches(name: string, wanted: string | RegExp): boolean {
  if (typeof wanted === 'string') return name.toLowerCase() === normaliseWhitespace(wanted).toLowerCase();
  // A global or sticky pattern keeps state between calls; start each test from the beginning.
  wanted.lastIndex = 0;
  return wanted.test(name);
}

/** Every visible control of `role` whose accessible name matches, in document order, disabled ones included. */
export function findControlsByName(root: ParentNode, role: ControlRole, name: string | RegExp): FoundControl[] {
  const found: FoundControl[] = [];
  for (const element of Array.from(root.querySelectorAll<HTMLElement>(CANDIDATE_SELECTOR))) {
    if (roleOf(element) !== role || !isVisible(element)) continue;
    const elementName = accessibleName(element);
    if (nameMatches(elementName, name)) found.push({ element, name: elementName, disabled: isDisabled(element) });
  }
  return found;
}

/** The first visible control of `role` named `name` (exact, case-insensitive text or a pattern), or null. */
export function findControlByName(root: ParentNode, role: ControlRole, name: string | RegExp): FoundControl | null {
  return findControlsByName(root, role, name)[0] ?? null;
}
