import type { Cell, ResultGrid } from './format-cell.js';

/**
 * RFC 4180 CSV: a header line, CRLF line ends, fields quoted when they hold a comma, quote,
 * CR or LF (quotes doubled). null is an empty field; numbers keep full precision.
 */
export function formatCsv(grid: ResultGrid): string {
  const lines = [grid.columns.map(csvField), ...grid.rows.map((row) => row.map(csvField))];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function csvField(value: Cell | string): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
