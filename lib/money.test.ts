import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MoneyConversionError, currencyFractionDigits, formatMoney, parseMoneyInput, toDecimalString, toMinorUnits } from '@/lib/money';

describe('toMinorUnits', () => {
  it.each([
    [19.99, 1999],
    ['19.99', 1999],
    [60, 6000],
    [0, 0],
    [-0, 0],
    [-12.5, -1250],
    ['0.5', 50],
    ['.5', 50],
    [1234567.89, 123456789],
    [1e-7, 0],
    ['1.5e2', 15000],
  ])('%s → %i', (decimal, expected) => {
    expect(toMinorUnits(decimal)).toBe(expected);
  });

  it('has no float drift on classic problem values', () => {
    expect(toMinorUnits(0.1 + 0.2)).toBe(30);
    expect(toMinorUnits(1.005)).toBe(101);
    expect(toMinorUnits(1.015)).toBe(102);
    expect(toMinorUnits(8.675)).toBe(868);
    expect(toMinorUnits(19.99 * 3)).toBe(5997);
    expect(toMinorUnits((4.35 * 100) / 100)).toBe(435);
  });

  it('rounds half away from zero only at the last place', () => {
    expect(toMinorUnits('2.345')).toBe(235);
    expect(toMinorUnits('-2.345')).toBe(-235);
    expect(toMinorUnits('2.3449999')).toBe(234);
    expect(toMinorUnits('-0.004')).toBe(0);
  });

  it('uses the currency’s own number of places', () => {
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.5', 'JPY')).toBe(1501);
    expect(toMinorUnits('1.2345', 'KWD')).toBe(1235);
    expect(currencyFractionDigits('jpy')).toBe(0);
  });

  it.each([NaN, Infinity, -Infinity, 'abc', '', '1.2.3', '12,50', '0.1234567890123456789012', 1e21, '99999999999999999'])('rejects %s with a typed error', (decimal) => {
    expect(() => toMinorUnits(decimal)).toThrowError(MoneyConversionError);
  });

  it('says in plain words what is wrong', () => {
    try {
      toMinorUnits(NaN);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MoneyConversionError);
      expect((error as MoneyConversionError).kind).toBe('invalid-amount');
      expect((error as MoneyConversionError).message).toBe('NaN is not an amount of money.');
    }
    expect(() => toMinorUnits(1, 'XYZW')).toThrowError('"XYZW" is not a currency code this browser knows.');
    expect(() => toMinorUnits('lots')).toThrowError('"lots" is not an amount of money.');
    expect(() => toMinorUnits('0.1234567890123456789012')).toThrowError('"0.1234567890123456789012" has too many decimal places to be an amount of money.');
    expect(() => toMinorUnits('99999999999999999')).toThrowError('"99999999999999999" is too large to be an amount of money.');
  });

  it('property: any cent amount written as a 2-place decimal converts back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (cents) => {
        expect(toMinorUnits(toDecimalString(cents))).toBe(cents);
        // The double nearest cents/100 must also convert exactly: that is what Keap's JSON carries.
        expect(toMinorUnits(cents / 100)).toBe(cents);
      }),
    );
  });

  it('property: a number converts as its shortest text does, in currencies with 0, 2 and 3 places', () => {
    // Numbers take a quick path; their text always takes the exact one.
    const amounts = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e16, max: 1e16 }),
      fc.integer({ min: -1e9, max: 1e9 }).map((units) => units / 1000),
    );
    fc.assert(
      fc.property(amounts, fc.constantFrom('USD', 'JPY', 'KWD'), (amount, currency) => {
        const outcome = (convert: () => number) => {
          try {
            return convert();
          } catch (error) {
            return (error as MoneyConversionError).message;
          }
        };
        expect(outcome(() => toMinorUnits(amount, currency))).toEqual(outcome(() => toMinorUnits(String(amount), currency)));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: sums of decimals as doubles convert to the sum of their cents', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 20 }), (centsList) => {
        const floatSum = centsList.reduce((sum, cents) => sum + cents / 100, 0);
        const centsSum = centsList.reduce((sum, cents) => sum + cents, 0);
        expect(toMinorUnits(floatSum)).toBe(centsSum);
      }),
    );
  });
});

describe('toDecimalString', () => {
  it.each([
    [6000, 'USD', '60.00'],
    [5, 'USD', '0.05'],
    [-5, 'USD', '-0.05'],
    [0, 'USD', '0.00'],
    [123456789, 'USD', '1234567.89'],
    [1500, 'JPY', '1500'],
    [1235, 'KWD', '1.235'],
  ])('%i %s → %s', (minorUnits, currency, expected) => {
    expect(toDecimalString(minorUnits, currency)).toBe(expected);
  });

  it('refuses amounts that are not whole minor units', () => {
    expect(() => toDecimalString(1.5)).toThrowError(new MoneyConversionError('1.5 is not a whole number of cents.'));
  });
});

describe('formatMoney', () => {
  it('formats with the currency’s own places', () => {
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56');
    expect(formatMoney(-500, 'USD', 'en-US')).toBe('-$5.00');
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe('1.234,56\u00a0€');
  });

  it("formats Keap's other usual currencies in the browser's locale, and in US English", () => {
    expect(formatMoney(123456, 'AUD', 'en-AU')).toBe('$1,234.56');
    expect(formatMoney(123456, 'AUD', 'en-US')).toBe('A$1,234.56');
    expect(formatMoney(123456, 'GBP', 'en-GB')).toBe('£1,234.56');
    expect(formatMoney(123456, 'CAD', 'en-CA')).toBe('$1,234.56');
    expect(formatMoney(123456, 'CAD', 'en-US')).toBe('CA$1,234.56');
    expect(formatMoney(123456, 'CAD', 'fr-CA')).toBe('1\u00a0234,56\u00a0$');
    // Korean won has no minor unit: 15000 minor units are ₩15,000.
    expect(formatMoney(15000, 'KRW', 'ko-KR')).toBe('₩15,000');
  });

  it.each(['AUD', 'GBP', 'CAD', 'KRW'])('property: %s formatted in English then read back gives the same amount', (currency) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (minor) => {
        expect(parseMoneyInput(toDecimalString(minor, currency), currency)).toEqual({ ok: true, minorUnits: minor });
      }),
    );
  });

  it('property: formatting then parsing gives the same amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (cents) => {
        expect(parseMoneyInput(formatMoney(cents, 'USD', 'en-US'), 'USD')).toEqual({ ok: true, minorUnits: cents });
      }),
    );
  });
});

describe('parseMoneyInput', () => {
  it.each([
    ['$1,234.56', 123456],
    ['12.5', 1250],
    [' 3 ', 300],
    ['0', 0],
    ['60.00', 6000],
    ['.75', 75],
    ['12.', 1200],
    ['USD 45.10', 4510],
    ['45.10 USD', 4510],
    ['1 234.56', 123456],
  ])('%j → %i', (text, minorUnits) => {
    expect(parseMoneyInput(text, 'USD')).toEqual({ ok: true, minorUnits });
  });

  it.each([
    ['', 'Enter an amount.'],
    ['   ', 'Enter an amount.'],
    ['-5', 'Enter the amount without a minus sign; it cannot be negative.'],
    ['12.345', 'Use at most 2 digits after the decimal point.'],
    ['abc', '"abc" is not an amount. Write it like 1,234.56.'],
    ['12,50', '"12,50" is not an amount. Write it like 1,234.56.'],
    ['1.2.3', '"1.2.3" is not an amount. Write it like 1,234.56.'],
    ['$', '"$" is not an amount. Write it like 1,234.56.'],
    ['5 + 3', '"5 + 3" is not an amount. Write it like 1,234.56.'],
  ])('%j → %s', (text, message) => {
    expect(parseMoneyInput(text, 'USD')).toEqual({ ok: false, message });
  });

  it('knows currencies without decimals', () => {
    expect(parseMoneyInput('¥1,500', 'JPY')).toEqual({ ok: true, minorUnits: 1500 });
    expect(parseMoneyInput('1500.5', 'JPY')).toEqual({ ok: false, message: 'JPY amounts have no decimal places.' });
  });

  it('property: the quick path for "$1,234.56"-shaped text agrees with the full reading', () => {
    const wholeUnits = fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 10 ** 13 - 1 }), fc.integer({ min: 10 ** 13, max: 9 * 10 ** 13 }));
    fc.assert(
      fc.property(wholeUnits, fc.integer({ min: 0, max: 99 }), fc.boolean(), fc.boolean(), (whole, cents, grouped, dollarSign) => {
        const wholeText = grouped ? whole.toLocaleString('en-US') : String(whole);
        const text = `${dollarSign ? '$' : ''}${wholeText}.${String(cents).padStart(2, '0')}`;
        // A leading space does not fit the quick path's pattern, so it reads the long way.
        expect(parseMoneyInput(text, 'USD')).toEqual(parseMoneyInput(` ${text}`, 'USD'));
        expect(parseMoneyInput(text, 'USD')).toEqual({ ok: true, minorUnits: whole * 100 + cents });
      }),
    );
  });

  it('reads two-decimal text in a currency without decimals as the mistake it is', () => {
    expect(parseMoneyInput('$1,500.00', 'JPY')).toEqual({ ok: false, message: 'JPY amounts have no decimal places.' });
  });

  it('property: never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseMoneyInput(text, 'USD');
        if (result.ok) expect(Number.isSafeInteger(result.minorUnits)).toBe(true);
        else expect(result.message.length).toBeGreaterThan(0);
      }),
    );
  });
});
