import type { QueryResult, ResultCell, ResultUnit } from '../analytics/result.js';

/** What the formatters read of a result (see QueryResult in src/analytics/result.ts). */
export type ResultGrid = Pick<QueryResult, 'columns' | 'rows' | 'units'>;

/** Numbers with at most 3 decimals: `203520.667`, never `203520.66666666666` (JSON, CSV and tables alike). */
export function roundNumber(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toFixed(3));
}

/** A cell for machines (JSON, CSV): numbers rounded by {@link roundNumber}, everything else as is. */
export function exactCell(value: ResultCell): ResultCell {
  return typeof value === 'number' ? roundNumber(value) : value;
}

/**
 * Milliseconds as people read them: `850 ms`, `12.35s` (below a minute: seconds with 2 decimals,
 * as GitLab shows job durations), `3m 23.5s`, `1h 02m 03s`.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${roundNumber(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(2)}s`;
  const tenths = Math.round(abs / 100);
  if (abs < 3_600_000) return `${sign}${Math.floor(tenths / 600)}m ${((tenths % 600) / 10).toFixed(1)}s`;
  const seconds = Math.round(abs / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m ${pad(seconds % 60)}s`;
}

/** Human text of a cell for tables and markdown: null → empty, durations readable, numbers rounded. */
export function displayCell(value: ResultCell, unit?: ResultUnit): string {
  if (value === null) return '';
  if (typeof value === 'number') return unit === 'ms' ? formatDuration(value) : String(roundNumber(value));
  return String(value);
}

/** The unit of column `index`, when it has one. */
export function unitOf(grid: ResultGrid, index: number): ResultUnit | undefined {
  return grid.units?.[grid.columns[index]!];
}

/** True when every non-null cell of column `index` is a number (right-aligned in tables). */
export function isNumericColumn(grid: ResultGrid, index: number): boolean {
  const values = grid.rows.map((row) => row[index]).filter((v) => v !== null && v !== undefined);
  return values.length > 0 && values.every((v) => typeof v === 'number');
}
