import type { CurrencyTotal } from '@/lib/audit/query';
import { formatMoney } from '@/lib/money';

/** Totals in several currencies cannot be added up, so each is shown: "$60.00 + €12.00". */
export function formatTotals(totals: CurrencyTotal[]): string {
  return totals.map((total) => formatMoney(total.amountMinor, total.currency)).join(' + ');
}

/** Made once: building an Intl.DateTimeFormat costs about as much as a row, and a page shows 25. */
let whenFormat: Intl.DateTimeFormat | undefined;

/** "Nov 27, 2026, 2:14 PM" in the browser's locale and time zone. */
export function formatWhen(epochMs: number): string {
  whenFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return whenFormat.format(epochMs);
}
