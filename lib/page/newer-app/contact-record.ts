import { accessibleName, isVisible, normaliseWhitespace } from '@/lib/page/accessible-name';
import type { PanelAnchor } from '@/lib/page/panel-anchor';
import { looseText } from '@/lib/page/refund-screen/words';
import { ACTIVITY_SECTION_WORDS, labelIsOneOf, MONEY_CARD_WORDS } from './words';

/*
 * The contact record of Keap's newer web app, read by meaning: nothing public shows its markup
 * (keap-facts.md: "Not documented: any markup"), so parts are found by the words a person reads
 * (words.ts) in headings, labelled regions and controls, never by ids, classes or positions.
 */

const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role="heading"]';
const SECTIONS = 'section, article, aside, [role="region"], [role="group"], [role="tabpanel"]';
/** A row of cards or tabs the Money card may sit in: the panel goes before the whole row, not inside it. */
const CARD_ROWS = '[role="tablist"], [role="list"], ul, ol';
const CONTROLS = 'button, a[href], [role="button"], [role="tab"], [role="link"]';
/** The app's navigation, banners and dialogs are not the record: an "Activity" link in a menu is not its section. */
const NOT_THE_RECORD = 'nav, [role="navigation"], [role="banner"], [role="contentinfo"], dialog, [role="dialog"], [role="alertdialog"], [aria-hidden="true"]';
/** Lists whose entries may carry people's names as headings: a list of contacts beside the record, say. */
const LIST_ENTRIES = 'li, [role="listitem"], tr, [role="row"], [role="option"], [role="gridcell"]';

/** The record's main content when the app marks it (`main`, role=main), else the whole page. */
export function recordScope(document: Document): Element {
  return document.querySelector('main, [role="main"]') ?? document.body;
}

function isOnRecord(element: Element): boolean {
  return element.closest(NOT_THE_RECORD) === null && isVisible(element);
}

/** What a heading says: its ARIA name, else its text. */
function headingText(heading: Element): string {
  return accessibleName(heading) || normaliseWhitespace(heading.textContent ?? '');
}

/** The section a heading heads: its nearest sectioning ancestor inside `scope`, else its parent. */
function sectionOf(heading: Element, scope: Element): Element {
  const section = heading.closest(SECTIONS);
  if (section && section !== scope && scope.contains(section)) return section;
  return heading.parentElement && heading.parentElement !== scope ? heading.parentElement : heading;
}

/** The contact's activity section: a region named like it, or the section under a heading that reads like it. */
function activitySection(scope: Element): Element | null {
  for (const element of Array.from(scope.querySelectorAll(`${HEADINGS}, ${SECTIONS}`))) {
    const isHeading = element.matches(HEADINGS);
    // A region counts by its ARIA name only: its text is everything in it.
    const label = isHeading ? headingText(element) : element.hasAttribute('aria-label') || element.hasAttribute('aria-labelledby') ? accessibleName(element) : '';
    if (!labelIsOneOf(label, ACTIVITY_SECTION_WORDS) || !isOnRecord(element)) continue;
    return isHeading ? sectionOf(element, scope) : element;
  }
  return null;
}

/** The Money card: a control named Money or the card a Money heading heads, or else the row of cards it sits in. */
function moneyCard(scope: Element): Element | null {
  for (const element of Array.from(scope.querySelectorAll(`${CONTROLS}, ${HEADINGS}`))) {
    const isHeading = element.matches(HEADINGS);
    const label = isHeading ? headingText(element) : accessibleName(element) || normaliseWhitespace(element.textContent ?? '');
    if (!labelIsOneOf(label, MONEY_CARD_WORDS) || !isOnRecord(element)) continue;
    const card = isHeading ? sectionOf(element, scope) : element;
    const row = card.parentElement?.closest(CARD_ROWS);
    return row && row !== scope && scope.contains(row) ? row : card;
  }
  return null;
}

/**
 * Where the Refunds panel goes on the newer app's contact record: just before the contact's
 * activity section (where Keap's own refund starts, help.keap.com: "the Money card in the Contact
 * activity section"), else just before the Money card, else first in the record's main content,
 * else atop the page.
 */
export function newerAppPanelAnchor(document: Document): PanelAnchor {
  const scope = recordScope(document);
  const beside = activitySection(scope) ?? moneyCard(scope);
  if (beside) return { element: beside, where: 'before' };
  return { element: scope, where: 'prepend' };
}

/**
 * Whether the record shows the contact named `name`: a heading of the page reads it (as whole
 * words, case and punctuation aside), the way a record names its contact at its top. Headings of
 * list entries do not count: the app may list other contacts beside the record.
 */
export function newerAppShowsContact(document: Document, name: string): boolean {
  const wanted = looseText(name);
  if (wanted === '') return false;
  return Array.from(document.querySelectorAll(HEADINGS)).some(
    (heading) => heading.closest(LIST_ENTRIES) === null && heading.closest(NOT_THE_RECORD) === null && ` ${looseText(headingText(heading))} `.includes(` ${wanted} `),
  );
}
