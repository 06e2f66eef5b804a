import { z } from 'zod';

const countSchema = z.number().int().positive();

/** Fault switches; every field optional. "Next N" faults hit only `/crm/rest` requests. */
export const FaultsSchema = z.object({
  /** HTTP 500 for the next `count` API requests, only paths starting with `pathPrefix` when given (`/v1/orders` or `/crm/rest/v1/orders`). */
  serverErrors: z.object({ count: countSchema, pathPrefix: z.string().optional() }).optional(),
  /** HTTP 429 for the next `count` API requests, whatever the throttle says. */
  rateLimitStorm: z.object({ count: countSchema, retryAfterSeconds: z.number().int().nonnegative().default(1) }).optional(),
  /** Delay API answers by `delayMs`: the next `count`, or all while set when `count` is absent. */
  slowResponses: z.object({ delayMs: z.number().int().nonnegative(), count: countSchema.optional() }).optional(),
  /** HTTP 200 with a body that is not JSON for the next `count` API requests. */
  malformedJson: z.object({ count: countSchema }).optional(),
  /** The socket is destroyed without an answer for the next `count` API requests. */
  droppedConnections: z.object({ count: countSchema }).optional(),
  /** `GET /v1/oauth/connect/userinfo` answers 403, as for a key Keap does not tell who it belongs to (keap-facts). */
  userInfoUnavailable: z.boolean().optional(),
  /** Every API request answers 302 to this URL (another host) while set, before the key is looked at. */
  redirectApiTo: z.url().optional(),
  /** Invoice payments' `payment_id` is no transaction's id, as on an account where the linking guess is wrong (contract). */
  paymentIdsAreNotTransactionIds: z.boolean().optional(),
  /**
   * Keap's screen reports every automatic refund the gateway takes as skipped ("Gateway timeout"),
   * and the refund lands in Keap's books `delayMs` later: the screen's word is wrong, the API right.
   */
  lateRefunds: z.object({ delayMs: z.number().int().nonnegative() }).optional(),
  /** Automatic refunds of these invoice payment ids (or of every payment) are declined by the gateway. */
  declinePayments: z.union([z.literal('all'), z.array(z.number().int())]).optional(),
  /** Contact page draws orders as a div grid elsewhere, with no table (contract). */
  alteredContactMarkup: z.boolean().optional(),
  /** Every button of the refund screen's last step that sends the refund reads "Make it so", in every screen form (contract). */
  alteredRefundScreen: z.boolean().optional(),
});

export type Faults = z.input<typeof FaultsSchema>;
type ActiveFaults = z.output<typeof FaultsSchema>;

export type ApiFault =
  { kind: 'redirect'; location: string } | { kind: 'drop' } | { kind: 'server-error' } | { kind: 'rate-limit-storm'; retryAfterSeconds: number } | { kind: 'malformed-json' };

/** The active faults and their remaining counts. */
export class FaultBoard {
  private active: ActiveFaults = {};

  replace(faults: Faults): void {
    this.active = FaultsSchema.parse(faults);
  }

  clear(): void {
    this.active = {};
  }

  get current(): Readonly<ActiveFaults> {
    return this.active;
  }

  /** Milliseconds to hold this API request back (uses up one of a counted slow fault). */
  takeDelay(): number {
    const slow = this.active.slowResponses;
    if (!slow) return 0;
    if (slow.count !== undefined) {
      this.active.slowResponses = slow.count > 1 ? { ...slow, count: slow.count - 1 } : undefined;
    }
    return slow.delayMs;
  }

  /** The fault this API request meets, if any; each use counts down its switch. */
  takeApiFault(pathname: string, apiPath: string): ApiFault | undefined {
    const { redirectApiTo, droppedConnections, serverErrors, rateLimitStorm, malformedJson } = this.active;
    if (redirectApiTo !== undefined) return { kind: 'redirect', location: redirectApiTo };
    if (droppedConnections) {
      this.active.droppedConnections = countDown(droppedConnections);
      return { kind: 'drop' };
    }
    if (serverErrors && (serverErrors.pathPrefix === undefined || pathname.startsWith(serverErrors.pathPrefix) || apiPath.startsWith(serverErrors.pathPrefix))) {
      this.active.serverErrors = countDown(serverErrors);
      return { kind: 'server-error' };
    }
    if (rateLimitStorm) {
      this.active.rateLimitStorm = countDown(rateLimitStorm);
      return { kind: 'rate-limit-storm', retryAfterSeconds: rateLimitStorm.retryAfterSeconds };
    }
    if (malformedJson) {
      this.active.malformedJson = countDown(malformedJson);
      return { kind: 'malformed-json' };
    }
    return undefined;
  }

  declines(paymentId: number): boolean {
    const declined = this.active.declinePayments;
    return declined === 'all' || (declined?.includes(paymentId) ?? false);
  }
}

function countDown<T extends { count: number }>(fault: T): T | undefined {
  return fault.count > 1 ? { ...fault, count: fault.count - 1 } : undefined;
}
