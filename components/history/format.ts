import type { CurrencyTotal } from '@/lib/audit/query';
import { formatMoney } from '@/lib/money';

/** Totals in several currencies cannot be added up, so each is shown: "$60.00 + €12.00". */
export function formatTotals(totals: CurrencyTotal[]): string {
  return totals.map((total) => formatMoney(total.amountMinor, total.currency)).join(' + ');
}

export function formatWhen(epochMs: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs);
}
