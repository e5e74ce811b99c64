import type { QueryFormat } from '../config/query.js';
import type { Cell } from './format-cell.js';
import { formatCsv } from './format-csv.js';
import { formatMarkdown } from './format-markdown.js';
import { formatTable } from './format-table.js';

/** What `query` prints: the seed's shape, rows as ordered arrays. */
export interface PrintableResult {
  columns: string[];
  rows: Cell[][];
  errors: string[];
}

/** Renders a result; JSON is exactly `{ columns, rows, errors }` on one line. */
export function formatResult(result: PrintableResult, format: QueryFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ columns: result.columns, rows: result.rows, errors: result.errors });
    case 'csv':
      return formatCsv(result);
    case 'markdown':
      return formatMarkdown(result);
    case 'table':
      return formatTable(result);
  }
}

/** `--sql`: the SQL, then its parameters; as JSON `{ sql, params }` with `--format json`. */
export function formatSql(sql: string, params: Readonly<Record<string, unknown>>, format: QueryFormat): string {
  if (format === 'json') return JSON.stringify({ sql, params });
  return `${sql}\n-- params: ${JSON.stringify(params)}`;
}
