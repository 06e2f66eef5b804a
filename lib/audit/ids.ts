/**
 * Refund ids: UUIDv7s whose timestamp is the refund's creation time, made when a refund is planned
 * and when the version 3 upgrade re-keys older records, and read back by the queries' date ranges.
 */

/**
 * The 12 hex digits of a UUIDv7's timestamp, as they appear in its text (`xxxxxxxx-xxxx`): the
 * start of the id of every refund created at `createdAt`.
 */
export function timestampText(createdAt: number): string {
  const hex = createdAt.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

/**
 * A UUIDv7 whose timestamp is `createdAt`. Ids then sort as (createdAt, id) do, so search hits,
 * which the token index yields as bare ids, can be put newest first without reading a record.
 */
export function refundIdFor(createdAt: number): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const variant = ((parseInt(random.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${timestampText(createdAt)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}

/** The creation time a refund id carries (see `refundIdFor`), or null for an id that is not a UUIDv7. */
export function createdAtOfRefundId(id: string): number | null {
  const match = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.exec(id);
  return match === null ? null : parseInt(`${match[1]}${match[2]}`, 16);
}
