import { parseJsonOrYaml } from '../config/json-or-yaml.js';
import { compileQuery } from '../analytics/compile.js';
import type { QueryContext } from '../analytics/context.js';
import { ValidationError } from '../errors.js';

/** A result cell: numbers, strings (64-bit integers beyond 2^53, times as ISO UTC), booleans, null. */
export type QueryCell = string | number | boolean | null;

/** What `query` needs of a store: src/store/clickhouse's ClickhouseStore satisfies it. */
export interface QueryRunner {
  runQuery(query: { sql: string; params: Readonly<Record<string, unknown>> }): Promise<{
    columns: string[];
    rows: QueryCell[][];
    errors: string[];
  }>;
  close(): Promise<void>;
}

export interface QueryCommandOptions {
  /** the query file's text (JSON or YAML) */
  text: string;
  /** file name for messages (`-` = stdin) */
  source: string;
  /** time range on the pipeline's started_at ([from, to), UTC), project/source/ref */
  context: QueryContext;
  /** replaces the file's `limit` */
  limit?: number;
  /** compile only: no engine is opened */
  sqlOnly: boolean;
  /** ClickHouse spec: http(s):// URL or embedded directory */
  clickhouse: string;
}

export interface QueryCommandDeps {
  openRunner(spec: string): Promise<QueryRunner>;
}

export type QueryCommandResult =
  | { kind: 'sql'; sql: string; params: Record<string, unknown> }
  | { kind: 'rows'; columns: string[]; rows: QueryCell[][]; errors: string[] };

/**
 * Parses the query file, compiles it (every problem at once: ValidationError, exit 3), and,
 * unless `sqlOnly`, runs it and returns ordered rows. Never prints.
 */
export async function runQuery(options: QueryCommandOptions, deps: QueryCommandDeps): Promise<QueryCommandResult> {
  const input = withLimit(await parseQueryText(options.text, options.source), options.limit);
  const compiled = compileQuery(input, options.context);
  const params = { ...compiled.params } as Record<string, unknown>;
  if (options.sqlOnly) return { kind: 'sql', sql: compiled.sql, params };
  const runner = await deps.openRunner(options.clickhouse);
  try {
    const result = await runner.runQuery({ sql: compiled.sql, params });
    return { kind: 'rows', columns: result.columns, rows: result.rows, errors: result.errors };
  } finally {
    await runner.close();
  }
}

/**
 * Largest query file, in bytes (UTF-8). A query is a few hundred bytes to a few KB (the shipped
 * examples are under 1 KB; the most metrics, dimensions and filters a query may have fit in a
 * few KB). The limit keeps a wrong file (a log, a data dump) from costing minutes and gigabytes
 * in the YAML parser, which needed ~4 s for 215 KB of YAML flow mappings here (under load).
 */
export const QUERY_FILE_LIMIT_BYTES = 64 * 1024;

/** The error for a query file above QUERY_FILE_LIMIT_BYTES (`size` = bytes seen, at least). */
export function queryFileTooLarge(source: string, size: number): ValidationError {
  return new ValidationError(`query file ${source}`, [
    `(file): ${size} bytes or more; a query file may be at most ${QUERY_FILE_LIMIT_BYTES} bytes (${QUERY_FILE_LIMIT_BYTES / 1024} KiB)`,
  ]);
}

/**
 * Query file text → plain data: a `.json` file is parsed as JSON (fast, bounded), anything else
 * (`.yaml`, stdin) as YAML, a superset of JSON in which duplicate keys are errors.
 */
export async function parseQueryText(text: string, source: string): Promise<unknown> {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > QUERY_FILE_LIMIT_BYTES) throw queryFileTooLarge(source, size);
  if (/\.json$/i.test(source)) return parseJsonQuery(text, source);
  const parsed = await parseJsonOrYaml(text);
  if (parsed.ok) return parsed.data;
  throw new ValidationError(`query file ${source}`, [`(file): not valid JSON or YAML: ${parsed.message}`]);
}

function parseJsonQuery(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`query file ${source}`, [`(file): not valid JSON: ${why}`]);
  }
}

function withLimit(input: unknown, limit: number | undefined): unknown {
  if (limit === undefined || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return { ...input, limit };
}
