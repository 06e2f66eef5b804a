import { z } from 'zod';
import { formatPlainAmount, formatUsd, parseAmountInput } from './money';
import { newerAppFormSchema, offersPartialRefunds, refundCompletedMessage, refundFailedMessage } from './newer-app-forms';
import { processRefund, type ProcessOptions } from './refund';
import { findContact, findMerchant, findOrder, findTransaction, ordersOfContact, paymentsOfOrder, refundableMinor, type InvoicePayment, type SandboxState } from './state';

/**
 * Keap's newer web app (keap-facts.md, "Keap's newer web app"), as the sandbox imagines it: a
 * client-side-routed single-page app on keap.app (and infusionsoft.app) whose every page is one
 * shell (newer-app-shell.ts) that fetches its data as JSON from the sandbox-private endpoints
 * answered here, drawn from the same state the API and the classic pages use. Its refund goes
 * through processRefund, so the books change exactly as for a classic refund.
 */

/** Where the newer app lives for most accounts; browsers reach the sandbox there through host-resolver rules. */
export const NEWER_APP_ORIGIN = 'https://keap.app';

/** Hosts that serve the newer app instead of the classic pages. */
const NEWER_APP_HOSTS = ['keap.app', 'infusionsoft.app'] as const;

export function isNewerAppHost(hostname: string): boolean {
  return (NEWER_APP_HOSTS as readonly string[]).includes(hostname.toLowerCase());
}

/** Where the app's script fetches its data; not one of Keap's documented paths. */
export const NEWER_APP_DATA_PREFIX = '/__newer-app/';

/** The contact record's path, e.g. `/contacts/list/all/contact/1001/activity`. */
export function newerAppContactPath(contactId: number, tab: 'activity' | 'details' = 'activity'): string {
  return `/contacts/list/all/contact/${contactId}/${tab}`;
}

/** The newer app has no Error Handling step: a refund the gateway does not take refunds nothing. */
const ON_GATEWAY_FAILURE = 'skip';
/** Keap's books need a reason; the cards form's is optional and the table form asks for none. */
const DEFAULT_REASON = 'Refunded from the contact record';

/** What `POST /__newer-app/payment/<id>/refund` takes: the form that drew the page, and the cards form's amount and reason. */
const NewerAppRefundRequestSchema = z.object({
  form: newerAppFormSchema,
  amount: z.string().optional(),
  reason: z.string().optional(),
});

interface DataAnswer {
  status: number;
  body: unknown;
}

interface PaymentSummary {
  id: number;
  orderId: number;
  /** ISO date; each form formats it its own way. */
  date: string;
  amountText: string;
  description: string;
  status: string;
  isRefund: boolean;
}

function notFound(message: string): DataAnswer {
  return { status: 404, body: { message } };
}

function fullName(contact: { givenName: string; familyName: string }): string {
  return `${contact.givenName} ${contact.familyName}`;
}

/** The help centre's words: "Credit card payment"; checks and PayPal named as such. */
function paymentDescription(state: SandboxState, payment: InvoicePayment): string {
  if (payment.refundOfPaymentId !== null) return 'Refund';
  const merchant = findMerchant(state, findTransaction(state, payment.transactionId)?.merchantAccountId ?? null);
  if (!merchant) return 'Check payment';
  return merchant.type === 'PAYPAL' ? 'PayPal payment' : 'Credit card payment';
}

function paymentStatus(state: SandboxState, payment: InvoicePayment): string {
  if (payment.refundOfPaymentId !== null) return 'Refund';
  switch (payment.payStatus) {
    case 'PENDING':
      return 'Pending';
    case 'VOIDED':
      return 'Voided';
    case 'FAILED':
    case 'ERROR':
      return 'Failed';
    case 'REFUNDED':
      return 'Refunded';
    default:
      return refundableMinor(state, payment) < payment.amountMinor ? 'Partially refunded' : 'Paid';
  }
}

function summarize(state: SandboxState, payment: InvoicePayment): PaymentSummary {
  return {
    id: payment.id,
    orderId: payment.orderId,
    date: payment.payDate,
    amountText: formatUsd(payment.amountMinor),
    description: paymentDescription(state, payment),
    status: paymentStatus(state, payment),
    isRefund: payment.refundOfPaymentId !== null,
  };
}

function paymentsOfContact(state: SandboxState, contactId: number): InvoicePayment[] {
  const orderIds = new Set(ordersOfContact(state, contactId).map((order) => order.id));
  return state.payments.filter((payment) => orderIds.has(payment.orderId)).sort((a, b) => b.payDate.localeCompare(a.payDate) || b.id - a.id);
}

/**
 * A request under `/__newer-app/`, `route` being the rest of its path: `GET contacts`,
 * `GET contact/<id>`, `GET contact/<id>/payments`, `GET payment/<id>` and
 * `POST payment/<id>/refund` (see refundFromNewerApp). `body` is the parsed JSON body, if any.
 */
export function answerNewerAppRequest(state: SandboxState, method: string, route: string, body: unknown, options: ProcessOptions): DataAnswer {
  const refund = /^payment\/(\d+)\/refund$/.exec(route);
  if (refund) return method === 'POST' ? refundFromNewerApp(state, Number(refund[1]), body, options) : { status: 405, body: { message: 'A refund is a POST.' } };
  if (method !== 'GET') return { status: 405, body: { message: `${method} is not answered here.` } };
  return readData(state, route);
}

function readData(state: SandboxState, route: string): DataAnswer {
  if (route === 'contacts') {
    return { status: 200, body: { contacts: state.contacts.map((contact) => ({ id: contact.id, name: fullName(contact), email: contact.email })) } };
  }
  const contactMatch = /^contact\/(\d+)(\/payments)?$/.exec(route);
  if (contactMatch) {
    const contact = findContact(state, Number(contactMatch[1]));
    if (!contact) return notFound('This contact could not be found.');
    const payments = paymentsOfContact(state, contact.id);
    if (contactMatch[2] !== undefined) return { status: 200, body: { payments: payments.map((payment) => summarize(state, payment)) } };
    return {
      status: 200,
      body: {
        id: contact.id,
        name: fullName(contact),
        email: contact.email,
        phone: contact.phone,
        company: contact.companyName,
        paymentCount: payments.length,
        noteCount: state.notes.filter((note) => note.contactId === contact.id).length,
      },
    };
  }
  const paymentMatch = /^payment\/(\d+)$/.exec(route);
  if (paymentMatch) {
    const payment = state.payments.find((candidate) => candidate.id === Number(paymentMatch[1]));
    const order = payment && findOrder(state, payment.orderId);
    if (!payment || !order) return notFound('This payment could not be found.');
    const leftMinor = refundableMinor(state, payment);
    return {
      status: 200,
      body: {
        ...summarize(state, payment),
        contactId: order.contactId,
        orderTitle: order.title,
        invoiceNumber: order.invoiceNumber,
        canRefund: leftMinor > 0,
        refundableAmount: formatPlainAmount(leftMinor),
        refundableText: formatUsd(leftMinor),
        // The help centre: refunds also show on the invoice's "Payments for this invoice".
        invoicePayments: paymentsOfOrder(state, order.id).map((other) => summarize(state, other)),
      },
    };
  }
  return notFound('No such data.');
}

/**
 * `POST /__newer-app/payment/<id>/refund` with a JSON body (the confirmation link): refunds the
 * payment through the gateway. 200 `{refunded: true, message}` once refunded; 422
 * `{refunded: false, message}` when the gateway did not take it (nothing changed); 400 `{message}`
 * for a request the form would not send (an amount the cards form refuses, a part of a payment in
 * the table form); 404 for an unknown payment.
 */
function refundFromNewerApp(state: SandboxState, paymentId: number, body: unknown, options: ProcessOptions): DataAnswer {
  const request = NewerAppRefundRequestSchema.safeParse(body);
  if (!request.success) return { status: 400, body: { message: 'The refund request could not be read.' } };
  const { form, amount, reason } = request.data;
  const payment = state.payments.find((candidate) => candidate.id === paymentId && candidate.refundOfPaymentId === null);
  const order = payment && findOrder(state, payment.orderId);
  if (!payment || !order) return notFound('This payment could not be found.');
  const leftMinor = refundableMinor(state, payment);
  if (leftMinor === 0) return { status: 400, body: { message: 'This payment has nothing left to refund.' } };
  const amountMinor = amount === undefined ? leftMinor : parseAmountInput(amount);
  if (amountMinor === undefined || amountMinor === 0 || amountMinor > leftMinor) {
    return { status: 400, body: { message: `Enter an amount between 0.01 and ${formatPlainAmount(leftMinor)}.` } };
  }
  if (!offersPartialRefunds(form) && amountMinor !== leftMinor) {
    return { status: 400, body: { message: `This payment can only be refunded in full (${formatUsd(leftMinor)}).` } };
  }
  const answer = processRefund(
    state,
    {
      orderId: order.id,
      reason: reason?.trim() || DEFAULT_REASON,
      method: 'refund',
      onFailure: ON_GATEWAY_FAILURE,
      // Nothing here asks what the client should owe, so the balance due stays as it was.
      amountOwed: formatPlainAmount(order.totalDueMinor),
      payments: [{ paymentId: payment.id, amount: formatPlainAmount(amountMinor) }],
    },
    options,
  );
  if (!answer.ok) return { status: 400, body: { message: answer.error.message } };
  const line = answer.results[0];
  if (line?.outcome === 'refunded') return { status: 200, body: { refunded: true, message: refundCompletedMessage(form, amountMinor) } };
  return { status: 422, body: { refunded: false, message: refundFailedMessage(form, line?.failure ?? 'the gateway did not answer') } };
}
