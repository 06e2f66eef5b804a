import { minorToDecimal } from '@/lib/audit/export';
import type { CurrencyTotal } from '@/lib/audit/query';

/** Minor units shown as money in the user's locale, e.g. 6000 USD → "$60.00". */
export function formatMoney(amountMinor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(minorToDecimal(amountMinor, currency)));
}

/** Totals in several currencies cannot be added up, so each is shown: "$60.00 + €12.00". */
export function formatTotals(totals: CurrencyTotal[]): string {
  return totals.map((total) => formatMoney(total.amountMinor, total.currency)).join(' + ');
}

export function formatWhen(epochMs: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);
}
