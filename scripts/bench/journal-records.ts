import { refundIdFor } from '@/lib/audit/ids';
import { refundRecordSchema, type RefundRecord } from '@/lib/audit/schema';
import { searchTokensFor } from '@/lib/audit/search';
import type { RefundState } from '@/lib/audit/states';
import { REFUND_REASON_PRESETS } from '@/lib/refund/rules';

/**
 * A large, realistic journal for the popup benchmark: 10,000 contacts (40 first names × 250
 * surnames, some with accents), about ten refunds each over two years, mostly confirmed.
 * Every record is checked against `refundRecordSchema`, so it is exactly what the journal stores.
 */

const FIRST_NAMES = [
  'Maria',
  'James',
  'Aiko',
  'Chinedu',
  'Sofía',
  'Liam',
  'Noor',
  'Mateo',
  'Olga',
  'Kwame',
  'Elena',
  'Ravi',
  'Zoë',
  'Hannah',
  'Lucas',
  'Fatima',
  'Jonas',
  'Mei',
  'Pedro',
  'Amara',
  'Ines',
  'Tomasz',
  'Leila',
  'Samuel',
  'Yuki',
  'Grace',
  'Dmitri',
  'Ana',
  'Oskar',
  'Priya',
  'Henrik',
  'Lucía',
  'Omar',
  'Ingrid',
  'Kofi',
  'Chloé',
  'Mikhail',
  'Sara',
  'Tariq',
  'Beatriz',
] as const;

const SURNAME_STARTS = [
  'Ok',
  'Bal',
  'Fern',
  'Lind',
  'Nak',
  'Ros',
  'Hal',
  'Mor',
  'Kow',
  'Ab',
  'Gar',
  'Sch',
  'Ån',
  'Ben',
  'Wes',
  'Dü',
  'Cal',
  'Ib',
  'Tan',
  'Vel',
  'Hart',
  'Jo',
  'Pé',
  'Str',
  'Qu',
];
const SURNAME_ENDS = ['afor', 'andez', 'berg', 'amura', 'etti', 'stead', 'ales', 'alski', 'ebe', 'cía'];
/** 250 surnames: every start with every ending. */
const SURNAMES = SURNAME_STARTS.flatMap((start) => SURNAME_ENDS.map((end) => `${start}${end}`));

const CONTACT_COUNT = 10_000;
const FIRST_CONTACT_ID = 20_000;
export const FIRST_ORDER_ID = 100_000;
const TWO_YEARS_MS = 2 * 365 * 86_400_000;
const DOMAINS = ['example.com', 'mail.example.org', 'shop.example.net', 'example.co.uk'];

/**
 * How often each state occurs, out of 100. None needs the person: with one that does, the popup
 * opens on those (as the toolbar badge's click), and the bench measures the whole history.
 */
const STATE_SHARES: Array<[RefundState, number]> = [
  ['confirmed', 70],
  ['recorded', 5],
  ['skipped', 5],
  ['failed', 12],
  ['unconfirmed', 3],
  ['submitting', 3],
  ['planned', 2],
];

/** A small seeded generator (mulberry32), so every run writes the same journal. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('Cannot pick from an empty list.');
  return item;
}

function pickState(random: () => number): RefundState {
  let roll = random() * 100;
  for (const [state, share] of STATE_SHARES) {
    roll -= share;
    if (roll < 0) return state;
  }
  return 'confirmed';
}

interface BenchContact {
  id: number;
  name: string;
  email: string;
}

/** Contact `index` (0 … 9,999): its name is fixed by the index, so searches know what to expect. */
function benchContact(index: number): BenchContact {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'Maria';
  const last = SURNAMES[Math.floor(index / FIRST_NAMES.length) % SURNAMES.length] ?? 'Okafor';
  const domain = DOMAINS[index % DOMAINS.length] ?? 'example.com';
  const emailName = `${first}.${last}${index}`
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return { id: FIRST_CONTACT_ID + index, name: `${first} ${last}`, email: `${emailName}@${domain}` };
}

/**
 * `count` journal records, oldest first, ending about now. Record `i` refunds order
 * FIRST_ORDER_ID + i, so an order id finds exactly one record.
 */
export function* journalRecords(count: number, now = Date.now()): Generator<RefundRecord> {
  const random = seededRandom(20_250_602);
  const startedAt = now - TWO_YEARS_MS;
  const step = TWO_YEARS_MS / count;
  for (let index = 0; index < count; index += 1) {
    const contact = benchContact(Math.floor(random() * CONTACT_COUNT));
    const state = pickState(random);
    const currency = random() < 0.9 ? 'USD' : 'EUR';
    const lineCount = 1 + Math.floor(random() * 3);
    const lines = Array.from({ length: lineCount }, (_, line) => ({
      paymentId: 1_000_000 + index * 3 + line,
      amountMinor: 500 + Math.floor(random() * 20_000),
      currency,
      channel: random() < 0.9 ? ('keap-refund-screen' as const) : ('manual' as const),
      ...(state === 'confirmed' ? { outcome: 'refunded' as const } : state === 'recorded' ? { outcome: 'recorded' as const } : {}),
    }));
    const createdAt = Math.floor(startedAt + index * step + random() * step);
    const orderId = FIRST_ORDER_ID + index;
    const settled = state === 'confirmed' || state === 'recorded';
    const failing = state === 'failed' || state === 'needs-manual' || state === 'unconfirmed' || state === 'skipped';
    const totalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
    const base = {
      id: refundIdFor(createdAt),
      idempotencyKey: `bench-${index}`,
      appName: 'refunddemo',
      contact,
      orderId,
      lines,
      reason: { preset: pick(random, REFUND_REASON_PRESETS), details: random() < 0.3 ? 'Customer asked by email' : '' },
      errorHandling: random() < 0.8 ? ('skip-payment' as const) : ('record-anyway' as const),
      amountOwedAfterMinor: 0,
      actor: { name: 'Alex Support', email: 'alex.support@example.com' },
      baseline: { refundRowIds: [], refundTransactionIds: [], orderRefundTotalMinor: 0 },
      createdAt,
      updatedAt: createdAt + 4_000 + Math.floor(random() * 20_000),
      state,
      totalMinor,
      searchTokens: searchTokensFor({ contact, orderId }),
    };
    const record = {
      ...base,
      ...(failing ? { error: { kind: 'declined', message: 'The gateway declined the refund.' } } : {}),
      ...(settled
        ? {
            evidence: {
              refundTransactionIds: lines.map((line) => line.paymentId + 5_000_000),
              refundInvoicePaymentIds: lines.map((line) => line.paymentId + 6_000_000),
              orderRefundTotalMinor: totalMinor,
              checkedAt: createdAt + 3_000,
            },
          }
        : {}),
    };
    yield refundRecordSchema.parse(record);
  }
}
