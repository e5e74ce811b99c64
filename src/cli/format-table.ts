import Table from 'cli-table3';
import { displayCell, isNumericColumn, type ResultGrid } from './format-cell.js';

/** A bordered text table (cli-table3) without colours; numeric columns right-aligned. */
export function formatTable(grid: ResultGrid): string {
  const table = new Table({
    head: grid.columns,
    style: { head: [], border: [], compact: true },
    colAligns: grid.columns.map((_, i) => (isNumericColumn(grid, i) ? 'right' : 'left')),
  });
  for (const row of grid.rows) table.push(row.map(displayCell));
  const footer = `${grid.rows.length} row${grid.rows.length === 1 ? '' : 's'}`;
  return `${table.toString()}\n${footer}`;
}
