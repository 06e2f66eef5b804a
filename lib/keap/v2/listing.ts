import { z } from 'zod';
import { isRecord, keapListing, type KeapListing } from '@/lib/keap/listing';
import type { KeapOrderListing, KeapTransactionListing } from '@/lib/keap/schemas';
import { orderListingOfV2Schema } from '@/lib/keap/v2/domain';

/**
 * A contact's v2 orders and transactions as KeapListings. The Refunds panel's first page reads each
 * item's sort key or links as sent, with readers of v1's fields (lib/keap/listing.ts), and a reader
 * may accept only what the full check accepts. So each v2 item is listed inside a small view in
 * v1's field names: the id, date and links as the v2 schema reads them when it would accept them,
 * and a value the reader refuses when it would not. The item itself, as sent, is what the schema
 * checks when the item is read.
 */

const AS_SENT = Symbol('as sent');

interface SentView {
  [AS_SENT]: unknown;
  id?: unknown;
  order_date?: unknown;
  order_ids?: unknown;
}

/** An id exactly as v2IdSchema accepts it (text of digits, or a whole number, safe), else undefined. */
function idAsSchemaReadsIt(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/** An order's id and `order_time` in v1's names (`id`, `order_date`). */
function orderView(item: unknown): SentView {
  if (!isRecord(item)) return { [AS_SENT]: item };
  return { [AS_SENT]: item, id: idAsSchemaReadsIt(item.id), order_date: item.order_time };
}

/** A transaction's `order_ids` list as v1's comma-separated text; `false`, which the reader refuses, when the schema would not accept it. */
function transactionView(item: unknown): SentView {
  if (!isRecord(item)) return { [AS_SENT]: item };
  const orderIds = item.order_ids;
  if (orderIds === null || orderIds === undefined) return { [AS_SENT]: item, order_ids: orderIds };
  const ids = Array.isArray(orderIds) ? orderIds.map(idAsSchemaReadsIt) : [undefined];
  return { [AS_SENT]: item, order_ids: ids.every((id) => id !== undefined) ? ids.join(',') : false };
}

/** A schema of v2 items read from their views. */
function ofItemAsSent<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return z.preprocess((view) => (view as SentView)[AS_SENT], schema);
}

export function v2OrderListing(endpoint: string, orders: readonly unknown[]): KeapListing<KeapOrderListing> {
  return keapListing(endpoint, 'orders', orders.map(orderView), ofItemAsSent(orderListingOfV2Schema));
}

export function v2TransactionListing(endpoint: string, transactions: readonly unknown[], schema: z.ZodType<KeapTransactionListing>): KeapListing<KeapTransactionListing> {
  return keapListing(endpoint, 'transactions', transactions.map(transactionView), ofItemAsSent(schema));
}
