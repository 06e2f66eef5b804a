import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPlainAmount, unitShownByTotals } from '@/lib/keap/v2/amount-unit';

describe('readPlainAmount', () => {
  it('reads minor units as they are, and refuses a fraction of one', () => {
    expect(readPlainAmount(6000, 'minor-units', 'USD')).toEqual({ ok: true, minorUnits: 6000 });
    expect(readPlainAmount(-2000, 'minor-units', 'USD')).toEqual({ ok: true, minorUnits: -2000 });
    expect(readPlainAmount(60.5, 'minor-units', 'USD').ok).toBe(false);
  });

  it('reads decimals in the currency’s places, as v1’s decimals are read', () => {
    expect(readPlainAmount(99.95, 'decimal', 'USD')).toEqual({ ok: true, minorUnits: 9995 });
    expect(readPlainAmount(60, 'decimal', 'USD')).toEqual({ ok: true, minorUnits: 6000 });
    expect(readPlainAmount(1500, 'decimal', 'JPY')).toEqual({ ok: true, minorUnits: 1500 });
    expect(readPlainAmount(Number.POSITIVE_INFINITY, 'decimal', 'USD').ok).toBe(false);
  });
});

describe('unitShownByTotals', () => {
  it('finds decimals when the amounts add up to the Money total only read as decimals', () => {
    expect(unitShownByTotals([{ amounts: [60, 60], totalMinor: 12000 }], 'USD')).toBe('decimal');
  });

  it('finds minor units when they add up only as they are', () => {
    expect(unitShownByTotals([{ amounts: [6000, 6000], totalMinor: 12000 }], 'USD')).toBe('minor-units');
  });

  it('counts signed amounts: charges less voids', () => {
    expect(unitShownByTotals([{ amounts: [75, 25, -75], totalMinor: 2500 }], 'USD')).toBe('decimal');
  });

  it('learns nothing from sums of zero, which add up in either unit', () => {
    expect(unitShownByTotals([{ amounts: [], totalMinor: 0 }], 'USD')).toBeUndefined();
    expect(
      unitShownByTotals(
        [
          { amounts: [0], totalMinor: 0 },
          { amounts: [20], totalMinor: 2000 },
        ],
        'USD',
      ),
    ).toBe('decimal');
  });

  it('confirms nothing when no sum adds up, or two sums disagree', () => {
    expect(unitShownByTotals([{ amounts: [60], totalMinor: 12000 }], 'USD')).toBeUndefined();
    expect(
      unitShownByTotals(
        [
          { amounts: [120], totalMinor: 12000 },
          { amounts: [2000], totalMinor: 2000 },
        ],
        'USD',
      ),
    ).toBeUndefined();
  });

  it('takes either unit for a currency without decimals, where both read alike', () => {
    expect(unitShownByTotals([{ amounts: [1500], totalMinor: 1500 }], 'JPY')).toBe('minor-units');
  });

  it('property: amounts written in one unit are never taken for the other', () => {
    const cents = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(cents, fc.boolean(), (amounts, asDecimals) => {
        const total = amounts.reduce((sum, amount) => sum + amount, 0);
        const sent = asDecimals ? amounts.map((amount) => amount / 100) : amounts;
        expect(unitShownByTotals([{ amounts: sent, totalMinor: total }], 'USD')).toBe(asDecimals ? 'decimal' : 'minor-units');
      }),
    );
  });
});
