import type { RefundScreenPlan } from '@/lib/page/refund-screen/protocol';

/*
 * Two imitations of the newer Keap app's contact record for the driver's unit tests, made only
 * from Keap's published words (Money card → payment → Refund → confirmation link → message):
 * - `drawer`: ARIA cards, a list of payment buttons, the payment in a dialog, dates "Apr 23, 2025",
 *   a refund amount field (partial refunds), a role=status message.
 * - `table`: no ARIA, a Money button, a table whose "Credit card payment made" links open the
 *   payment in place, dates "04/23/2025", whole payments only, a plain paragraph as the message.
 */

export type TestMarkup = 'drawer' | 'table';

export interface TestPayment {
  id: number;
  /** ISO day. */
  date: string;
  amountMinor: number;
}

export interface TestPageOptions {
  markup: TestMarkup;
  payments: TestPayment[];
  /** What Keap answers when the confirmation is followed. */
  answer?: 'completed' | 'declined';
  /** The Refund button's word (Keap's documented "Refund" unless a test changes it). */
  refundWord?: string;
  /** The confirmation link's words (each markup has its own unless a test changes them). */
  confirmWord?: string;
  /** The app opens another payment than the one clicked, listing the clicked one under "Payments for this invoice". */
  opensAnotherPayment?: boolean;
  /** Runs when the person (or the driver) clicks Refund, after the confirmation is drawn. */
  onConfirmationShown?: (box: HTMLElement) => void;
}

export interface TestPage {
  /** Every refund the page "sent": the payment and the amount text. */
  sent: { paymentId: number; amount: string | null; reason: string | null }[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shownDate(markup: TestMarkup, iso: string): string {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return markup === 'drawer' ? `${MONTHS[month - 1]} ${day}, ${year}` : `${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}/${year}`;
}

function dollars(minor: number): string {
  return `$${(minor / 100).toFixed(2)}`;
}

function el(document: Document, tag: string, attributes: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function onClick(element: HTMLElement, action: () => void): HTMLElement {
  element.addEventListener('click', (event) => {
    event.preventDefault();
    action();
  });
  return element;
}

/** Draws the contact record's activity into `document.body` and answers like the app would. */
export function renderTestPage(document: Document, options: TestPageOptions): TestPage {
  const { markup, payments } = options;
  const page: TestPage = { sent: [] };
  const e = (tag: string, attributes: Record<string, string> = {}, children: (Node | string)[] = []) => el(document, tag, attributes, children);
  const moneyPanel = e('div');
  const openMoney = () => moneyPanel.replaceChildren(...paymentsList());

  function paymentsList(): HTMLElement[] {
    if (markup === 'drawer') {
      const items = payments.map((payment) =>
        e('div', { role: 'listitem' }, [
          onClick(e('button', { type: 'button', 'aria-label': `Credit card payment, ${dollars(payment.amountMinor)}, ${shownDate(markup, payment.date)}` }, ['Credit card']), () =>
            openPayment(payment),
          ),
        ]),
      );
      return [e('div', { role: 'list', 'aria-label': 'Payments' }, items)];
    }
    const rows = payments.map((payment) =>
      e('tr', {}, [
        e('td', {}, [shownDate(markup, payment.date)]),
        e('td', {}, [dollars(payment.amountMinor)]),
        e('td', {}, [onClick(e('a', { href: '#' }, ['Credit card payment made']), () => openPayment(payment))]),
      ]),
    );
    return [e('table', {}, [e('thead', {}, [e('tr', {}, [e('th', {}, ['Date']), e('th', {}, ['Amount']), e('th', {}, ['Description'])])]), e('tbody', {}, rows)])];
  }

  function openPayment(clicked: TestPayment): void {
    const payment = options.opensAnotherPayment ? payments.find((other) => other.id !== clicked.id)! : clicked;
    const invoice = e('ul', {}, [e('li', {}, [`${shownDate(markup, clicked.date)} · Credit card · ${dollars(clicked.amountMinor)}`])]);
    const refundArea = e('div');
    const message = e('div');
    const word = options.refundWord ?? 'Refund';
    const refund = markup === 'drawer' ? e('button', { type: 'button' }, [word]) : e('input', { type: 'button', value: word });
    onClick(refund, () => {
      refundArea.replaceChildren(confirmation(payment, message));
      options.onConfirmationShown?.(refundArea);
    });
    const facts = e('p', {}, [`${dollars(payment.amountMinor)} on ${shownDate(markup, payment.date)}`]);
    if (markup === 'drawer') {
      document.querySelector('[role="dialog"]')?.remove();
      document.body.append(
        e('aside', { role: 'dialog', 'aria-label': 'Payment' }, [e('button', { type: 'button', 'aria-label': 'Close' }, ['×']), facts, message, refund, refundArea, invoice]),
      );
    } else {
      moneyPanel.replaceChildren(e('div', {}, [onClick(e('a', { href: '#' }, ['« Back to Money']), openMoney), facts, message, e('p', {}, [refund]), refundArea, invoice]));
    }
  }

  function confirmation(payment: TestPayment, message: HTMLElement): HTMLElement {
    const amount = markup === 'drawer' ? e('input', { id: 'amount', value: (payment.amountMinor / 100).toFixed(2) }) : null;
    const reason = markup === 'drawer' ? e('textarea', { id: 'reason' }) : null;
    const confirmText = options.confirmWord ?? (markup === 'drawer' ? 'Confirm refund' : 'Click here to process the refund');
    const confirm = onClick(e('a', { href: '#' }, [confirmText]), () => {
      page.sent.push({ paymentId: payment.id, amount: amount ? (amount as HTMLInputElement).value : null, reason: reason ? (reason as HTMLTextAreaElement).value : null });
      const refunded = amount ? (amount as HTMLInputElement).value : (payment.amountMinor / 100).toFixed(2);
      const text = options.answer === 'declined' ? 'Refund failed: the card was declined. Nothing was refunded.' : `The refund of $${refunded} was completed.`;
      message.replaceChildren(markup === 'drawer' ? e('div', { role: options.answer === 'declined' ? 'alert' : 'status' }, [text]) : e('p', {}, [text]));
      confirm.closest('div')?.remove();
    });
    const cancel = e('a', { href: '#' }, ['Cancel']);
    if (markup === 'drawer') {
      return e('div', {}, [
        e('p', {}, [e('label', { for: 'amount' }, ['Refund amount']), amount!]),
        e('p', {}, [e('label', { for: 'reason' }, ['Reason (optional)']), reason!]),
        e('p', {}, [confirm, ' ', cancel]),
      ]);
    }
    return e('div', {}, [e('p', {}, [`The whole payment of ${dollars(payment.amountMinor)} will be refunded to the customer.`]), e('p', {}, [confirm, ' | ', cancel])]);
  }

  const money = markup === 'drawer' ? e('div', { role: 'button', tabindex: '0', 'aria-label': 'Money' }, ['Money 3']) : e('button', { type: 'button' }, ['Money']);
  document.body.replaceChildren(e('section', {}, [e('h2', {}, ['Contact activity']), markup === 'drawer' ? money : e('h3', {}, [money]), moneyPanel]));
  onClick(money, openMoney);
  return page;
}

/** A plan refunding `amountMinor` of payment 7001 ($60.00 on 2025-04-23) of order 5001. */
export function testPlan(amountMinor = 6000, overrides: Partial<RefundScreenPlan> = {}): RefundScreenPlan {
  return {
    orderId: 5001,
    lines: [{ paymentId: 7001, amountMinor }],
    orderPayments: [
      { paymentId: 7001, payDate: '2025-04-23T15:00:00.000Z', amountMinor: 6000, refundableMinor: 6000 },
      { paymentId: 7002, payDate: '2025-05-23T15:00:00.000Z', amountMinor: 4000, refundableMinor: 4000 },
    ],
    currency: 'USD',
    reason: 'Customer asked',
    method: 'refund',
    errorHandling: 'skip-payment',
    amountOwedMinor: 0,
    ...overrides,
  };
}

export const TEST_PAYMENTS: TestPayment[] = [
  { id: 7001, date: '2025-04-23', amountMinor: 6000 },
  { id: 7002, date: '2025-05-23', amountMinor: 4000 },
  { id: 9100, date: '2025-06-01', amountMinor: 1500 },
];
