import type { InvoicePayment, MerchantAccount, Order, SandboxState, Transaction } from './state';

/** Every seeded id by name, so tests never hard-code numbers. */
export const SEED = {
  appName: 'refunddemo',
  apiKey: 'KeapAK-sandbox-demo',
  /** Valid key without rights: everything but GET /v1/account/profile answers 403 (userinfo too). */
  readOnlyApiKey: 'KeapAK-sandbox-readonly',
  userId: 1,
  merchants: { stripe: 101, stripeTest: 102, authorizeNet: 103, paypalExpress: 104, eway: 105, wepay: 106 },
  contacts: { demo: 1001, hostile: 1002, thousandOrders: 1003, fiftyOrders: 1004, noOrders: 1005 },
  orders: {
    twoPayments: 5001,
    partiallyRefunded: 5002,
    pending: 5003,
    paypalExpress: 5004,
    check: 5005,
    stripeTest: 5006,
    fivePayments: 5007,
    eway: 5008,
    fullyRefunded: 5009,
    hostile: 5010,
  },
  payments: {
    twoPaymentsFirst: 7001,
    twoPaymentsSecond: 7002,
    authorizeNet: 7003,
    authorizeNetEarlierRefund: 7004,
    pending: 7005,
    paypalExpress: 7006,
    check: 7007,
    stripeTest: 7008,
    fivePayments: [7009, 7010, 7011, 7012, 7013],
    eway: 7014,
    fullyRefunded: 7015,
    fullyRefundedRefund: 7016,
    hostile: 7017,
  },
  notes: { demoWelcome: 401, hostile: 402 },
  /** Hostile text carried by the XSS contact's name, order title and note. */
  hostileText: {
    givenName: 'Zoë <script>alert("xss")</script>',
    familyName: 'Ångström & "O\'Brien" <img src=x onerror=alert(1)>',
    orderTitle: '<script>alert("xss")</script> 東京 order "quoted" & <img src=x onerror=alert(1)>',
  },
  /** Generated orders of the big contacts: ids first..first+count-1. */
  generated: {
    thousandOrders: { count: 1000, firstOrderId: 10001, firstPaymentId: 30001, firstTransactionId: 50001 },
    fiftyOrders: { count: 50, firstOrderId: 12001, firstPaymentId: 32001, firstTransactionId: 52001 },
  },
} as const;

/** Invoice payment id + this = id of the transaction that charged it, for the hand-written orders. */
const TRANSACTION_ID_OFFSET = 2000;
const INVOICE_ID_OFFSET = 3000;
const SEED_NOW = Date.parse('2025-06-02T15:00:00.000Z');
const DAY_MS = 86_400_000;

function daysAgo(days: number, hour = 0): string {
  return new Date(SEED_NOW - days * DAY_MS + hour * 3_600_000).toISOString();
}

const MERCHANTS: MerchantAccount[] = [
  { id: SEED.merchants.stripe, accountName: 'Stripe', type: 'STRIPE', isTest: false, gatewayName: 'Stripe', canRefundInKeap: true },
  { id: SEED.merchants.stripeTest, accountName: 'Stripe (test mode)', type: 'STRIPE', isTest: true, gatewayName: 'Stripe', canRefundInKeap: true },
  { id: SEED.merchants.authorizeNet, accountName: 'Authorize.Net', type: 'AUTHORIZE', isTest: false, gatewayName: 'Authorize.Net', canRefundInKeap: true },
  { id: SEED.merchants.paypalExpress, accountName: 'PayPal Express', type: 'PAYPAL', isTest: false, gatewayName: 'PayPal Express', canRefundInKeap: false },
  { id: SEED.merchants.eway, accountName: 'eWAY', type: 'EWAY', isTest: false, gatewayName: 'eWAY', canRefundInKeap: false },
  { id: SEED.merchants.wepay, accountName: 'WePay', type: 'WEPAY', isTest: false, gatewayName: 'WePay', canRefundInKeap: true },
];

interface PaymentSeed {
  id: number;
  amountMinor: number;
  payStatus: InvoicePayment['payStatus'];
  /** Null: money taken outside any merchant account (check). */
  merchantAccountId: number | null;
  transactionStatus?: Transaction['status'];
  refund?: { id: number; amountMinor: number; daysLater: number };
}

interface OrderSeed {
  id: number;
  contactId: number;
  title: string;
  ageDays: number;
  merchantAccountId: number;
  usesDefaultMerchant?: boolean;
  payments: PaymentSeed[];
}

/** Adds an order with its items, invoice payments, charge transactions and earlier refunds. */
function addOrder(state: SandboxState, seed: OrderSeed, ids: { invoiceId: number; transactionIdOf: (paymentId: number) => number }): void {
  const orderDate = daysAgo(seed.ageDays);
  const totalMinor = seed.payments.reduce((sum, payment) => sum + payment.amountMinor, 0);
  const refundTotalMinor = seed.payments.reduce((sum, payment) => sum + (payment.refund?.amountMinor ?? 0), 0);
  const order: Order = {
    id: seed.id,
    contactId: seed.contactId,
    title: seed.title,
    invoiceId: ids.invoiceId,
    invoiceNumber: ids.invoiceId,
    orderDate,
    modificationDate: orderDate,
    merchantAccountId: seed.merchantAccountId,
    usesDefaultMerchant: seed.usesDefaultMerchant ?? false,
    numberOfPayments: seed.payments.length,
    items: [{ id: seed.id * 10 + 1, name: seed.title, priceMinor: totalMinor, quantity: 1 }],
    totalMinor,
    totalPaidMinor: totalMinor,
    totalDueMinor: 0,
    refundTotalMinor,
  };
  state.orders.push(order);
  seed.payments.forEach((payment, index) => {
    const payDate = daysAgo(seed.ageDays, index);
    const transactionId = ids.transactionIdOf(payment.id);
    const manual = payment.merchantAccountId === null;
    const merchant = MERCHANTS.find((candidate) => candidate.id === payment.merchantAccountId);
    state.payments.push({
      id: payment.id,
      orderId: seed.id,
      invoiceId: ids.invoiceId,
      transactionId,
      amountMinor: payment.amountMinor,
      payDate,
      lastUpdated: payDate,
      payStatus: payment.payStatus,
      note: manual ? 'Check #1047' : '',
      refundOfPaymentId: null,
    });
    state.transactions.push({
      id: transactionId,
      contactId: seed.contactId,
      orderId: seed.id,
      amountMinor: payment.amountMinor,
      currency: 'USD',
      status: payment.transactionStatus ?? 'APPROVED',
      type: manual ? 'MANUAL' : 'CAPTURE',
      merchantAccountId: payment.merchantAccountId,
      collectionMethod: manual ? 'MANUAL' : 'AUTOMATIC',
      errors: '',
      test: merchant?.isTest ?? false,
      transactionDate: payDate,
    });
    if (payment.refund) {
      const refundDate = daysAgo(seed.ageDays - payment.refund.daysLater);
      const refundTransactionId = ids.transactionIdOf(payment.refund.id);
      state.payments.push({
        id: payment.refund.id,
        orderId: seed.id,
        invoiceId: ids.invoiceId,
        transactionId: refundTransactionId,
        amountMinor: -payment.refund.amountMinor,
        payDate: refundDate,
        lastUpdated: refundDate,
        payStatus: 'REFUNDED',
        note: 'Refund: customer request',
        refundOfPaymentId: payment.id,
      });
      state.transactions.push({
        id: refundTransactionId,
        contactId: seed.contactId,
        orderId: seed.id,
        amountMinor: payment.refund.amountMinor,
        currency: 'USD',
        status: 'APPROVED',
        type: 'REFUND',
        merchantAccountId: payment.merchantAccountId,
        collectionMethod: 'AUTOMATIC',
        errors: '',
        test: merchant?.isTest ?? false,
        transactionDate: refundDate,
      });
    }
  });
}

function handWrittenOrders(): OrderSeed[] {
  const { contacts, orders, payments, merchants } = SEED;
  const demo = contacts.demo;
  return [
    {
      id: orders.twoPayments,
      contactId: demo,
      title: 'Annual membership (2 installments)',
      ageDays: 40,
      merchantAccountId: merchants.stripe,
      payments: [
        { id: payments.twoPaymentsFirst, amountMinor: 6000, payStatus: 'APPROVED', merchantAccountId: merchants.stripe },
        { id: payments.twoPaymentsSecond, amountMinor: 6000, payStatus: 'APPROVED', merchantAccountId: merchants.stripe },
      ],
    },
    {
      id: orders.partiallyRefunded,
      contactId: demo,
      title: 'Coaching session pack',
      ageDays: 35,
      merchantAccountId: merchants.authorizeNet,
      payments: [
        {
          id: payments.authorizeNet,
          amountMinor: 8000,
          payStatus: 'APPROVED',
          merchantAccountId: merchants.authorizeNet,
          refund: { id: payments.authorizeNetEarlierRefund, amountMinor: 2000, daysLater: 3 },
        },
      ],
    },
    {
      id: orders.pending,
      contactId: demo,
      title: 'Workshop ticket',
      ageDays: 0,
      merchantAccountId: merchants.stripe,
      payments: [{ id: payments.pending, amountMinor: 7500, payStatus: 'PENDING', merchantAccountId: merchants.stripe, transactionStatus: 'PENDING' }],
    },
    {
      id: orders.paypalExpress,
      contactId: demo,
      title: 'E-book bundle',
      ageDays: 30,
      merchantAccountId: merchants.paypalExpress,
      payments: [{ id: payments.paypalExpress, amountMinor: 4500, payStatus: 'PAYPAL_PAID', merchantAccountId: merchants.paypalExpress }],
    },
    {
      id: orders.check,
      contactId: demo,
      title: 'Consulting retainer (paid by check)',
      ageDays: 25,
      merchantAccountId: merchants.stripe,
      usesDefaultMerchant: true,
      payments: [{ id: payments.check, amountMinor: 15000, payStatus: 'MANUAL_PAID', merchantAccountId: null }],
    },
    {
      id: orders.stripeTest,
      contactId: demo,
      title: 'Test checkout',
      ageDays: 20,
      merchantAccountId: merchants.stripeTest,
      payments: [{ id: payments.stripeTest, amountMinor: 1000, payStatus: 'APPROVED', merchantAccountId: merchants.stripeTest }],
    },
    {
      id: orders.fivePayments,
      contactId: demo,
      title: 'Course (5-payment plan)',
      ageDays: 150,
      merchantAccountId: merchants.stripe,
      payments: payments.fivePayments.map((id) => ({ id, amountMinor: 2500, payStatus: 'APPROVED' as const, merchantAccountId: merchants.stripe })),
    },
    {
      id: orders.eway,
      contactId: demo,
      title: 'Software licence',
      ageDays: 15,
      merchantAccountId: merchants.eway,
      payments: [{ id: payments.eway, amountMinor: 9995, payStatus: 'APPROVED', merchantAccountId: merchants.eway }],
    },
    {
      id: orders.fullyRefunded,
      contactId: demo,
      title: 'Cancelled webinar',
      ageDays: 60,
      merchantAccountId: merchants.wepay,
      payments: [
        {
          id: payments.fullyRefunded,
          amountMinor: 3000,
          payStatus: 'REFUNDED',
          merchantAccountId: merchants.wepay,
          refund: { id: payments.fullyRefundedRefund, amountMinor: 3000, daysLater: 2 },
        },
      ],
    },
    {
      id: orders.hostile,
      contactId: contacts.hostile,
      title: SEED.hostileText.orderTitle,
      ageDays: 10,
      merchantAccountId: merchants.stripe,
      payments: [{ id: payments.hostile, amountMinor: 4000, payStatus: 'APPROVED', merchantAccountId: merchants.stripe }],
    },
  ];
}

/** Deterministic bulk orders: one Stripe payment each, amounts varying with the index. */
function addGeneratedOrders(state: SandboxState, contactId: number, plan: { count: number; firstOrderId: number; firstPaymentId: number; firstTransactionId: number }): void {
  for (let index = 0; index < plan.count; index += 1) {
    const orderId = plan.firstOrderId + index;
    const paymentId = plan.firstPaymentId + index;
    addOrder(
      state,
      {
        id: orderId,
        contactId,
        title: `Subscription renewal #${index + 1}`,
        ageDays: index + 1,
        merchantAccountId: SEED.merchants.stripe,
        payments: [{ id: paymentId, amountMinor: 1000 + ((index * 137) % 9000), payStatus: 'APPROVED', merchantAccountId: SEED.merchants.stripe }],
      },
      { invoiceId: orderId + 100_000, transactionIdOf: () => plan.firstTransactionId + index },
    );
  }
}

/** A fresh copy of the seed account. */
export function createSeedState(): SandboxState {
  const state: SandboxState = {
    appName: SEED.appName,
    user: { id: SEED.userId, givenName: 'Riley', familyName: 'Admin', email: 'riley.admin@refunddemo.example.com', isAdmin: true },
    defaultMerchantId: SEED.merchants.stripe,
    merchants: MERCHANTS.map((merchant) => ({ ...merchant })),
    contacts: [
      {
        id: SEED.contacts.demo,
        givenName: 'Dana',
        familyName: 'Whitfield',
        email: 'dana.whitfield@example.com',
        phone: '555-0101',
        companyName: 'Whitfield Studio',
        dateCreated: daysAgo(400),
      },
      {
        id: SEED.contacts.hostile,
        givenName: SEED.hostileText.givenName,
        familyName: SEED.hostileText.familyName,
        email: 'zoe@example.jp',
        phone: '+81 3-0000-0000',
        companyName: '東京 & Co "Ltd"',
        dateCreated: daysAgo(300),
      },
      {
        id: SEED.contacts.thousandOrders,
        givenName: 'Morgan',
        familyName: 'Bulkbuyer',
        email: 'morgan@example.com',
        phone: '555-0103',
        companyName: '',
        dateCreated: daysAgo(1200),
      },
      { id: SEED.contacts.fiftyOrders, givenName: 'Avery', familyName: 'Regular', email: 'avery@example.com', phone: '555-0104', companyName: '', dateCreated: daysAgo(500) },
      { id: SEED.contacts.noOrders, givenName: 'Jordan', familyName: 'Newcomer', email: 'jordan@example.com', phone: '555-0105', companyName: '', dateCreated: daysAgo(5) },
    ],
    orders: [],
    payments: [],
    transactions: [],
    notes: [
      {
        id: SEED.notes.demoWelcome,
        contactId: SEED.contacts.demo,
        title: 'Call about renewal',
        body: 'Asked to be reminded before the next installment.',
        type: 'Call',
        userId: SEED.userId,
        dateCreated: daysAgo(12),
        lastUpdated: daysAgo(12),
      },
      {
        id: SEED.notes.hostile,
        contactId: SEED.contacts.hostile,
        title: '<b>bold?</b> & "quotes"',
        body: '<script>alert("note")</script>',
        type: 'Other',
        userId: SEED.userId,
        dateCreated: daysAgo(9),
        lastUpdated: daysAgo(9),
      },
    ],
    refundLog: [],
    nextIds: { payment: 80001, transaction: 85001, note: 501 },
  };
  for (const order of handWrittenOrders()) {
    addOrder(state, order, { invoiceId: order.id + INVOICE_ID_OFFSET, transactionIdOf: (paymentId) => paymentId + TRANSACTION_ID_OFFSET });
  }
  addGeneratedOrders(state, SEED.contacts.thousandOrders, SEED.generated.thousandOrders);
  addGeneratedOrders(state, SEED.contacts.fiftyOrders, SEED.generated.fiftyOrders);
  return state;
}
