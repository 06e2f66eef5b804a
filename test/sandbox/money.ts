/** Money conversions for the sandbox: state holds integer cents, Keap shows decimals. */

/** Keap's decimal amount (e.g. 19.99) for a number of cents. */
export function toKeapDecimal(minor: number): number {
  return Math.round(minor) / 100;
}

/** `60.00` — the form a refund dialog field shows. */
export function formatPlainAmount(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const absolute = Math.abs(minor);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** `$1,234.56` — how the classic pages show money. */
export function formatUsd(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const absolute = Math.abs(minor);
  const dollars = Math.floor(absolute / 100).toLocaleString('en-US');
  return `${sign}$${dollars}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Cents from what a user typed ("60", "60.5", "$1,060.00"); undefined when it is not an amount. */
export function parseAmountInput(text: string): number | undefined {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const [, dollars = '0', cents = ''] = match;
  return Number(dollars) * 100 + Number(cents.padEnd(2, '0'));
}
