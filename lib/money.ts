/**
 * The one place for money. Product code holds amounts as integer minor units (cents for USD,
 * whole yen for JPY). Keap's REST v1 sends decimals (JSON doubles); they are converted here,
 * by decimal-string arithmetic so that no binary float drift reaches an amount.
 */

import { i18n } from '#i18n';

export const DEFAULT_CURRENCY = 'USD';

/** Decimals longer than this are not amounts but noise (a double has ~17 significant digits). */
const MAX_FRACTION_DIGITS = 20;

/** A conversion that cannot give an exact amount; `message` is fit to show a Keap admin. */
export class MoneyConversionError extends Error {
  readonly kind = 'invalid-amount';
  override readonly name = 'MoneyConversionError';
}

const fractionDigitsByCurrency = new Map<string, number>();

/** How many minor-unit digits a currency has (USD 2, JPY 0, KWD 3), as Intl knows it. */
export function currencyFractionDigits(currency: string): number {
  const code = currency.toUpperCase();
  const known = fractionDigitsByCurrency.get(code);
  if (known !== undefined) return known;
  let digits: number;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new MoneyConversionError(i18n.t('problems.money.unknownCurrency', [currency]));
  }
  fractionDigitsByCurrency.set(code, digits);
  return digits;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Keap decimal (number or string, e.g. 19.99, "19.99", 0.30000000000000004) → integer minor units.
 * Digits beyond the currency's last place are rounded half away from zero, once, at that place.
 * Throws MoneyConversionError for NaN, Infinity, non-numbers, absurdly long decimals and
 * amounts too large to hold exactly.
 */
export function toMinorUnits(decimal: number | string, currency: string = DEFAULT_CURRENCY): number {
  if (typeof decimal === 'number' && !Number.isFinite(decimal)) {
    throw new MoneyConversionError(i18n.t('problems.money.notANumber', [String(decimal)]));
  }
  if (typeof decimal === 'number') {
    // Quick path for a number with no more places than the currency has (19.99 in USD): scaling
    // and rounding finds its minor units, and dividing back proves no digit was dropped. Keap's
    // lists hold thousands of these; anything else takes the exact reading below.
    const factor = 10 ** currencyFractionDigits(currency);
    const magnitude = Math.abs(decimal);
    const scaled = Math.round(magnitude * factor);
    if (Number.isSafeInteger(scaled) && scaled / factor === magnitude) return decimal < 0 && scaled !== 0 ? -scaled : scaled;
  }
  // String(number) is the shortest text that reads back as the same double, so 1.005 stays "1.005".
  const text = typeof decimal === 'number' ? String(decimal) : decimal.trim();
  const match = DECIMAL_PATTERN.exec(text);
  const [, sign = '', integerDigits = '', fractionText = '', exponentText = '0'] = match ?? [];
  if (match === null || integerDigits.length + fractionText.length === 0) {
    throw new MoneyConversionError(i18n.t('problems.money.notAmount', [text]));
  }
  const digits = currencyFractionDigits(currency);
  const allDigits = integerDigits + fractionText;
  if (/^0*$/.test(allDigits)) return 0;
  const pointIndex = integerDigits.length + Number(exponentText);
  const fractionDigitCount = allDigits.replace(/0+$/, '').length - pointIndex;
  if (fractionDigitCount > MAX_FRACTION_DIGITS) {
    throw new MoneyConversionError(i18n.t('problems.money.tooManyPlaces', [text]));
  }
  if (pointIndex > 30) {
    throw new MoneyConversionError(i18n.t('problems.money.tooLarge', [text]));
  }
  // Shift the point `digits` places right: everything before it is whole minor units.
  const padded = '0'.repeat(Math.max(0, -pointIndex)) + allDigits + '0'.repeat(Math.max(0, pointIndex + digits - allDigits.length));
  const splitAt = Math.max(0, pointIndex) + digits;
  const wholeMinorUnits = padded.slice(0, splitAt);
  const firstDroppedDigit = padded.charAt(splitAt);
  const roundUp = firstDroppedDigit >= '5' ? 1 : 0;
  // Up to 15 digits plus one is exact as a double; only longer ones need BigInt to check the bound.
  const minorUnits = wholeMinorUnits.length <= 15 ? Number(wholeMinorUnits) + roundUp : bigMinorUnits(wholeMinorUnits, roundUp, text);
  return sign === '-' && minorUnits !== 0 ? -minorUnits : minorUnits;
}

function bigMinorUnits(wholeMinorUnits: string, roundUp: number, text: string): number {
  const magnitude = BigInt(wholeMinorUnits) + BigInt(roundUp);
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyConversionError(i18n.t('problems.money.tooLarge', [text]));
  }
  return Number(magnitude);
}

/** Minor units → plain decimal text with the currency's places, e.g. 6000 → "60.00" (for Keap's form fields). */
export function toDecimalString(minorUnits: number, currency: string = DEFAULT_CURRENCY): string {
  assertMinorUnits(minorUnits);
  const digits = currencyFractionDigits(currency);
  const magnitude = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  const sign = minorUnits < 0 ? '-' : '';
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** Building an Intl.NumberFormat is slow (the first one loads locale data): keep each one made. */
const moneyFormatters = new Map<string, Intl.NumberFormat>();

function moneyFormatter(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = moneyFormatters.get(key);
  if (formatter === undefined) {
    const digits = currencyFractionDigits(currency);
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormatters.set(key, formatter);
  }
  return formatter;
}

/** Minor units → text for people, e.g. 123456 → "$1,234.56"; JPY 1500 → "¥1,500". */
export function formatMoney(minorUnits: number, currency: string = DEFAULT_CURRENCY, locale?: string): string {
  // The decimal string has at most a few fraction digits and a safe magnitude, so as a double it
  // formats back to exactly those digits.
  return moneyFormatter(currency, locale).format(Number(toDecimalString(minorUnits, currency)));
}

/**
 * Loads the locale data money needs ahead of time: the first Intl.NumberFormat costs more than a
 * frame, and a page should not pay it when its table appears, nor the background when amounts arrive.
 */
export function prepareMoneyFormatting(currency: string = DEFAULT_CURRENCY): void {
  moneyFormatter(currency, undefined);
}

function assertMinorUnits(minorUnits: number): void {
  if (!Number.isSafeInteger(minorUnits)) {
    throw new MoneyConversionError(i18n.t('problems.money.notWholeCents', [String(minorUnits)]));
  }
}

export type MoneyInputResult = { ok: true; minorUnits: number } | { ok: false; message: string };

const GROUPED_OR_PLAIN_AMOUNT = /^(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/;
const SYMBOLS_AND_LETTERS = /^[\p{L}\p{Sc}]*$/u;

/**
 * The common shape "$1,234.56" or "1234.56" with exactly two decimals, up to 13 whole digits: read
 * with one pattern and integer arithmetic. Keap's Orders table is a thousand of these, read in a frame.
 */
const TWO_DECIMAL_AMOUNT = /^\$?(\d{1,3}(?:,\d{3}){0,4}|\d{1,13})\.(\d\d)$/;

/** An amount a person typed ("$1,234.56", "12.5", " 3 ") → minor units, or a message saying what is wrong. */
export function parseMoneyInput(text: string, currency: string = DEFAULT_CURRENCY): MoneyInputResult {
  const twoDecimals = TWO_DECIMAL_AMOUNT.exec(text);
  // The cache, not currencyFractionDigits: a currency not yet known takes the full reading below,
  // which learns it, rather than building an Intl formatter here.
  if (twoDecimals !== null && fractionDigitsByCurrency.get(currency.toUpperCase()) === 2) {
    // Whole units below 10^13, so minor units stay far below 2^53: the sum is exact.
    return { ok: true, minorUnits: Number((twoDecimals[1] ?? '').replace(/,/g, '')) * 100 + Number(twoDecimals[2]) };
  }
  const compact = text.replace(/\s/g, '');
  if (compact === '') return { ok: false, message: i18n.t('problems.money.enterAmount') };
  if (compact.includes('-') || compact.startsWith('(')) {
    return { ok: false, message: i18n.t('problems.money.negative') };
  }
  const parts = /^(\D*?)([\d.,]+)(\D*)$/.exec(compact);
  const [, prefix = '', amountText = '', suffix = ''] = parts ?? [];
  const amountMatch = GROUPED_OR_PLAIN_AMOUNT.exec(amountText);
  if (parts === null || !SYMBOLS_AND_LETTERS.test(prefix) || !SYMBOLS_AND_LETTERS.test(suffix) || amountMatch === null || !/\d/.test(amountText)) {
    return { ok: false, message: i18n.t('problems.money.notTypedAmount', [text.trim()]) };
  }
  let digits: number;
  try {
    digits = currencyFractionDigits(currency);
  } catch (error) {
    return { ok: false, message: (error as MoneyConversionError).message };
  }
  const typedFraction = amountMatch[1] ?? '';
  if (typedFraction.length > digits) {
    return {
      ok: false,
      message: digits === 0 ? i18n.t('problems.money.noDecimals', [currency.toUpperCase()]) : i18n.t('problems.money.tooManyDigits', digits, [String(digits)]),
    };
  }
  try {
    return { ok: true, minorUnits: toMinorUnits(amountText.replace(/,/g, ''), currency) };
  } catch (error) {
    if (error instanceof MoneyConversionError) return { ok: false, message: error.message };
    throw error;
  }
}

/** A Keap v1 decimal (number or numeric text) of unknown type → integer minor units, or what is wrong. */
export function decimalToMinorUnits(value: unknown, currency: string = DEFAULT_CURRENCY): MoneyInputResult {
  if (typeof value !== 'number' && typeof value !== 'string') return { ok: false, message: i18n.t('problems.money.notKeapAmount') };
  try {
    return { ok: true, minorUnits: toMinorUnits(value, currency) };
  } catch (error) {
    if (!(error instanceof MoneyConversionError)) throw error;
    return { ok: false, message: error.message };
  }
}

/** Amounts with decimals written in running text ("Paid $1,234.56 on …"), each read as `parseMoneyInput` reads it. */
const AMOUNT_IN_TEXT = /(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+(?![.,]?\d)/g;

/** Every amount in `text` that reads cleanly in `currency`, in minor units, in order. */
export function amountsInText(text: string, currency: string = DEFAULT_CURRENCY): number[] {
  const amounts: number[] = [];
  for (const match of text.matchAll(AMOUNT_IN_TEXT)) {
    const parsed = parseMoneyInput(match[0], currency);
    if (parsed.ok) amounts.push(parsed.minorUnits);
  }
  return amounts;
}
