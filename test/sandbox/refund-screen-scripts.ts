import type { StepForm } from './screen-forms';

/**
 * Order-page scripts of the forms whose steps the server draws (refund-steps.ts), and the
 * script of those step pages. Each reads the order id from the page's `refundDialogData` JSON,
 * so the id never shows as text.
 */

/** The iframe form's overlay, which the framed steps close. */
const REFUND_OVERLAY_ID = 'refundOverlay';

const READ_ORDER_ID = `var orderId = JSON.parse(document.getElementById('refundDialogData').textContent).orderId;`;

/**
 * A jQuery-era dialog: a plain div overlay whose content each server answer replaces. Every
 * step is a form; its submit is sent with fetch and the HTML fragment that comes back is drawn.
 */
const JQUERY_SCRIPT = `
(function () {
  ${READ_ORDER_ID}
  var overlay = null;
  function close() {
    if (overlay) overlay.remove();
    overlay = null;
  }
  function draw(html) {
    if (overlay) overlay.querySelector('.dlgBox').innerHTML = html;
  }
  function showError(text) {
    var form = overlay && overlay.querySelector('form');
    if (!form) return;
    var message = form.querySelector('.errorMsg');
    if (!message) {
      message = document.createElement('div');
      message.className = 'errorMsg';
      form.insertBefore(message, form.firstChild);
    }
    message.textContent = text;
  }
  function request(url, init) {
    init.credentials = 'same-origin';
    init.headers = Object.assign({ 'X-Requested-With': 'XMLHttpRequest' }, init.headers || {});
    return fetch(url, init).then(function (response) { return response.text(); });
  }
  function send(form, extra) {
    var fields = new URLSearchParams(new FormData(form));
    Object.keys(extra).forEach(function (name) { fields.set(name, extra[name]); });
    return request(form.getAttribute('action'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    }).then(draw);
  }
  function open() {
    close();
    overlay = document.createElement('div');
    overlay.className = 'dlgOverlay';
    overlay.innerHTML = '<div class="dlgBox"><div class="dlgTitle">Refund Payment</div><div class="dlgBody">Loading...</div></div>';
    document.body.appendChild(overlay);
    request('refundPayment.jsp?orderId=' + orderId + '&fragment=1', { method: 'GET' }).then(draw);
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!overlay || !overlay.contains(form)) return;
    event.preventDefault();
    var submitter = event.submitter;
    if (submitter) submitter.disabled = true;
    send(form, {}).catch(function () {
      if (submitter) submitter.disabled = false;
      showError('The refund could not be sent. Check your connection and try again.');
    });
  });
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!overlay || !overlay.contains(target)) return;
    if (target.classList.contains('dlgBack')) send(target.form, { back: '1' });
    else if (target.classList.contains('dlgClose')) close();
  });
  document.getElementById('refundPaymentButton').addEventListener('click', open);
})();
`;

const PAGES_SCRIPT = `
(function () {
  ${READ_ORDER_ID}
  document.getElementById('refundPaymentButton').addEventListener('click', function () {
    location.href = 'refundPayment.jsp?orderId=' + orderId;
  });
})();
`;

const WINDOW_SCRIPT = `
(function () {
  ${READ_ORDER_ID}
  document.getElementById('refundPaymentButton').addEventListener('click', function () {
    window.open('refundPayment.jsp?orderId=' + orderId + '&window=1', 'refundPayment', 'width=760,height=640');
  });
})();
`;

const IFRAME_SCRIPT = `
(function () {
  ${READ_ORDER_ID}
  document.getElementById('refundPaymentButton').addEventListener('click', function () {
    var old = document.getElementById('${REFUND_OVERLAY_ID}');
    if (old) old.remove();
    var overlay = document.createElement('div');
    overlay.id = '${REFUND_OVERLAY_ID}';
    overlay.className = 'frameOverlay';
    var close = document.createElement('input');
    close.type = 'button';
    close.value = 'Close';
    close.addEventListener('click', function () { overlay.remove(); });
    var frame = document.createElement('iframe');
    frame.name = 'refundFrame';
    frame.width = '740';
    frame.height = '560';
    frame.src = 'refundPayment.jsp?orderId=' + orderId + '&frame=1';
    overlay.appendChild(close);
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
  });
})();
`;

const LAUNCHER_SCRIPTS: Record<StepForm, string> = {
  jquery: JQUERY_SCRIPT,
  pages: PAGES_SCRIPT,
  window: WINDOW_SCRIPT,
  iframe: IFRAME_SCRIPT,
};

/** The order page's script for a form whose steps the server draws. */
export function launcherScript(form: StepForm): string {
  return LAUNCHER_SCRIPTS[form];
}

/** Step pages (pages, window, iframe): buttons that close the popup window or the parent's overlay. */
export const STEP_PAGE_SCRIPT = `
(function () {
  document.addEventListener('click', function (event) {
    var action = event.target.getAttribute && event.target.getAttribute('data-action');
    if (action === 'close-window') window.close();
    if (action === 'close-frame') {
      var overlay = window.parent.document.getElementById('${REFUND_OVERLAY_ID}');
      if (overlay) overlay.remove();
    }
  });
})();
`;
