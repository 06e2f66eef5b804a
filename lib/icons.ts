/**
 * The toolbar mark's PNGs, in one place: the manifest declares them, the background switches
 * between them, and `npm run icons` renders them into public/ (the package's root).
 */

/** 16 and 32 for the toolbar (1× and 2×), 48 for the extensions page, 128 for installing and the stores. */
export const ICON_SIZES = [16, 32, 48, 128] as const;
export type IconSize = (typeof ICON_SIZES)[number];

/** In colour on Keap's tabs and as the extension's own icon; grey on tabs that are not Keap. */
export type IconLook = 'active' | 'disabled';

/** The PNG of `look` at `size`, as a path inside the package. */
export function iconPath(look: IconLook, size: IconSize): string {
  return look === 'active' ? `icon/${size}.png` : `icon/disabled/${size}.png`;
}

/** Every size of `look`, keyed by size as the manifest and `action.setIcon` take them. */
export function iconPaths(look: IconLook): Record<IconSize, string> {
  return Object.fromEntries(ICON_SIZES.map((size) => [size, iconPath(look, size)])) as Record<IconSize, string>;
}
