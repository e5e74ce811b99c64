import { serverEndpoint } from './push.js';
import { parseWholeNumber } from './integer.js';
import { UsageError } from '../errors.js';
import { defaultRange, parseTimeArg } from '../analytics/time-range.js';
import type { QueryContext } from '../analytics/context.js';
import { resolveClickhouseSpec } from './clickhouse.js';
import { firstEnv, type Env } from './env.js';
import { isFlagSet } from './store-targets.js';

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
  url?: string;
  token?: string;
}

/** `query --url`: a server's /graphql instead of ClickHouse. */
export interface QueryRemote {
  /** the full endpoint, ending in /graphql */
  url: string;
  token?: string;
  /** milliseconds for the whole request */
  timeoutMs: number;
}

/** budget of one `query --url` request; the server's own budget is usually lower */
export const REMOTE_QUERY_TIMEOUT_MS = 60_000;

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
  /** `--project` as given: a full path or digits (digits also set `context.projectId`) */
  project?: string;
  /** set: run through this server's /graphql */
  remote?: QueryRemote;
}

export interface QueryConfigClock {
  now: Date;
  /** stdout is a terminal: the default format is `table`, else `json` */
  stdoutIsTTY: boolean;
}

/** Flags + env → config. Every problem is listed at once (UsageError, exit 2). */
/** `command` names the command in the error message (`report` shares these rules). */
export function resolveQueryConfig(file: string, flags: QueryFlags, env: Env, clock: QueryConfigClock, command = 'query'): QueryConfig {
  const problems: string[] = [];
  const format = parseFormat(flags.format, clock.stdoutIsTTY, problems);
  const range = defaultRange(clock.now);
  const fromTime = flags.from === undefined ? range.fromTime : parseTime('--from', flags.from, clock.now, problems);
  const toTime = flags.to === undefined ? range.toTime : parseTime('--to', flags.to, clock.now, problems);
  if (fromTime && toTime && fromTime.getTime() >= toTime.getTime()) {
    problems.push(`--from must be before --to (--to is exclusive): ${fromTime.toISOString()} ≥ ${toTime.toISOString()}`);
  }
  const project = nonEmpty('--project', flags.project, problems)?.trim();
  const projectId = project !== undefined && /^\d+$/.test(project) ? parsePositiveInt('--project', project, problems) : undefined;
  if (project !== undefined && !/^\d+$/.test(project) && !PROJECT_PATH.test(project)) {
    problems.push(`--project: expected a numeric project id or a full path such as group/app, got "${project.slice(0, 64)}"`);
  }
  const remote = resolveRemote(flags, env, problems);
  const limit = flags.limit === undefined ? undefined : parsePositiveInt('--limit', flags.limit, problems);
  const source = nonEmpty('--source', flags.source, problems);
  const ref = nonEmpty('--ref', flags.ref, problems);
  if (problems.length || !fromTime || !toTime) {
    throw new UsageError(`${command} options are invalid:\n  ${problems.join('\n  ')}`);
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
    ...(project !== undefined && { project }),
    ...(remote && { remote }),
  };
}

/** GitLab full paths: namespace/project, segments of letters, digits, `_`, `.`, `-` */
const PROJECT_PATH = /^[\w.-]+(\/[\w.-]+)+$/;

/** `--url` flag, else PIPELINE_METRICS_URL unless `--clickhouse` is given; base URLs get `/graphql`. */
function resolveRemote(flags: QueryFlags, env: Env, problems: string[]): QueryRemote | undefined {
  if (flags.url !== undefined && isFlagSet(flags.clickhouse))
    problems.push('--url and --clickhouse: choose one (a server, or ClickHouse directly)');
  const raw = flags.url ?? (isFlagSet(flags.clickhouse) ? undefined : firstEnv(env, 'PIPELINE_METRICS_URL'));
  if (raw === undefined) return undefined;
  const url = serverEndpoint(raw, '/graphql', problems);
  if (url === undefined) return undefined;
  const token = flags.token?.trim() || firstEnv(env, 'PIPELINE_METRICS_TOKEN');
  return { url, ...(token && { token }), timeoutMs: REMOTE_QUERY_TIMEOUT_MS };
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
