import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derivePaymentFacts, summarizeOrder } from '@/lib/keap/payment-facts';
import { invoicePaymentListSchema, merchantListSchema, orderListingSchema, orderSchema, transactionListingSchema, transactionSchema } from '@/lib/keap/schemas';
import { invoicePaymentJson, orderJson, transactionJson } from '@/lib/keap/test-fixtures';
import { contactOrderRows } from '@/lib/panel/contact-orders';
import { mergeOrderRows } from '@/lib/panel/order-rows';
import { classifyGateway, gatewayLimitsOfPayment, gatewayLimitText } from '@/lib/refund/gateways';
import { refundChannelFor } from '@/lib/refund/rules';

/**
 * The side panel (one order's payments) and the Refunds panel (a contact's orders from its
 * transactions) say the same about a payment's gateway: one linking of payments to charges
 * (payment-facts.ts) and one wording of each limit (rules.ts), on orders whose invoice payments'
 * `payment_id` is not the id of any transaction.
 */

const merchants = merchantListSchema.parse({
  default_merchant_account: 1,
  merchant_accounts: [
    { id: 1, account_name: 'Stripe main', type: 'STRIPE', is_test: false },
    { id: 2, account_name: 'PayPal shop', type: 'PAYPAL', is_test: false },
    { id: 3, account_name: 'eWAY AU', type: 'EWAY', is_test: false },
  ],
});

const PAYPAL_EXPRESS_LIMIT = 'PayPal Express cannot refund from Keap: refund it in your PayPal account, then record it here';
const EWAY_LIMIT = 'eWAY cannot refund from Keap: refund it in your eWAY account, then record it here';
const MANUAL_REASON = 'This payment was recorded by hand (cash or check): give the money back yourself, then record it here';

const CAPTURE = { type: 'CAPTURE', collection_method: 'AUTOMATIC' };

/** How a payment was taken: its charge as Keap's transaction shows it, and the payment's status. */
const CHARGE_KINDS = {
  stripe: { charge: { ...CAPTURE, gateway: 'Stripe', gateway_account_name: 'Stripe main' }, payStatus: 'APPROVED' },
  paypalExpress: { charge: { ...CAPTURE, gateway: 'PayPal Express', gateway_account_name: 'PayPal shop' }, payStatus: 'PAYPAL_PAID' },
  eway: { charge: { ...CAPTURE, gateway: 'eWAY', gateway_account_name: 'eWAY AU' }, payStatus: 'APPROVED' },
  /** No gateway name: the merchant account's type tells it. */
  ewayByAccount: { charge: { ...CAPTURE, gateway: null, gateway_account_name: 'eWAY AU' }, payStatus: 'APPROVED' },
  braintree: { charge: { ...CAPTURE, gateway: 'Braintree', gateway_account_name: null }, payStatus: 'APPROVED' },
  check: { charge: { type: 'MANUAL', collection_method: 'MANUAL', gateway: null, gateway_account_name: null }, payStatus: 'MANUAL_PAID' },
} satisfies Record<string, { charge: Record<string, unknown>; payStatus: string }>;
type ChargeKind = keyof typeof CHARGE_KINDS;

interface PaymentPlan {
  kind: ChargeKind;
  amount: number;
  /** ISO date-times of the invoice payment and of its charge; the same UTC day. */
  payDate: string;
  chargeDate: string;
  /** Keap's `payment_id` names the charge (the contract's guess holds) or no transaction at all. */
  linkedById: boolean;
  status?: 'APPROVED' | 'PENDING' | 'FAILED';
  refunded?: number;
}

/** Keap's JSON for one order whose payments were each taken by one charge. */
function orderAsKeapSendsIt(plans: readonly PaymentPlan[]) {
  const payments: Record<string, unknown>[] = [];
  const transactions: Record<string, unknown>[] = [];
  plans.forEach((plan, index) => {
    const paymentId = 7001 + index * 2;
    const chargeId = 9001 + index * 2;
    const { charge, payStatus } = CHARGE_KINDS[plan.kind];
    const status = plan.status ?? 'APPROVED';
    payments.push(
      invoicePaymentJson(paymentId, {
        amount: plan.amount,
        pay_date: plan.payDate,
        pay_status: status === 'APPROVED' ? payStatus : status,
        payment_id: plan.linkedById ? chargeId : 555_000 + paymentId,
      }),
    );
    transactions.push(transactionJson(chargeId, { ...charge, amount: plan.amount, status, transaction_date: plan.chargeDate }));
    if (plan.refunded !== undefined) {
      payments.push(
        invoicePaymentJson(paymentId + 1, {
          amount: -plan.refunded,
          pay_date: plan.chargeDate,
          pay_status: 'REFUNDED',
          refund_invoice_payment_id: paymentId,
          payment_id: plan.linkedById ? chargeId + 1 : 555_000 + paymentId + 1,
        }),
      );
      transactions.push(transactionJson(chargeId + 1, { ...charge, type: 'REFUND', amount: plan.refunded, transaction_date: plan.chargeDate }));
    }
  });
  const total = plans.reduce((sum, plan) => sum + plan.amount, 0);
  const refundTotal = plans.reduce((sum, plan) => sum + (plan.refunded ?? 0), 0);
  return { order: orderJson(1, { total, total_paid: total, refund_total: refundTotal }), payments, transactions };
}

/** What the side panel shows for the order: each payment's channel, from the facts getOrderForRefund derives. */
function sidePanelOf(keap: ReturnType<typeof orderAsKeapSendsIt>) {
  const order = orderSchema.parse(keap.order);
  const facts = derivePaymentFacts({
    order,
    payments: invoicePaymentListSchema.parse(keap.payments),
    transactions: keap.transactions.map((transaction) => transactionSchema.parse(transaction)),
    merchants,
  });
  const payments = facts.filter((fact) => !fact.isRefundRow);
  return {
    payments,
    reasons: payments.map((fact) => {
      const channel = refundChannelFor(fact);
      return channel.kind === 'keap-refund-screen' ? 'Keap’s refund screen' : channel.reason;
    }),
    summary: summarizeOrder(order, facts),
  };
}

/** What the Refunds panel shows for the order: its badges, from the contact's order and transaction lists. */
function refundsPanelOf(keap: ReturnType<typeof orderAsKeapSendsIt>) {
  const rows = contactOrderRows(
    [orderListingSchema.parse(keap.order)],
    keap.transactions.map((transaction) => transactionListingSchema.parse(transaction)),
    merchants,
  );
  const [row] = mergeOrderRows([], rows);
  const badges = row?.badges ?? [];
  return {
    gatewayBadges: badges.flatMap((badge) => (badge.kind === 'gateway-cannot-refund' ? [badge.text] : [])),
    otherBadges: badges.filter((badge) => badge.kind !== 'gateway-cannot-refund').map((badge) => badge.kind),
  };
}

const at = (day: string, time: string) => `${day}T${time}.000Z`;
const payment = (kind: ChargeKind, amount: number, overrides: Partial<PaymentPlan> = {}): PaymentPlan => ({
  kind,
  amount,
  payDate: at('2025-03-04', '10:00:05'),
  chargeDate: at('2025-03-04', '10:00:00'),
  linkedById: false,
  ...overrides,
});

describe('one truth per payment: payment_id is not the transaction id', () => {
  it.each([
    { order: 'a PayPal Express payment', plans: [payment('paypalExpress', 45)], reasons: [PAYPAL_EXPRESS_LIMIT], badges: [PAYPAL_EXPRESS_LIMIT] },
    { order: 'an eWAY payment', plans: [payment('eway', 99.95)], reasons: [EWAY_LIMIT], badges: [EWAY_LIMIT] },
    { order: 'an eWAY payment its account names', plans: [payment('ewayByAccount', 99.95)], reasons: [EWAY_LIMIT], badges: [EWAY_LIMIT] },
    { order: 'a Stripe payment', plans: [payment('stripe', 60)], reasons: ['Keap’s refund screen'], badges: [] },
    { order: 'a check payment', plans: [payment('check', 150)], reasons: [MANUAL_REASON], badges: [] },
    {
      order: 'two payments with different gateways',
      plans: [payment('paypalExpress', 30), payment('stripe', 45, { payDate: at('2025-03-05', '09:00:00'), chargeDate: at('2025-03-05', '08:59:59') })],
      reasons: [PAYPAL_EXPRESS_LIMIT, 'Keap’s refund screen'],
      badges: [PAYPAL_EXPRESS_LIMIT],
    },
    {
      order: 'two PayPal Express payments of one amount and day, and a Stripe one',
      plans: [payment('paypalExpress', 30), payment('paypalExpress', 30, { chargeDate: at('2025-03-04', '18:00:00') }), payment('stripe', 50)],
      reasons: [PAYPAL_EXPRESS_LIMIT, PAYPAL_EXPRESS_LIMIT, 'Keap’s refund screen'],
      badges: [PAYPAL_EXPRESS_LIMIT],
    },
    {
      order: 'a PayPal Express and a Stripe payment of one amount and day (they cannot be told apart)',
      plans: [payment('paypalExpress', 30), payment('stripe', 30, { chargeDate: at('2025-03-04', '18:00:00') })],
      reasons: [
        'Refund Desk cannot tell whether PayPal Express or Stripe took this payment: refund it in the merchant account that did, then record it here',
        'Refund Desk cannot tell whether PayPal Express or Stripe took this payment: refund it in the merchant account that did, then record it here',
      ],
      badges: [PAYPAL_EXPRESS_LIMIT],
    },
  ])('$order: the side panel and the Refunds panel name the same gateway in the same words', ({ plans, reasons, badges }) => {
    const keap = orderAsKeapSendsIt(plans);
    const side = sidePanelOf(keap);
    const panel = refundsPanelOf(keap);
    expect(side.reasons).toEqual(reasons);
    expect(panel.gatewayBadges).toEqual(badges);
    // The order summaries the two sides send carry the same limits, worded by the one function.
    expect(side.summary.gatewayLimits.map((limit) => limit.text)).toEqual(badges);
    for (const limit of side.summary.gatewayLimits) expect(limit.text).toBe(gatewayLimitText(classifyGateway(limit.gatewayName)));
  });

  it('a check payment is badged manual on the Refunds panel and manual in the side panel, with no gateway', () => {
    const keap = orderAsKeapSendsIt([payment('check', 150)]);
    expect(refundsPanelOf(keap).otherBadges).toEqual(['manual-payment']);
    expect(sidePanelOf(keap).payments[0]).toMatchObject({ isManual: true, gatewayName: null, possibleGatewayNames: [] });
  });

  it('linked by payment_id or not, the side panel gives each payment the same gateway', () => {
    const plans = [payment('paypalExpress', 30), payment('eway', 45), payment('stripe', 60), payment('check', 150)];
    const gateways = (linkedById: boolean) =>
      sidePanelOf(orderAsKeapSendsIt(plans.map((plan) => ({ ...plan, linkedById })))).payments.map((fact) => [fact.gatewayName, fact.merchantType]);
    expect(gateways(false)).toEqual(gateways(true));
  });
});

describe('property: the Refunds panel names a gateway limit for an order exactly when the side panel names it on a payment', () => {
  const day = fc.constantFrom('2025-03-04', '2025-03-05');
  // Few amounts and days, so payments often share both and cannot be told apart.
  const planArbitrary = fc
    .record({
      kind: fc.constantFrom(...(Object.keys(CHARGE_KINDS) as ChargeKind[])),
      amount: fc.constantFrom(30, 45, 60),
      day,
      payHour: fc.integer({ min: 0, max: 23 }),
      chargeHour: fc.integer({ min: 0, max: 23 }),
      linkedById: fc.boolean(),
      status: fc.constantFrom('APPROVED', 'APPROVED', 'PENDING', 'FAILED'),
      refunded: fc.option(fc.constantFrom(10, 30), { nil: undefined }),
    })
    .map((plan): PaymentPlan => ({
      kind: plan.kind,
      amount: plan.amount,
      payDate: at(plan.day, `${String(plan.payHour).padStart(2, '0')}:00:00`),
      chargeDate: at(plan.day, `${String(plan.chargeHour).padStart(2, '0')}:30:00`),
      linkedById: plan.linkedById,
      status: plan.kind === 'check' ? 'APPROVED' : plan.status,
      refunded: plan.status === 'APPROVED' ? plan.refunded : undefined,
    }));

  it('property: same limits, same words, whether payment_id links or not', () => {
    fc.assert(
      fc.property(fc.array(planArbitrary, { minLength: 1, maxLength: 6 }), (plans) => {
        const keap = orderAsKeapSendsIt(plans);
        const side = sidePanelOf(keap);
        const panelLimits = new Set(refundsPanelOf(keap).gatewayBadges);
        // Every payment's limits: its own gateway's, or those of each gateway it cannot be told apart from.
        const sideLimits = new Set(side.payments.filter((fact) => !fact.isManual).flatMap((fact) => gatewayLimitsOfPayment(fact).map((limit) => limit.text)));
        expect(sideLimits).toEqual(panelLimits);
        // A payment sent to be refunded by hand for its gateway says a limit the Refunds panel shows, or names gateways whose limits it shows.
        for (const fact of side.payments) {
          const channel = refundChannelFor(fact);
          if (channel.kind !== 'manual' || fact.isManual) continue;
          if (fact.possibleGatewayNames.length === 0 || fact.gatewayName !== null) expect(panelLimits).toContain(channel.reason);
          else for (const limit of gatewayLimitsOfPayment(fact)) expect(panelLimits).toContain(limit.text);
        }
      }),
    );
  });
});
