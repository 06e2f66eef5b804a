/**
 * Instruments that run inside the browser. They are plain JavaScript text, not TypeScript
 * functions: tsx wraps named functions in a `__name` helper that does not exist in the page.
 * Each records `performance.now()` (milliseconds since that page's navigation start) at the DOM
 * mutation that made something visible, into a `window.__refundDeskBench` object.
 */

/** Marks kept on a Keap contact page; times are `performance.now()` there, null until seen. */
export interface PanelMarks {
  /** Keap's Orders table (a `<table>` with a "Balance Due" header) entered the page. */
  tableAt: number | null;
  /** The first panel change after the table appeared that showed the page's orders. */
  pageRowsAt: number | null;
  /** Order rows the panel showed then. */
  rowsShownFirst: number | null;
  /** The panel's count became final ("N orders"): every row of the page was read. */
  countedAt: number | null;
  /** Rows show the API's amounts: the "Checking amounts" status is gone and a refundable cell is filled. */
  reconciledAt: number | null;
  /** Orders the panel counted ("N orders") when its count became final. */
  orderCountShown: number | null;
  /** `performance.timeOrigin`, to line page times up with the service worker's. */
  timeOrigin: number;
}

export const PANEL_OBSERVER = String.raw`(() => {
  if (window.top !== window || !/\/contact\//i.test(location.pathname)) return;
  const marks = { tableAt: null, pageRowsAt: null, rowsShownFirst: null, countedAt: null, reconciledAt: null, orderCountShown: null, timeOrigin: performance.timeOrigin };
  window.__refundDeskBench = marks;
  let panelRoot = null;
  const countShown = (root) => {
    const count = root.querySelector('.rd-count');
    const match = count ? /^(\d+) orders?$/.exec(count.textContent) : null;
    return match ? Number(match[1]) : null;
  };
  const inspectPanel = (now) => {
    const rows = panelRoot.querySelectorAll('tr[data-order-id]');
    if (rows.length === 0) return;
    if (marks.tableAt !== null && marks.pageRowsAt === null) {
      marks.pageRowsAt = Math.max(now, marks.tableAt);
      marks.rowsShownFirst = rows.length;
    }
    const counted = marks.tableAt === null ? null : countShown(panelRoot);
    if (marks.countedAt === null && counted !== null) {
      marks.countedAt = Math.max(now, marks.tableAt);
      marks.orderCountShown = counted;
    }
    const filled = Array.from(panelRoot.querySelectorAll('.rd-refundable')).some((cell) => cell.textContent !== '\u2026');
    if (marks.reconciledAt === null && filled && !panelRoot.querySelector('[role="status"]')) marks.reconciledAt = now;
  };
  const panelObserver = new MutationObserver(() => inspectPanel(performance.now()));
  const pageObserver = new MutationObserver(() => {
    const now = performance.now();
    if (marks.tableAt === null) {
      const table = Array.from(document.querySelectorAll('table')).find((candidate) =>
        Array.from(candidate.querySelectorAll('th')).some((header) => header.textContent.trim() === 'Balance Due'));
      if (table) marks.tableAt = now;
    }
    if (panelRoot === null) {
      const host = document.querySelector('[data-refund-desk="panel"]');
      if (host && host.shadowRoot) {
        panelRoot = host.shadowRoot;
        panelObserver.observe(panelRoot, { childList: true, subtree: true, characterData: true, attributes: true });
        inspectPanel(now);
      }
    }
  });
  pageObserver.observe(document, { childList: true, subtree: true });
})();`;

/** Marks kept on the side panel page. */
export interface SidePanelMarks {
  /** The `getOrderForRefund` answer reached the page (before the page validated it). */
  dataAt: number | null;
  /** The "Review refund" button is in the page and enabled. */
  formAt: number | null;
  /** The frame after that was drawn and the page's main thread was free again. */
  interactiveAt: number | null;
}

/**
 * Wraps `chrome.runtime.sendMessage`, which the messaging library reaches through the
 * webextension polyfill, to note when the background's answer to `getOrderForRefund` arrives.
 */
export const SIDE_PANEL_OBSERVER = String.raw`(() => {
  const marks = { dataAt: null, formAt: null, interactiveAt: null };
  window.__refundDeskBench = marks;
  const runtime = globalThis.chrome && globalThis.chrome.runtime;
  const send = runtime && runtime.sendMessage;
  if (send) {
    runtime.sendMessage = function (...args) {
      const message = args[0];
      const asksForOrder = message && message.type === 'getOrderForRefund';
      const last = args.length - 1;
      if (asksForOrder && typeof args[last] === 'function') {
        const callback = args[last];
        args[last] = function (...answer) {
          marks.dataAt = performance.now();
          return callback.apply(this, answer);
        };
        return send.apply(this, args);
      }
      const result = send.apply(this, args);
      if (asksForOrder && result && typeof result.then === 'function') {
        return result.then((answer) => {
          marks.dataAt = performance.now();
          return answer;
        });
      }
      return result;
    };
  }
  const observer = new MutationObserver(() => {
    if (marks.formAt !== null) return;
    const button = Array.from(document.querySelectorAll('button')).find((candidate) => candidate.textContent.trim() === 'Review refund');
    if (button && !button.disabled) {
      marks.formAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { marks.interactiveAt = performance.now(); }, 0));
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/** Marks kept on the popup page. */
export interface PopupMarks {
  /** The first refund row entered the page. */
  firstRowAt: number | null;
  /** The count and refunded total replaced "Counting…". */
  summaryAt: number | null;
}

export const POPUP_OBSERVER = String.raw`(() => {
  const marks = { firstRowAt: null, summaryAt: null };
  window.__refundDeskBench = marks;
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (marks.firstRowAt === null && document.querySelector('li.refund-row')) marks.firstRowAt = now;
    const summary = document.querySelector('p.summary');
    if (marks.summaryAt === null && summary && summary.textContent !== 'Counting\u2026') marks.summaryAt = now;
    if (marks.firstRowAt !== null && marks.summaryAt !== null) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;

/** What a search measured: how long until the list showed only matching rows, and how many. */
export interface SearchTiming {
  ms: number;
  rowsShown: number;
  noMatch: boolean;
}

/**
 * Types `query` into the popup's Search box in one input event (as a paste would) and resolves
 * when the list shows the search's result: rows whose text holds every query word (accents
 * folded, as the journal's search does), or the "No refunds match" line. Gives up after `timeoutMs`.
 */
export function searchScript(query: string, timeoutMs: number): string {
  return String.raw`new Promise((resolve, reject) => {
  const query = ${JSON.stringify(query)};
  const fold = (text) => text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter((word) => word.length > 0);
  const input = Array.from(document.querySelectorAll('label')).find((label) => label.textContent.trim().startsWith('Search')).querySelector('input');
  const main = document.querySelector('main');
  const shows = () => {
    if (document.querySelector('.no-match')) return { rowsShown: 0, noMatch: true };
    const rows = Array.from(document.querySelectorAll('li.refund-row'));
    if (rows.length === 0) return null;
    const matching = rows.every((row) => { const text = fold(row.textContent); return words.every((word) => text.includes(word)); });
    return matching ? { rowsShown: rows.length, noMatch: false } : null;
  };
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('The search for "' + query + '" did not update the rows within ${timeoutMs} ms')); }, ${timeoutMs});
  let startedAt = 0;
  const observer = new MutationObserver(() => {
    const shown = shows();
    if (shown === null) return;
    const ms = performance.now() - startedAt;
    observer.disconnect();
    clearTimeout(timer);
    resolve({ ms, ...shown });
  });
  observer.observe(main, { childList: true, subtree: true, characterData: true });
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  startedAt = performance.now();
  setValue.call(input, query);
  input.dispatchEvent(new Event('input', { bubbles: true }));
})`;
}

/** Marks kept on the side panel page during one refund; times are `performance.now()` there. */
export interface RefundMarks {
  /** The click on "Confirm refund of …", taken in the click event itself (capture phase, before the page's handler). */
  clickAt: number | null;
  /** A refund of the progress list first showed each journal state (`article.progress.state-…`). */
  statesAt: Record<string, number>;
  /** The result line (`p.summary`, role status) first read as anything. */
  summaryAt: number | null;
  /** Its words then. */
  summary: string | null;
  /** True when nothing was shown within the page's time limit. */
  timedOut: boolean;
  /** `performance.timeOrigin`, to line page times up with the service worker's. */
  timeOrigin: number;
}

/**
 * Run in the side panel page on the review step, just before the Confirm click. Records the click
 * and each change of the refund's progress with a MutationObserver, and leaves a promise in
 * `window.__refundDeskBenchDone` that resolves with the marks once the result line shows (or
 * after `timeoutMs`): nothing is polled from outside.
 */
export function refundObserverScript(timeoutMs: number): string {
  return String.raw`(() => {
  const marks = { clickAt: null, statesAt: {}, summaryAt: null, summary: null, timedOut: false, timeOrigin: performance.timeOrigin };
  window.__refundDeskBench = marks;
  let finish;
  window.__refundDeskBenchDone = new Promise((resolve) => { finish = resolve; });
  document.addEventListener('click', (event) => {
    if (marks.clickAt !== null) return;
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.textContent.trim().startsWith('Confirm refund of')) marks.clickAt = performance.now();
  }, true);
  const timer = setTimeout(() => { marks.timedOut = true; observer.disconnect(); finish(marks); }, ${timeoutMs});
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (marks.clickAt === null) return;
    for (const article of document.querySelectorAll('article.progress')) {
      for (const name of article.classList) {
        if (name.startsWith('state-') && !(name.slice(6) in marks.statesAt)) marks.statesAt[name.slice(6)] = now;
      }
    }
    const summary = document.querySelector('p.summary[role="status"]');
    const text = summary ? summary.textContent.trim() : '';
    if (text !== '') {
      marks.summaryAt = now;
      marks.summary = text;
      observer.disconnect();
      clearTimeout(timer);
      finish(marks);
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
})();`;
}
