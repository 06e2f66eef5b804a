import { normaliseWhitespace } from '@/lib/page/accessible-name';

/**
 * Reading jQuery-era tables by header text: header row detection and column positions with colspan.
 * Keap's Orders table can hold a thousand rows and is read as it appears, so these walk element
 * children with plain loops rather than querying the subtree and filtering copies.
 */

const ROW_GROUPS = new Set(['THEAD', 'TBODY', 'TFOOT']);

/**
 * Visits the rows belonging to this table itself, in document order (not those of tables nested
 * in its cells), until `visit` answers false: a partial read touches only the rows it needs.
 */
function visitOwnRows(table: HTMLTableElement, visit: (row: HTMLTableRowElement) => boolean): void {
  const sections = table.children;
  for (let sectionIndex = 0; sectionIndex < sections.length; sectionIndex += 1) {
    const section = sections[sectionIndex];
    if (!section) continue;
    if (section.tagName === 'TR') {
      if (!visit(section as HTMLTableRowElement)) return;
    } else if (ROW_GROUPS.has(section.tagName)) {
      const sectionRows = section.children;
      for (let rowIndex = 0; rowIndex < sectionRows.length; rowIndex += 1) {
        const row = sectionRows[rowIndex];
        if (row?.tagName === 'TR' && !visit(row as HTMLTableRowElement)) return;
      }
    }
  }
}

/** The row's own `<td>` and `<th>` cells. */
function cellsOf(row: HTMLTableRowElement): HTMLTableCellElement[] {
  const cells: HTMLTableCellElement[] = [];
  const children = row.children;
  for (let index = 0; index < children.length; index += 1) {
    const child = children[index];
    if (child?.tagName === 'TD' || child?.tagName === 'TH') cells.push(child as HTMLTableCellElement);
  }
  return cells;
}

function isHeaderOnly(cells: readonly Element[]): boolean {
  return cells.length > 0 && cells.every((cell) => cell.tagName === 'TH');
}

/** The first row of the `<thead>`, or else the first row made only of `<th>` cells. */
export function headerRowOf(table: HTMLTableElement): HTMLTableRowElement | null {
  for (const row of Array.from(table.tHead?.children ?? [])) {
    if (row.tagName === 'TR') return row as HTMLTableRowElement;
  }
  let headerRow: HTMLTableRowElement | null = null;
  visitOwnRows(table, (row) => {
    if (isHeaderOnly(cellsOf(row))) headerRow = row;
    return headerRow === null;
  });
  return headerRow;
}

/** Rows after the header that hold data. */
export function bodyRowsOf(table: HTMLTableElement, headerRow: HTMLTableRowElement): HTMLTableRowElement[] {
  const bodyRows: HTMLTableRowElement[] = [];
  visitOwnRows(table, (row) => {
    if (row !== headerRow && !isHeaderOnly(cellsOf(row))) bodyRows.push(row);
    return true;
  });
  return bodyRows;
}

function spanOf(cell: HTMLTableCellElement): number {
  return Math.max(1, cell.colSpan || 1);
}

/** The cell covering each column position (a spanning cell covers every column it spans). */
function coveringCells(cells: readonly HTMLTableCellElement[]): HTMLTableCellElement[] {
  const covering: HTMLTableCellElement[] = [];
  for (const cell of cells) {
    for (let span = spanOf(cell); span > 0; span -= 1) covering.push(cell);
  }
  return covering;
}

/** The cell covering each column position of `row`. */
export function cellsAtPositions(row: HTMLTableRowElement): HTMLTableCellElement[] {
  return coveringCells(cellsOf(row));
}

/**
 * True when no cell spans columns and rows hold nothing but cells, so a cell's column position is
 * its index. One query answers for the whole table (nested tables included, which only errs
 * towards the general reading); each row then costs one property read per wanted cell.
 */
function hasPlainLayout(table: HTMLTableElement): boolean {
  return table.querySelector('td[colspan]:not([colspan="1"]), th[colspan]:not([colspan="1"]), tr > :not(td, th)') === null;
}

/**
 * A body row: the texts at the wanted positions (and the row, for what texts do not carry, such as
 * links), or a message (one cell across the table, e.g. "No orders").
 */
type BodyRowTexts = { kind: 'cells'; texts: (string | undefined)[]; row: HTMLTableRowElement } | { kind: 'message' };

/** A row of a plain table (see hasPlainLayout); null for a header row. */
function readPlainRow(row: HTMLTableRowElement, positions: readonly number[]): BodyRowTexts | null {
  const cells = row.children as HTMLCollectionOf<HTMLTableCellElement>;
  // A row starting with a data cell is not a header row: the common case needs no more checks.
  if (cells[0]?.tagName === 'TH' && isHeaderOnly(Array.from(cells))) return null;
  const texts: (string | undefined)[] = [];
  for (const position of positions) {
    const cell = position >= 0 ? cells[position] : undefined;
    texts.push(cell === undefined ? undefined : normaliseWhitespace(cell.textContent ?? ''));
  }
  return { kind: 'cells', texts, row };
}

/** A row of any table; null for a header row. */
function readAnyRow(row: HTMLTableRowElement, positions: readonly number[]): BodyRowTexts | null {
  const cells = cellsOf(row);
  if (isHeaderOnly(cells)) return null;
  if (cells.length === 1 && spanOf(cells[0] as HTMLTableCellElement) > 1) return { kind: 'message' };
  const covering = coveringCells(cells);
  const texts = positions.map((position) => {
    const cell = position >= 0 ? covering[position] : undefined;
    return cell === undefined ? undefined : normaliseWhitespace(cell.textContent ?? '');
  });
  return { kind: 'cells', texts, row };
}

/** The body rows read, and whether they are all of them. */
export interface BodyRowsReading {
  bodyRows: BodyRowTexts[];
  complete: boolean;
}

/**
 * The data rows after the header: the whitespace-normalised texts of the cells covering `positions`
 * (undefined where a row has no cell there); at most `limit` rows.
 */
export function bodyRowTextsOf(table: HTMLTableElement, headerRow: HTMLTableRowElement, positions: readonly number[], limit = Number.POSITIVE_INFINITY): BodyRowsReading {
  const readRow = hasPlainLayout(table) ? readPlainRow : readAnyRow;
  const bodyRows: BodyRowTexts[] = [];
  let complete = true;
  visitOwnRows(table, (row) => {
    if (row === headerRow) return true;
    const bodyRow = readRow(row, positions);
    if (bodyRow === null) return true;
    if (bodyRows.length >= limit) {
      complete = false;
      return false;
    }
    bodyRows.push(bodyRow);
    return true;
  });
  return { bodyRows, complete };
}
