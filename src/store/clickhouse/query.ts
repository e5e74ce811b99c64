import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { toIsoUtc } from './values.js';
import type { ResultCell } from '../../analytics/result.js';

/** What runQuery needs of a compiled query: SQL with `{name:Type}` placeholders and their values. */
export interface RunnableQuery {
  readonly sql: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** the one result cell type (src/analytics/result.ts) */
export type CellValue = ResultCell;

/** A result as the seed's GraphQL `values`: column names, rows as ordered arrays, errors. */
export interface QueryResult {
  columns: string[];
  /** ClickHouse type of each column, same order as `columns` */
  types: string[];
  rows: CellValue[][];
  /** problems reported with a result (none today: failures throw typed errors) */
  errors: string[];
}

interface JsonCompact {
  meta?: { name: string; type: string }[];
  data: unknown[][];
}

/**
 * Runs one SELECT with bound parameters (never spliced into the SQL) and returns ordered rows.
 * Values: 64-bit integers become numbers when exactly representable (else stay decimal
 * strings); DateTime values in UTC become ISO 8601 with `Z`; NaN (e.g. avg of nothing) is null.
 */
export async function runQuery(handle: ClickhouseHandle, query: RunnableQuery): Promise<QueryResult> {
  let body: JsonCompact;
  try {
    const result = await handle.client.query({
      query: query.sql,
      query_params: { ...query.params },
      format: 'JSONCompact',
      ...(handle.spec.kind === 'server' && { clickhouse_settings: READ_ONLY }),
    });
    body = await result.json<unknown[]>();
  } catch (error) {
    throw wrapClickhouseError(error, 'running the query', handle.description);
  }
  const meta = body.meta ?? [];
  const types = meta.map((m) => m.type);
  return {
    columns: meta.map((m) => m.name),
    types,
    rows: body.data.map((row) => row.map((value, i) => normalizeValue(value, types[i] ?? ''))),
    errors: [],
  };
}

/**
 * On a server, each query runs read-only (readonly=2: no writes or DDL; settings may still be
 * sent). chDB applies per-query settings to its whole session, which would make the store's
 * later inserts fail, so there the guarantee rests on the compiler alone: identifiers from the
 * catalog, values bound as parameters.
 */
const READ_ONLY = { readonly: '2' } as const;

const BIG_INT_TYPE = /^(Nullable\()?(LowCardinality\()?U?Int(64|128|256)\b/;
const DATETIME_TYPE = /^(Nullable\()?DateTime(64)?\b/;

export function normalizeValue(value: unknown, type: string): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && BIG_INT_TYPE.test(type)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (typeof value === 'string' && DATETIME_TYPE.test(type) && /UTC/.test(type)) return toIsoUtc(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
