// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { newerAppPanelAnchor, newerAppShowsContact } from './contact-record';
import { labelIsOneOf } from './words';

afterEach(() => {
  document.body.innerHTML = '';
});

function page(html: string): void {
  document.body.innerHTML = html;
}

const byId = (id: string) => document.getElementById(id);

/** The app's frame around a record: navigation (with its own "Activity" and "Money" links), then the record. */
function app(record: string, { main = true } = {}): string {
  const nav = '<nav><a href="/activity">Activity</a><a href="/money">Money</a><h2>Contact activity</h2></nav>';
  return main ? `${nav}<main id="main">${record}</main>` : `${nav}<div id="content">${record}</div>`;
}

describe('labelIsOneOf', () => {
  it('reads a label as a person does: case, punctuation and a count after it aside', () => {
    for (const label of ['Money', 'money', ' MONEY ', 'Money:', 'Money (3)', 'Money 12', 'Money · 2']) expect(labelIsOneOf(label, ['Money']), label).toBe(true);
    expect(labelIsOneOf('Contact Activity', ['Contact activity'])).toBe(true);
  });

  it('is not a longer or another label', () => {
    for (const label of ['Money owed', 'Make money', 'Monies', '', '3']) expect(labelIsOneOf(label, ['Money']), label).toBe(false);
  });
});

describe('newerAppPanelAnchor', () => {
  it('goes just before the section under a heading that reads "Contact activity"', () => {
    page(
      app(
        '<header><h1>Dana Whitfield</h1></header><section id="details"><h2>Details</h2></section><section id="activity"><h2>Contact activity</h2><button>Money</button></section>',
      ),
    );
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('activity'), where: 'before' });
  });

  it('takes a region named by ARIA, or a heading by role, and reads "Activity" too', () => {
    page(app('<div id="activity" role="region" aria-label="Activity"><div role="tab">Money</div></div>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('activity'), where: 'before' });
    page(app('<div id="timeline"><div role="heading" aria-level="2">Activity (14)</div><ul><li>Note added</li></ul></div>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('timeline'), where: 'before' });
    page(app('<span id="label">Contact activity</span><section id="activity" aria-labelledby="label"><p>…</p></section>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('activity'), where: 'before' });
  });

  it('without an activity section, goes before the Money card, or before the row of cards it sits in', () => {
    page(app('<div id="cards"><article id="money"><h3>Money</h3><p>$120.00 paid</p></article></div>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('money'), where: 'before' });
    page(app('<ul id="cards"><li><h3>Notes</h3></li><li><h3>Money</h3></li></ul>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('cards'), where: 'before' });
    page(app('<button id="money" type="button">Money</button>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('money'), where: 'before' });
    page(app('<div id="tabs" role="tablist"><button role="tab">Notes</button><button role="tab" aria-label="Money (2)">$</button></div>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('tabs'), where: 'before' });
  });

  it('prefers the activity section to the Money card inside it', () => {
    page(app('<button type="button">Money</button><section id="activity"><h2>Contact activity</h2></section>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('activity'), where: 'before' });
  });

  it('ignores the app’s navigation, dialogs and hidden parts, and other words', () => {
    page(
      app(
        '<div role="dialog"><h2>Contact activity</h2></div><section hidden><h2>Activity</h2></section><section style="display:none"><button>Money</button></section>' +
          '<section id="x"><h2>Activity log settings</h2></section><a href="/money/reports">Money reports</a>',
      ),
    );
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('main'), where: 'prepend' });
  });

  it('falls back to the top of the main content, by tag or by role, and else the top of the page', () => {
    page(app('<h1>Dana Whitfield</h1><p>No activity yet.</p>'));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('main'), where: 'prepend' });
    page('<nav>Contacts</nav><div id="main" role="main"><h1>Dana Whitfield</h1></div>');
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('main'), where: 'prepend' });
    page(app('<h1>Dana Whitfield</h1>', { main: false }));
    expect(newerAppPanelAnchor(document)).toEqual({ element: document.body, where: 'prepend' });
  });

  it('finds an activity section outside `main` only when the page has no `main`', () => {
    page(app('<section id="activity"><h2>Contact activity</h2></section>', { main: false }));
    expect(newerAppPanelAnchor(document)).toEqual({ element: byId('activity'), where: 'before' });
  });
});

describe('newerAppShowsContact', () => {
  it('is true when a heading of the record names the contact, case, spacing and punctuation aside', () => {
    page(app('<header><h1>  Dana   Whitfield </h1><p>dana@example.com</p></header>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(true);
    expect(newerAppShowsContact(document, 'dana whitfield')).toBe(true);
    page(app('<div role="heading" aria-level="1">Whitfield, Dana — Dana Whitfield</div>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(true);
    page(app('<h2>Dr. Dana Whitfield (VIP)</h2>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(true);
  });

  it('is false for a name only in text, in a list of contacts, in navigation, or only part of a word', () => {
    page(app('<p>Dana Whitfield</p><h1>Contacts</h1>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(false);
    page(app('<ul><li><h3>Dana Whitfield</h3></li><li><h3>Sam Ortiz</h3></li></ul><h1>Sam Ortiz</h1>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(false);
    expect(newerAppShowsContact(document, 'Sam Ortiz')).toBe(true);
    page('<nav><h2>Dana Whitfield</h2></nav><main><h1>Sam Ortiz</h1></main>');
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(false);
    page(app('<h1>Dana Whitfields</h1>'));
    expect(newerAppShowsContact(document, 'Dana Whitfield')).toBe(false);
  });

  it('is false for a name that reads as nothing', () => {
    page(app('<h1>Dana Whitfield</h1>'));
    expect(newerAppShowsContact(document, '  ')).toBe(false);
    expect(newerAppShowsContact(document, '—')).toBe(false);
  });
});
