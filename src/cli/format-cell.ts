/** A result cell as the formatters receive it (see QueryResult in src/store/clickhouse). */
export type Cell = string | number | boolean | null;

/** Rows of a query result, in column order. */
export interface ResultGrid {
  columns: string[];
  rows: Cell[][];
}

/**
 * Human text of a cell for table and markdown output: null → empty, whole numbers as they are,
 * other numbers with at most 3 decimals (no thousands separators). CSV and JSON keep full precision.
 */
export function displayCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number(value.toFixed(3)));
  return String(value);
}

/** True when every non-null cell of column `index` is a number (right-aligned in tables). */
export function isNumericColumn(grid: ResultGrid, index: number): boolean {
  const values = grid.rows.map((row) => row[index]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'number');
}
