import type { QueueRow, QueueRowCheck, QueueRowDraft } from './schema';

/** Queue rows for tests: a draft as given, checked ready or invalid, and run. */

const QUEUE_ID = 'queue-1';

export function draftRow(position: number, draft: Partial<QueueRowDraft> = {}): QueueRow {
  return {
    id: `${QUEUE_ID}:${position}`,
    queueId: QUEUE_ID,
    position,
    draft: { orderId: 5001 + position, reasonDetails: '', source: 'csv', csvLine: position + 2, ...draft },
  };
}

/** A row checked ready: one line per amount, each through `gateway`. */
export function readyRow(position: number, amountsMinor: number[], options: { currency?: string; gateway?: string; draft?: Partial<QueueRowDraft> } = {}): QueueRow {
  const check: QueueRowCheck = {
    status: 'ready',
    contact: { id: 1001, name: 'Dana Whitfield', email: 'dana.whitfield@example.com' },
    currency: options.currency ?? 'USD',
    lines: amountsMinor.map((amountMinor, index) => ({ paymentId: 7001 + position * 10 + index, amountMinor, gateway: options.gateway ?? 'Stripe' })),
    totalMinor: amountsMinor.reduce((sum, amount) => sum + amount, 0),
    checkedAt: 1_000,
  };
  return { ...draftRow(position, options.draft), check };
}

export function invalidRow(position: number, problem: string): QueueRow {
  return { ...draftRow(position), check: { status: 'invalid', problem, checkedAt: 1_000 } };
}

export function ranRow(row: QueueRow, status: NonNullable<QueueRow['run']>['status'], message?: string, refundIds: string[] = []): QueueRow {
  return { ...row, run: { status, refundIds, message, at: 2_000 } };
}
