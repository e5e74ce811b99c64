import type { ResultCell } from '../analytics/result.js';
import { displayCell, isNumericColumn, unitOf, type ResultGrid } from './format-cell.js';

/** A GitHub-flavoured markdown table; numeric columns right-aligned; durations readable; `|` and newlines escaped. */
export function formatMarkdown(grid: ResultGrid): string {
  const header = `| ${grid.columns.map(escape).join(' | ')} |`;
  const rule = `|${grid.columns.map((_, i) => (isNumericColumn(grid, i) ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = grid.rows.map((row) => `| ${row.map((v: ResultCell, i) => escape(displayCell(v, unitOf(grid, i)))).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
