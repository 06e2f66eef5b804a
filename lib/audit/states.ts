import { z } from 'zod';

export const refundStateSchema = z.enum(['planned', 'submitting', 'confirmed', 'recorded', 'skipped', 'failed', 'needs-manual', 'unconfirmed']);
export type RefundState = z.infer<typeof refundStateSchema>;

export const REFUND_STATES = refundStateSchema.options;

/**
 * The only moves a refund may make. Why each one exists:
 *
 * - `planned` was written before anything went to Keap. From there the executor either starts
 *   sending (`submitting`), gives up before sending (`failed`: nothing left the browser, so
 *   nothing can be half done), or decides before sending that the payment is not to be refunded
 *   (`skipped`, e.g. the API already shows it refunded). It can never jump to a confirmed state,
 *   because nothing was sent.
 * - `submitting` means Keap may have received the refund. Every outcome is possible: Keap's
 *   results screen or the API show it (`confirmed`, or `recorded` for a refund made elsewhere),
 *   error handling skipped it (`skipped`), the screen refused it before Finish (`failed`), the
 *   driver stopped somewhere unsafe (`needs-manual`), or it was sent but the API does not show it
 *   yet (`unconfirmed`).
 * - `unconfirmed` waits for the API. A later check confirms it (`confirmed`, or `recorded` when
 *   it was a manual refund), hands it to a person (`needs-manual`), or still does not see it
 *   (`unconfirmed` again, so every re-check leaves an event in the trail). When Keap's screen said
 *   it skipped the payments and the API has shown no refund of them through a quiet period, it is
 *   `skipped`. It never goes to `failed`: something was sent, and only a person may decide it did
 *   not happen.
 * - `needs-manual` waits for a person, who finished it in Keap (`confirmed`/`recorded`) or
 *   established that no refund happened (`failed`).
 * - `confirmed`, `recorded`, `skipped` and `failed` are final: history is not rewritten.
 *   A new attempt is a new record.
 */
export const LEGAL_TRANSITIONS: Readonly<Record<RefundState, readonly RefundState[]>> = {
  planned: ['submitting', 'failed', 'skipped'],
  submitting: ['confirmed', 'recorded', 'skipped', 'failed', 'needs-manual', 'unconfirmed'],
  unconfirmed: ['confirmed', 'recorded', 'skipped', 'needs-manual', 'unconfirmed'],
  'needs-manual': ['confirmed', 'recorded', 'failed'],
  confirmed: [],
  recorded: [],
  skipped: [],
  failed: [],
};

/** States in which a refund may still touch its payments: the executor must not start another. */
export const ACTIVE_STATES = ['planned', 'submitting', 'unconfirmed', 'needs-manual'] as const satisfies readonly RefundState[];

/** States no transition leaves. Only these may be deleted by retention or "Clear history". */
export const FINAL_STATES = REFUND_STATES.filter((state) => LEGAL_TRANSITIONS[state].length === 0);

export function isFinalState(state: RefundState): boolean {
  return LEGAL_TRANSITIONS[state].length === 0;
}

export function canTransition(from: RefundState, to: RefundState): boolean {
  return LEGAL_TRANSITIONS[from].includes(to);
}
