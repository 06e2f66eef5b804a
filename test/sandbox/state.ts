import { z } from 'zod';

/**
 * The sandbox's in-memory Keap account. Money is held in integer cents here and turned into
 * Keap's decimal amounts only when an API answer is written (see api.ts).
 */

const MerchantTypeSchema = z.enum(['STRIPE', 'AUTHORIZE', 'PAYPAL', 'EWAY', 'WEPAY', 'UNSUPPORTED', 'KEAP_PAY']);

const MerchantAccountSchema = z.object({
  id: z.number().int(),
  accountName: z.string(),
  type: MerchantTypeSchema,
  isTest: z.boolean(),
  /** The gateway's name as Keap's transactions show it. */
  gatewayName: z.string(),
  /** eWAY, PayPal Express and Payflow Pro cannot refund from inside Keap (keap-facts.md). */
  canRefundInKeap: z.boolean(),
});

const ContactSchema = z.object({
  id: z.number().int(),
  givenName: z.string(),
  familyName: z.string(),
  email: z.string(),
  phone: z.string(),
  companyName: z.string(),
  dateCreated: z.string(),
});

const OrderItemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  priceMinor: z.number().int(),
  quantity: z.number().int(),
});

const OrderSchema = z.object({
  id: z.number().int(),
  contactId: z.number().int(),
  title: z.string(),
  invoiceId: z.number().int(),
  invoiceNumber: z.number().int(),
  orderDate: z.string(),
  modificationDate: z.string(),
  /** The order's payment plan gateway (what `payment_plan.payment_gateway` shows). */
  merchantAccountId: z.number().int(),
  usesDefaultMerchant: z.boolean(),
  numberOfPayments: z.number().int(),
  items: z.array(OrderItemSchema),
  totalMinor: z.number().int(),
  totalPaidMinor: z.number().int(),
  totalDueMinor: z.number().int(),
  refundTotalMinor: z.number().int(),
});

const PayStatusSchema = z.enum(['APPROVED', 'PENDING', 'MANUAL_PAID', 'PAYPAL_PAID', 'REFUNDED', 'VOIDED', 'FAILED', 'ERROR']);

const InvoicePaymentSchema = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  invoiceId: z.number().int(),
  /** The transaction that moved the money (contract: InvoicePayment.payment_id = transaction id). */
  transactionId: z.number().int(),
  amountMinor: z.number().int(),
  payDate: z.string(),
  lastUpdated: z.string(),
  payStatus: PayStatusSchema,
  note: z.string(),
  /** Set on refund payments: the invoice payment they give money back for. */
  refundOfPaymentId: z.number().int().nullable(),
});

const TransactionStatusSchema = z.enum(['APPROVED', 'PENDING', 'ERROR', 'FAILED', 'NONE']);
const TransactionTypeSchema = z.enum(['CAPTURE', 'REFUND', 'VOID', 'MANUAL']);

const TransactionSchema = z.object({
  id: z.number().int(),
  contactId: z.number().int(),
  orderId: z.number().int(),
  amountMinor: z.number().int(),
  currency: z.string(),
  status: TransactionStatusSchema,
  type: TransactionTypeSchema,
  /** Null for money moved outside any merchant account (cash, check). */
  merchantAccountId: z.number().int().nullable(),
  collectionMethod: z.enum(['AUTOMATIC', 'MANUAL']),
  errors: z.string(),
  test: z.boolean(),
  transactionDate: z.string(),
});

export const NoteTypeSchema = z.enum(['Appointment', 'Call', 'Email', 'Fax', 'Letter', 'Other']);

const NoteSchema = z.object({
  id: z.number().int(),
  contactId: z.number().int(),
  title: z.string(),
  body: z.string(),
  type: NoteTypeSchema,
  userId: z.number().int(),
  dateCreated: z.string(),
  lastUpdated: z.string(),
});

export const RefundMethodSchema = z.enum(['refund', 'manual', 'void']);

export const RefundOutcomeSchema = z.enum(['refunded', 'recorded-after-failure', 'skipped-after-failure', 'manual-refund-recorded', 'voided']);

const RefundLogEntrySchema = z.object({
  orderId: z.number().int(),
  paymentId: z.number().int(),
  amountMinor: z.number().int(),
  method: RefundMethodSchema,
  outcome: RefundOutcomeSchema,
  at: z.string(),
});

/** The Keap user the full key belongs to (what `GET /v1/oauth/connect/userinfo` answers). */
const UserSchema = z.object({
  id: z.number().int(),
  givenName: z.string(),
  familyName: z.string(),
  email: z.string(),
  isAdmin: z.boolean(),
});

/** @public The definition its type is inferred from. */
export const SandboxStateSchema = z.object({
  appName: z.string(),
  user: UserSchema,
  defaultMerchantId: z.number().int(),
  merchants: z.array(MerchantAccountSchema),
  contacts: z.array(ContactSchema),
  orders: z.array(OrderSchema),
  payments: z.array(InvoicePaymentSchema),
  transactions: z.array(TransactionSchema),
  notes: z.array(NoteSchema),
  refundLog: z.array(RefundLogEntrySchema),
  nextIds: z.object({ payment: z.number().int(), transaction: z.number().int(), note: z.number().int() }),
});

export type MerchantAccount = z.infer<typeof MerchantAccountSchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type InvoicePayment = z.infer<typeof InvoicePaymentSchema>;
export type Transaction = z.infer<typeof TransactionSchema>;
export type Note = z.infer<typeof NoteSchema>;
export type RefundMethod = z.infer<typeof RefundMethodSchema>;
export type RefundOutcome = z.infer<typeof RefundOutcomeSchema>;
export type RefundLogEntry = z.infer<typeof RefundLogEntrySchema>;
export type SandboxState = z.infer<typeof SandboxStateSchema>;

export function findContact(state: SandboxState, contactId: number): Contact | undefined {
  return state.contacts.find((contact) => contact.id === contactId);
}

export function findOrder(state: SandboxState, orderId: number): Order | undefined {
  return state.orders.find((order) => order.id === orderId);
}

export function findMerchant(state: SandboxState, merchantId: number | null): MerchantAccount | undefined {
  return merchantId === null ? undefined : state.merchants.find((merchant) => merchant.id === merchantId);
}

export function findTransaction(state: SandboxState, transactionId: number): Transaction | undefined {
  return state.transactions.find((transaction) => transaction.id === transactionId);
}

export function ordersOfContact(state: SandboxState, contactId: number): Order[] {
  return state.orders.filter((order) => order.contactId === contactId);
}

export function paymentsOfOrder(state: SandboxState, orderId: number): InvoicePayment[] {
  return state.payments.filter((payment) => payment.orderId === orderId);
}

/** What is still refundable on an original (non-refund) payment, in cents. */
export function refundableMinor(state: SandboxState, payment: InvoicePayment): number {
  if (payment.refundOfPaymentId !== null || payment.payStatus === 'VOIDED') return 0;
  const refundedMinor = state.payments.filter((refund) => refund.refundOfPaymentId === payment.id).reduce((sum, refund) => sum - refund.amountMinor, 0);
  return Math.max(0, payment.amountMinor - refundedMinor);
}
