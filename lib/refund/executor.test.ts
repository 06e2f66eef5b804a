import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openJournal, type JournalDb } from '@/lib/audit/db';
import { isJournalError } from '@/lib/audit/errors';
import { eventsFor, markState, NOT_SENT_MESSAGE } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { createKeapClient } from '@/lib/keap/client';
import { keapDownError } from '@/lib/keap/errors';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import type { RefundScreenPlan } from '@/lib/page/refund-screen/protocol';
import { sandboxRefundScreen, submissionFor } from '@/test/support/sandbox-refund-screen';
import { installWebLocks, type TestLockManager } from '@/test/support/web-locks';
import { processRefund } from '@/test/sandbox/refund';
import { SEED } from '@/test/sandbox/seed';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import {
  confirmFromApi,
  executeRefund,
  settleQuietWait,
  GUIDED_MESSAGE,
  prepareRefund,
  type ExecutorDeps,
  type RefundScreenResult,
  type RefundScreenRunner,
  type StartRefundInput,
  type StartRefundResult,
} from './executor';
import type { RefundForm } from './form';
import { attemptLineText, inProgressNote, readAttemptLine } from './team-notes';

/**
 * The executor end to end: the real journal (fake-indexeddb), the real Keap client over HTTP
 * against the sandbox CRM, and a refund screen that sends what Keap's dialog sends on Finish.
 */

const APP_ORIGIN = `https://${SEED.appName}.infusionsoft.com`;
const { contacts, orders, payments } = SEED;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, throttle: { perSecond: 10_000, perMinute: 100_000, perDay: 1_000_000 } });
});
afterAll(() => sandbox.close());

let db: JournalDb;
/** The Web Locks the executor keeps orders apart with, as the browser's `navigator.locks`. */
let locks: TestLockManager;
beforeEach(async () => {
  sandbox.reset();
  locks = installWebLocks();
  db = await openJournal({ name: `executor-test-${crypto.randomUUID()}`, factory: { indexedDB, IDBKeyRange } });
});
afterEach(() => {
  vi.unstubAllGlobals();
  db.close();
});

interface Harness {
  deps: ExecutorDeps;
  /** Contacts the executor said changed, in order. */
  changedContacts: number[];
  sleeps: number[];
  /** Every refund handed to the person on Keap's screen, with why. */
  handOvers: { refundId: string; plan: RefundScreenPlan; stop: { problem: string; learnable?: string } | null }[];
  /** Refunds kept locked for a quiet period after Keap's screen said it skipped them. */
  quietWatches: { refundId: string; until: number }[];
}

const QUIET_PERIOD_MS = 120_000;

function harness(runRefundScreen: RefundScreenRunner = sandboxRefundScreen(sandbox.appBase).run): Harness {
  const changedContacts: number[] = [];
  const sleeps: number[] = [];
  const handOvers: Harness['handOvers'] = [];
  const quietWatches: Harness['quietWatches'] = [];
  const client = createKeapClient({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.apiBase,
    limiter: createRateLimiter({ perSecond: 10_000, perMinute: 100_000, safetyMarginMs: 0 }),
  });
  return {
    changedContacts,
    sleeps,
    handOvers,
    quietWatches,
    deps: {
      db,
      client,
      runRefundScreen,
      handOver: (record, plan, stop) => {
        handOvers.push({ refundId: record.id, plan, stop });
        return Promise.resolve();
      },
      watchQuiet: (refundId, until) => {
        quietWatches.push({ refundId, until });
        return Promise.resolve();
      },
      quietPeriodMs: QUIET_PERIOD_MS,
      refundThrough: 'app-in-use',
      yourName: '',
      onContactChanged: (contactId) => changedContacts.push(contactId),
      confirmation: { attempts: 3, intervalMs: 0 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      now: () => Date.now(),
    },
  };
}

interface FormLine {
  paymentId: number;
  amount: string;
}

function refundForm(orderId: number, lines: FormLine[], overrides: Partial<RefundForm> = {}): RefundForm {
  return {
    orderId,
    contactId: contacts.demo,
    currency: 'USD',
    payments: lines.map((line) => ({ ...line, selected: true })),
    reasonPreset: 'Customer did not want it',
    reasonDetails: 'Changed their mind',
    errorHandling: 'skip-payment',
    amountOwed: '0.00',
    ...overrides,
  };
}

function startInput(form: RefundForm, overrides: Partial<StartRefundInput> = {}): StartRefundInput {
  return { idempotencyKey: crypto.randomUUID(), form, appOrigin: APP_ORIGIN, manualRefundsDone: false, ...overrides };
}

function refundIdsOf(result: StartRefundResult): string[] {
  if (!result.ok) throw new Error(`expected the refund to be planned, got ${result.error.kind}: ${result.error.message}`);
  return result.refundIds;
}

function refusalOf(result: StartRefundResult) {
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

/** Plans a refund that must be accepted as one record and carries it out. */
async function refund(h: Harness, input: StartRefundInput): Promise<RefundRecord> {
  const ids = refundIdsOf(await prepareRefund(input, h.deps));
  expect(ids).toHaveLength(1);
  return executeRefund(ids[0]!, h.deps);
}

async function trail(refundId: string): Promise<string[]> {
  return (await eventsFor(db, refundId)).map((event) => event.to);
}

/** What the sandbox's books say about one payment. */
function sandboxBooks(paymentId: number) {
  return {
    refundRows: sandbox.state.payments.filter((payment) => payment.refundOfPaymentId === paymentId),
    log: sandbox.state.refundLog.filter((entry) => entry.paymentId === paymentId),
    payment: sandbox.state.payments.find((payment) => payment.id === paymentId)!,
  };
}

/** The notes Refund Desk wrote on the demo contact when refunds settled (not those it wrote before its first click). */
function notesOnDemoContactSinceSeed() {
  return sandbox.state.notes.filter((note) => note.contactId === contacts.demo && note.id !== SEED.notes.demoWelcome && !note.title.startsWith('Refund Desk: refunding'));
}

function inProgressNotesOnDemoContact() {
  return sandbox.state.notes.filter((note) => note.contactId === contacts.demo && note.title.startsWith('Refund Desk: refunding'));
}

/** What Keap's dialog sends when someone refunds half of the first payment in Keap directly. */
function halfOfFirstPayment() {
  return submissionFor({
    orderId: orders.twoPayments,
    lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 3000 }],
    currency: 'USD',
    orderPayments: [],
    reason: 'Refunded in Keap directly',
    method: 'refund',
    errorHandling: 'skip-payment',
    amountOwedMinor: 0,
  });
}

/** The two-payment order's payments as Keap's API shows them before any refund. */
const twoPaymentsAsPlanned = [
  { paymentId: payments.twoPaymentsFirst, payDate: expect.any(String), amountMinor: 6000, refundableMinor: 6000 },
  { paymentId: payments.twoPaymentsSecond, payDate: expect.any(String), amountMinor: 6000, refundableMinor: 6000 },
];

describe('executeRefund through Keap’s refund screen', () => {
  it('confirms a full refund of a Stripe payment from the API, with the new refund row as evidence and a note on the contact', async () => {
    const screen = sandboxRefundScreen(sandbox.appBase);
    const h = harness(screen.run);
    const record = await refund(h, startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])));

    const books = sandboxBooks(payments.twoPaymentsFirst);
    expect(books.log).toEqual([expect.objectContaining({ amountMinor: 6000, method: 'refund', outcome: 'refunded' })]);
    expect(books.refundRows).toHaveLength(1);
    expect(books.payment.payStatus).toBe('REFUNDED');
    expect(sandboxBooks(payments.twoPaymentsSecond).log).toEqual([]);
    const refundRow = books.refundRows[0]!;

    expect(screen.plans).toEqual([
      {
        orderId: orders.twoPayments,
        lines: [{ paymentId: payments.twoPaymentsFirst, amountMinor: 6000 }],
        orderPayments: twoPaymentsAsPlanned,
        currency: 'USD',
        reason: 'Customer did not want it: Changed their mind',
        method: 'refund',
        errorHandling: 'skip-payment',
        amountOwedMinor: 0,
      },
    ]);
    expect(record.state).toBe('confirmed');
    expect(record.lines).toEqual([expect.objectContaining({ paymentId: payments.twoPaymentsFirst, amountMinor: 6000, outcome: 'refunded' })]);
    expect(record.evidence).toMatchObject({
      refundInvoicePaymentIds: [refundRow.id],
      refundTransactionIds: [refundRow.transactionId],
      orderRefundTotalMinor: 6000,
    });
    expect(record.baseline).toEqual({ refundRowIds: [], refundTransactionIds: [], orderRefundTotalMinor: 0, payments: twoPaymentsAsPlanned });
    expect(await db.refunds.get(record.id)).toEqual(record);
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'confirmed']);
    expect(h.changedContacts).toContain(contacts.demo);

    const notes = notesOnDemoContactSinceSeed();
    expect(notes).toHaveLength(1);
    expect(record.actor).toEqual({ name: 'Riley Admin', email: 'riley.admin@refunddemo.example.com' });
    expect(notes[0]!.body).toContain('By Riley Admin via Refund Desk');
    // Written before the first click, for teammates: who refunds what, with the attempt to follow.
    const announced = inProgressNotesOnDemoContact();
    expect(announced.map((note) => note.title)).toEqual([`Refund Desk: refunding $60.00 of payment #${payments.twoPaymentsFirst} on order #${orders.twoPayments}`]);
    expect(announced[0]!.id).toBeLessThan(notes[0]!.id);
    expect(readAttemptLine(announced[0]!.body)).toMatchObject({ attempt: record.id, state: 'in-progress', by: 'Riley Admin' });
    expect(readAttemptLine(notes[0]!.body)).toMatchObject({ attempt: record.id, state: 'confirmed' });
    expect(notes[0]!.title).toBe(`Refund Desk: $60.00 on order #${orders.twoPayments} — confirmed`);
    expect(notes[0]!.body).toContain(`Refund of $60.00 on order #${orders.twoPayments}: refunded (confirmed by Keap's API).`);
    expect(notes[0]!.body).toContain(`• Payment ${payments.twoPaymentsFirst}: $60.00 — refunded`);
    expect(notes[0]!.body).toContain('Reason: Customer did not want it: Changed their mind');
  });

  it('counts only the new refund row when the payment was partly refunded before', async () => {
    const h = harness();
    const record = await refund(h, startInput(refundForm(orders.partiallyRefunded, [{ paymentId: payments.authorizeNet, amount: '60.00' }])));

    const newRows = sandboxBooks(payments.authorizeNet).refundRows.filter((row) => row.id !== payments.authorizeNetEarlierRefund);
    expect(newRows).toHaveLength(1);
    expect(sandboxBooks(payments.authorizeNet).log).toHaveLength(1);
    expect(record.state).toBe('confirmed');
    expect(record.baseline).toMatchObject({ refundRowIds: [payments.authorizeNetEarlierRefund], orderRefundTotalMinor: 2000 });
    expect(record.evidence).toMatchObject({ refundInvoicePaymentIds: [newRows[0]!.id], orderRefundTotalMinor: 8000 });
    expect(record.evidence!.refundTransactionIds).toEqual([newRows[0]!.transactionId]);
  });

  it('confirms partial refunds of two payments and leaves the amount owed as the order’s balance', async () => {
    const h = harness();
    const record = await refund(
      h,
      startInput(
        refundForm(
          orders.twoPayments,
          [
            { paymentId: payments.twoPaymentsFirst, amount: '20.00' },
            { paymentId: payments.twoPaymentsSecond, amount: '30.00' },
          ],
          { amountOwed: '50.00' },
        ),
      ),
    );

    for (const [paymentId, amountMinor] of [
      [payments.twoPaymentsFirst, 2000],
      [payments.twoPaymentsSecond, 3000],
    ] as const) {
      const books = sandboxBooks(paymentId);
      expect(books.log).toEqual([expect.objectContaining({ amountMinor, outcome: 'refunded' })]);
      expect(books.refundRows.map((row) => row.amountMinor)).toEqual([-amountMinor]);
      expect(books.payment.payStatus).toBe('APPROVED');
    }
    const order = await h.deps.client.getOrder(orders.twoPayments);
    expect(order.ok && order.value).toMatchObject({ total_due: 5000, refund_total: 5000 });

    expect(record.state).toBe('confirmed');
    expect(record.amountOwedAfterMinor).toBe(5000);
    expect(record.lines.map((line) => [line.paymentId, line.amountMinor, line.outcome])).toEqual([
      [payments.twoPaymentsFirst, 2000, 'refunded'],
      [payments.twoPaymentsSecond, 3000, 'refunded'],
    ]);
    expect(record.evidence!.refundInvoicePaymentIds).toHaveLength(2);
    expect(record.evidence!.orderRefundTotalMinor).toBe(5000);
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'confirmed']);
    expect(notesOnDemoContactSinceSeed()[0]!.body).toContain('Amount owed after refund: $50.00');
  });

  it('keeps a payment Keap’s screen skipped locked through a quiet period, then skips it when the API shows no refund', async () => {
    sandbox.setFaults({ declinePayments: [payments.twoPaymentsFirst] });
    const h = harness();
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const record = await refund(h, startInput(form));

    const books = sandboxBooks(payments.twoPaymentsFirst);
    expect(books.log).toEqual([expect.objectContaining({ outcome: 'skipped-after-failure' })]);
    expect(books.refundRows).toEqual([]);
    // Keap's screen said "skipped": the payment stays locked, for the quiet watch to settle.
    expect(record.state).toBe('unconfirmed');
    expect(record.lines[0]).toMatchObject({ outcome: 'pending', detail: expect.stringMatching(/declined by gateway/i) });
    expect(h.quietWatches).toEqual([{ refundId: record.id, until: expect.any(Number) }]);
    const until = h.quietWatches[0]!.until;
    expect(record.error).toEqual({
      kind: 'quiet',
      message: `Keap's screen says it skipped the payment. Refund Desk keeps it locked and checks Keap's API until ${new Date(until).toLocaleTimeString()} before treating it as skipped.`,
    });
    expect(until - Date.now()).toBeGreaterThan(QUIET_PERIOD_MS - 5_000);
    expect(refusalOf(await prepareRefund(startInput(form), h.deps)).error.kind).toBe('refund-in-progress');

    await expect(settleQuietWait(record.id, until, h.deps)).resolves.toMatchObject({ kind: 'not-shown' });
    await expect(settleQuietWait(record.id, Date.now() - 1, h.deps)).resolves.toMatchObject({ kind: 'settled' });
    const settled = (await db.refunds.get(record.id))!;
    expect(settled.state).toBe('skipped');
    expect(settled.lines[0]).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/declined by gateway/i) });
    expect(settled.error).toMatchObject({ kind: 'skipped' });
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'unconfirmed', 'skipped']);
    expect(notesOnDemoContactSinceSeed()[0]!.title).toMatch(/— skipped$/);
  });

  it('confirms a refund Keap’s screen called skipped as soon as Keap’s API shows it', async () => {
    const skippedButSent: RefundScreenRunner = async (plan, target) => {
      await sandboxRefundScreen(sandbox.appBase).run(plan, target);
      return { ok: true, results: plan.lines.map((line) => ({ paymentId: line.paymentId, text: `Payment ${line.paymentId}: payment skipped`, outcome: 'skipped' as const })) };
    };
    const h = harness(skippedButSent);
    const record = await refund(h, startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])));
    // The API already shows it: the screen's word does not hold it back.
    expect(record.state).toBe('confirmed');
    expect(h.quietWatches).toEqual([]);
  });

  it('records a declined refund anyway when told to, and says the customer must be refunded in the merchant account', async () => {
    sandbox.setFaults({ declinePayments: [payments.twoPaymentsFirst] });
    const h = harness();
    const record = await refund(h, startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }], { errorHandling: 'record-anyway' })));

    const books = sandboxBooks(payments.twoPaymentsFirst);
    expect(books.log).toEqual([expect.objectContaining({ outcome: 'recorded-after-failure' })]);
    expect(books.refundRows).toHaveLength(1);

    expect(record.state).toBe('recorded');
    expect(record.lines[0]!.outcome).toBe('recorded');
    expect(record.lines[0]!.detail).toMatch(/Declined by gateway.*refund them in the merchant account/);
    expect(record.evidence!.refundInvoicePaymentIds).toEqual([books.refundRows[0]!.id]);
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'recorded']);
  });
});

describe('manual refunds (PayPal Express)', () => {
  it('needs the person’s word that the money went back, then records a manual refund in Keap', async () => {
    const screen = sandboxRefundScreen(sandbox.appBase);
    const h = harness(screen.run);
    const form = refundForm(orders.paypalExpress, [{ paymentId: payments.paypalExpress, amount: '45.00' }]);
    const idempotencyKey = crypto.randomUUID();

    const refused = refusalOf(await prepareRefund(startInput(form, { idempotencyKey }), h.deps));
    expect(refused.error.kind).toBe('manual-not-confirmed');
    expect(await db.refunds.count()).toBe(0);

    const record = await refund(h, startInput(form, { idempotencyKey, manualRefundsDone: true }));

    expect(screen.plans.map((plan) => plan.method)).toEqual(['manual-refund']);
    const books = sandboxBooks(payments.paypalExpress);
    expect(books.log).toEqual([expect.objectContaining({ amountMinor: 4500, method: 'manual', outcome: 'manual-refund-recorded' })]);
    expect(books.refundRows).toHaveLength(1);
    expect(record.state).toBe('recorded');
    expect(record.lines).toEqual([expect.objectContaining({ channel: 'manual', outcome: 'recorded' })]);
    expect(record.evidence!.refundInvoicePaymentIds).toEqual([books.refundRows[0]!.id]);
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'recorded']);
    expect(notesOnDemoContactSinceSeed()[0]!.body).toContain('refunded outside Keap, recorded as a manual refund');
  });

  it('records a manual refund the API shows even when the results step was not read', async () => {
    const sendWithoutReading: RefundScreenRunner = async (plan, target) => {
      await sandboxRefundScreen(sandbox.appBase).run(plan, target);
      return { ok: false, sent: true, stoppedAt: 'results', problem: 'Keap’s Refund Results did not appear.' };
    };
    const h = harness(sendWithoutReading);
    const record = await refund(h, startInput(refundForm(orders.paypalExpress, [{ paymentId: payments.paypalExpress, amount: '45.00' }]), { manualRefundsDone: true }));

    expect(sandboxBooks(payments.paypalExpress).refundRows).toHaveLength(1);
    expect(record.state).toBe('recorded');
    expect(record.lines[0]!.outcome).toBe('recorded');
  });
});

describe('prepareRefund refusals', () => {
  it('refuses a pending payment with a field error and writes nothing', async () => {
    const h = harness();
    const refused = refusalOf(await prepareRefund(startInput(refundForm(orders.pending, [{ paymentId: payments.pending, amount: '75.00' }])), h.deps));

    expect(refused.error.kind).toBe('invalid-form');
    expect(refused.fieldErrors?.[`amount:${payments.pending}`]).toMatch(/has not settled yet: void it in Keap instead/);
    expect(await db.refunds.count()).toBe(0);
    expect(sandbox.state.refundLog).toEqual([]);
  });

  it('refuses more than is refundable', async () => {
    const h = harness();
    const refused = refusalOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.01' }])), h.deps));
    expect(refused.fieldErrors?.[`amount:${payments.twoPaymentsFirst}`]).toBe('At most $60.00 can be refunded on this payment.');
    expect(await db.refunds.count()).toBe(0);
  });

  it('checks the amount against what the API says now, not when the form was made', async () => {
    const h = harness();
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    // Someone refunds half in Keap while the form is open.
    const elsewhere = processRefund(sandbox.state, halfOfFirstPayment(), { declines: () => false, now: new Date() });
    expect(elsewhere.ok).toBe(true);

    const refused = refusalOf(await prepareRefund(startInput(form), h.deps));
    expect(refused.error.kind).toBe('invalid-form');
    expect(refused.fieldErrors?.[`amount:${payments.twoPaymentsFirst}`]).toBe('At most $30.00 can be refunded on this payment.');
    expect(await db.refunds.count()).toBe(0);
    expect(sandboxBooks(payments.twoPaymentsFirst).log).toHaveLength(1);
  });
});

describe('one refund per payment', () => {
  it('treats the same idempotency key twice as one refund, and sends it once', async () => {
    const h = harness();
    const input = startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]));

    const [first, second] = await Promise.all([prepareRefund(input, h.deps), prepareRefund(input, h.deps)]);
    const ids = refundIdsOf(first);
    expect(refundIdsOf(second)).toEqual(ids);
    expect(ids).toHaveLength(1);
    expect(await db.refunds.count()).toBe(1);

    const [run, rerun] = await Promise.allSettled([executeRefund(ids[0]!, h.deps), executeRefund(ids[0]!, h.deps)]);
    const outcomes = [run, rerun].map((settled) => settled.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = [run, rerun].find((settled) => settled.status === 'rejected')!;
    expect(isJournalError(rejected.reason, 'state-changed')).toBe(true);

    expect(sandboxBooks(payments.twoPaymentsFirst).log).toHaveLength(1);
    expect(sandboxBooks(payments.twoPaymentsFirst).refundRows).toHaveLength(1);
    expect((await db.refunds.get(ids[0]!))!.state).toBe('confirmed');
    expect(refundIdsOf(await prepareRefund(input, h.deps))).toEqual(ids);
  });

  it('refuses a second refund of the same payment from another side panel while the first is active', async () => {
    const h = harness();
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);

    const results = await Promise.all([prepareRefund(startInput(form), h.deps), prepareRefund(startInput(form), h.deps)]);
    const accepted = results.filter((result) => result.ok);
    const refused = results.filter((result) => !result.ok).map(refusalOf);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.error.kind).toBe('refund-in-progress');
    expect(refused[0]!.error.message).toContain(`Payment ${payments.twoPaymentsFirst} already has a refund in progress`);
    expect(await db.refunds.count()).toBe(1);

    const record = await executeRefund(refundIdsOf(accepted[0]!)[0]!, h.deps);
    expect(record.state).toBe('confirmed');
    expect(sandboxBooks(payments.twoPaymentsFirst).log).toHaveLength(1);
  });
});

describe('one refund per order at a time, across extension pages', () => {
  it('waits while another extension page holds the order’s Web Lock, and other orders go on meanwhile', async () => {
    const h = harness();
    const lockName = `refund-desk:order:${orders.twoPayments}`;
    let releaseOtherPage!: () => void;
    const otherPage = locks.request(lockName, () => new Promise<void>((resolve) => (releaseOtherPage = resolve)));

    const waiting = prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps);
    expect((await locks.query()).pending?.map((lock) => lock.name)).toEqual([lockName]);

    // Another order's lock is its own: that refund is planned while the first still waits.
    const other = await prepareRefund(startInput(refundForm(orders.fivePayments, [{ paymentId: payments.fivePayments[0], amount: '25.00' }])), h.deps);
    expect(refundIdsOf(other)).toHaveLength(1);
    expect((await db.refunds.toArray()).map((record) => record.orderId)).toEqual([orders.fivePayments]);

    releaseOtherPage();
    await otherPage;
    expect(refundIdsOf(await waiting)).toHaveLength(1);
    expect((await db.refunds.toArray()).map((record) => record.orderId).sort()).toEqual([orders.twoPayments, orders.fivePayments].sort());
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('refuses to plan anything, loudly, where the browser has no Web Locks API', async () => {
    vi.stubGlobal('navigator', {});
    const input = startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]));

    await expect(prepareRefund(input, harness().deps)).rejects.toThrow('This browser has no Web Locks API (navigator.locks)');
    expect(await db.refunds.count()).toBe(0);
  });
});

describe('when Keap’s screen or API does not show a refund', () => {
  const stoppedAtFinalButton: RefundScreenResult = {
    ok: false,
    sent: false,
    stoppedAt: 'credit',
    problem: 'Refund Desk does not know the button "Make it so" that seems to complete the refund',
    learnable: 'credit-final',
  };

  it('hands a walk that stopped before the final click to the person on Keap’s screen, and keeps the payment locked', async () => {
    const h = harness(() => Promise.resolve(stoppedAtFinalButton));
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const record = await refund(h, startInput(form));

    expect(sandbox.state.refundLog).toEqual([]);
    expect(sandboxBooks(payments.twoPaymentsFirst).refundRows).toEqual([]);
    expect(record.state).toBe('needs-manual');
    expect(record.error).toEqual({
      kind: 'refund-screen-stopped',
      message: `Refund Desk does not know the button "Make it so" that seems to complete the refund. Nothing was sent; finish it on Keap's screen with the checklist.`,
    });
    expect(h.handOvers).toEqual([
      {
        refundId: record.id,
        plan: expect.objectContaining({ orderId: orders.twoPayments, orderPayments: twoPaymentsAsPlanned }),
        stop: { problem: stoppedAtFinalButton.problem, learnable: 'credit-final' },
      },
    ]);
    expect(record.lines[0]!.outcome).toBeUndefined();
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'needs-manual']);
    expect(notesOnDemoContactSinceSeed()[0]!.body).toContain('stopped: needs a person to finish it in Keap');

    const again = refusalOf(await prepareRefund(startInput(form), h.deps));
    expect(again.error.kind).toBe('refund-in-progress');
  });

  it('does not believe a results screen the API does not back: bounded re-reads, then a person', async () => {
    const claimsRefunded: RefundScreenRunner = (plan) =>
      Promise.resolve({
        ok: true,
        results: plan.lines.map((line) => ({ paymentId: line.paymentId, text: `Payment ${line.paymentId}: Refunded $60.00`, outcome: 'refunded' as const })),
      });
    const h = harness(claimsRefunded);
    const ids = refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps));
    const readsBefore = sandbox.stats().byPath[`/crm/rest/v1/orders/${orders.twoPayments}/payments`] ?? 0;
    const record = await executeRefund(ids[0]!, h.deps);

    expect(sandbox.stats().byPath[`/crm/rest/v1/orders/${orders.twoPayments}/payments`]! - readsBefore).toBe(3);
    expect(h.sleeps).toEqual([0, 0]);
    expect(sandbox.state.refundLog).toEqual([]);
    expect(record.state).toBe('needs-manual');
    expect(record.error).toEqual({
      kind: 'not-confirmed',
      message: `Keap's refund screen finished, but Keap's API does not show the refund. Check order #${orders.twoPayments} in Keap before trying again.`,
    });
    expect(record.lines.map((line) => line.outcome)).toEqual(['pending']);
    expect(record.evidence).toBeUndefined();
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'unconfirmed', 'unconfirmed', 'unconfirmed', 'needs-manual']);
  });

  it('hands a screen that threw to a person, with nothing refunded', async () => {
    const h = harness(() => Promise.reject(new Error('the browser did not open a tab')));
    const record = await refund(h, startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])));

    expect(sandbox.state.refundLog).toEqual([]);
    expect(record.state).toBe('needs-manual');
    expect(record.error!.message).toContain('the browser did not open a tab');
    expect(record.lines.every((line) => line.outcome !== 'refunded')).toBe(true);
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'needs-manual']);
  });

  it.each<[string, RefundScreenResult, string]>([
    ['finished', { ok: true, results: [] }, "Keap's refund screen finished, but Refund Desk could not read the order from Keap's API to confirm it"],
    [
      'stopped after the final click',
      { ok: false, sent: true, stoppedAt: 'results', problem: "Keap's refund page was closed." },
      "Keap's refund page was closed. The refund may have been sent. Refund Desk could not read the order from Keap's API to confirm it",
    ],
  ])('says Keap’s API could not be read when the screen %s and the order does not read', async (_how, screen, opening) => {
    const h = harness(() => Promise.resolve(screen));
    const ids = refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps));
    const unreadable = keapDownError('GET /v1/orders/{id}', 503);
    const record = await executeRefund(ids[0]!, { ...h.deps, client: { ...h.deps.client, getOrder: () => Promise.resolve({ ok: false, error: unreadable }) } });

    expect(record.state).toBe('needs-manual');
    expect(record.error).toEqual({
      kind: 'not-confirmed',
      message: `${opening} (${unreadable.message}). Check order #${orders.twoPayments} in Keap before trying again.`,
    });
  });

  it('hands a Finish that Keap rejected to a person, and does not take another refund of the payment for this one', async () => {
    const h = harness();
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const ids = refundIdsOf(await prepareRefund(startInput(form), h.deps));
    // Half is refunded in Keap between planning and Finish, so Keap refuses the full amount at Finish.
    const elsewhere = processRefund(sandbox.state, halfOfFirstPayment(), { declines: () => false, now: new Date() });
    expect(elsewhere.ok).toBe(true);
    const record = await executeRefund(ids[0]!, h.deps);

    expect(sandboxBooks(payments.twoPaymentsFirst).log).toEqual([expect.objectContaining({ amountMinor: 3000 })]);
    expect(record.state).toBe('needs-manual');
    expect(record.error!.message).toContain(
      `only $30.00 left to refund. The refund may have been sent. Keap's API does not show the refund. Check order #${orders.twoPayments} in Keap before trying again.`,
    );
    expect(h.handOvers).toEqual([]);
    expect(record.lines[0]!.outcome).toBe('pending');
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'unconfirmed', 'unconfirmed', 'unconfirmed', 'needs-manual']);
  });
});

describe('refund through: the app the refund was started in', () => {
  it.each([
    ['app-in-use', { kind: 'newer-app-contact', origin: 'https://keap.app', contactId: expect.any(Number) }],
    ['classic', { kind: 'classic-order' }],
  ] as const)('with "%s", a refund started on a newer-app page is made on %j', async (refundThrough, page) => {
    const targets: Parameters<RefundScreenRunner>[1][] = [];
    const h = harness(async (_plan, target) => {
      targets.push(target);
      return { ok: false, sent: false, stoppedAt: 'open', problem: 'Stopped for the test.' };
    });
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const ids = refundIdsOf(await prepareRefund(startInput(form, { newerAppOrigin: 'https://keap.app' }), { ...h.deps, refundThrough }));
    expect((await db.refunds.get(ids[0]!))?.newerAppOrigin).toBe('https://keap.app');
    await executeRefund(ids[0]!, { ...h.deps, refundThrough });
    expect(targets).toEqual([{ appOrigin: APP_ORIGIN, attemptId: ids[0], page }]);
    expect(sandbox.state.refundLog).toEqual([]);
  });
});

describe('guided: the person refunds on Keap’s screen, Refund Desk confirms through the API', () => {
  it('opens nothing itself: hands the refund over with nothing sent, then confirms it once the API shows it', async () => {
    const screen = sandboxRefundScreen(sandbox.appBase);
    const h = harness(screen.run);
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const ids = refundIdsOf(await prepareRefund(startInput(form), h.deps));
    const record = await executeRefund(ids[0]!, h.deps, 'guided');

    expect(screen.plans).toEqual([]);
    expect(sandbox.state.refundLog).toEqual([]);
    expect(record.state).toBe('needs-manual');
    expect(record.error).toEqual({ kind: 'guided', message: GUIDED_MESSAGE });
    expect(h.handOvers.map((handOver) => [handOver.refundId, handOver.stop])).toEqual([[record.id, null]]);
    await expect(confirmFromApi(record.id, h.deps, 'Confirmed by the watch')).resolves.toMatchObject({ kind: 'not-shown' });

    // The person finishes it on Keap's screen.
    const sent = await screen.run(h.handOvers[0]!.plan, { appOrigin: APP_ORIGIN, attemptId: record.id, page: { kind: 'classic-order' } });
    expect(sent.ok).toBe(true);
    await expect(confirmFromApi(record.id, h.deps, 'Confirmed by the watch')).resolves.toEqual({ kind: 'confirmed', to: 'confirmed' });

    const settled = (await db.refunds.get(record.id))!;
    expect(settled.state).toBe('confirmed');
    expect(settled.lines[0]!.outcome).toBe('refunded');
    expect(settled.evidence!.refundInvoicePaymentIds).toEqual(sandboxBooks(payments.twoPaymentsFirst).refundRows.map((row) => row.id));
    expect(await trail(record.id)).toEqual(['planned', 'submitting', 'needs-manual', 'confirmed']);
    expect(notesOnDemoContactSinceSeed().map((note) => note.title)).toEqual([`Refund Desk: $60.00 on order #${orders.twoPayments} — confirmed`]);
    await expect(confirmFromApi(record.id, h.deps, 'again')).resolves.toMatchObject({ kind: 'settled' });
  });

  it('does not take a refund made before the plan for this one', async () => {
    const h = harness();
    const elsewhere = processRefund(sandbox.state, halfOfFirstPayment(), { declines: () => false, now: new Date() });
    expect(elsewhere.ok).toBe(true);
    const ids = refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '30.00' }])), h.deps));
    const record = await executeRefund(ids[0]!, h.deps, 'guided');
    await expect(confirmFromApi(record.id, h.deps, 'watch')).resolves.toMatchObject({ kind: 'not-shown' });
    expect((await db.refunds.get(record.id))!.state).toBe('needs-manual');
  });
});

describe('what the API cannot tell', () => {
  it('says when Keap’s results could not be read for a refund that may have been recorded anyway', async () => {
    const unread: RefundScreenRunner = async (plan, target) => {
      await sandboxRefundScreen(sandbox.appBase).run(plan, target);
      return { ok: true, results: plan.lines.map((line) => ({ paymentId: line.paymentId, text: 'Done', outcome: 'unknown' as const })) };
    };
    const h = harness(unread);
    const record = await refund(h, startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }], { errorHandling: 'record-anyway' })));
    expect(record.state).toBe('confirmed');
    expect(record.lines[0]).toMatchObject({ outcome: 'refunded', detail: expect.stringMatching(/could not read .* whether the automatic refund went through/) });
  });
});

describe('teammates: Keap’s notes are the store they share', () => {
  /** Another Refund Desk's in-progress note on the demo contact, as it writes one before its first click. */
  async function teammateStarts(h: Harness, paymentId: number, at = Date.now()): Promise<void> {
    const body = attemptLineText({ attempt: crypto.randomUUID(), order: orders.twoPayments, payments: [paymentId], state: 'in-progress', by: 'Sam Teammate', at });
    const written = await h.deps.client.createNote({ contact_id: contacts.demo, title: 'Refund Desk: refunding', body, type: 'Other' });
    expect(written.ok).toBe(true);
  }

  it('refuses to plan a payment another Refund Desk is refunding, naming who started it', async () => {
    const h = harness();
    await teammateStarts(h, payments.twoPaymentsFirst);
    const refused = refusalOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps));
    expect(refused.error).toMatchObject({ kind: 'teammate-in-progress', message: expect.stringMatching(/^Sam Teammate started refunding payment 7001 at /) });
    expect(await db.refunds.count()).toBe(0);
    // Another payment of the same order is free.
    expect(refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsSecond, amount: '60.00' }])), h.deps))).toHaveLength(1);
  });

  it('does not count an in-progress note older than the limit', async () => {
    const h = harness();
    await teammateStarts(h, payments.twoPaymentsFirst, Date.now() - 31 * 60_000);
    expect(refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps))).toHaveLength(1);
  });

  it('goes ahead past its own earlier attempt’s open note, which a closed browser cut short before anything was sent', async () => {
    const screen = sandboxRefundScreen(sandbox.appBase);
    const h = harness(screen.run);
    const form = refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }]);
    const [cutShort] = refundIdsOf(await prepareRefund(startInput(form), h.deps));
    const cutShortRecord = (await db.refunds.get(cutShort!))!;
    const note = inProgressNote(cutShortRecord, Date.now());
    expect((await h.deps.client.createNote({ contact_id: contacts.demo, title: note.title, body: note.body, type: 'Other' })).ok).toBe(true);
    await markState(db, cutShort!, 'failed', { error: { kind: 'interrupted', message: NOT_SENT_MESSAGE } });

    const [retry] = refundIdsOf(await prepareRefund(startInput(form), h.deps));
    const record = await executeRefund(retry!, h.deps);

    expect(record.state).toBe('confirmed');
    expect(sandboxBooks(payments.twoPaymentsFirst).log).toHaveLength(1);
  });

  it('backs off before its first click when a teammate’s note came first, with nothing sent', async () => {
    const screen = sandboxRefundScreen(sandbox.appBase);
    const h = harness(screen.run);
    const ids = refundIdsOf(await prepareRefund(startInput(refundForm(orders.twoPayments, [{ paymentId: payments.twoPaymentsFirst, amount: '60.00' }])), h.deps));
    // The teammate planned at the same moment and wrote its note first.
    await teammateStarts(h, payments.twoPaymentsFirst);
    const record = await executeRefund(ids[0]!, h.deps);
    expect(record.state).toBe('failed');
    expect(record.error).toMatchObject({ kind: 'teammate-in-progress', message: expect.stringContaining('Nothing was sent') });
    expect(screen.plans).toEqual([]);
    expect(sandbox.state.refundLog).toEqual([]);
    // Its own note is closed, so it blocks nobody.
    const closing = notesOnDemoContactSinceSeed()
      .map((note) => readAttemptLine(note.body))
      .find((line) => line?.attempt === record.id);
    expect(closing?.state).toBe('failed');
  });
});
