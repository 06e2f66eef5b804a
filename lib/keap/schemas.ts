import { z } from 'zod';
import { decimalToMinorUnits, DEFAULT_CURRENCY } from '@/lib/money';

/**
 * Keap REST v1 objects the extension reads, with the field names of keap-rest-v1.json.
 * Keap adds fields, so unknown fields are accepted: single objects keep them (loose), while the
 * lists read in bulk (transactions, a contact's order listing) drop them, as nothing reads them and
 * copying them costs time on a thousand-order contact. What the extension relies on (ids, amounts, statuses,
 * dates) is required and checked; the rest may be absent or null, as real Keap answers often are.
 * v1 money is a decimal; it becomes integer minor units here, at the boundary. v1 money carries no
 * currency of its own, so amounts are read in the default (two-place) currency.
 */

/*
 * The zod transforms for Keap's decimals live here, with the schemas that use them, rather than in
 * lib/money.ts: the content scripts use lib/money.ts and must not carry full zod onto Keap's pages.
 */

/**
 * For a zod transform: a Keap v1 decimal → integer minor units. A bad one adds an issue to
 * `context` (at `path`, relative to the transformed value) and fails the parse; the 0 returned
 * then is never used.
 */
function minorUnitsInTransform(value: unknown, context: z.RefinementCtx, currency: string = DEFAULT_CURRENCY, path: PropertyKey[] = []): number {
  const converted = decimalToMinorUnits(value, currency);
  if (converted.ok) return converted.minorUnits;
  context.addIssue({ code: 'custom', message: converted.message, path });
  return 0;
}

/** zod: a Keap v1 decimal (number or numeric string) in `currency` → integer minor units. */
export function moneyFromDecimalIn(currency: string) {
  // One type check in the transform rather than z.union: a contact's lists hold thousands of amounts.
  return z.unknown().transform((value, context): number => minorUnitsInTransform(value, context, currency));
}

/** zod: a Keap v1 decimal in the default currency (two decimal places) → integer minor units. */
export const moneyFromDecimal = moneyFromDecimalIn(DEFAULT_CURRENCY);

const keapId = z.number().int();
const optionalText = z.string().nullish();
/** Keap dates are ISO-8601 text, with various offsets ("Z", "+0000"); only the date part is checked. */
export const KEAP_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}/;
const keapDate = z.string().regex(KEAP_DATE_PATTERN, 'not a date');
/**
 * An amount of a list item read in bulk (see orderListingSchema), checked like moneyFromDecimal
 * in the item's transform; a bad one fails the item's parse at its key.
 */
const amountField = z.unknown().optional();

function listedMinorUnits(value: unknown, key: string, context: z.RefinementCtx): number {
  return minorUnitsInTransform(value, context, DEFAULT_CURRENCY, [key]);
}

/** Keap leaves out or nulls amounts that are zero on some objects; absent means nothing. */
const moneyOrZero = moneyFromDecimal.nullish().transform((minorUnits) => minorUnits ?? 0);

export const accountProfileSchema = z.looseObject({
  name: optionalText,
  email: optionalText,
  currency_code: optionalText,
  time_zone: optionalText,
  website: optionalText,
});
export type KeapAccountProfile = z.infer<typeof accountProfileSchema>;

/**
 * `GET /v1/oauth/connect/userinfo`: the Keap user the key belongs to (keap-facts: "Who the key
 * belongs to"). The spec describes it thinly and does not say which keys it answers, so every
 * field may be missing.
 */
export const userInfoSchema = z.looseObject({
  given_name: optionalText,
  family_name: optionalText,
  email: optionalText,
  /** A string in the spec, e.g. the user's Keap login. */
  infusionsoft_id: z.union([z.string(), z.number()]).nullish(),
  is_admin: z.boolean().nullish(),
});
export type KeapUserInfo = z.infer<typeof userInfoSchema>;

export const contactSchema = z.looseObject({
  id: keapId,
  given_name: optionalText,
  family_name: optionalText,
  company_name: optionalText,
  email_addresses: z.array(z.looseObject({ email: z.string(), field: optionalText })).nullish(),
});
export type KeapContact = z.infer<typeof contactSchema>;

const orderContactSchema = z.looseObject({
  id: keapId,
  first_name: optionalText,
  last_name: optionalText,
  email: optionalText,
  company_name: optionalText,
});

const orderItemSchema = z.looseObject({
  id: keapId,
  name: optionalText,
  quantity: z.number().int().nullish(),
  price: moneyFromDecimal.nullish(),
  cost: moneyFromDecimal.nullish(),
  discount: moneyFromDecimal.nullish(),
  type: optionalText,
});

const paymentGatewaySchema = z.looseObject({
  merchant_account_id: keapId.nullish(),
  merchant_account_name: optionalText,
  use_default: z.boolean().nullish(),
});

export const orderSchema = z.looseObject({
  id: keapId,
  title: optionalText,
  /** DRAFT | SENT | VIEWED | PAID (kept open: Keap may add statuses). */
  status: z.string(),
  total: moneyFromDecimal,
  total_paid: moneyFromDecimal,
  total_due: moneyFromDecimal,
  refund_total: moneyOrZero,
  invoice_number: keapId.nullish(),
  order_date: keapDate,
  creation_date: optionalText,
  modification_date: optionalText,
  order_type: optionalText,
  source_type: optionalText,
  contact: orderContactSchema,
  order_items: z
    .array(orderItemSchema)
    .nullish()
    .transform((items) => items ?? []),
  payment_plan: z.looseObject({ payment_gateway: paymentGatewaySchema.nullish() }).nullish(),
});
export type KeapOrder = z.infer<typeof orderSchema>;

const pageLinks = {
  /** Total matching items (not the page size). */
  count: z.number().int().nullish(),
  /** Absolute URL of the next page; Keap sends it even after the last page. */
  next: optionalText,
  previous: optionalText,
};

/**
 * An order as the Refunds panel lists it: a contact's whole order list (large, for a contact with
 * a thousand orders) is checked for the panel, so only the fields the list uses are checked and kept.
 * A refund reads its one order again in full (`orderSchema`).
 */
export const orderListingSchema = z
  // Amounts may be absent here: the transform checks them (and reads no refund total as 0).
  .object({ id: keapId, title: optionalText, total: amountField, total_paid: amountField, refund_total: amountField, order_date: keapDate })
  // The three amounts in one step per order: a zod transform per amount costs more than the amount.
  .transform((order, context) => ({
    ...order,
    total: listedMinorUnits(order.total, 'total', context),
    total_paid: listedMinorUnits(order.total_paid, 'total_paid', context),
    refund_total: order.refund_total === null || order.refund_total === undefined ? 0 : listedMinorUnits(order.refund_total, 'refund_total', context),
  }));
export type KeapOrderListing = z.infer<typeof orderListingSchema>;

/**
 * The items of a list read in bulk, as sent: here only that they are a list is checked (z.array
 * would visit and copy a thousand items), and each item is checked when read (lib/keap/listing.ts).
 */
const itemsAsSent = z.custom<unknown[]>((value) => Array.isArray(value), 'not a list');

/** A page of a contact's orders: the page is checked here, its orders when read. */
export const orderListingPageSchema = z.object({ ...pageLinks, orders: itemsAsSent });

export const transactionSchema = z.object({
  id: keapId,
  amount: moneyFromDecimal,
  currency: optionalText,
  /** e.g. APPROVED, PENDING, ERROR, FAILED */
  status: z.string(),
  /** e.g. CAPTURE, REFUND, VOID, MANUAL */
  type: z.string(),
  gateway: optionalText,
  gateway_account_name: optionalText,
  collection_method: optionalText,
  errors: optionalText,
  test: z.boolean().nullish(),
  transaction_date: keapDate,
  contact_id: keapId.nullish(),
  order_ids: optionalText,
  orders: z.array(z.object({ id: keapId })).nullish(),
});
export type KeapTransaction = z.infer<typeof transactionSchema>;

export const transactionListSchema = z.object({ ...pageLinks, transactions: z.array(transactionSchema) });

/**
 * A transaction as the Refunds panel sums it up: all of a contact's are checked at once (see
 * orderListingSchema). Its gateway is read from `gateway`, else its account's type, as the side panel's.
 */
export const transactionListingSchema = transactionSchema
  .pick({ currency: true, status: true, type: true, gateway: true, gateway_account_name: true, collection_method: true, order_ids: true, orders: true })
  .extend({ amount: amountField })
  .transform((transaction, context) => ({ ...transaction, amount: listedMinorUnits(transaction.amount, 'amount', context) }));
export type KeapTransactionListing = z.infer<typeof transactionListingSchema>;

/** A page of a contact's transactions: the page is checked here, its transactions when read. */
export const transactionListingPageSchema = z.object({ ...pageLinks, transactions: itemsAsSent });

export const invoicePaymentSchema = z.looseObject({
  id: keapId,
  /** Negative on refund rows. */
  amount: moneyFromDecimal,
  invoice_id: keapId.nullish(),
  /** Guessed to be the id of the transaction that charged this payment (see `chargesOfPayments` in payment-facts.ts). */
  payment_id: keapId.nullish(),
  pay_date: keapDate,
  /** e.g. MANUAL_PAID, REFUNDED, VOIDED, PAYPAL_PAID, APPROVED, FAILED, ERROR, PENDING */
  pay_status: z.string(),
  note: optionalText,
  last_updated: optionalText,
  /** On a refund row: the id of the invoice payment it refunds. */
  refund_invoice_payment_id: keapId.nullish(),
  skip_commission: z.boolean().nullish(),
});
export type KeapInvoicePayment = z.infer<typeof invoicePaymentSchema>;

export const invoicePaymentListSchema = z.array(invoicePaymentSchema);

const merchantSchema = z.looseObject({
  id: keapId,
  account_name: optionalText,
  /** e.g. PAYPAL, UNSUPPORTED, AUTHORIZE, EWAY, WEPAY, STRIPE, KEAP_PAY */
  type: optionalText,
  is_test: z.boolean().nullish(),
});
export type KeapMerchant = z.infer<typeof merchantSchema>;

export const merchantListSchema = z.looseObject({
  default_merchant_account: keapId.nullish(),
  merchant_accounts: z
    .array(merchantSchema)
    .nullish()
    .transform((accounts) => accounts ?? []),
});
export type KeapMerchantList = z.infer<typeof merchantListSchema>;

const noteTypeSchema = z.enum(['Appointment', 'Call', 'Email', 'Fax', 'Letter', 'Other']);

/**
 * What we send to POST /v1/notes (Keap's RequestNote). Strict: we write exactly these fields.
 * @public the definition its type is inferred from
 */
export const createNoteRequestSchema = z.object({
  contact_id: keapId.positive(),
  title: z.string().min(1),
  body: z.string(),
  type: noteTypeSchema.optional(),
});
export type KeapCreateNoteRequest = z.infer<typeof createNoteRequestSchema>;

export const noteSchema = z.looseObject({
  id: keapId,
  contact_id: keapId,
  title: optionalText,
  body: optionalText,
  type: optionalText,
  date_created: optionalText,
  last_updated: optionalText,
  user_id: keapId.nullish(),
});
export type KeapNote = z.infer<typeof noteSchema>;

/** A page of GET /v1/notes. */
export const noteListSchema = z.object({ ...pageLinks, notes: z.array(noteSchema) });
export type KeapNotePage = z.infer<typeof noteListSchema>;
