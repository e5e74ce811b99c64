import Table from 'cli-table3';
import { displayCell, isNumericColumn, unitOf, type ResultGrid } from './format-cell.js';

/** A bordered text table (cli-table3) without colours; numeric columns right-aligned; durations readable. */
export function formatTable(grid: ResultGrid): string {
  const table = new Table({
    head: grid.columns,
    style: { head: [], border: [], compact: true },
    colAligns: grid.columns.map((_, i) => (isNumericColumn(grid, i) ? 'right' : 'left')),
  });
  for (const row of grid.rows) table.push(row.map((v, i) => displayCell(v, unitOf(grid, i))));
  return table.toString();
}
