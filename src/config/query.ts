import { parseWholeNumber } from './integer.js';
import { UsageError } from '../errors.js';
import { defaultRange, parseTimeArg } from '../analytics/time-range.js';
import type { QueryContext } from '../analytics/context.js';
import { resolveClickhouseSpec } from './clickhouse.js';
import type { Env } from './env.js';

export const QUERY_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

/** `query` flags as commander gives them (strings; `--clickhouse` bare = true). */
export interface QueryFlags {
  format?: string;
  sql?: boolean;
  project?: string;
  from?: string;
  to?: string;
  source?: string;
  ref?: string;
  clickhouse?: string | boolean;
  limit?: string;
}

export interface QueryConfig {
  /** query file path; `-` = stdin */
  file: string;
  format: QueryFormat;
  /** print the compiled SQL and parameters instead of running it */
  sqlOnly: boolean;
  /** time range [fromTime, toTime) on the pipeline's started_at, UTC; project/source/ref filters */
  context: QueryContext;
  /** replaces the file's `limit` when given */
  limit?: number;
  /** ClickHouse spec: http(s):// URL or embedded chDB directory */
  clickhouse: string;
}

export interface QueryConfigClock {
  now: Date;
  /** stdout is a terminal: the default format is `table`, else `json` */
  stdoutIsTTY: boolean;
}

/** Flags + env → config. Every problem is listed at once (UsageError, exit 2). */
export function resolveQueryConfig(file: string, flags: QueryFlags, env: Env, clock: QueryConfigClock): QueryConfig {
  const problems: string[] = [];
  const format = parseFormat(flags.format, clock.stdoutIsTTY, problems);
  const range = defaultRange(clock.now);
  const fromTime = flags.from === undefined ? range.fromTime : parseTime('--from', flags.from, clock.now, problems);
  const toTime = flags.to === undefined ? range.toTime : parseTime('--to', flags.to, clock.now, problems);
  if (fromTime && toTime && fromTime.getTime() >= toTime.getTime()) {
    problems.push(`--from must be before --to (--to is exclusive): ${fromTime.toISOString()} ≥ ${toTime.toISOString()}`);
  }
  const projectId = flags.project === undefined ? undefined : parsePositiveInt('--project', flags.project, problems);
  const limit = flags.limit === undefined ? undefined : parsePositiveInt('--limit', flags.limit, problems);
  const source = nonEmpty('--source', flags.source, problems);
  const ref = nonEmpty('--ref', flags.ref, problems);
  if (problems.length || !fromTime || !toTime) {
    throw new UsageError(`query options are invalid:\n  ${problems.join('\n  ')}`);
  }
  const context: QueryContext = {
    fromTime,
    toTime,
    ...(projectId !== undefined && { projectId }),
    ...(source !== undefined && { source }),
    ...(ref !== undefined && { ref }),
  };
  return {
    file,
    format,
    sqlOnly: flags.sql === true,
    context,
    ...(limit !== undefined && { limit }),
    clickhouse: resolveClickhouseSpec(flags.clickhouse, env),
  };
}

function parseFormat(raw: string | undefined, stdoutIsTTY: boolean, problems: string[]): QueryFormat {
  if (raw === undefined) return stdoutIsTTY ? 'table' : 'json';
  const format = QUERY_FORMATS.find((f) => f === raw.trim().toLowerCase());
  if (!format) problems.push(`--format: unknown format "${raw}"; allowed: ${QUERY_FORMATS.join(', ')}`);
  return format ?? 'json';
}

function parseTime(flag: string, raw: string, now: Date, problems: string[]): Date | undefined {
  try {
    return parseTimeArg(raw, now);
  } catch (error) {
    problems.push(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function parsePositiveInt(flag: string, raw: string, problems: string[]): number | undefined {
  const value = parseWholeNumber(raw, 1);
  if (value === undefined) problems.push(`${flag}: must be a positive whole number, got "${raw}"`);
  return value;
}

function nonEmpty(flag: string, raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') problems.push(`${flag}: must not be empty`);
  return raw.trim() === '' ? undefined : raw;
}
