import { describe, expect, it } from 'vitest';
import { buildPlannedRecord } from '@/lib/audit/journal';
import type { PlanRefundInput, RefundRecord } from '@/lib/audit/schema';
import { samplePlan } from '@/lib/audit/test-support';
import { refundNoteBody } from './note';
import { readAttemptNote } from './team-notes';

const UPDATED_AT = Date.parse('2025-06-02T15:04:05.000Z');

function record(plan: Partial<PlanRefundInput> = {}, changes: Partial<RefundRecord> = {}): RefundRecord {
  return { ...buildPlannedRecord(samplePlan({ orderId: 5001, ...plan }), crypto.randomUUID(), UPDATED_AT), ...changes };
}

describe('refundNoteBody', () => {
  it('is plain text, one fact a line, with amounts formatted as money, and ends with the attempt line', () => {
    const settled = record(
      {
        lines: [
          { paymentId: 7001, amountMinor: 123456, currency: 'USD', channel: 'keap-refund-screen' },
          { paymentId: 7002, amountMinor: 5, currency: 'USD', channel: 'keap-refund-screen' },
        ],
        amountOwedAfterMinor: 2500,
      },
      { state: 'confirmed' },
    );
    const body = refundNoteBody(settled);
    expect(body.split('\n')).toEqual([
      "Refund of $1,234.61 on order #5001: refunded (confirmed by Keap's API).",
      '• Payment 7001: $1,234.56',
      '• Payment 7002: $0.05',
      'Reason: Customer request: Changed their mind',
      'If an automatic refund fails: skip that payment',
      'Amount owed after refund: $25.00',
      'By Sam Admin via Refund Desk, 6/2/2025, 3:04:05 PM UTC',
      `Refund Desk attempt: {"attempt":"${settled.id}","order":5001,"payments":[7001,7002],"state":"confirmed","by":"Sam Admin","at":${UPDATED_AT},` +
        '"contact":"Jane Doe","currency":"USD","lines":[{"payment":7001,"amount":123456,"channel":"keap-refund-screen"},{"payment":7002,"amount":5,"channel":"keap-refund-screen"}],' +
        '"reason":{"preset":"Customer request","details":"Changed their mind"},"errorHandling":"skip-payment","owed":2500}',
    ]);
  });

  it("its attempt line carries the refund for a teammate's import: amounts in minor units, each payment's outcome, reason and amount owed", () => {
    const base = record({
      lines: [
        { paymentId: 7001, amountMinor: 6000, currency: 'EUR', channel: 'keap-refund-screen' },
        { paymentId: 7006, amountMinor: 4500, currency: 'EUR', channel: 'manual' },
      ],
      errorHandling: 'record-anyway',
      amountOwedAfterMinor: 1200,
    });
    const settled: RefundRecord = {
      ...base,
      state: 'confirmed',
      lines: [
        { ...base.lines[0]!, outcome: 'skipped' },
        { ...base.lines[1]!, outcome: 'recorded' },
      ],
    };
    const read = readAttemptNote(refundNoteBody(settled));
    expect(read).toEqual({
      kind: 'closing',
      line: {
        attempt: settled.id,
        order: 5001,
        payments: [7001, 7006],
        state: 'confirmed',
        by: 'Sam Admin',
        at: UPDATED_AT,
        contact: 'Jane Doe',
        currency: 'EUR',
        lines: [
          { payment: 7001, amount: 6000, channel: 'keap-refund-screen', outcome: 'skipped' },
          { payment: 7006, amount: 4500, channel: 'manual', outcome: 'recorded' },
        ],
        reason: { preset: 'Customer request', details: 'Changed their mind' },
        errorHandling: 'record-anyway',
        owed: 1200,
      },
    });
  });

  it('says what happened to each payment and why, and what stopped the refund', () => {
    const base = record({
      lines: [
        { paymentId: 7001, amountMinor: 6000, currency: 'USD', channel: 'keap-refund-screen' },
        { paymentId: 7006, amountMinor: 4500, currency: 'USD', channel: 'manual' },
      ],
      errorHandling: 'record-anyway',
    });
    const body = refundNoteBody({
      ...base,
      state: 'needs-manual',
      lines: [
        { ...base.lines[0]!, outcome: 'pending', detail: "Keap's API does not show this refund yet." },
        { ...base.lines[1]!, outcome: 'recorded' },
      ],
      error: { kind: 'not-confirmed', message: 'Check order #5001 in Keap before trying again.' },
    });
    expect(body).toContain('on order #5001: stopped: needs a person to finish it in Keap.');
    expect(body).toContain("• Payment 7001: $60.00 — not confirmed (Keap's API does not show this refund yet.)");
    expect(body).toContain('• Payment 7006: $45.00 (refunded outside Keap, recorded as a manual refund) — recorded');
    expect(body).toContain('If an automatic refund fails: record the refund anyway');
    expect(body).toContain('Note: Check order #5001 in Keap before trying again.');
  });

  it('gives the preset alone when there are no details, and names the actor by email when the name is unknown', () => {
    const body = refundNoteBody(record({ reason: { preset: 'Sent wrong size', details: '' }, actor: { name: '', email: 'sam@merchant.example' } }));
    expect(body).toContain('Reason: Sent wrong size\n');
    expect(body).toContain('By sam@merchant.example via Refund Desk');
  });

  it('keeps hostile text exactly as typed: it is plain text and Keap escapes it', () => {
    const hostile = '<script>alert("xss")</script> & <img src=x onerror=alert(1)> 東京 "O\'Brien"';
    const body = refundNoteBody(record({ reason: { preset: 'Other', details: hostile } }, { state: 'skipped', error: { kind: 'skipped', message: hostile } }));
    expect(body).toContain(`Reason: Other: ${hostile}\n`);
    expect(body).toContain(`Note: ${hostile}\n`);
    expect(body).not.toMatch(/&(amp|lt|gt|quot);/);
  });

  it('formats amounts and the date in the one locale it is given', () => {
    const body = refundNoteBody(record(), 'de-DE');
    expect(body).toMatch(/^Refund of 60,00\s\$ on order #5001/);
    expect(body).toContain('• Payment 7001: 60,00');
    expect(body).toContain('2.6.2025, 15:04:05 UTC');
  });

  it('formats amounts in the refund’s currency', () => {
    const body = refundNoteBody(record({ lines: [{ paymentId: 7001, amountMinor: 1500, currency: 'JPY', channel: 'keap-refund-screen' }], amountOwedAfterMinor: 0 }));
    expect(body).toContain('Refund of ¥1,500 on order #5001');
    expect(body).toContain('Amount owed after refund: ¥0');
  });
});
