import type { ResultCell } from '../analytics/result.js';
import { exactCell, unitOf, type ResultGrid } from './format-cell.js';

/**
 * RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold a comma, quote,
 * CR or LF (quotes doubled). null is an empty field; numbers are rounded to 3 decimals. A column
 * with a unit says it in its header (`p95` → `p95_ms`) unless its name already ends in it (`p95Ms`).
 */
export function formatCsv(grid: ResultGrid): string {
  const header = grid.columns.map((name, i) => csvField(withUnit(name, unitOf(grid, i))));
  const lines = [header, ...grid.rows.map((row) => row.map((v) => csvField(exactCell(v))))];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

/** `p95` + ms → `p95_ms`; `p95Ms` and `duration_ms` already say it. */
export function withUnit(name: string, unit: string | undefined): string {
  if (!unit || name.toLowerCase().endsWith(unit)) return name;
  return `${name}_${unit}`;
}

function csvField(value: ResultCell | string): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
