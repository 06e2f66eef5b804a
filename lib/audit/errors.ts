import type { RefundState } from './states';

export type JournalErrorDetail =
  | { kind: 'not-extension-context'; protocol: string }
  | { kind: 'illegal-transition'; refundId: string; from: RefundState; to: RefundState }
  | { kind: 'state-changed'; refundId: string; expected: RefundState; actual: RefundState }
  | { kind: 'not-found'; refundId: string }
  | { kind: 'duplicate-idempotency-key'; idempotencyKey: string; existingId: string }
  | { kind: 'unknown-payment'; refundId: string; paymentId: number }
  | { kind: 'invalid-input'; issues: string };

/** A journal failure: `detail.kind` says which, `message` says it in plain words for the user. */
export class JournalError extends Error {
  override readonly name = 'JournalError';

  constructor(
    readonly detail: JournalErrorDetail,
    message: string,
  ) {
    super(message);
  }

  get kind(): JournalErrorDetail['kind'] {
    return this.detail.kind;
  }
}

export function isJournalError<K extends JournalErrorDetail['kind']>(error: unknown, kind?: K): error is JournalError & { detail: Extract<JournalErrorDetail, { kind: K }> } {
  return error instanceof JournalError && (kind === undefined || error.detail.kind === kind);
}
