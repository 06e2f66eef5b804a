import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundIdFor } from '@/lib/audit/ids';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { RefundRecord } from '@/lib/audit/schema';
import { REFUND_STATES } from '@/lib/audit/states';
import { samplePlan } from '@/lib/audit/test-support';
import { refundNoteBody } from './note';
import {
  IN_PROGRESS_NOTE_LIMIT_MS,
  type AttemptLine,
  type NoteOnContact,
  attemptLineSchema,
  attemptLineText,
  attemptsInProgress,
  closingAttemptLine,
  inProgressNote,
  readAttemptLine,
  readAttemptNote,
} from './team-notes';

const A = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const B = '0190a1b2-c3d4-7e5f-9a9b-0c1d2e3f4a5c';
const C = '0190a1b2-c3d4-7e5f-aa9b-0c1d2e3f4a5d';
const NOW = 10_000_000;

function line(overrides: Partial<AttemptLine> = {}): AttemptLine {
  return { attempt: A, order: 9001, payments: [7001], state: 'in-progress', by: 'Sam Admin', at: NOW - 60_000, ...overrides };
}

function note(id: number, ...lines: AttemptLine[]): NoteOnContact {
  return { id, body: ['Refund Desk is refunding $60.00 of payment #7001 on order #9001.', ...lines.map(attemptLineText)].join('\n') };
}

function record(overrides: Parameters<typeof samplePlan>[0] = {}, state: RefundRecord['state'] = 'planned', createdAt = 5_000): RefundRecord {
  return { ...buildPlannedRecord(samplePlan(overrides), refundIdFor(createdAt), createdAt), state, updatedAt: createdAt + 1_000 };
}

describe('readAttemptLine', () => {
  it('finds the machine line among other lines', () => {
    const body = ['Refund Desk is refunding $60.00 of payment #7001.', 'Please do not refund these payments until it says how it ended.', attemptLineText(line())].join('\n');
    expect(readAttemptLine(body)).toEqual(line());
  });

  it('reads a line written on Windows line ends too', () => {
    expect(readAttemptLine(`First line\r\n${attemptLineText(line())}\r\n`)).toEqual(line());
  });

  it.each([
    ['an ordinary note', 'Called the customer about order #9001.'],
    ['an empty body', ''],
    ['the prefix in the middle of a line', `Quoted: ${attemptLineText(line())}`],
    ['malformed JSON', 'Refund Desk attempt: {"attempt":'],
    ['JSON that is not an object', 'Refund Desk attempt: [1,2,3]'],
    ['JSON null', 'Refund Desk attempt: null'],
    ['a bad attempt id', attemptLineText(line({ attempt: 'not-a-uuid' }))],
    ['no payments', attemptLineText(line({ payments: [] }))],
    ['a payment id that is not positive', attemptLineText(line({ payments: [0] }))],
    ['an unknown state', attemptLineText({ ...line(), state: 'refunding' as AttemptLine['state'] })],
    ['a negative time', attemptLineText(line({ at: -1 }))],
    ['a fractional order id', attemptLineText(line({ order: 9001.5 }))],
    ['a missing field', `Refund Desk attempt: ${JSON.stringify({ attempt: A, order: 9001, payments: [7001], state: 'in-progress', by: 'x' })}`],
    ['a prefix in another case', `refund desk attempt: ${JSON.stringify(line())}`],
  ])('reads %s as null', (_label, body) => {
    expect(readAttemptLine(body)).toBeNull();
  });

  it('keeps only the fields of the schema', () => {
    const read = readAttemptLine(`Refund Desk attempt: ${JSON.stringify({ ...line(), extra: '<script>' })}`);
    expect(read).toEqual(line());
  });

  it.each(['in-progress', ...REFUND_STATES] as const)('reads the state %s', (state) => {
    expect(readAttemptLine(attemptLineText(line({ state })))?.state).toBe(state);
  });
});

describe('readAttemptNote (what "Import from Keap" makes of a note)', () => {
  const closing = (overrides: Record<string, unknown> = {}) => ({
    ...line({ state: 'confirmed' }),
    contact: 'Jane Doe',
    currency: 'USD',
    lines: [{ payment: 7001, amount: 6000, channel: 'keap-refund-screen', outcome: 'refunded' }],
    reason: { preset: 'Other', details: 'Duplicate order' },
    errorHandling: 'skip-payment',
    owed: 0,
    ...overrides,
  });
  const body = (value: unknown) => `Refund of $60.00 on order #9001: refunded.\nRefund Desk attempt: ${JSON.stringify(value)}`;

  it('reads a closing line with the refund it carries', () => {
    expect(readAttemptNote(body(closing()))).toEqual({ kind: 'closing', line: closing() });
  });

  it.each([
    ['an ordinary note', 'Called the customer about order #9001.'],
    ['an empty body', ''],
    ['the prefix in the middle of a line', `Quoted: ${JSON.stringify(closing())}`],
  ])('takes %s for another note', (_label, text) => {
    expect(readAttemptNote(text)).toEqual({ kind: 'other' });
  });

  it('an in-progress line is in progress, with or without the new fields', () => {
    expect(readAttemptNote(attemptLineText(line()))).toEqual({ kind: 'in-progress', line: line() });
  });

  it('a closing line without amounts was written by an older Refund Desk, and still ends the attempt for the lock', () => {
    const older = attemptLineText(line({ state: 'confirmed' }));
    expect(readAttemptNote(older)).toEqual({ kind: 'older', line: line({ state: 'confirmed' }) });
    expect(attemptsInProgress([note(1, line()), { id: 2, body: older }], [7001], new Set(), NOW)).toEqual([]);
  });

  it.each([
    ['JSON that does not read', 'Refund Desk attempt: {"attempt":', 'its Refund Desk line is not valid JSON'],
    ['a bad attempt id', body(closing({ attempt: 'not-a-uuid' })), 'its Refund Desk line does not read at attempt: '],
    ['an amount of zero', body(closing({ lines: [{ payment: 7001, amount: 0, channel: 'manual' }] })), 'at lines[0].amount'],
    ['an amount in decimals', body(closing({ lines: [{ payment: 7001, amount: 60.5, channel: 'manual' }] })), 'at lines[0].amount'],
    ['a currency that is not a code', body(closing({ currency: 'dollars' })), 'at currency'],
    ['amounts for other payments', body(closing({ lines: [{ payment: 7002, amount: 6000, channel: 'manual' }] })), 'at lines: its amounts do not match its payments'],
    ['fewer amounts than payments', body(closing({ payments: [7001, 7002] })), 'at lines: its amounts do not match its payments'],
    ['an unknown outcome', body(closing({ lines: [{ payment: 7001, amount: 6000, channel: 'manual', outcome: 'maybe' }] })), 'at lines[0].outcome'],
    ['some fields of the refund and not others', body({ ...line({ state: 'confirmed' }), currency: 'USD' }), 'at contact'],
    ['a negative amount owed', body(closing({ owed: -1 })), 'at owed'],
  ])('reports %s as malformed, saying what does not read', (_label, text, problem) => {
    const read = readAttemptNote(text);
    expect(read.kind).toBe('malformed');
    expect(read.kind === 'malformed' && read.problem).toContain(problem);
  });

  it('the lock still reads a closing line whose refund does not read', () => {
    const broken = body(closing({ currency: 'dollars' }));
    expect(readAttemptLine(broken)).toEqual(line({ state: 'confirmed' }));
  });

  it('a contact name with newlines and a forged line stays inside the line, cut to 200 characters', () => {
    const settled = record({ contact: { id: 42, name: `${'N'.repeat(250)}\nRefund Desk attempt: {}`, email: '' } }, 'confirmed');
    const read = readAttemptNote(closingAttemptLine(settled));
    expect(read).toMatchObject({ kind: 'closing', line: { attempt: settled.id, contact: 'N'.repeat(200) } });
  });
});

describe('attemptsInProgress', () => {
  it('an in-progress note blocks the payments it names, with its note id', () => {
    const notes = [note(501, line({ payments: [7001, 7002] }))];
    expect(attemptsInProgress(notes, [7001, 7002], new Set(), NOW)).toEqual([
      { attempt: A, paymentId: 7001, by: 'Sam Admin', at: NOW - 60_000, noteId: 501 },
      { attempt: A, paymentId: 7002, by: 'Sam Admin', at: NOW - 60_000, noteId: 501 },
    ]);
  });

  it('only the payments asked about', () => {
    const notes = [note(501, line({ payments: [7001, 7002] }))];
    expect(attemptsInProgress(notes, [7002, 7003], new Set(), NOW).map((attempt) => attempt.paymentId)).toEqual([7002]);
    expect(attemptsInProgress(notes, [7003], new Set(), NOW)).toEqual([]);
    expect(attemptsInProgress(notes, [], new Set(), NOW)).toEqual([]);
  });

  it.each(REFUND_STATES)('not when its attempt has a note saying it ended (%s)', (state) => {
    const notes = [note(501, line()), note(502, line({ state, at: NOW - 1_000 }))];
    expect(attemptsInProgress(notes, [7001], new Set(), NOW)).toEqual([]);
  });

  it("another attempt's ending does not end this one", () => {
    const notes = [note(501, line()), note(502, line({ attempt: B, state: 'confirmed' }))];
    expect(attemptsInProgress(notes, [7001], new Set(), NOW).map((attempt) => attempt.attempt)).toEqual([A]);
  });

  it('not own attempts', () => {
    const notes = [note(501, line()), note(502, line({ attempt: B, by: 'Kim' }))];
    expect(attemptsInProgress(notes, [7001], new Set([A]), NOW)).toEqual([{ attempt: B, paymentId: 7001, by: 'Kim', at: NOW - 60_000, noteId: 502 }]);
    expect(attemptsInProgress(notes, [7001], new Set([A, B]), NOW)).toEqual([]);
  });

  it('not one older than IN_PROGRESS_NOTE_LIMIT_MS', () => {
    const justInside = [note(501, line({ at: NOW - IN_PROGRESS_NOTE_LIMIT_MS + 1 }))];
    const atTheLimit = [note(501, line({ at: NOW - IN_PROGRESS_NOTE_LIMIT_MS }))];
    expect(attemptsInProgress(justInside, [7001], new Set(), NOW)).toHaveLength(1);
    expect(attemptsInProgress(atTheLimit, [7001], new Set(), NOW)).toEqual([]);
    expect(IN_PROGRESS_NOTE_LIMIT_MS).toBe(30 * 60_000);
  });

  it('skips notes without a body and ordinary notes', () => {
    const notes: NoteOnContact[] = [{ id: 1, body: null }, { id: 2 }, { id: 3, body: 'Called them.' }, note(4, line())];
    expect(attemptsInProgress(notes, [7001], new Set(), NOW).map((attempt) => attempt.noteId)).toEqual([4]);
  });

  it('two teammates on one payment: both are listed, each with its own note id', () => {
    const notes = [note(502, line({ attempt: B, by: 'Kim' })), note(501, line({ attempt: C, by: 'Lee' }))];
    expect(attemptsInProgress(notes, [7001], new Set(), NOW).map(({ attempt, noteId }) => [attempt, noteId])).toEqual([
      [B, 502],
      [C, 501],
    ]);
  });
});

describe('the notes Refund Desk writes', () => {
  it('inProgressNote carries a machine line that reads back as the attempt, in progress', () => {
    const planned = record({
      lines: [
        { paymentId: 7001, amountMinor: 2500, currency: 'USD', channel: 'keap-refund-screen' },
        { paymentId: 7002, amountMinor: 1000, currency: 'USD', channel: 'keap-refund-screen' },
      ],
    });
    const written = inProgressNote(planned, NOW);
    expect(written.title).toBe('Refund Desk: refunding $35.00 of payment #7001, #7002 on order #9001');
    expect(readAttemptLine(written.body)).toEqual({ attempt: planned.id, order: 9001, payments: [7001, 7002], state: 'in-progress', by: 'Sam Admin', at: NOW });
    expect(attemptsInProgress([{ id: 9, body: written.body }], [7002], new Set(), NOW + 1)).toEqual([
      { attempt: planned.id, paymentId: 7002, by: 'Sam Admin', at: NOW, noteId: 9 },
    ]);
  });

  it.each(['confirmed', 'recorded', 'skipped', 'failed', 'needs-manual', 'unconfirmed'] as const)(
    'closingAttemptLine of a %s refund reads back with that state and ends the attempt',
    (state) => {
      const settled = record({}, state);
      expect(readAttemptLine(closingAttemptLine(settled))).toEqual({ attempt: settled.id, order: 9001, payments: [7001], state, by: 'Sam Admin', at: settled.updatedAt });
      const notes = [
        { id: 1, body: inProgressNote(settled, NOW).body },
        { id: 2, body: refundNoteBody(settled) },
      ];
      expect(attemptsInProgress(notes, [7001], new Set(), NOW)).toEqual([]);
    },
  );

  it('the person is named by email when Keap gave no name, and as "someone" when neither', () => {
    expect(readAttemptLine(inProgressNote(record({ actor: { name: '', email: 'kim@example.com' } }), NOW).body)?.by).toBe('kim@example.com');
    expect(readAttemptLine(inProgressNote(record({ actor: { name: '', email: '' } }), NOW).body)?.by).toBe('someone');
  });

  it('a long name still gives a readable machine line, so teammates still see the attempt', () => {
    const planned = record({ actor: { name: 'N'.repeat(300), email: '' } });
    const read = readAttemptLine(inProgressNote(planned, NOW).body);
    expect(read).toMatchObject({ attempt: planned.id, payments: [7001], state: 'in-progress' });
    expect(attemptsInProgress([{ id: 1, body: inProgressNote(planned, NOW).body }], [7001], new Set(), NOW)).toHaveLength(1);
  });

  describe('words from people cannot forge a second attempt line', () => {
    const forged = (overrides: Partial<AttemptLine> = {}) => attemptLineText(line({ attempt: B, payments: [7999], state: 'confirmed', by: 'forger', at: NOW, ...overrides }));

    it('a person whose name holds a newline and an attempt line: the note still reads as exactly its own attempt', () => {
      const planned = record({ actor: { name: `Mallory\n${forged()}\n<b>x</b>`, email: '' } });
      const body = inProgressNote(planned, NOW).body;
      expect(readAttemptLine(body)).toEqual({ attempt: planned.id, order: 9001, payments: [7001], state: 'in-progress', by: planned.actor.name, at: NOW });
      expect(attemptsInProgress([{ id: 1, body }], [7001, 7999], new Set(), NOW)).toEqual([{ attempt: planned.id, paymentId: 7001, by: planned.actor.name, at: NOW, noteId: 1 }]);
    });

    it("a forged final state in a person's name does not end a teammate's attempt", () => {
      const teammate = note(1, line({ attempt: B, by: 'Kim' }));
      const planned = record({ actor: { name: `Mallory\n${forged({ state: 'failed', payments: [7001] })}\n`, email: '' } });
      const notes = [teammate, { id: 2, body: inProgressNote(planned, NOW).body }];
      expect(attemptsInProgress(notes, [7001], new Set([planned.id]), NOW).map((attempt) => attempt.attempt)).toEqual([B]);
    });

    it('a name that starts a broken attempt line does not hide the attempt', () => {
      const planned = record({ actor: { name: 'Mallory\nRefund Desk attempt: {', email: '' } });
      const body = inProgressNote(planned, NOW).body;
      expect(readAttemptLine(body)?.attempt).toBe(planned.id);
      expect(attemptsInProgress([{ id: 1, body }], [7001], new Set(), NOW)).toHaveLength(1);
    });

    it('a reason with a newline and an attempt line in the closing note: it still reads as its own attempt', () => {
      const settled = record({ reason: { preset: 'Other', details: `see below\n${forged({ state: 'in-progress', payments: [7001] })}\n<script>alert(1)</script>` } }, 'confirmed');
      const body = refundNoteBody(settled);
      expect(readAttemptLine(body)).toEqual({ attempt: settled.id, order: 9001, payments: [7001], state: 'confirmed', by: 'Sam Admin', at: settled.updatedAt });
      expect(attemptsInProgress([{ id: 1, body }], [7001], new Set(), NOW)).toEqual([]);
    });

    it('a contact name with markup and newlines is not in the machine line', () => {
      const planned = record({ contact: { id: 42, name: `<img src=x onerror=1>\n${forged()}`, email: 'x@example.com' } });
      expect(readAttemptLine(inProgressNote(planned, NOW).body)?.attempt).toBe(planned.id);
      expect(readAttemptLine(refundNoteBody({ ...planned, state: 'confirmed' }))?.attempt).toBe(planned.id);
    });

    it('property: whatever a person names themselves or writes as a reason, the notes read as their own attempt', () => {
      const words = fc.oneof(
        fc.string(),
        fc.string({ unit: fc.constantFrom('a', '\n', '\r', ' ', '<', '>', '"', '\\', '{', '}') }),
        fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${before}\n${forged()}\n${after}`),
      );
      fc.assert(
        fc.property(words, words, fc.integer({ min: 0, max: 2 ** 40 }), (name, details, at) => {
          const planned = record({ actor: { name, email: '' }, reason: { preset: 'Other', details } });
          const started = readAttemptLine(inProgressNote(planned, at).body);
          expect(started).toMatchObject({ attempt: planned.id, payments: [7001], state: 'in-progress', at });
          const closed = readAttemptLine(refundNoteBody({ ...planned, state: 'confirmed' }));
          expect(closed).toMatchObject({ attempt: planned.id, payments: [7001], state: 'confirmed' });
        }),
      );
    });
  });
});

describe('property: a note body reads as null or as a line the schema accepts', () => {
  const prefix = 'Refund Desk attempt: ';
  const field = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer()), fc.uuid());
  const lineish = fc.record(
    {
      attempt: fc.oneof(fc.uuid(), fc.string(), field),
      order: fc.oneof(fc.integer(), field),
      payments: fc.oneof(fc.array(fc.integer()), field),
      state: fc.oneof(fc.constantFrom('in-progress', 'bogus', ...REFUND_STATES), field),
      by: fc.oneof(fc.string({ maxLength: 300 }), field),
      at: fc.oneof(fc.integer(), field),
    },
    { requiredKeys: [] },
  );
  const machineish = fc.oneof(
    fc.json().map((json) => `${prefix}${json}`),
    lineish.map((value) => `${prefix}${JSON.stringify(value)}`),
    fc.string().map((text) => `${prefix}${text}`),
  );
  const body = fc.array(fc.oneof(fc.string(), machineish), { maxLength: 5 }).map((lines) => lines.join('\n'));

  it('never throws, and anything it reads passes the schema', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), body), (text) => {
        const read = readAttemptLine(text);
        if (read !== null) expect(attemptLineSchema.safeParse(read).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a line attemptLineText wrote reads back as itself', () => {
    const valid = fc.record({
      attempt: fc.uuid({ version: [4, 7] }),
      order: fc.integer({ min: 1, max: 2 ** 31 }),
      payments: fc.array(fc.integer({ min: 1, max: 2 ** 31 }), { minLength: 1, maxLength: 5 }),
      state: fc.constantFrom('in-progress' as const, ...REFUND_STATES),
      by: fc.string({ maxLength: 200 }),
      at: fc.integer({ min: 0, max: 2 ** 45 }),
    });
    fc.assert(
      fc.property(valid, fc.string(), (written, before) => {
        expect(readAttemptLine(`${before.replaceAll(prefix, '')}\n${attemptLineText(written)}`)).toEqual(written);
      }),
    );
  });
});
