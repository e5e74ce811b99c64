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
 * Bounds for one analytics query of a shared service (GraphQL): ClickHouse stops it after
 * `maxExecutionSeconds` and refuses results above `maxResultRows` (TIMEOUT_EXCEEDED /
 * TOO_MANY_ROWS_OR_BYTES); `signal` cancels it when the client goes away.
 */
export interface QueryGuard {
  maxExecutionSeconds: number;
  maxResultRows: number;
  signal?: AbortSignal;
}

/**
 * Runs one SELECT with bound parameters (never spliced into the SQL) and returns ordered rows.
 * Values: 64-bit integers become numbers when exactly representable (else stay decimal
 * strings); DateTime values in UTC become ISO 8601 with `Z`; NaN (e.g. avg of nothing) is null.
 */
export async function runQuery(handle: ClickhouseHandle, query: RunnableQuery, guard?: QueryGuard): Promise<QueryResult> {
  let body: JsonCompact;
  try {
    const result = await handle.client.query({
      query: guard && handle.spec.kind === 'embedded' ? withSettingsClause(query.sql, guard) : query.sql,
      query_params: { ...query.params },
      format: 'JSONCompact',
      ...(handle.spec.kind === 'server' && { clickhouse_settings: { ...READ_ONLY, ...(guard && guardSettings(guard)) } }),
      ...(guard?.signal && { abort_signal: guard.signal }),
    });
    body = await result.json<unknown[]>();
  } catch (error) {
    if (handle.spec.kind === 'embedded') await drainEmbeddedSession(handle);
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

function guardSettings(guard: QueryGuard): Record<string, string> {
  return {
    max_execution_time: String(Math.max(1, Math.ceil(guard.maxExecutionSeconds))),
    max_result_rows: String(Math.max(1, Math.floor(guard.maxResultRows))),
    result_overflow_mode: 'throw',
  };
}

/**
 * chDB turns `clickhouse_settings` into session-wide SETs (which would make the store's later
 * inserts read-only), so there the guard travels as the statement's own SETTINGS clause, which
 * applies to this query only. The values are numbers we format, never user text; the compiled
 * statement is one SELECT without a SETTINGS clause of its own.
 */
function withSettingsClause(sql: string, guard: QueryGuard): string {
  const settings = Object.entries({ ...READ_ONLY, ...guardSettings(guard) }).map(([k, v]) =>
    /^\d+$/.test(v) ? `${k} = ${v}` : `${k} = '${v}'`,
  );
  return `${sql}\nSETTINGS ${settings.join(', ')}`;
}

/**
 * chDB 3.4 prepends the output a failed query had started (e.g. its empty JSON frame after
 * TIMEOUT_EXCEEDED or TOO_MANY_ROWS) to the next result of the session, which then fails to
 * parse. One throwaway query takes that leftover, so the next caller gets a clean answer.
 */
async function drainEmbeddedSession(handle: ClickhouseHandle): Promise<void> {
  try {
    await (await handle.client.query({ query: 'SELECT 1', format: 'JSONCompact' })).text();
  } catch {
    // nothing to drain, or the session is gone: the caller reports the original error
  }
}

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
