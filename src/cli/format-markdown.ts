import { displayCell, isNumericColumn, type Cell, type ResultGrid } from './format-cell.js';

/** A GitHub-flavoured markdown table; numeric columns right-aligned; `|` and newlines escaped. */
export function formatMarkdown(grid: ResultGrid): string {
  const header = `| ${grid.columns.map(escape).join(' | ')} |`;
  const rule = `|${grid.columns.map((_, i) => (isNumericColumn(grid, i) ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = grid.rows.map((row) => `| ${row.map((v: Cell) => escape(displayCell(v))).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
