import { compileQuery, type QueryContext, type ResultColumn } from '../../analytics/index.js';
import type { CellValue } from '../../store/clickhouse/index.js';
import { queryGuard, type GraphqlContext } from './context.js';
import { graphqlError } from './errors.js';

/** Seed 002's result: column names and types, rows as ordered arrays, problems reported with it. */
export interface SeedResult {
  columns: { name: string; type: ResultColumn['type']; kind: ResultColumn['kind'] }[];
  values: CellValue[][];
  errors: string[];
}

/**
 * Runs the seed's `query` argument exactly as `pipeline-metrics query` runs a query file: the same
 * compiler, limits and messages, scoped by the field's window and project.
 */
export async function runSeedQuery(query: unknown, scope: QueryContext, context: GraphqlContext): Promise<SeedResult> {
  if (query == null) {
    throw graphqlError(
      'query: required for columns, values and errors: pass pipelineAnalytics(query: { metrics: [{ function: "count" }] })',
      'INVALID_QUERY',
      {
        issues: ['query: required'],
      },
    );
  }
  const compiled = compileQuery(plainInput(query), scope, context.guards.limits);
  const result = await context.source.runQuery({ sql: compiled.sql, params: compiled.params }, queryGuard(context));
  return {
    columns: compiled.columns.map((c) => ({ name: c.name, type: c.type, kind: c.kind })),
    values: result.rows,
    errors: result.errors,
  };
}

/**
 * GraphQL input objects → plain data (they have no prototype). `orderBy` is typed as a list of
 * lists so both the seed's nested form and a flat list are accepted; GraphQL wraps each flat item
 * in a list of one, which is unwrapped here so the compiler sees what the client wrote.
 */
function plainInput(query: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(query)) as Record<string, unknown>;
  if (Array.isArray(plain.orderBy)) {
    plain.orderBy = plain.orderBy.map((entry: unknown) => (Array.isArray(entry) && entry.length === 1 ? entry[0] : entry));
  }
  return plain;
}
