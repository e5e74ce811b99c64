import { compileQuery } from '../analytics/compile.js';
import type { QueryContext } from '../analytics/context.js';
import { formatDateTime64 } from '../analytics/time-range.js';
import type { QueryRunner } from '../commands/query.js';
import type { ResultCell } from '../analytics/result.js';
import { buildGantt, type GanttChart } from './gantt.js';
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
  /** the slowest root pipelines and their critical paths, through their downstream pipelines */
  gantt: GanttChart[];
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
  const gantt = await loadGantt(runner, slowest);
  return {
    generatedAt: now.toISOString(),
    range: { from: context.fromTime.toISOString(), to: context.toTime.toISOString(), projectId: context.projectId ?? null },
    dailyDuration,
    timeToE2eByRef,
    jobTable,
    queueVsRun,
    slowestSections,
    fixFirst,
    gantt,
  };
}

/** The Gantt of each root pipeline in `roots`: its hierarchy's rows and the builds on its path. */
async function loadGantt(runner: QueryRunner, roots: Row[]): Promise<GanttChart[]> {
  if (roots.length === 0) return [];
  const params = { pipelines: roots.map((p) => Number(p.id)) };
  const [hierarchy, steps] = await Promise.all([
    rowsOf(runner, REPORT_SQL.hierarchyPipelines, params),
    rowsOf(runner, REPORT_SQL.pathSteps, params),
  ]);
  return roots.map((root) => {
    const rootId = String(root.id);
    const mine = hierarchy.filter((p) => String(p.root_id) === rootId);
    const ids = new Set(mine.map((p) => String(p.id)));
    return buildGantt(
      root,
      mine,
      steps.filter((s) => ids.has(String(s.pipeline_id))),
    );
  });
}
