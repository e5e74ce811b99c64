import type { QueryContext } from '../analytics/context.js';
import type { Env } from './env.js';
import { resolveQueryConfig, type QueryConfigClock } from './query.js';

/** `report` flags as commander gives them. */
export interface ReportFlags {
  clickhouse?: string | boolean;
  project?: string;
  from?: string;
  to?: string;
  out?: string;
}

export interface ReportConfig {
  /** pipelines started in [fromTime, toTime), optionally of one project */
  context: QueryContext;
  /** ClickHouse spec: http(s):// URL or embedded chDB directory */
  clickhouse: string;
  /** the HTML file written */
  out: string;
  /** `--project` given as a full path, looked up in the store (digits go to `context.projectId`) */
  project?: string;
}

export const DEFAULT_REPORT_FILE = 'report.html';

/** Flags + env → config; range, project and ClickHouse follow `query`'s rules exactly. */
export function resolveReportConfig(flags: ReportFlags, env: Env, clock: Pick<QueryConfigClock, 'now'>): ReportConfig {
  const { from, to, project, clickhouse } = flags;
  const query = resolveQueryConfig('-', { from, to, project, clickhouse, format: 'json' }, env, { ...clock, stdoutIsTTY: false }, 'report');
  const out = typeof flags.out === 'string' && flags.out.trim() !== '' ? flags.out : DEFAULT_REPORT_FILE;
  return {
    context: query.context,
    clickhouse: query.clickhouse,
    out,
    ...(query.project !== undefined && query.context.projectId === undefined && { project: query.project }),
  };
}
