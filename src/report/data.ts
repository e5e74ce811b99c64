import { compileQuery } from '../analytics/compile.js';
import type { QueryContext } from '../analytics/context.js';
import { formatDateTime64 } from '../analytics/time-range.js';
import type { QueryRunner } from '../commands/query.js';
import type { ResultCell } from '../analytics/result.js';
import { JOB_TABLE_INPUT, REPORT_SQL } from './queries.js';

/** Rows of one result as objects keyed by column name. */
export type Row = Record<string, ResultCell>;

/** Everything the page draws; numbers are seconds unless named otherwise (job table: ms). */
export interface ReportData {
  generatedAt: string;
  range: { from: string; to: string; projectId: number | null };
  dailyDuration: Row[];
  timeToE2eByRef: Row[];
  jobTable: Row[];
  queueVsRun: Row[];
  slowestSections: Row[];
  fixFirst: Row[];
  /** the slowest pipelines and their critical path steps (seconds from pipeline creation) */
  gantt: {
    id: number;
    ref: string;
    duration: number;
    pathDuration: number;
    steps: { name: string; wait: number; queue: number; run: number; end: number }[];
  }[];
}

async function rowsOf(runner: QueryRunner, sql: string, params: Record<string, unknown>): Promise<Row[]> {
  const result = await runner.runQuery({ sql, params });
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])));
}

/** Runs the report's queries (aggregation in ClickHouse) for `context`'s range and project. */
export async function loadReportData(runner: QueryRunner, context: QueryContext, now: Date): Promise<ReportData> {
  const params = { from: formatDateTime64(context.fromTime), to: formatDateTime64(context.toTime), project: context.projectId ?? 0 };
  const job = compileQuery(JOB_TABLE_INPUT, {
    fromTime: context.fromTime,
    toTime: context.toTime,
    ...(context.projectId && { projectId: context.projectId }),
  });
  const [dailyDuration, timeToE2eByRef, jobTable, queueVsRun, slowestSections, fixFirst, slowest] = await Promise.all([
    rowsOf(runner, REPORT_SQL.dailyDuration, params),
    rowsOf(runner, REPORT_SQL.timeToE2eByRef, params),
    rowsOf(runner, job.sql, { ...job.params }),
    rowsOf(runner, REPORT_SQL.queueVsRun, params),
    rowsOf(runner, REPORT_SQL.slowestSections, params),
    rowsOf(runner, REPORT_SQL.fixFirst, params),
    rowsOf(runner, REPORT_SQL.slowestPipelines, params),
  ]);
  const steps = slowest.length ? await rowsOf(runner, REPORT_SQL.pathSteps, { pipelines: slowest.map((p) => Number(p.id)) }) : [];
  return {
    generatedAt: now.toISOString(),
    range: { from: context.fromTime.toISOString(), to: context.toTime.toISOString(), projectId: context.projectId ?? null },
    dailyDuration,
    timeToE2eByRef,
    jobTable,
    queueVsRun,
    slowestSections,
    fixFirst,
    gantt: slowest.map((p) => ({
      id: Number(p.id),
      ref: String(p.ref),
      duration: Number(p.duration),
      pathDuration: Number(p.path_duration),
      steps: steps
        .filter((s) => String(s.pipeline_id) === String(p.id))
        .map((s) => ({
          name: String(s.name),
          wait: Number(s.wait),
          queue: Number(s.queue),
          run: Number(s.run),
          end: (Number(s.finished_ms) - Number(p.created_ms)) / 1000,
        })),
    })),
  };
}
