import { describe, expect, it } from 'vitest';
import { screenResultOf } from './screen-result';

describe('screenResultOf: what a page’s answer to a walk means', () => {
  it('takes a well-formed answer as it is', () => {
    expect(screenResultOf({ kind: 'results', lines: [{ paymentId: 7001, text: 'Payment 7001: Refunded $60.00', outcome: 'refunded' }] }, true)).toEqual({
      ok: true,
      results: [{ paymentId: 7001, text: 'Payment 7001: Refunded $60.00', outcome: 'refunded' }],
    });
    expect(screenResultOf({ kind: 'stopped', step: 'credit', problem: 'Two final buttons', learnable: 'credit-final' }, false)).toEqual({
      ok: false,
      sent: false,
      stoppedAt: 'credit',
      problem: 'Two final buttons',
      learnable: 'credit-final',
    });
    expect(screenResultOf({ kind: 'called-off' }, false)).toBe('walk-on');
  });

  it('never reads a malformed answer as "nothing was sent"', () => {
    for (const malformed of [undefined, null, 'stopped', { kind: 'stopped' }, { kind: 'results', lines: [{ paymentId: -1 }] }, { kind: 'done' }]) {
      expect(screenResultOf(malformed, false)).toEqual({
        ok: false,
        sent: true,
        stoppedAt: 'results',
        problem: "Keap's refund screen gave Refund Desk an answer it could not read.",
      });
    }
  });

  it('takes a stop after the final click was approved as "may have been sent"', () => {
    expect(screenResultOf({ kind: 'stopped', step: 'open', problem: 'The page went away' }, true)).toMatchObject({ ok: false, sent: true, stoppedAt: 'results' });
  });
});
