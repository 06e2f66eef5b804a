// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { readableText } from '@/lib/page/accessible-name';
import { datesInText, datesShownIn } from './shown-dates';

describe('datesInText', () => {
  it.each([
    ['01/10/2025', '2025-01-10'],
    ['1/9/2025', '2025-01-09'],
    ['2025-01-10', '2025-01-10'],
    ['Jan 10, 2025', '2025-01-10'],
    ['Jan. 10 2025', '2025-01-10'],
    ['January 10th, 2025', '2025-01-10'],
    ['sept 3, 2024', '2024-09-03'],
    ['10 Jan 2025', '2025-01-10'],
    ['3rd September, 2024', '2024-09-03'],
    ['Paid on Feb 29, 2024 by card', '2024-02-29'],
  ])('reads %s as %s', (text, date) => {
    expect(datesInText(text)).toEqual([date]);
  });

  it.each([
    ['a day that is not in its month', '02/30/2025'],
    ['a 29 February of a common year', 'Feb 29, 2025'],
    ['a thirteenth month', '13/01/2025'],
    ['a year without a day', 'January 2025'],
    ['a day and month without a year', 'Jan 10'],
    ['an amount', '$1,234.56'],
    ['an order number', '#5001'],
    ['a longer run of digits and slashes', '1/2/2025/7'],
    ['a word that starts like a month', 'Mayday 5, 2025'],
  ])('reads no date in %s', (_label, text) => {
    expect(datesInText(text)).toEqual([]);
  });

  it('reads each day once, however often and however it is written', () => {
    expect(datesInText('Jan 10, 2025 (01/10/2025) — 2025-01-10').sort()).toEqual(['2025-01-10']);
    expect(datesInText('From 01/10/2025 to 02/10/2025').sort()).toEqual(['2025-01-10', '2025-02-10']);
  });
});

describe('datesShownIn', () => {
  function shown(html: string): string[] {
    document.body.innerHTML = `<div>${html}</div>`;
    const element = document.body.firstElementChild!;
    return datesShownIn(element, readableText(element));
  }

  it('reads a <time> by its text, and by its machine-readable date only when its text gives none', () => {
    expect(shown('<time datetime="2025-01-11T02:00:00Z">Jan 10, 2025</time>')).toEqual(['2025-01-10']);
    expect(shown('<time datetime="2025-01-10T15:00:00Z">2 days ago</time> $60.00')).toEqual(['2025-01-10']);
    expect(shown('<time datetime="not a date">yesterday</time>')).toEqual([]);
  });
});
