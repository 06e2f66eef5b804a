import { z } from 'zod';
import { KEAP_DATE_PATTERN } from '@/lib/keap/schemas';

/**
 * Keap REST v2 objects Refund Desk reads, named as keap-rest-v2.yml names them (`OrderV2`,
 * `InvoiceOrderPayment`, `TransactionV2`, …) with its field names. The v2 file marks no field
 * required; as for v1, what Refund Desk relies on (ids, amounts, statuses, times) is required and
 * checked here, the rest may be absent or null, and unknown fields are accepted.
 *
 * Money: order totals are `CurrencyValue` objects whose `amount` is an integer in the currency's
 * smallest unit, taken as it is. Payments' and transactions' `amount` are plain numbers whose unit
 * the file leaves open (keap-facts: "Money in v2"); they are kept as sent here, and read only once
 * their unit is confirmed (amount-unit.ts).
 */

const optionalText = z.string().nullish();
/** v2 ids are text in the file ("123"); a whole number is taken too. Refund Desk keeps ids as numbers. */
export const v2IdSchema = z
  .union([z.string().regex(/^\d{1,15}$/, 'not an id'), z.number().int().nonnegative()])
  .transform(Number)
  .refine(Number.isSafeInteger, 'not an id');
/** ISO-8601 date-time text; only the date part is checked, as for v1. */
const v2Time = z.string().regex(KEAP_DATE_PATTERN, 'not a date');
/** A plain amount as sent: a number whose unit is not yet known (amount-unit.ts). */
const plainAmount = z.number().refine(Number.isFinite, 'not an amount');

/** Error: what v2 answers with a refusal. */
export const errorSchema = z.looseObject({
  code: z.number().int().nullish(),
  message: optionalText,
  status: optionalText,
  details: z.array(z.looseObject({ domain: optionalText, resource: optionalText })).nullish(),
});

/** CurrencyValue: an amount in the currency's smallest unit (cents for USD). */
export const currencyValueSchema = z.looseObject({
  amount: z.number().int(),
  currency_code: optionalText,
  formatted_amount: optionalText,
});

/** GetBusinessProfileResponse */
export const getBusinessProfileResponseSchema = z.looseObject({
  name: optionalText,
  email: optionalText,
  website: optionalText,
  time_zone: optionalText,
  currency_code: optionalText,
});
export type GetBusinessProfileResponse = z.infer<typeof getBusinessProfileResponseSchema>;

/** GetUserInfoResponse: the Keap user the key belongs to; thinly described, so every field may be missing. */
export const getUserInfoResponseSchema = z.looseObject({
  email: optionalText,
  sub: optionalText,
  id: optionalText,
  keap_id: optionalText,
  given_name: optionalText,
  family_name: optionalText,
  is_admin: z.boolean().nullish(),
  tenant_id: optionalText,
});
export type GetUserInfoResponse = z.infer<typeof getUserInfoResponseSchema>;

const emailAddressSchema = z.looseObject({ email: z.string(), field: optionalText });

/** User: what `/users` lists; its `id` is what a note's `user_id` names. */
const userSchema = z.looseObject({
  id: v2IdSchema,
  given_name: optionalText,
  family_name: optionalText,
  email_addresses: z.array(emailAddressSchema).nullish(),
});
export type User = z.infer<typeof userSchema>;

/** ListUsersPaginatedResponse */
export const listUsersPaginatedResponseSchema = z.looseObject({ users: z.array(userSchema).nullish(), next_page_token: optionalText });

/** Contact */
export const contactSchema = z.looseObject({
  id: v2IdSchema,
  given_name: optionalText,
  family_name: optionalText,
  company: z.looseObject({ company_name: optionalText }).nullish(),
  email_addresses: z.array(emailAddressSchema).nullish(),
});
export type Contact = z.infer<typeof contactSchema>;

/** OrderItem */
const orderItemSchema = z.looseObject({
  id: v2IdSchema,
  name: optionalText,
  quantity: z.number().int().nullish(),
  item_type: optionalText,
  price_per_unit: currencyValueSchema.nullish(),
  cost_per_unit: currencyValueSchema.nullish(),
  discount: currencyValueSchema.nullish(),
});

/** OrderV2 */
export const orderV2Schema = z.looseObject({
  id: v2IdSchema,
  title: optionalText,
  /** DRAFT | SENT | VIEWED | PAID */
  status: z.string(),
  total: currencyValueSchema,
  total_paid: currencyValueSchema,
  total_due: currencyValueSchema,
  /** Absent or null when nothing was refunded. */
  refund_total: currencyValueSchema.nullish(),
  /** The order's date, as v1's `order_date`. */
  order_time: v2Time,
  creation_time: optionalText,
  modification_time: optionalText,
  order_type: optionalText,
  source_type: optionalText,
  invoice_number: optionalText,
  contact: z.looseObject({ id: v2IdSchema, email: optionalText, given_name: optionalText, family_name: optionalText }),
  order_items: z.array(orderItemSchema).nullish(),
});
export type OrderV2 = z.infer<typeof orderV2Schema>;

/**
 * The items of a list read in bulk, as sent: here only that they are a list is checked, and each
 * item is checked when read (lib/keap/listing.ts), as for v1.
 */
const itemsAsSent = z.custom<unknown[]>((value) => Array.isArray(value), 'not a list');

/** v2 paging: the token of the next page; empty or absent on the last. */
const nextPageToken = { next_page_token: optionalText };

/** ListOrders, its orders as sent. */
export const listOrdersPageSchema = z.object({ ...nextPageToken, orders: itemsAsSent });

/** InvoiceOrderPayment: one row of an order's payments (refund rows are negative). */
export const invoiceOrderPaymentSchema = z.looseObject({
  id: v2IdSchema,
  amount: plainAmount,
  note: optionalText,
  invoice_id: v2IdSchema.nullish(),
  payment_id: v2IdSchema.nullish(),
  pay_time: v2Time,
  /** MANUAL_PAID | REFUNDED | VOIDED | PAYPAL_PAID | APPROVED | FAILED | ERROR | PENDING */
  pay_status: z.string(),
  last_updated_time: optionalText,
  skip_commission: z.boolean().nullish(),
  /** On a refund row: the invoice payment it refunds. */
  refund_invoice_payment_id: v2IdSchema.nullish(),
});
export type InvoiceOrderPayment = z.infer<typeof invoiceOrderPaymentSchema>;

/** ListOrderPaymentsResponse */
export const listOrderPaymentsResponseSchema = z.object({ ...nextPageToken, invoice_order_payments: z.array(invoiceOrderPaymentSchema).nullish() });

/** TransactionV2. It has no id of its own; `payment_id` names the payment it made. */
export const transactionV2Schema = z.looseObject({
  amount: plainAmount,
  /** APPROVED | PENDING | ERROR | FAILED | NONE */
  status: z.string(),
  order_ids: z.array(v2IdSchema).nullish(),
  contact_id: v2IdSchema.nullish(),
  /** CAPTURE | REFUND | VOID | MANUAL */
  transaction_method: z.string(),
  transaction_time: v2Time,
  error_details: optionalText,
  payment_id: v2IdSchema.nullish(),
  is_successful: z.boolean().nullish(),
  merchant_account_id: v2IdSchema.nullish(),
  /** PAYPAL | UNSUPPORTED | AUTHORIZE | EWAY | WEPAY | STRIPE | KEAP_PAY */
  merchant_account_type: optionalText,
});
export type TransactionV2 = z.infer<typeof transactionV2Schema>;

/** ListTransactions, its transactions as sent. */
export const listTransactionsPageSchema = z.object({ ...nextPageToken, transactions: itemsAsSent });

/** ListMerchantAccountResponse */
const listMerchantAccountResponseSchema = z.looseObject({
  id: v2IdSchema,
  name: optionalText,
  type: optionalText,
  is_test: z.boolean().nullish(),
});
export type ListMerchantAccountResponse = z.infer<typeof listMerchantAccountResponseSchema>;

/** ListMerchantsResponse */
export const listMerchantsResponseSchema = z.looseObject({
  ...nextPageToken,
  default_merchant_account_id: v2IdSchema.nullish(),
  merchant_accounts: z.array(listMerchantAccountResponseSchema).nullish(),
});

/** Note */
export const noteSchema = z.looseObject({
  id: v2IdSchema,
  text: optionalText,
  title: optionalText,
  type: optionalText,
  contact_id: v2IdSchema,
  create_time: optionalText,
  update_time: optionalText,
  created_by_user_id: v2IdSchema.nullish(),
});
export type Note = z.infer<typeof noteSchema>;

/** ListNotesResponse */
export const listNotesResponseSchema = z.object({ ...nextPageToken, notes: z.array(noteSchema).nullish() });

/**
 * CreateNoteRequest: what Refund Desk sends to `POST /contacts/{contact_id}/notes`. v2 requires
 * the Keap user writing it.
 * @public the definition its type is inferred from
 */
export const createNoteRequestSchema = z.object({
  title: z.string().min(1),
  text: z.string(),
  type: z.enum(['Appointment', 'Call', 'Email', 'Fax', 'Letter', 'Other']).optional(),
  user_id: z.string().regex(/^\d+$/),
});
export type CreateNoteRequest = z.infer<typeof createNoteRequestSchema>;
