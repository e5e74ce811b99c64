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

/** JSON or YAML (YAML is a superset of JSON) → plain data. Duplicate keys are errors. */
export async function parseQueryText(text: string, source: string): Promise<unknown> {
  const parsed = await parseJsonOrYaml(text);
  if (parsed.ok) return parsed.data;
  throw new ValidationError(`query file ${source}`, [`(file): not valid JSON or YAML: ${parsed.message}`]);
}

function withLimit(input: unknown, limit: number | undefined): unknown {
  if (limit === undefined || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return { ...input, limit };
}
