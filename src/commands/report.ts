import { writeFile } from 'node:fs/promises';
import type { ReportConfig } from '../config/report.js';
import { UsageError } from '../errors.js';
import { loadChartJs, loadReportData, renderReportHtml } from '../report/index.js';
import type { QueryRunner } from './query.js';
import { unknownProject } from './query-remote.js';

export interface ReportDeps {
  openRunner(spec: string): Promise<QueryRunner>;
  now?: () => Date;
}

export interface ReportResult {
  out: string;
  /** size of the HTML file, bytes */
  bytes: number;
  pipelines: number;
  jobs: number;
  /** wall time: queries + rendering + writing, ms */
  elapsedMs: number;
}

/** Queries ClickHouse, renders the self-contained HTML page and writes it to `config.out`. Prints nothing. */
export async function runReport(config: ReportConfig, deps: ReportDeps): Promise<ReportResult> {
  const now = deps.now ?? (() => new Date());
  const started = performance.now();
  const runner = await deps.openRunner(config.clickhouse);
  let html: string;
  let counts: { pipelines: number; jobs: number };
  try {
    const context = await withProjectId(runner, config);
    const [data, chartJs] = await Promise.all([loadReportData(runner, context, now()), loadChartJs()]);
    html = renderReportHtml(data, chartJs);
    counts = { pipelines: data.dailyDuration.reduce((n, d) => n + Number(d.pipelines), 0), jobs: data.jobTable.length };
  } finally {
    await runner.close();
  }
  try {
    await writeFile(config.out, html);
  } catch (cause) {
    throw new UsageError(`cannot write the report to ${config.out}: ${(cause as Error).message}`, { cause });
  }
  return { out: config.out, bytes: Buffer.byteLength(html), ...counts, elapsedMs: performance.now() - started };
}

/** `--project group/app`: the id stored for that path (as `query` does); digits are already the id. */
async function withProjectId(runner: QueryRunner, config: ReportConfig): Promise<ReportConfig['context']> {
  if (config.project === undefined || config.context.projectId !== undefined) return config.context;
  const project = await runner.findProject(config.project);
  if (!project) throw unknownProject(config.project);
  return { ...config.context, projectId: project.id };
}
