import { writeFile } from 'node:fs/promises';
import type { ReportConfig } from '../config/report.js';
import { UsageError } from '../errors.js';
import { loadChartJs, loadReportData, renderReportHtml } from '../report/index.js';
import type { QueryRunner } from './query.js';

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
    const [data, chartJs] = await Promise.all([loadReportData(runner, config.context, now()), loadChartJs()]);
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
