import { formatPlainAmount, formatUsd } from './money';
import {
  findContact,
  findMerchant,
  findOrder,
  findTransaction,
  ordersOfContact,
  paymentsOfOrder,
  refundableMinor,
  type InvoicePayment,
  type Order,
  type SandboxState,
} from './state';
import { launcherScript } from './refund-screen-scripts';
import { dialogScreen, formTraits, isDialogForm, type ScreenForm } from './screen-forms';

/**
 * The classic Keap pages, following docs/keap-screen-contract.md. Every piece of state text goes
 * through `escapeHtml` (or `jsonForScript`), because seeded names and titles carry markup.
 * Links are relative so the pages work under any host.
 */

export interface ContactPageOptions {
  /** Contract's altered contact page: orders as a div grid elsewhere, no table. */
  altered?: boolean;
  /** Put the orders where the script would draw them, as the page is after the script ran. */
  ordersDrawn?: boolean;
  /**
   * How the Orders tab shows orders: `id-column` (default) is the contract's table with an Order ID
   * column; `name-links` is the tab as public sources describe it, labelled "Order", each order's
   * name a link to its page and its id only in that link.
   */
  ordersLayout?: 'id-column' | 'name-links';
}

export interface OrderPageOptions {
  /** The form of the refund screen the page opens (screen-forms.ts); default 'dialog'. */
  form?: ScreenForm;
  /** Contract's altered refund screen: the last step's button that sends the refund reads "Make it so". */
  alteredRefundScreen?: boolean;
}

/** How long the page scripts wait before drawing, as the classic app does. */
const ORDERS_DRAW_DELAY_MS = 300;
export const DIALOG_STEP_DELAY_MS = 200;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON safe inside a `<script>` element: nothing in it can close the element. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** MM/DD/YYYY in UTC, as the classic tables show dates. */
function formatDate(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()}`;
}

function contactUrl(contactId: number): string {
  return `manageContact.jsp?view=edit&ID=${contactId}`;
}

function orderUrlFromContact(orderId: number): string {
  return `../Job/manageJob.jsp?view=edit&ID=${orderId}`;
}

function orderStatusText(order: Order): string {
  if (order.totalMinor > 0 && order.refundTotalMinor >= order.totalMinor) return 'Refunded';
  return order.totalDueMinor === 0 ? 'Paid' : 'Unpaid';
}

const PAGE_STYLE = `
body{font-family:Arial,Helvetica,sans-serif;font-size:12px;margin:0;background:#f4f4f4}
#header{background:#2a4d14;color:#fff;padding:8px 12px}
#main{padding:12px;background:#fff;margin:8px}
ul.tabs{list-style:none;margin:12px 0 0;padding:0;border-bottom:1px solid #999}
ul.tabs li{display:inline-block;margin-right:2px}
ul.tabs li a{display:block;padding:5px 10px;background:#ddd;color:#000;text-decoration:none}
ul.tabs li.active a{background:#fff;font-weight:bold}
table.list{border-collapse:collapse;width:100%}
table.list th,table.list td{border:1px solid #ccc;padding:3px 6px;text-align:left}
.purchase-grid{display:grid;grid-template-columns:repeat(4,auto);gap:2px}
.purchase-grid .cell{border:1px solid #ddd;padding:2px 4px}
.modal{position:fixed;top:60px;left:50%;transform:translateX(-50%);background:#fff;border:2px solid #555;padding:12px;min-width:480px}
.dlgBox,.frameOverlay{position:fixed;top:40px;left:50%;transform:translateX(-50%);background:#fff;border:1px solid #333;padding:8px;min-width:500px}
.dlgTitle{background:#2a4d14;color:#fff;font-weight:bold;padding:4px 6px;margin:-8px -8px 8px}
.errorMsg{color:#b00;font-weight:bold}
.error{color:#b00}
`;

export function pageShell(title: string, body: string, script: string): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
<div id="header"><span class="app-title">Infusionsoft</span></div>
<div id="main">
${body}
</div>
<script>${script}</script>
</body></html>`;
}

function ordersTableHtml(state: SandboxState, contactId: number): string {
  const orders = ordersOfContact(state, contactId);
  const rows = orders
    .map(
      (order) => `<tr class="order-row">
<td><a href="${escapeHtml(orderUrlFromContact(order.id))}">${order.id}</a></td>
<td>${formatDate(order.orderDate)}</td>
<td>${escapeHtml(order.title)}</td>
<td>${formatUsd(order.totalMinor)}</td>
<td>${formatUsd(order.totalPaidMinor)}</td>
<td>${formatUsd(order.totalDueMinor)}</td>
<td>${orderStatusText(order)}</td>
</tr>`,
    )
    .join('\n');
  return `<table class="list orders-table"><thead><tr><th>Order ID</th><th>Date</th><th>Title</th><th>Total</th><th>Paid</th><th>Balance Due</th><th>Status</th></tr></thead>
<tbody>${rows}</tbody></table>${noOrdersHtml(orders)}`;
}

/** "Click on the Order Name (blue link)", "look at the Balance Due column": no id column, the id only in the link. */
function ordersNameLinksTableHtml(state: SandboxState, contactId: number): string {
  const orders = ordersOfContact(state, contactId);
  const rows = orders
    .map(
      (order) => `<tr class="order-row">
<td><a href="${escapeHtml(orderUrlFromContact(order.id))}">${escapeHtml(order.title)}</a></td>
<td>${formatDate(order.orderDate)}</td>
<td>${formatUsd(order.totalMinor)}</td>
<td>${formatUsd(order.totalPaidMinor)}</td>
<td>${formatUsd(order.totalDueMinor)}</td>
<td>${orderStatusText(order)}</td>
</tr>`,
    )
    .join('\n');
  return `<table class="list orders-table"><thead><tr><th>Order Name</th><th>Date</th><th>Total</th><th>Paid</th><th>Balance Due</th><th>Status</th></tr></thead>
<tbody>${rows}</tbody></table>${noOrdersHtml(orders)}`;
}

function noOrdersHtml(orders: readonly Order[]): string {
  return orders.length === 0 ? '<p class="no-records">No orders found.</p>' : '';
}

/** The altered markup: a grid of divs with other classes and no table. */
function ordersGridHtml(state: SandboxState, contactId: number): string {
  const cells = ordersOfContact(state, contactId)
    .map(
      (order) => `<div class="cell purchase-ref"><a href="${escapeHtml(orderUrlFromContact(order.id))}">#${order.id}</a></div>
<div class="cell purchase-name">${escapeHtml(order.title)}</div>
<div class="cell purchase-when">${formatDate(order.orderDate)}</div>
<div class="cell purchase-amount">${formatUsd(order.totalMinor)}</div>`,
    )
    .join('\n');
  return `<div class="purchase-grid" data-kind="purchases">${cells}</div>`;
}

function notesHtml(state: SandboxState, contactId: number): string {
  const notes = state.notes.filter((note) => note.contactId === contactId).reverse();
  if (notes.length === 0) return '<p class="no-records">No notes.</p>';
  const items = notes
    .map(
      (
        note,
      ) => `<li class="note"><div class="note-head"><b class="note-title">${escapeHtml(note.title)}</b> <span class="note-type">${escapeHtml(note.type)}</span> <span class="note-date">${formatDate(note.dateCreated)}</span></div>
<div class="note-body">${escapeHtml(note.body)}</div></li>`,
    )
    .join('\n');
  return `<ul class="notes">${items}</ul>`;
}

/**
 * The contact record. Orders live in a `<template>` the script copies into place after load
 * (and again when the Orders tab is clicked), so the raw page holds no orders table.
 */
export function renderContactPage(state: SandboxState, contactId: number, options: ContactPageOptions = {}): string | undefined {
  const contact = findContact(state, contactId);
  if (!contact) return undefined;
  const index = state.contacts.indexOf(contact);
  const previous = state.contacts[index - 1];
  const next = state.contacts[index + 1];
  const fullName = `${contact.givenName} ${contact.familyName}`;
  const nameLinks = options.ordersLayout === 'name-links';
  const ordersMarkup = options.altered ? ordersGridHtml(state, contactId) : nameLinks ? ordersNameLinksTableHtml(state, contactId) : ordersTableHtml(state, contactId);
  const drawTargetId = options.altered ? 'recentPurchases' : 'ordersHolder';
  const placeholder = '<span class="loading">Loading...</span>';
  const drawn = (targetId: string) => (options.ordersDrawn && targetId === drawTargetId ? ordersMarkup : placeholder);
  const navLink = (label: string, other: typeof contact | undefined) =>
    other ? `<a class="contact-nav" href="${escapeHtml(contactUrl(other.id))}">${label}</a>` : `<span class="contact-nav disabled">${label}</span>`;

  const alteredBlock = options.altered ? `<div id="recentPurchases" class="sidebar-purchases">${drawn('recentPurchases')}</div>` : '';
  const ordersPanel = options.altered ? '<p>Purchases are listed above.</p>' : `<div id="ordersHolder" class="orders-holder">${drawn('ordersHolder')}</div>`;

  const body = `<div id="contactContent" data-contact-id="${contact.id}">
<div class="contact-nav-bar">${navLink('Previous Contact', previous)} | ${navLink('Next Contact', next)}</div>
<h1 class="contact-name">${escapeHtml(fullName)}</h1>
${alteredBlock}
<ul class="tabs">
<li id="tab_general" class="active"><a id="tab_link_general" href="#general">General</a></li>
<li id="tab_orders"><a id="tab_link_orders" href="#orders">${nameLinks ? 'Order' : 'Orders'}</a></li>
<li id="tab_notes"><a id="tab_link_notes" href="#notes">Notes</a></li>
</ul>
<div id="panel_general" class="tab-panel">
<table class="form"><tbody>
<tr><td><label>First Name</label></td><td>${escapeHtml(contact.givenName)}</td></tr>
<tr><td><label>Last Name</label></td><td>${escapeHtml(contact.familyName)}</td></tr>
<tr><td><label>Email</label></td><td>${escapeHtml(contact.email)}</td></tr>
<tr><td><label>Phone</label></td><td>${escapeHtml(contact.phone)}</td></tr>
<tr><td><label>Company</label></td><td>${escapeHtml(contact.companyName)}</td></tr>
</tbody></table>
</div>
<div id="panel_orders" class="tab-panel" style="display:none">${ordersPanel}</div>
<div id="panel_notes" class="tab-panel" style="display:none">${notesHtml(state, contactId)}</div>
<template id="ordersTemplate" data-target="${drawTargetId}">${ordersMarkup}</template>
</div>`;
  return pageShell(`${fullName} - Contact`, body, CONTACT_PAGE_SCRIPT);
}

/** Draws the orders after load, redraws them on the Orders tab, switches contacts in place. */
const CONTACT_PAGE_SCRIPT = `
(function () {
  var DRAW_DELAY_MS = ${ORDERS_DRAW_DELAY_MS};
  var drawTimer = null;
  function drawOrders() {
    var template = document.getElementById('ordersTemplate');
    if (!template) return;
    var target = document.getElementById(template.getAttribute('data-target'));
    var fresh = template.content.cloneNode(true);
    target.replaceChildren(fresh);
  }
  function scheduleDraw() {
    clearTimeout(drawTimer);
    drawTimer = setTimeout(drawOrders, DRAW_DELAY_MS);
  }
  function showTab(name) {
    var tabs = document.querySelectorAll('ul.tabs > li');
    for (var i = 0; i < tabs.length; i++) {
      var tabName = tabs[i].id.replace('tab_', '');
      tabs[i].className = tabName === name ? 'active' : '';
      var panel = document.getElementById('panel_' + tabName);
      if (panel) panel.style.display = tabName === name ? '' : 'none';
    }
    if (name === 'orders') {
      var template = document.getElementById('ordersTemplate');
      var target = template && document.getElementById(template.getAttribute('data-target'));
      if (target) target.innerHTML = '<span class="loading">Loading...</span>';
      scheduleDraw();
    }
  }
  function loadContact(href, push) {
    fetch(href, { credentials: 'same-origin' })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var incoming = doc.getElementById('contactContent');
        var current = document.getElementById('contactContent');
        if (!incoming || !current) return;
        current.replaceWith(document.importNode(incoming, true));
        document.title = doc.title;
        if (push) history.pushState({ href: href }, '', href);
        scheduleDraw();
      });
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a') : null;
    if (!link) return;
    if (link.id && link.id.indexOf('tab_link_') === 0) {
      event.preventDefault();
      showTab(link.id.replace('tab_link_', ''));
    } else if (link.className === 'contact-nav') {
      event.preventDefault();
      loadContact(link.href, true);
    }
  });
  window.addEventListener('popstate', function () { loadContact(location.href, false); });
  if (document.readyState === 'complete') scheduleDraw();
  else window.addEventListener('load', scheduleDraw);
})();
`;

function paymentTypeText(state: SandboxState, payment: InvoicePayment): string {
  if (payment.refundOfPaymentId !== null) return 'Refund';
  const charge = findTransaction(state, payment.transactionId);
  const merchant = findMerchant(state, charge?.merchantAccountId ?? null);
  if (!merchant) return 'Check';
  return merchant.type === 'PAYPAL' ? `PayPal (${merchant.accountName})` : `Credit Card (${merchant.accountName})`;
}

/** A payment the refund screen lists: one with something left to refund. */
export interface RefundablePaymentRow {
  id: number;
  date: string;
  type: string;
  amount: string;
  /** The full refundable amount as plain decimal (`60.00`), which prefills the amount field. */
  refundable: string;
  pending: boolean;
}

export function refundablePaymentRows(state: SandboxState, order: Order): RefundablePaymentRow[] {
  return paymentsOfOrder(state, order.id)
    .filter((payment) => refundableMinor(state, payment) > 0)
    .map((payment) => ({
      id: payment.id,
      date: formatDate(payment.payDate),
      type: paymentTypeText(state, payment),
      amount: formatUsd(payment.amountMinor),
      refundable: formatPlainAmount(refundableMinor(state, payment)),
      pending: payment.payStatus === 'PENDING',
    }));
}

/**
 * The order record with its payments and a Refund Payment button that opens the refund screen
 * in the chosen form. Forms whose order page hides the id show it only in the URL and in the
 * script's data.
 */
export function renderOrderPage(state: SandboxState, orderId: number, options: OrderPageOptions = {}): string | undefined {
  const order = findOrder(state, orderId);
  if (!order) return undefined;
  const form = options.form ?? 'dialog';
  const { orderIdInHeading } = formTraits(form);
  const contact = findContact(state, order.contactId);
  const payments = paymentsOfOrder(state, order.id);
  const paymentRows = payments
    .map(
      (payment) =>
        `<tr><td>${formatDate(payment.payDate)}</td><td>${payment.id}</td><td>${escapeHtml(paymentTypeText(state, payment))}</td><td>${formatUsd(payment.amountMinor)}</td><td>${escapeHtml(payment.payStatus)}</td></tr>`,
    )
    .join('\n');
  const dialogData = isDialogForm(form)
    ? { orderId: order.id, screen: dialogScreen(form, options.alteredRefundScreen === true), payments: refundablePaymentRows(state, order) }
    : { orderId: order.id };
  const contactName = contact ? `${contact.givenName} ${contact.familyName}` : '';
  const heading = orderIdInHeading ? `<h1 class="order-heading">Order ${order.id}: ${escapeHtml(order.title)}</h1>` : `<div class="pageTitle">${escapeHtml(order.title)}</div>`;
  const body = `${heading}
<table class="form order-summary"><tbody>
<tr><td>Contact</td><td><a href="../Contact/${escapeHtml(contactUrl(order.contactId))}">${escapeHtml(contactName)}</a></td></tr>
<tr><td>Order Date</td><td>${formatDate(order.orderDate)}</td></tr>
<tr><td>Total</td><td>${formatUsd(order.totalMinor)}</td></tr>
<tr><td>Paid</td><td>${formatUsd(order.totalPaidMinor)}</td></tr>
<tr><td>Refunded</td><td>${formatUsd(order.refundTotalMinor)}</td></tr>
<tr><td>Balance Due</td><td>${formatUsd(order.totalDueMinor)}</td></tr>
</tbody></table>
<h2>Payments</h2>
<table class="list payments-table"><thead><tr><th>Date</th><th>Payment ID</th><th>Type</th><th>Amount</th><th>Status</th></tr></thead>
<tbody>${paymentRows}</tbody></table>
<p><input type="button" class="button" id="refundPaymentButton" value="Refund Payment"></p>
<script type="application/json" id="refundDialogData">${jsonForScript(dialogData)}</script>`;
  const pageTitle = orderIdInHeading ? `Order ${order.id} - ${order.title}` : `${order.title} - Order`;
  return pageShell(pageTitle, body, isDialogForm(form) ? ORDER_PAGE_SCRIPT : launcherScript(form));
}

/**
 * The Refund Payment dialog: steps of the contract, each drawn after a delay; the last step posts
 * JSON. Its words and shape come from the page's data (`screen`, see `DialogScreen`), so the
 * contract's dialog and its variants (words, two-submits, no-owed) share these mechanics.
 */
const ORDER_PAGE_SCRIPT = `
(function () {
  var STEP_DELAY_MS = ${DIALOG_STEP_DELAY_MS};
  var data = JSON.parse(document.getElementById('refundDialogData').textContent);
  var screen = data.screen;
  var choice = null;
  var dialog = null;

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function button(label, onClick) {
    var node = el('input', { type: 'button', value: label, class: 'button' });
    node.addEventListener('click', onClick);
    return node;
  }
  function radio(name, value, label) {
    var id = name + '_' + value;
    return el('div', {}, [el('input', { type: 'radio', name: name, value: value, id: id }), ' ', el('label', { for: id }, [label])]);
  }
  function heading(text) { return el('h2', { id: 'refundDialogTitle' }, [text]); }
  function errorBox() { return el('p', { class: 'error', role: 'alert', id: 'refundDialogError' }); }
  function showError(text) { document.getElementById('refundDialogError').textContent = text; }
  function checked(name) {
    var node = dialog.querySelector('input[name="' + name + '"]:checked');
    return node ? node.value : null;
  }
  function parseAmount(text) {
    var cleaned = String(text).trim().replace(/^\\$/, '').replace(/,/g, '');
    var match = /^(\\d{1,9})(?:\\.(\\d{1,2}))?$/.exec(cleaned);
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
  }
  function closeDialog() {
    if (dialog) dialog.remove();
    dialog = null;
  }
  function showStep(build) {
    setTimeout(function () {
      if (!dialog) {
        dialog = el('div', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'refundDialogTitle', class: 'modal refund-dialog' });
        document.body.appendChild(dialog);
      }
      dialog.replaceChildren.apply(dialog, build());
    }, STEP_DELAY_MS);
  }

  function withPaymentId(cells, payment) {
    if (screen.paymentIdHeader !== null) cells.splice(2, 0, payment === null ? el('th', {}, [screen.paymentIdHeader]) : el('td', {}, [String(payment.id)]));
    return cells;
  }
  function namedFor(attributes, label) {
    if (screen.ariaLabels) attributes['aria-label'] = label;
    return attributes;
  }
  function choosePayments() {
    var headerRow = el('tr', {}, withPaymentId([el('th'), el('th', {}, ['Date']), el('th', {}, ['Type']), el('th', {}, ['Amount']), el('th', {}, [screen.amountHeader])], null));
    var rows = data.payments.map(function (payment) {
      var rowAttributes = screen.paymentIdHeader === null ? {} : { 'data-payment-id': String(payment.id) };
      return el('tr', rowAttributes, withPaymentId([
        el('td', {}, [el('input', namedFor({ type: 'checkbox', name: screen.checkboxName, value: String(payment.id) }, 'Refund payment ' + payment.id))]),
        el('td', {}, [payment.date]),
        el('td', {}, [payment.type]),
        el('td', {}, [payment.amount]),
        el('td', {}, [el('input', namedFor({ type: 'text', name: 'refundAmount_' + payment.id, value: payment.refundable, size: '8' }, 'Refund amount for payment ' + payment.id))]),
      ], payment));
    });
    var table = el('table', { class: 'list' }, [el('thead', {}, [headerRow]), el('tbody', {}, rows)]);
    var reason = el('div', {}, [el('label', { for: 'refundReason' }, [screen.reasonLabel]), ' ', el('input', { type: 'text', id: 'refundReason', name: 'reason', size: '40' })]);
    return [heading(screen.headings.payments), errorBox(), table, reason, el('p', {}, [button('Next', afterPayments), ' ', button('Cancel', closeDialog)])];
  }
  function afterPayments() {
    var lines = [];
    var problem = null;
    data.payments.forEach(function (payment) {
      var box = dialog.querySelector('input[name="' + screen.checkboxName + '"][value="' + payment.id + '"]');
      if (!box.checked || problem) return;
      var typed = dialog.querySelector('input[name="refundAmount_' + payment.id + '"]').value;
      var cents = parseAmount(typed);
      if (cents === null || cents === 0 || cents > parseAmount(payment.refundable)) {
        problem = 'Enter a refund amount between 0.01 and ' + payment.refundable + ' for payment ' + payment.id + '.';
        return;
      }
      lines.push({ paymentId: payment.id, amount: typed.trim(), pending: payment.pending });
    });
    var reason = document.getElementById('refundReason').value.trim();
    if (problem) return showError(problem);
    if (lines.length === 0) return showError('Select at least one payment to refund.');
    if (reason === '') return showError('Enter a reason for the refund.');
    choice = { lines: lines, reason: reason, method: null, onFailure: null };
    showStep(chooseMethod);
  }
  function chooseMethod() {
    var allPending = choice.lines.every(function (line) { return line.pending; });
    var options = [radio('refundMethod', 'refund', 'Refund'), radio('refundMethod', 'manual', 'Manual Refund')];
    if (allPending) options.push(radio('refundMethod', 'void', 'Void'));
    var hint = el('p', {}, [screen.methodHint]);
    return [heading(screen.headings.method), errorBox(), el('div', {}, options), hint, el('p', {}, [button('Next', afterMethod), ' ', button('Cancel', closeDialog)])];
  }
  function afterMethod() {
    var method = checked('refundMethod');
    if (!method) return showError('Choose a refund method.');
    choice.method = method;
    showStep(method === 'refund' ? chooseErrorHandling : chooseCredit);
  }
  function chooseErrorHandling() {
    var options = [
      radio('errorHandling', 'record', 'If an automatic refund fails, record the refund anyway'),
      radio('errorHandling', 'skip', 'If an automatic refund fails, skip that payment'),
    ];
    return [heading(screen.headings.errorHandling), errorBox(), el('div', {}, options), el('p', {}, [button('Next', afterErrorHandling), ' ', button('Cancel', closeDialog)])];
  }
  function afterErrorHandling() {
    var onFailure = checked('errorHandling');
    if (!onFailure) return showError('Choose what to do if an automatic refund fails.');
    choice.onFailure = onFailure;
    showStep(chooseCredit);
  }
  function chooseCredit() {
    var label = 'How much should the client owe you after this transaction is complete';
    var field = screen.owedField
      ? el('div', {}, [el('label', { for: 'amountOwed' }, [label]), ' ', el('input', { type: 'text', id: 'amountOwed', name: 'amountOwed', value: '0.00', size: '8' })])
      : el('div');
    var row = el('p');
    screen.finalButtons.forEach(function (label) { row.append(button(label, finish), ' '); });
    row.append(button('Cancel', closeDialog));
    return [heading(screen.headings.credit), errorBox(), field, row];
  }
  function finish(event) {
    var owed = screen.owedField ? document.getElementById('amountOwed').value.trim() : '0.00';
    if (parseAmount(owed) === null) return showError('Enter how much the client should owe, 0.00 or more.');
    var finishButton = event.target;
    finishButton.disabled = true;
    var submission = {
      orderId: data.orderId,
      reason: choice.reason,
      method: choice.method,
      amountOwed: owed,
      payments: choice.lines.map(function (line) { return { paymentId: line.paymentId, amount: line.amount }; }),
    };
    if (choice.onFailure) submission.onFailure = choice.onFailure;
    fetch(screen.postUrl, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) })
      .then(function (response) { return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; }); })
      .then(function (result) {
        if (!result.ok) {
          finishButton.disabled = false;
          return showError(result.answer.message);
        }
        showStep(function () {
          var items = result.answer.results.map(function (line) { return el('li', {}, [line.text]); });
          return [heading(screen.headings.results), el('ul', { class: 'refund-results' }, items), el('p', {}, [button(screen.closeButton, closeDialog)])];
        });
      })
      .catch(function () {
        finishButton.disabled = false;
        showError('The refund could not be sent. Check your connection and try again.');
      });
  }

  document.getElementById('refundPaymentButton').addEventListener('click', function () {
    closeDialog();
    showStep(choosePayments);
  });
})();
`;
