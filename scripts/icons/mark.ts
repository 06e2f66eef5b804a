import { createHash } from 'node:crypto';
import type { IconLook, IconSize } from '../../lib/icons';

/*
 * Refund Desk's mark: a receipt with a refund (return) arrow on it, drawn on a 128-unit grid. A
 * solid mid-tone receipt with a white arrow reads on light and dark toolbars alike. At 16 px the
 * receipt has fewer, deeper teeth and the arrow a thicker line, so it stays a receipt and an arrow
 * at one pixel per 8 units.
 */

const PALETTES: Record<IconLook, { receipt: string; arrow: string }> = {
  // Green for money coming back; about 4.5:1 against white, 2.6:1 against Chrome's dark toolbar.
  active: { receipt: '#1f7a52', arrow: '#ffffff' },
  disabled: { receipt: '#8b9096', arrow: '#ffffff' },
};

type Shape = { left: number; right: number; top: number; bottom: number; corner: number; teeth: number; toothDepth: number; arrow: string; head: string; stroke: number };

const LARGE: Shape = {
  left: 20,
  right: 108,
  top: 8,
  bottom: 120,
  corner: 12,
  teeth: 4,
  toothDepth: 12,
  arrow: 'M52 44 H74 A19 19 0 0 1 74 82 H48',
  head: 'M30 44 L56 22 V66 Z',
  stroke: 14,
};

const SMALL: Shape = {
  left: 12,
  right: 116,
  top: 6,
  bottom: 122,
  corner: 14,
  teeth: 2,
  toothDepth: 16,
  arrow: 'M50 42 H74 A22 22 0 0 1 74 86 H44',
  head: 'M22 42 L54 14 V70 Z',
  stroke: 20,
};

/** The receipt's outline: rounded top corners, a torn (zigzag) bottom edge. */
function receiptPath({ left, right, top, bottom, corner, teeth, toothDepth }: Shape): string {
  const toothWidth = (right - left) / (teeth * 2);
  const edge: string[] = [];
  for (let point = teeth * 2 - 1; point > 0; point--) edge.push(`L${left + point * toothWidth} ${point % 2 === 1 ? bottom - toothDepth : bottom}`);
  return [
    `M${left + corner} ${top}`,
    `H${right - corner}`,
    `A${corner} ${corner} 0 0 1 ${right} ${top + corner}`,
    `V${bottom}`,
    ...edge,
    `L${left} ${bottom}`,
    `V${top + corner}`,
    `A${corner} ${corner} 0 0 1 ${left + corner} ${top}`,
    'Z',
  ].join(' ');
}

/**
 * The mark in `look`, drawn for `size` pixels. At 128 px it fills the middle 96 px: Chrome asks for
 * 16 px of transparent padding around the 128 px icon that installs and store pages show.
 */
export function markSvg(look: IconLook, size: IconSize): string {
  const shape = size <= 16 ? SMALL : LARGE;
  const { receipt, arrow } = PALETTES[look];
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128">',
    size === 128 ? '<g transform="translate(16 16) scale(0.75)">' : '<g>',
    `<path fill="${receipt}" d="${receiptPath(shape)}"/>`,
    `<path fill="none" stroke="${arrow}" stroke-width="${shape.stroke}" d="${shape.arrow}"/>`,
    `<path fill="${arrow}" d="${shape.head}"/>`,
    '</g>',
    '</svg>',
  ].join('');
}

/** The PNG text chunk that holds `markSourceHash` of the SVG the PNG was rendered from. */
export const ICON_SOURCE_KEYWORD = 'refund-desk-source';

/** What a PNG records of the SVG it was rendered from, so a PNG left behind by a changed mark is found. */
export function markSourceHash(svg: string): string {
  return `sha256:${createHash('sha256').update(svg).digest('hex')}`;
}
