import { z } from 'zod';
import { formatFieldPath, type KeapResult, unexpectedAnswerError } from '@/lib/keap/errors';
import { KEAP_DATE_PATTERN, type KeapTransactionListing } from '@/lib/keap/schemas';

/**
 * A list Keap sends in bulk (a contact's orders or transactions), kept as sent and checked with
 * its schema when read. A thousand-order contact's lists are large: checking all of them takes
 * longer than the Refunds panel's first page should wait, and that page needs twenty orders.
 * Items as sent are for the `sent…` readers below only: they read two fields each and give up
 * (null) on anything not plainly well-formed; everything else reads checked items.
 */
export interface KeapListing<Item> {
  /** How many items Keap sent. */
  readonly length: number;
  /**
   * The items as Keap sent them, until `all()` has checked them (then undefined: they are let go,
   * so the background keeps only the checked items).
   */
  readonly sent: readonly unknown[] | undefined;
  /**
   * Every item, checked once (a failure too: it is kept and given again). The first bad one fails
   * the list, named by its place in the contact's whole list, pages joined ("orders[517].total").
   */
  all(): KeapResult<readonly Item[]>;
  /** The items at `indices`, checked, in that order. */
  some(indices: readonly number[]): KeapResult<Item[]>;
}

/**
 * `endpoint` names the request in messages ("GET /v1/orders"); `field` is the list's name in
 * Keap's answer ("orders"), so a bad item is named by that list.
 */
export function keapListing<Item>(endpoint: string, field: string, items: readonly unknown[], schema: z.ZodType<Item>): KeapListing<Item> {
  let sent: readonly unknown[] | undefined = items;
  let checked: KeapResult<readonly Item[]> | undefined;

  const badItem = (path: ReadonlyArray<PropertyKey>): KeapResult<never> => ({
    ok: false,
    error: unexpectedAnswerError(endpoint, formatFieldPath([field, ...path])),
  });

  return {
    length: items.length,
    get sent() {
      return sent;
    },
    all() {
      if (checked !== undefined) return checked;
      const parsed = z.array(schema).safeParse(sent);
      if (!parsed.success) {
        checked = badItem(parsed.error.issues[0]?.path ?? []);
        return checked;
      }
      checked = { ok: true, value: parsed.data };
      sent = undefined;
      return checked;
    },
    some(indices) {
      const checkedItems = checked?.ok ? checked.value : undefined;
      const picked: Item[] = [];
      for (const index of indices) {
        const item = checkedItems?.[index];
        if (item !== undefined) {
          picked.push(item);
          continue;
        }
        const parsed = schema.safeParse(sent?.[index]);
        if (!parsed.success) return badItem([index, ...(parsed.error.issues[0]?.path ?? [])]);
        picked.push(parsed.data);
      }
      return { ok: true, value: picked };
    },
  };
}

/** What links a transaction to orders: Keap gives both `orders[]` and a comma-separated `order_ids`. */
type TransactionLinks = Pick<KeapTransactionListing, 'orders' | 'order_ids'>;

/** Calls `visit` with each order id a transaction names, `orders[]` first; an id named in both comes twice. */
export function forEachLinkedOrderId(links: TransactionLinks, visit: (orderId: number) => void): void {
  if (links.orders) for (const order of links.orders) visit(order.id);
  if (!links.order_ids) return;
  for (const part of links.order_ids.split(',')) {
    // Number() ignores surrounding spaces and reads an empty part as 0, which is no order id.
    const orderId = Number(part);
    if (Number.isInteger(orderId) && orderId > 0) visit(orderId);
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An order's id and date as Keap sent them, when both are plainly what the order schema accepts
 * (a safe integer; text starting with a date); otherwise null, and the caller checks in full.
 */
export function sentOrderSortKey(item: unknown): { id: number; orderDate: string } | null {
  if (!isRecord(item)) return null;
  const { id, order_date: orderDate } = item;
  if (!Number.isSafeInteger(id) || typeof orderDate !== 'string' || !KEAP_DATE_PATTERN.test(orderDate)) return null;
  return { id: id as number, orderDate: orderDate.slice(0, 10) };
}

/**
 * A transaction's links as Keap sent them, when both fields are plainly what the transaction schema
 * accepts (absent, null, or an array of objects with safe-integer ids / text); otherwise null.
 */
export function sentTransactionLinks(item: unknown): TransactionLinks | null {
  if (!isRecord(item)) return null;
  const { orders, order_ids: orderIds } = item;
  if (orderIds !== undefined && orderIds !== null && typeof orderIds !== 'string') return null;
  if (orders !== undefined && orders !== null) {
    if (!Array.isArray(orders)) return null;
    for (const order of orders) if (!isRecord(order) || !Number.isSafeInteger(order.id)) return null;
  }
  return item;
}
