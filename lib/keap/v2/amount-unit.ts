import { i18n } from '#i18n';
import { decimalToMinorUnits, type MoneyInputResult } from '@/lib/money';

/**
 * The unit of v2's plain amounts (an order payment's or a transaction's `amount`). keap-rest-v2.yml
 * does not say it, and its examples disagree (10000 on an order payment, 123.34 on a transaction),
 * so keap-facts says: check it against the order's Money totals, and never assume it. Money totals
 * (`CurrencyValue.amount`) are integers in the currency's smallest unit, which is what Refund Desk
 * counts in; a plain amount is either that too, or a decimal of the currency.
 */
export type AmountUnit = 'minor-units' | 'decimal';

/** A plain v2 amount in integer minor units, read in `unit`. */
export function readPlainAmount(amount: number, unit: AmountUnit, currency: string): MoneyInputResult {
  if (unit === 'decimal') return decimalToMinorUnits(amount, currency);
  return Number.isSafeInteger(amount) ? { ok: true, minorUnits: amount } : { ok: false, message: i18n.t('problems.money.notMinorUnits') };
}

/** Plain amounts that add up (signed) to a Money total of the same order. */
export interface AmountsAndTotal {
  amounts: readonly number[];
  totalMinor: number;
}

const UNITS: readonly AmountUnit[] = ['minor-units', 'decimal'];

function sumIn(amounts: readonly number[], unit: AmountUnit, currency: string): number | undefined {
  let sum = 0;
  for (const amount of amounts) {
    const read = readPlainAmount(amount, unit, currency);
    if (!read.ok) return undefined;
    sum += read.minorUnits;
  }
  return sum;
}

/**
 * The unit in which plain amounts add up to their Money totals. A sum tells only when it adds up
 * in exactly one unit (a sum of zero adds up in both), or in both to a total other than zero; the
 * sums that tell must agree. Undefined when
 * none tells, or they disagree: then the amounts' unit is not confirmed.
 */
export function unitShownByTotals(relations: readonly AmountsAndTotal[], currency: string): AmountUnit | undefined {
  const shown = new Set<AmountUnit>();
  for (const { amounts, totalMinor } of relations) {
    const addingUp = UNITS.filter((unit) => sumIn(amounts, unit, currency) === totalMinor);
    if (addingUp.length === 1 && addingUp[0] !== undefined) shown.add(addingUp[0]);
    // Both add up to a total other than zero only where the two readings are one (a currency without
    // decimals, as JPY): then either unit reads every amount alike.
    if (addingUp.length === 2 && totalMinor !== 0) shown.add('minor-units');
  }
  const [unit, ...others] = shown;
  return others.length === 0 ? unit : undefined;
}
