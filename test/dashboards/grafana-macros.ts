/**
 * Grafana's query interpolation, as the data sources do it, for tests: template variables first
 * (`$name`, `${name}`, `${name:sqlstring}` = single-quoted with quotes doubled), then the data
 * source's macros:
 * - grafana-clickhouse-datasource v4 (pkg/macros/macros.go): `$__timeFilter(c)` →
 *   `c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)`, `$__timeInterval(c)` →
 *   `toStartOfInterval(toDateTime(c), INTERVAL <n> second)`, `$__fromTime` / `$__toTime`.
 * - Grafana's PostgreSQL data source: `$__timeFilter(c)` → `c BETWEEN '<from RFC 3339>' AND
 *   '<to>'`, `$__timeGroupAlias(c, '1d')` → `floor(extract(epoch from c)/86400)*86400 AS "time"`.
 */
export interface GrafanaRange {
  from: Date;
  to: Date;
  /** the panel's interval, seconds */
  intervalSeconds: number;
  variables: Record<string, string>;
}

function interpolateVariables(sql: string, variables: Record<string, string>): string {
  return sql.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (whole, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    if (name.startsWith('__') || !(name in variables)) return whole;
    const value = variables[name]!;
    return format === 'sqlstring' ? `'${value.replaceAll("'", "''")}'` : value;
  });
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const rfc3339 = (d: Date) => d.toISOString().replace('.000Z', 'Z');

export function expandClickhouse(sql: string, range: GrafanaRange): string {
  return interpolateVariables(sql, range.variables)
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, c: string) => `${c} >= toDateTime(${seconds(range.from)}) AND ${c} <= toDateTime(${seconds(range.to)})`)
    .replace(/\$__timeInterval\(([^)]+)\)/g, (_, c: string) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${Math.max(1, Math.floor(range.intervalSeconds))} second)`)
    .replaceAll('$__fromTime', `toDateTime(${seconds(range.from)})`)
    .replaceAll('$__toTime', `toDateTime(${seconds(range.to)})`);
}

const DURATIONS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function expandPostgres(sql: string, range: GrafanaRange): string {
  return interpolateVariables(sql, range.variables)
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, c: string) => `${c} BETWEEN '${rfc3339(range.from)}' AND '${rfc3339(range.to)}'`)
    .replace(/\$__timeGroupAlias\(([^,]+),\s*'?(\d+)([smhd])'?\)/g, (_, c: string, n: string, unit: string) => {
      const step = Number(n) * DURATIONS[unit]!;
      return `floor(extract(epoch from ${c.trim()})/${step})*${step} AS "time"`;
    });
}

/** Every macro and variable reference left after expansion (a panel using one we do not expand). */
export function leftovers(sql: string): string[] {
  return [...sql.matchAll(/\$\{?\w+/g)].map((m) => m[0]);
}
