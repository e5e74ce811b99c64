import { parseJsonOrYaml } from '../config/json-or-yaml.js';
import { compileQuery } from '../analytics/compile.js';
import type { QueryContext } from '../analytics/context.js';
import { UsageError, ValidationError } from '../errors.js';
import type { QueryResult, ResultCell, ResultUnit } from '../analytics/result.js';
import { PIPELINES_TABLE } from '../analytics/catalog.js';
import { runRemoteQuery, unknownProject, type GraphqlSender } from './query-remote.js';

/** What `query` needs of a store: src/store/clickhouse's ClickhouseStore satisfies it. */
export interface QueryRunner {
  runQuery(query: { sql: string; params: Readonly<Record<string, unknown>> }): Promise<{
    columns: string[];
    rows: ResultCell[][];
    errors: string[];
  }>;
  /** a project by full path (for `--project group/app`); undefined when none of its pipelines is stored */
  findProject(pathOrId: string | number): Promise<{ id: number } | undefined>;
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
  /** `--project` as given: a full path, or digits (then also `context.projectId`) */
  project?: string;
  /** run through a server's /graphql (`deps.sendGraphql`) instead of ClickHouse */
  remote?: boolean;
}

export interface QueryCommandDeps {
  openRunner(spec: string): Promise<QueryRunner>;
  /** `--url`: sends the GraphQL document to the server */
  sendGraphql?: GraphqlSender;
}

export type QueryCommandResult =
  { kind: 'sql'; sql: string; params: Record<string, unknown> } | ({ kind: 'rows'; storedSpan?: StoredSpan } & QueryResult);

/** When the stored pipelines started (ISO 8601 UTC), reported when a window holds no rows. */
export interface StoredSpan {
  first: string;
  last: string;
  pipelines: number;
}

/** Fixed SQL, no user value: the span of every stored pipeline. */
const STORED_SPAN_SQL = `SELECT min(started_at), max(started_at), count() FROM ${PIPELINES_TABLE} FINAL`;

/**
 * Parses the query file, compiles it (every problem at once: ValidationError, exit 3), and,
 * unless `sqlOnly`, runs it and returns ordered rows. Never prints.
 */
export async function runQuery(options: QueryCommandOptions, deps: QueryCommandDeps): Promise<QueryCommandResult> {
  const input = withLimit(await parseQueryText(options.text, options.source), options.limit);
  const byPath = options.project !== undefined && options.context.projectId === undefined;
  if (options.remote && !options.sqlOnly) {
    if (!deps.sendGraphql) throw new UsageError('--url: no GraphQL client configured');
    const remote = await runRemoteQuery(input, options.context, options.project, deps.sendGraphql);
    // units come from the same compiler the server uses, so both print the same table
    return { kind: 'rows', ...remote, ...unitsOf(compileQuery(input, options.context)) };
  }
  if (options.sqlOnly && byPath) throw new UsageError('--sql: needs --project as a numeric id (a path is looked up in the database)');
  if (options.sqlOnly) {
    const compiled = compileQuery(input, options.context);
    return { kind: 'sql', sql: compiled.sql, params: { ...compiled.params } as Record<string, unknown> };
  }
  // validate before opening anything, so a bad file fails fast without an engine
  compileQuery(input, options.context);
  const runner = await deps.openRunner(options.clickhouse);
  try {
    const context = byPath ? { ...options.context, projectId: await projectIdOf(runner, options.project!) } : options.context;
    const compiled = compileQuery(input, context);
    const result = await runner.runQuery({ sql: compiled.sql, params: { ...compiled.params } as Record<string, unknown> });
    const storedSpan = result.rows.length === 0 ? await storedSpanOf(runner) : undefined;
    return {
      kind: 'rows',
      columns: result.columns,
      rows: result.rows,
      errors: result.errors,
      ...unitsOf(compiled),
      ...(storedSpan && { storedSpan }),
    };
  } finally {
    await runner.close();
  }
}

/** The span of the stored pipelines, or undefined when there are none. */
async function storedSpanOf(runner: QueryRunner): Promise<StoredSpan | undefined> {
  const { rows } = await runner.runQuery({ sql: STORED_SPAN_SQL, params: {} });
  const [first, last, count] = rows[0] ?? [];
  if (!count || typeof first !== 'string' || typeof last !== 'string') return undefined;
  return { first, last, pipelines: Number(count) };
}

async function projectIdOf(runner: QueryRunner, path: string): Promise<number> {
  const project = await runner.findProject(path);
  if (!project) throw unknownProject(path);
  return project.id;
}

/** The unit of each column that has one (durations in ms), for formatting. */
function unitsOf(compiled: { columns: ReadonlyArray<{ name: string; unit?: ResultUnit }> }): Pick<QueryResult, 'units'> {
  const units = Object.fromEntries(compiled.columns.flatMap((c) => (c.unit ? [[c.name, c.unit] as const] : [])));
  return Object.keys(units).length > 0 ? { units } : {};
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
