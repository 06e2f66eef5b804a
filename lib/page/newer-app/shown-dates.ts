/*
 * Dates as a page of Keap's newer web app may write them. Nothing public shows its markup, so the
 * spellings US English pages commonly use are read (a guess): Keap's classic MM/DD/YYYY, ISO
 * YYYY-MM-DD, "Jan 10, 2025" / "January 10th, 2025" and "10 Jan 2025"; a `<time datetime>` is read
 * by its machine-readable value.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAME = '(january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';

const US_NUMERIC = /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/g;
const ISO = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g;
const MONTH_FIRST = new RegExp(`\\b${MONTH_NAME}\\s+${DAY},?\\s+(\\d{4})\\b`, 'gi');
const DAY_FIRST = new RegExp(`\\b${DAY}\\s+${MONTH_NAME},?\\s+(\\d{4})\\b`, 'gi');

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

/** `YYYY-MM-DD` for a real calendar day, else null (31 April, 29 February 2025). */
function isoDate(year: number, month: number, day: number): string | null {
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Every calendar day `text` writes, as ISO dates, each once, in no particular order. */
export function datesInText(text: string): string[] {
  const dates = new Set<string>();
  const add = (year: string | undefined, month: number, day: string | undefined) => {
    const date = isoDate(Number(year), month, Number(day));
    if (date !== null) dates.add(date);
  };
  for (const [, month, day, year] of text.matchAll(US_NUMERIC)) add(year, Number(month), day);
  for (const [, year, month, day] of text.matchAll(ISO)) add(year, Number(month), day);
  for (const [, month = '', day, year] of text.matchAll(MONTH_FIRST)) add(year, monthNumber(month), day);
  for (const [, day, month = '', year] of text.matchAll(DAY_FIRST)) add(year, monthNumber(month), day);
  return [...dates];
}

/**
 * The days an element shows: those its `text` writes, and for a `<time datetime>` whose text writes
 * none ("2 days ago"), its machine-readable date. A time's text wins over its value, which may be
 * in UTC and so a day off what the page says.
 */
export function datesShownIn(element: Element, text: string): string[] {
  const dates = new Set(datesInText(text));
  for (const time of Array.from(element.querySelectorAll('time[datetime]'))) {
    if (datesInText(time.textContent ?? '').length > 0) continue;
    for (const date of datesInText((time.getAttribute('datetime') ?? '').slice(0, 10))) dates.add(date);
  }
  return [...dates];
}
