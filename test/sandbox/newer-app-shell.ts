import { NEWER_APP_DATA_PREFIX } from './newer-app';
import type { NewerAppForm } from './newer-app-forms';

/**
 * The newer app's one HTML page: a shell and an inline script that routes on the client
 * (history.pushState and popstate, no page load between contacts), fetches its data from
 * `/__newer-app/…` (newer-app.ts) and draws each view a moment after the data arrives, as
 * single-page apps do. Everything from the state is put in the page as text nodes, never as HTML.
 */

/** How long the app waits before drawing what it fetched. */
const NEWER_APP_DRAW_DELAY_MS = 250;

const STYLE = `
body{font-family:system-ui,Helvetica,Arial,sans-serif;font-size:14px;margin:0;background:#f6f7f9;color:#1d2530}
.app-bar{display:flex;gap:16px;align-items:center;background:#fff;border-bottom:1px solid #dde1e6;padding:10px 16px}
.brand{font-weight:700;color:#2a7d3c}
#app{padding:16px 24px;max-width:980px}
[role=tablist],.record-nav{display:flex;gap:4px;border-bottom:1px solid #ccd;margin:12px 0}
[role=tab],.record-nav a{padding:6px 12px;text-decoration:none;color:#334}
[role=tab][aria-selected=true],.record-nav a.selected{border-bottom:3px solid #2a7d3c;font-weight:600}
.activity-cards{display:flex;gap:12px;margin:12px 0}
.activity-card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 16px;min-width:140px}
.activity-card[role=button]{cursor:pointer}
.card-title{display:block;font-weight:600}
.payment-cards{display:grid;gap:8px}
.payment-card{display:grid;grid-template-columns:2fr 1fr 1fr 1fr;width:100%;text-align:left;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px 12px;cursor:pointer}
.payment-drawer{position:fixed;top:0;right:0;bottom:0;width:380px;background:#fff;border-left:1px solid #ccd;padding:16px;overflow:auto;box-shadow:-4px 0 12px rgba(0,0,0,.08)}
.toast{padding:8px 12px;border-radius:6px;margin:8px 0}
.toast-success,.alert-success{background:#e3f4e6;color:#1d5c2a}
.toast-error,.alert-error{background:#fbe4e4;color:#8a1c1c}
table{border-collapse:collapse}
th,td{border:1px solid #d5d9de;padding:4px 8px;text-align:left}
.heading-button{font:inherit;font-weight:600;background:none;border:none;color:#1a5fb4;cursor:pointer;padding:0}
`;

/** The app: router, views of both forms, and the refund. `FORM` picks the markup. */
function appScript(form: NewerAppForm): string {
  return `
(() => {
  const FORM = ${JSON.stringify(form)};
  const CARDS = FORM === 'cards';
  const DATA = ${JSON.stringify(NEWER_APP_DATA_PREFIX)};
  const DRAW_DELAY_MS = ${NEWER_APP_DRAW_DELAY_MS};
  const CONTACTS_PATH = '/contacts/list/all';
  const app = document.getElementById('app');
  // Bumped by every navigation; a draw started under an older one is dropped.
  let navigation = 0;

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children || []) if (child !== null) node.append(child);
    return node;
  }
  function getData(path) {
    return fetch(DATA + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then((response) =>
      response.json().then((body) => ({ ok: response.ok, body })),
    );
  }
  function later(token, draw) {
    setTimeout(() => {
      if (token === navigation) draw();
    }, DRAW_DELAY_MS);
  }
  function show(title, nodes) {
    document.title = title + ' | Keap';
    app.replaceChildren(...nodes);
  }
  function onActivate(node, action) {
    node.addEventListener('click', (event) => {
      event.preventDefault();
      action();
    });
    if (node.getAttribute('role') === 'button') {
      node.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          action();
        }
      });
    }
    return node;
  }
  function pad(value) {
    return String(value).padStart(2, '0');
  }
  function formatDate(iso) {
    const date = new Date(iso);
    if (CARDS) return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    return pad(date.getUTCMonth() + 1) + '/' + pad(date.getUTCDate()) + '/' + date.getUTCFullYear();
  }
  function flash(kind, text) {
    if (CARDS) return el('div', { class: 'toast toast-' + kind, role: kind === 'success' ? 'status' : 'alert' }, [text]);
    return el('p', { class: 'alert alert-' + kind }, [text]);
  }
  function plural(count, word) {
    return count + ' ' + word + (count === 1 ? '' : 's');
  }

  // Routes: /contacts/list/all, and /contacts/list/<list>/contact/<id>/<tab> with tab details or
  // activity (the default). A public extension builds the record's path without <list>.
  function parseRoute(pathname) {
    const path = pathname.replace(/\\/+$/, '');
    if (path === '' || path === '/contacts') return { view: 'redirect', to: CONTACTS_PATH };
    const list = /^\\/contacts\\/list\\/([^/]+)$/.exec(path);
    if (list) return list[1] === 'all' ? { view: 'contacts' } : { view: 'not-found' };
    const record = /^\\/contacts\\/list\\/(?:([^/]+)\\/)?contact\\/(\\d+)(?:\\/([^/]+))?$/.exec(path);
    if (!record) return { view: 'not-found' };
    const tab = record[3] || 'activity';
    if (tab !== 'activity' && tab !== 'details') return { view: 'not-found' };
    return { view: 'contact', list: record[1] || 'all', contactId: Number(record[2]), tab };
  }
  function recordPath(route, tab) {
    return '/contacts/list/' + route.list + '/contact/' + route.contactId + '/' + tab;
  }

  function render() {
    const token = ++navigation;
    const route = parseRoute(location.pathname);
    if (route.view === 'redirect') {
      history.replaceState(null, '', route.to);
      return render();
    }
    app.replaceChildren(el('p', { class: 'loading' }, ['Loading…']));
    if (route.view === 'not-found') return later(token, () => show('Page not found', notFoundView()));
    const failed = () => later(token, () => show('Error', [flash('error', 'Something went wrong. Reload the page to try again.')]));
    if (route.view === 'contacts') {
      return getData('contacts')
        .then((answer) => later(token, () => show('Contacts', contactsView(answer.body.contacts))))
        .catch(failed);
    }
    getData('contact/' + route.contactId)
      .then((answer) =>
        later(token, () => {
          if (!answer.ok) return show('Contact not found', [el('h1', {}, ['Contact not found']), el('p', {}, [answer.body.message])]);
          show(answer.body.name, recordView(answer.body, route));
        }),
      )
      .catch(failed);
  }

  function notFoundView() {
    const back = el('a', { href: CONTACTS_PATH }, [CARDS ? 'Go to contacts' : 'Back to all contacts']);
    if (CARDS) return [el('div', { class: 'empty-state', role: 'region', 'aria-label': 'Page not found' }, [el('h1', {}, ['Page not found']), el('p', {}, ["We couldn't find that page."]), back])];
    return [el('h1', {}, ['Page not found']), el('p', {}, ['The page you requested does not exist.']), el('p', {}, [back])];
  }

  function contactsView(contacts) {
    if (CARDS) {
      const items = contacts.map((contact) =>
        el('li', { class: 'contact-card' }, [el('a', { href: CONTACTS_PATH + '/contact/' + contact.id + '/activity' }, [contact.name]), ' ', el('span', { class: 'contact-email' }, [contact.email])]),
      );
      return [el('h1', {}, ['Contacts']), el('ul', { class: 'contact-cards', 'aria-label': 'All contacts' }, items)];
    }
    const rows = contacts.map((contact) =>
      el('tr', {}, [el('td', {}, [el('a', { href: CONTACTS_PATH + '/contact/' + contact.id + '/details' }, [contact.name])]), el('td', {}, [contact.email])]),
    );
    return [el('h1', {}, ['All contacts']), el('table', { class: 'contacts-table' }, [el('thead', {}, [el('tr', {}, [el('th', {}, ['Name']), el('th', {}, ['Email'])])]), el('tbody', {}, rows)])];
  }

  function recordView(contact, route) {
    const panel = route.tab === 'details' ? detailsPanel(contact) : activityPanel(contact);
    if (CARDS) {
      const tabs = [['activity', 'Activity'], ['details', 'Details']].map(([tab, label]) =>
        el('a', { role: 'tab', id: 'tab-' + tab, href: recordPath(route, tab), 'aria-selected': String(tab === route.tab), 'aria-controls': 'record-panel' }, [label]),
      );
      return [
        el('a', { class: 'back-link', href: CONTACTS_PATH }, ['← Contacts']),
        el('h1', { class: 'record-name' }, [contact.name]),
        el('div', { role: 'tablist', 'aria-label': 'Contact record' }, tabs),
        el('div', { role: 'tabpanel', id: 'record-panel', 'aria-labelledby': 'tab-' + route.tab }, [panel]),
      ];
    }
    const links = [['details', 'Details'], ['activity', 'Activity']].map(([tab, label]) => el('a', { href: recordPath(route, tab), class: tab === route.tab ? 'selected' : null }, [label]));
    return [
      el('div', { class: 'breadcrumbs' }, [el('a', { href: CONTACTS_PATH }, ['All contacts']), ' › ', el('span', {}, [contact.name])]),
      el('h1', { class: 'contact-name' }, [contact.name]),
      el('nav', { class: 'record-nav' }, links),
      el('div', { class: 'record-body' }, [panel]),
    ];
  }

  function detailsPanel(contact) {
    const fields = [['Email', contact.email], ['Phone', contact.phone], ['Company', contact.company]];
    if (CARDS) return el('dl', { class: 'details' }, fields.flatMap(([label, value]) => [el('dt', {}, [label]), el('dd', {}, [value])]));
    return el('table', { class: 'details-table' }, [el('tbody', {}, fields.map(([label, value]) => el('tr', {}, [el('th', {}, [label]), el('td', {}, [value])])))]);
  }

  function activityPanel(contact) {
    const moneyPanel = el('div', { class: 'money-panel' });
    const openMoney = () => showPayments(contact.id, moneyPanel);
    const notes = plural(contact.noteCount, 'note');
    if (CARDS) {
      const moneyCard = el('div', { class: 'activity-card money-card', role: 'button', tabindex: '0', 'aria-label': 'Money' }, [
        el('span', { class: 'card-title' }, ['Money']),
        ' ',
        el('span', { class: 'card-summary' }, [plural(contact.paymentCount, 'payment')]),
      ]);
      const notesCard = el('div', { class: 'activity-card' }, [el('span', { class: 'card-title' }, ['Notes']), ' ', el('span', { class: 'card-summary' }, [notes])]);
      return el('section', { class: 'activity', 'aria-labelledby': 'activity-heading' }, [
        el('h2', { id: 'activity-heading' }, ['Contact activity']),
        el('div', { class: 'activity-cards' }, [onActivate(moneyCard, openMoney), notesCard]),
        moneyPanel,
      ]);
    }
    const moneyButton = onActivate(el('button', { type: 'button', class: 'heading-button' }, ['Money']), openMoney);
    return el('div', { class: 'activity' }, [
      el('h2', {}, ['Contact activity']),
      el('h3', { class: 'section-heading' }, [moneyButton]),
      moneyPanel,
      el('h3', { class: 'section-heading' }, ['Notes']),
      el('p', {}, [notes]),
    ]);
  }

  function showPayments(contactId, panel) {
    const token = navigation;
    panel.replaceChildren(el('p', { class: 'loading' }, ['Loading payments…']));
    getData('contact/' + contactId + '/payments')
      .then((answer) => later(token, () => panel.replaceChildren(...paymentsView(answer.body.payments, contactId, panel))))
      .catch(() => later(token, () => panel.replaceChildren(flash('error', 'The payments could not be loaded.'))));
  }

  function paymentsView(payments, contactId, panel) {
    if (payments.length === 0) return [el('p', { class: 'empty' }, ['No payments yet.'])];
    const open = (payment) => () => showPayment(payment.id, contactId, panel, null);
    if (CARDS) {
      const items = payments.map((payment) => {
        const date = formatDate(payment.date);
        const card = el('button', { type: 'button', class: 'payment-card', 'aria-label': [payment.description, payment.amountText, date, payment.status].join(', ') }, [
          el('span', { class: 'payment-description' }, [payment.description]),
          ' ',
          el('span', { class: 'payment-amount' }, [payment.amountText]),
          ' ',
          el('span', { class: 'payment-date' }, [date]),
          ' ',
          el('span', { class: 'payment-status' }, [payment.status]),
        ]);
        return el('div', { role: 'listitem' }, [onActivate(card, open(payment))]);
      });
      return [el('h3', {}, ['Payments']), el('div', { class: 'payment-cards', role: 'list', 'aria-label': 'Payments' }, items)];
    }
    const rows = payments.map((payment) => {
      // The help centre's older words: "Click on the Credit card payment made link next to the payment".
      const label = payment.isRefund ? payment.description : payment.description + ' made';
      const link = onActivate(el('a', { href: '#', class: 'payment-link' }, [label]), open(payment));
      return el('tr', {}, [el('td', {}, [formatDate(payment.date)]), el('td', {}, [payment.amountText]), el('td', {}, [link]), el('td', {}, [payment.status])]);
    });
    const head = el('tr', {}, ['Date', 'Amount', 'Description', 'Status'].map((text) => el('th', {}, [text])));
    return [el('table', { class: 'payments-table' }, [el('thead', {}, [head]), el('tbody', {}, rows)])];
  }

  function showPayment(paymentId, contactId, panel, message) {
    const token = navigation;
    getData('payment/' + paymentId)
      .then((answer) =>
        later(token, () => {
          if (!answer.ok) return panel.replaceChildren(flash('error', answer.body.message));
          const view = paymentView(answer.body, contactId, panel, message);
          if (!CARDS) return panel.replaceChildren(view);
          for (const open of document.querySelectorAll('.payment-drawer')) open.remove();
          app.append(view);
        }),
      )
      .catch(() => later(token, () => panel.replaceChildren(flash('error', 'The payment could not be loaded.'))));
  }

  function paymentView(payment, contactId, panel, message) {
    const refundArea = el('div', { class: 'refund-area' });
    const reopen = (next) => showPayment(payment.id, contactId, panel, next);
    const facts = [
      ['Amount', payment.amountText],
      ['Date', formatDate(payment.date)],
      ['Status', payment.status],
      ['Invoice', '#' + payment.invoiceNumber + ' – ' + payment.orderTitle],
    ];
    const invoicePayments = payment.invoicePayments.map((other) => [formatDate(other.date), other.description, other.amountText, other.status]);
    const startRefund = () => {
      const token = navigation;
      later(token, () => refundArea.replaceChildren(confirmView(payment, refundArea, reopen)));
    };
    if (CARDS) {
      const close = el('button', { type: 'button', class: 'drawer-close', 'aria-label': 'Close payment details' }, ['×']);
      return el('aside', { class: 'payment-drawer', role: 'dialog', 'aria-labelledby': 'payment-title' }, [
        el('div', { class: 'drawer-head' }, [el('h2', { id: 'payment-title' }, [payment.description]), onActivate(close, () => close.closest('.payment-drawer').remove())]),
        message && flash(message.kind, message.text),
        el('dl', { class: 'payment-facts' }, facts.flatMap(([label, value]) => [el('dt', {}, [label]), el('dd', {}, [value])])),
        payment.canRefund ? onActivate(el('button', { type: 'button', class: 'refund-button' }, ['Refund']), startRefund) : null,
        refundArea,
        el('h3', {}, ['Payments for this invoice']),
        el('ul', { class: 'invoice-payments' }, invoicePayments.map((cells) => el('li', {}, [cells.join(' · ')]))),
      ]);
    }
    const back = onActivate(el('a', { href: '#', class: 'back-to-money' }, ['« Back to Money']), () => showPayments(contactId, panel));
    return el('div', { class: 'payment-detail' }, [
      el('p', {}, [back]),
      message && flash(message.kind, message.text),
      el('h3', {}, ['Payment details']),
      el('table', { class: 'detail-table' }, [el('tbody', {}, [['Description', payment.description], ...facts].map(([label, value]) => el('tr', {}, [el('th', {}, [label]), el('td', {}, [value])])))]),
      payment.canRefund ? el('p', {}, [onActivate(el('input', { type: 'button', class: 'refund-button', value: 'Refund' }), startRefund)]) : null,
      refundArea,
      el('h4', {}, ['Payments for this invoice']),
      el('table', { class: 'invoice-payments' }, [el('tbody', {}, invoicePayments.map((cells) => el('tr', {}, cells.map((cell) => el('td', {}, [cell])))))]),
    ]);
  }

  // The help centre: "Click the confirmation link to process the refund".
  function confirmView(payment, refundArea, reopen) {
    const errorSlot = el('div', { class: 'refund-error-slot' });
    let sending = false;
    const amount = el('input', { id: 'refund-amount', name: 'amount', inputmode: 'decimal', value: payment.refundableAmount });
    const reason = el('input', { id: 'refund-reason', name: 'reason' });
    const confirm = onActivate(el('a', { href: '#', class: 'confirm-link' }, [CARDS ? 'Confirm refund' : 'Click here to process the refund']), () => {
      if (sending) return;
      sending = true;
      confirm.setAttribute('aria-disabled', 'true');
      const request = { form: FORM };
      if (CARDS) {
        request.amount = amount.value.trim();
        if (reason.value.trim() !== '') request.reason = reason.value.trim();
      }
      fetch(DATA + 'payment/' + payment.id + '/refund', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request),
      })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then((answer) => {
          if (answer.ok) return reopen({ kind: 'success', text: answer.body.message });
          sending = false;
          confirm.removeAttribute('aria-disabled');
          errorSlot.replaceChildren(flash('error', answer.body.message));
        })
        .catch(() => {
          sending = false;
          confirm.removeAttribute('aria-disabled');
          errorSlot.replaceChildren(flash('error', 'The refund could not be sent. Check your connection and try again.'));
        });
    });
    if (CARDS) {
      const cancel = onActivate(el('button', { type: 'button', class: 'cancel-refund' }, ['Cancel']), () => refundArea.replaceChildren());
      return el('div', { class: 'refund-confirm', role: 'group', 'aria-labelledby': 'refund-heading' }, [
        el('h3', { id: 'refund-heading' }, ['Refund payment']),
        el('p', {}, ['Up to ' + payment.refundableText + ' can be refunded.']),
        el('p', {}, [el('label', { for: 'refund-amount' }, ['Refund amount']), ' ', amount]),
        el('p', {}, [el('label', { for: 'refund-reason' }, ['Reason (optional)']), ' ', reason]),
        errorSlot,
        el('p', {}, [confirm, ' ', cancel]),
      ]);
    }
    const cancel = onActivate(el('a', { href: '#', class: 'cancel-refund' }, ['Cancel']), () => refundArea.replaceChildren());
    return el('div', { class: 'confirm-box' }, [
      el('p', {}, ['The whole payment of ' + payment.refundableText + ' will be refunded to the customer.']),
      errorSlot,
      el('p', {}, [confirm, ' | ', cancel]),
    ]);
  }

  // Links inside the app move between its routes without a page load.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest && event.target.closest('a[href]');
    if (!link) return;
    const url = new URL(link.getAttribute('href'), location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/contacts')) return;
    event.preventDefault();
    if (url.pathname !== location.pathname) history.pushState(null, '', url.pathname);
    render();
  });
  window.addEventListener('popstate', render);
  render();
})();
`;
}

/** What every path of the newer app answers. */
export function renderNewerAppShell(form: NewerAppForm): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Keap</title><style>${STYLE}</style></head>
<body>
<header class="app-bar"><span class="brand">Keap</span><nav aria-label="Main"><a href="/contacts/list/all">Contacts</a></nav></header>
<main id="app"><p class="loading">Loading…</p></main>
<script>${appScript(form)}</script>
</body></html>`;
}
