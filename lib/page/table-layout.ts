import { normaliseWhitespace } from '@/lib/page/accessible-name';

/** Reading jQuery-era tables by header text: header row detection and column positions with colspan. */

/** Rows belonging to this table itself, not to tables nested in its cells. */
export function ownRows(table: HTMLTableElement): HTMLTableRowElement[] {
  return Array.from(table.querySelectorAll('tr')).filter((row) => row.closest('table') === table);
}

export function cellsOf(row: HTMLTableRowElement): HTMLTableCellElement[] {
  return Array.from(row.children).filter(
    (cell): cell is HTMLTableCellElement => cell.tagName === 'TD' || cell.tagName === 'TH',
  );
}

export function isHeaderOnlyRow(row: HTMLTableRowElement): boolean {
  const cells = cellsOf(row);
  return cells.length > 0 && cells.every((cell) => cell.tagName === 'TH');
}

/** The first row of the `<thead>`, or else the first row made only of `<th>` cells. */
export function headerRowOf(table: HTMLTableElement): HTMLTableRowElement | null {
  const rows = ownRows(table);
  return rows.find((row) => row.parentElement?.tagName === 'THEAD') ?? rows.find(isHeaderOnlyRow) ?? null;
}

/** Rows after the header that hold data. */
export function bodyRowsOf(table: HTMLTableElement, headerRow: HTMLTableRowElement): HTMLTableRowElement[] {
  return ownRows(table).filter((row) => row !== headerRow && !isHeaderOnlyRow(row));
}

function spanOf(cell: HTMLTableCellElement): number {
  return Math.max(1, cell.colSpan || 1);
}

/** Each cell's whitespace-normalised text at its column position (a spanning cell fills every column it covers). */
export function cellTextsByPosition(row: HTMLTableRowElement): string[] {
  return cellsAtPositions(row).map((cell) => normaliseWhitespace(cell.textContent ?? ''));
}

/** The cell covering each column position. */
export function cellsAtPositions(row: HTMLTableRowElement): HTMLTableCellElement[] {
  const cells: HTMLTableCellElement[] = [];
  for (const cell of cellsOf(row)) {
    for (let span = spanOf(cell); span > 0; span -= 1) cells.push(cell);
  }
  return cells;
}

/** Column position of the first header cell whose text matches one of `headerTexts` (case-insensitive), or -1. */
export function columnPosition(headerRow: HTMLTableRowElement, headerTexts: readonly string[]): number {
  const wanted = headerTexts.map((text) => text.toLowerCase());
  const headerCells = cellsAtPositions(headerRow);
  return headerCells.findIndex((cell) => wanted.includes(normaliseWhitespace(cell.textContent ?? '').replace(/:$/, '').toLowerCase()));
}
