import type { QueryResult } from '../analytics/result.js';
import type { QueryFormat } from '../config/query.js';
import { exactCell } from './format-cell.js';
import { formatCsv } from './format-csv.js';
import { formatMarkdown } from './format-markdown.js';
import { formatSqlText } from './format-sql.js';
import { formatTable } from './format-table.js';

/**
 * Renders a result. JSON is `{ columns, rows, errors }` on one line (the seed's shape), numbers
 * rounded to 3 decimals, plus `units` (e.g. `{"p95Ms":"ms"}`) when a column has one.
 */
export function formatResult(result: QueryResult, format: QueryFormat): string {
  switch (format) {
    case 'json': {
      const rows = result.rows.map((row) => row.map(exactCell));
      const units = result.units && Object.keys(result.units).length > 0 ? { units: result.units } : {};
      return JSON.stringify({ columns: result.columns, rows, errors: result.errors, ...units });
    }
    case 'csv':
      return formatCsv(result);
    case 'markdown':
      return formatMarkdown(result);
    case 'table':
      return formatTable(result);
  }
}

/** `--sql`: the SQL, then its parameters as a table; as JSON `{ sql, params }` with `--format json`. */
export function formatSql(sql: string, params: Readonly<Record<string, unknown>>, format: QueryFormat): string {
  if (format === 'json') return JSON.stringify({ sql, params });
  return formatSqlText(sql, params);
}
