// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classicPageShows, classicPanelAnchor } from './classic-contact';
import { placeAt } from './panel-anchor';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

const ORDERS_TABLE =
  '<table id="orders"><thead><tr><th>Order ID</th><th>Title</th><th>Total</th></tr></thead><tbody><tr><td>5001</td><td>Shirt</td><td>$5.00</td></tr></tbody></table>';

describe('classicPanelAnchor', () => {
  it('goes above the contact’s tabs, else above the Orders table, else atop the page', () => {
    document.body.innerHTML = `<ul class="tabs" id="tabs"><li id="tab_orders"><a>Orders</a></li></ul>${ORDERS_TABLE}`;
    expect(classicPanelAnchor(document)).toEqual({ element: document.getElementById('tabs'), where: 'before' });
    document.body.innerHTML = ORDERS_TABLE;
    expect(classicPanelAnchor(document)).toEqual({ element: document.getElementById('orders'), where: 'before' });
    document.body.innerHTML = '<p>No orders</p>';
    expect(classicPanelAnchor(document)).toEqual({ element: document.body, where: 'prepend' });
  });

  it('takes the table a caller has just read, or its word that there is none, without looking again', () => {
    document.body.innerHTML = ORDERS_TABLE;
    expect(classicPanelAnchor(document, null)).toEqual({ element: document.body, where: 'prepend' });
    const other = document.createElement('div');
    expect(classicPanelAnchor(document, other)).toEqual({ element: other, where: 'before' });
  });
});

describe('classicPageShows', () => {
  it('finds the name anywhere in the page’s text, case and spacing aside', () => {
    document.body.innerHTML = '<div><b>Name:</b> <span>DANA</span>\n   <span>Whitfield</span></div>';
    expect(classicPageShows(document, 'Dana Whitfield')).toBe(true);
    expect(classicPageShows(document, 'Sam Ortiz')).toBe(false);
    expect(classicPageShows(document, '   ')).toBe(false);
  });
});

describe('placeAt', () => {
  it('puts the panel at its anchor, and leaves it alone when it is there already (anywhere inside, for "prepend")', () => {
    document.body.innerHTML = '<p id="first"></p><div id="content"><section id="target"></section></div>';
    const host = document.createElement('div');
    const target = document.getElementById('target')!;
    placeAt(host, { element: target, where: 'before' });
    expect(host.nextElementSibling).toBe(target);
    const before = vi.spyOn(target, 'before');
    const prepend = vi.spyOn(document.body, 'prepend');
    placeAt(host, { element: target, where: 'before' });
    expect(before).not.toHaveBeenCalled();
    placeAt(host, { element: document.body, where: 'prepend' });
    placeAt(host, { element: document.body, where: 'prepend' });
    expect(prepend).toHaveBeenCalledOnce();
    expect(document.body.firstElementChild).toBe(host);
  });
});
