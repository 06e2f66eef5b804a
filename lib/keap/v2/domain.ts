import { z } from 'zod';
import type {
  KeapAccountProfile,
  KeapContact,
  KeapInvoicePayment,
  KeapMerchantList,
  KeapNote,
  KeapOrder,
  KeapOrderListing,
  KeapTransaction,
  KeapTransactionListing,
  KeapUserInfo,
} from '@/lib/keap/schemas';
import { readPlainAmount, type AmountUnit } from '@/lib/keap/v2/amount-unit';
import type { MerchantAccounts } from '@/lib/keap/v2/client';
import {
  currencyValueSchema,
  transactionV2Schema,
  v2IdSchema,
  type Contact,
  type GetBusinessProfileResponse,
  type GetUserInfoResponse,
  type InvoiceOrderPayment,
  type ListMerchantAccountResponse,
  type Note,
  type OrderV2,
  type TransactionV2,
} from '@/lib/keap/v2/schemas';
import { KEAP_DATE_PATTERN } from '@/lib/keap/schemas';

/**
 * v2 answers as the domain types the rest of Refund Desk reads (the v1 shapes of schemas.ts), so the
 * panel, the executor, confirmation and notes do not care which version answered. Money comes in
 * integer minor units either way: v2's CurrencyValue amounts as they are, its plain amounts in the
 * unit confirmed for them (amount-unit.ts).
 */

export function accountProfileOf(profile: GetBusinessProfileResponse): KeapAccountProfile {
  return { name: profile.name, email: profile.email, currency_code: profile.currency_code, time_zone: profile.time_zone, website: profile.website };
}

/** v2's `keap_id` is what v1 calls `infusionsoft_id` (the user's Keap login). */
export function userInfoOf(user: GetUserInfoResponse): KeapUserInfo {
  return { given_name: user.given_name, family_name: user.family_name, email: user.email, infusionsoft_id: user.keap_id, is_admin: user.is_admin };
}

export function contactOf(contact: Contact): KeapContact {
  return {
    id: contact.id,
    given_name: contact.given_name,
    family_name: contact.family_name,
    company_name: contact.company?.company_name,
    email_addresses: contact.email_addresses?.map((address) => ({ email: address.email, field: address.field })),
  };
}

export function orderOf(order: OrderV2): KeapOrder {
  return {
    id: order.id,
    title: order.title,
    status: order.status,
    total: order.total.amount,
    total_paid: order.total_paid.amount,
    total_due: order.total_due.amount,
    refund_total: order.refund_total?.amount ?? 0,
    invoice_number: order.invoice_number && /^\d{1,15}$/.test(order.invoice_number) ? Number(order.invoice_number) : null,
    order_date: order.order_time,
    creation_date: order.creation_time,
    modification_date: order.modification_time,
    order_type: order.order_type,
    source_type: order.source_type,
    contact: { id: order.contact.id, first_name: order.contact.given_name, last_name: order.contact.family_name, email: order.contact.email },
    order_items: (order.order_items ?? []).map((item) => ({
      id: item.id,
      name: item.name,
      quantity: item.quantity,
      price: item.price_per_unit?.amount,
      cost: item.cost_per_unit?.amount,
      discount: item.discount?.amount,
      type: item.item_type,
    })),
    // v2's payment plan names no gateway; nothing in Refund Desk reads the order's.
    payment_plan: null,
  };
}

/** An order as the Refunds panel lists it (see orderListingSchema in schemas.ts), from v2's OrderV2. */
export const orderListingOfV2Schema = z
  .object({
    id: v2IdSchema,
    title: z.string().nullish(),
    total: currencyValueSchema,
    total_paid: currencyValueSchema,
    refund_total: currencyValueSchema.nullish(),
    order_time: z.string().regex(KEAP_DATE_PATTERN, 'not a date'),
  })
  .transform((order): KeapOrderListing => ({
    id: order.id,
    title: order.title,
    total: order.total.amount,
    total_paid: order.total_paid.amount,
    refund_total: order.refund_total?.amount ?? 0,
    order_date: order.order_time,
  }));

/** What a plain amount is read with: its confirmed unit and the account's currency. */
export interface PlainAmounts {
  unit: AmountUnit;
  currency: string;
}

type Mapped<T> = { ok: true; value: T } | { ok: false; fieldPath: string; message: string };

/** An order's payments in the domain's shape; the first amount that does not read names its place. */
export function invoicePaymentsOf(payments: readonly InvoiceOrderPayment[], amounts: PlainAmounts): Mapped<KeapInvoicePayment[]> {
  const mapped: KeapInvoicePayment[] = [];
  for (const [index, payment] of payments.entries()) {
    const amount = readPlainAmount(payment.amount, amounts.unit, amounts.currency);
    if (!amount.ok) return { ok: false, fieldPath: `invoice_order_payments[${index}].amount`, message: amount.message };
    mapped.push({
      id: payment.id,
      amount: amount.minorUnits,
      invoice_id: payment.invoice_id,
      payment_id: payment.payment_id,
      pay_date: payment.pay_time,
      pay_status: payment.pay_status,
      note: payment.note,
      last_updated: payment.last_updated_time,
      refund_invoice_payment_id: payment.refund_invoice_payment_id,
      skip_commission: payment.skip_commission,
    });
  }
  return { ok: true, value: mapped };
}

/** What a v2 transaction's gateway is read from: the merchant accounts, and gateway names v1 gave for accounts whose type does not tell. */
export interface TransactionContext extends PlainAmounts {
  merchants: ReadonlyMap<number, ListMerchantAccountResponse>;
  /** By merchant account id: the gateway's name as v1's transactions give it. */
  gatewayNames: ReadonlyMap<number, string | null>;
}

/** The fields a charge's gateway, test mode and manualness are read from (payment-facts.ts). */
function chargeFieldsOf(transaction: TransactionV2, context: TransactionContext) {
  const merchantId = transaction.merchant_account_id;
  const merchant = merchantId == null ? undefined : context.merchants.get(merchantId);
  return {
    currency: context.currency,
    status: transaction.status,
    type: transaction.transaction_method,
    gateway: merchantId == null ? null : (context.gatewayNames.get(merchantId) ?? null),
    gateway_account_name: merchant?.name ?? null,
    // v2 says manual through the method alone (MANUAL), which payment-facts reads too.
    collection_method: null,
    order_ids: transaction.order_ids?.join(',') ?? null,
    orders: null,
    test: merchant?.is_test ?? null,
  };
}

/**
 * An order's transactions in the domain's shape. v2 gives a transaction no id of its own; it is
 * known by the payment it made (`payment_id`), the number v1's invoice payments link their charge
 * by, so one without a payment is left out (a charge that took nothing, a void). The first amount
 * that does not read names its place.
 */
export function transactionsOf(transactions: readonly TransactionV2[], context: TransactionContext): Mapped<KeapTransaction[]> {
  const mapped: KeapTransaction[] = [];
  for (const [index, transaction] of transactions.entries()) {
    if (transaction.payment_id == null) continue;
    const amount = readPlainAmount(transaction.amount, context.unit, context.currency);
    if (!amount.ok) return { ok: false, fieldPath: `transactions[${index}].amount`, message: amount.message };
    mapped.push({
      ...chargeFieldsOf(transaction, context),
      id: transaction.payment_id,
      amount: amount.minorUnits,
      errors: transaction.error_details,
      transaction_date: transaction.transaction_time,
      contact_id: transaction.contact_id,
    });
  }
  return { ok: true, value: mapped };
}

/** A transaction as the Refunds panel sums it up (see transactionListingSchema in schemas.ts), from v2's TransactionV2. */
export function transactionListingOfV2Schema(context: TransactionContext): z.ZodType<KeapTransactionListing> {
  return transactionV2Schema.transform((transaction, zodContext): KeapTransactionListing => {
    const amount = readPlainAmount(transaction.amount, context.unit, context.currency);
    if (!amount.ok) zodContext.addIssue({ code: 'custom', message: amount.message, path: ['amount'] });
    const { test: _test, ...fields } = chargeFieldsOf(transaction, context);
    return { ...fields, amount: amount.ok ? amount.minorUnits : 0 };
  });
}

export function merchantListOf(accounts: MerchantAccounts): KeapMerchantList {
  return {
    default_merchant_account: accounts.defaultMerchantAccountId,
    merchant_accounts: accounts.merchantAccounts.map((account) => ({ id: account.id, account_name: account.name, type: account.type, is_test: account.is_test })),
  };
}

export function noteOf(note: Note): KeapNote {
  return {
    id: note.id,
    contact_id: note.contact_id,
    title: note.title,
    body: note.text,
    type: note.type,
    date_created: note.create_time,
    last_updated: note.update_time,
    user_id: note.created_by_user_id,
  };
}
