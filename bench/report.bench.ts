/**
 * `report` on 100,000 pipelines in chDB: wall time of `runReport` (queries + rendering + writing
 * the file; median of several runs) and the size of the HTML file.
 *
 * Data (INSERT … SELECT FROM numbers(), deterministic): 100,000 pipelines over the last ~29 days
 * (one every 25 s), 20 builds each (2,000,000 builds; 24 job names in 6 stages, 5 of them on each
 * pipeline's critical path with wait/queue/run contributions and listed in the pipeline's
 * critical_path_build_ids, 3% retried, 2% flaky successes, 3 runner types), 3 log sections on
 * every 4th build (1,500,000 section rows), 5 refs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDateTime64 } from '../src/analytics/index.js';
import { runReport, type ReportResult } from '../src/commands/report.js';
import { openClickhouseStore } from '../src/store/clickhouse/index.js';
import { openClickhouseClient, type ClickhouseHandle } from '../src/store/clickhouse/client.js';

const PIPELINES = 100_000;
const PER_PIPELINE = 20;
const RUNS = 5;
const NAMES = [
  'compile',
  'docker',
  'assets',
  'deps',
  'lint',
  'unit',
  'unit-2',
  'rubocop',
  'eslint',
  'typecheck',
  'e2e-chrome',
  'e2e-firefox',
  'e2e-api',
  'smoke',
  'package',
  'sbom',
  'container-scan',
  'sast',
  'secret-detection',
  'dependency-scan',
  'deploy-staging',
  'deploy-review',
  'pages',
  'cleanup',
];
const STAGES = [
  'build',
  'build',
  'build',
  'build',
  'test',
  'test',
  'test',
  'test',
  'test',
  'test',
  'e2e',
  'e2e',
  'e2e',
  'e2e',
  'package',
  'package',
  'security',
  'security',
  'security',
  'security',
  'deploy',
  'deploy',
  'deploy',
  'deploy',
];
const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(',')}]`;

async function generate(handle: ClickhouseHandle, now: Date): Promise<void> {
  const nowText = formatDateTime64(now);
  await handle.client.command({
    query: `INSERT INTO ci_finished_pipelines (id, path, created_at, started_at, finished_at, duration, duration_e2e, status, source, ref, project_id,
        critical_path_duration, critical_path_build_ids)
      SELECT number + 1, '0/', start - toIntervalSecond(30), start, start + toIntervalSecond(d), d, intDiv(d, 3),
        ['success','success','success','failed','canceled'][1 + number % 5], 'push',
        ['main','main','develop','feature/a','release/1'][1 + cityHash64(number, 2) % 5], 1, (d + 30) * 1000,
        arrayMap(i -> number * ${PER_PIPELINE} + i + 1, range(0, ${PER_PIPELINE}, 4))
      FROM (SELECT number, toDateTime64('${nowText}', 6, 'UTC') - toIntervalSecond((number + 1) * 25) AS start,
        toUInt64(600 + cityHash64(number, 1) % 1800) AS d FROM numbers(${PIPELINES}))`,
  });
  await handle.client.command({
    query: `INSERT INTO ci_finished_builds (id, project_id, pipeline_id, status, created_at, queued_at, started_at, finished_at, runner_type, name, stage_name,
        retried, flaky, on_critical_path, critical_path_wait, critical_path_queue, critical_path_run)
      SELECT number + 1, 1, p + 1, st, qd - toIntervalSecond(1), qd, s, s + toIntervalMillisecond(dur), 1 + h % 3, ${list(NAMES)}[k], ${list(STAGES)}[k],
        h % 100 < 3, st = 'success' AND h % 100 >= 97 AND h % 100 < 99, on_path, if(on_path, 1000 + h % 5000, 0), if(on_path, q, 0), if(on_path, dur, 0)
      FROM (
        SELECT number, intDiv(number, ${PER_PIPELINE}) AS p, cityHash64(number) AS h, 1 + (number % ${PER_PIPELINE}) + h % 5 AS k,
          multiIf(h % 100 < 85, 'success', h % 100 < 96, 'failed', 'canceled') AS st, number % 4 = 0 AS on_path,
          toDateTime64('${nowText}', 6, 'UTC') - toIntervalSecond((p + 1) * 25) + toIntervalSecond((number % ${PER_PIPELINE}) * 60) AS s,
          toInt64(500 + cityHash64(number, 3) % 60000) AS q, s - toIntervalMillisecond(q) AS qd,
          toInt64(5000 + pow((cityHash64(number, 4) % 1000) / 1000, 3) * 2400000) AS dur
        FROM numbers(${PIPELINES * PER_PIPELINE})
      )`,
    clickhouse_settings: { max_insert_threads: '2' },
  });
  await handle.client.command({
    query: `INSERT INTO ci_finished_build_sections (build_id, pipeline_id, project_id, kind, name, duration, build_name, stage_name, status, ref, started_at, finished_at)
      SELECT b, intDiv(b - 1, ${PER_PIPELINE}) + 1, 1, 'section', ['prepare_executor','get_sources','step_script','upload_artifacts','cleanup'][1 + (number % 3) + cityHash64(b) % 3],
        toInt64(100 + cityHash64(number, 5) % 300000), 'job', 'test', 'success', 'main',
        toDateTime64('${nowText}', 6, 'UTC') - toIntervalSecond(intDiv(b, ${PER_PIPELINE}) * 25), toDateTime64('${nowText}', 6, 'UTC')
      FROM (SELECT number, 1 + intDiv(number, 3) * 4 AS b FROM numbers(${(PIPELINES * PER_PIPELINE * 3) / 4}))`,
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-report-'));
  const now = new Date();
  try {
    const store = await openClickhouseStore(dir, { autoMigrate: true });
    await store.close();
    const handle = await openClickhouseClient(dir);
    let t = performance.now();
    await generate(handle, now);
    await handle.close();
    console.log(
      `generated ${PIPELINES.toLocaleString('en')} pipelines, ${(PIPELINES * PER_PIPELINE).toLocaleString('en')} builds in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const context = { fromTime: new Date(now.getTime() - 30 * 86_400_000), toTime: now };
    const runs: ReportResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      runs.push(
        await runReport(
          { context, clickhouse: dir, out: join(dir, 'report.html') },
          { openRunner: (s) => openClickhouseStore(s), now: () => now },
        ),
      );
    }
    const ms = runs.map((r) => r.elapsedMs).sort((a, b) => a - b);
    const last = runs.at(-1)!;
    if (last.pipelines !== PIPELINES) throw new Error(`the report counted ${last.pipelines} pipelines, expected ${PIPELINES}`);
    console.log(
      `report of ${last.pipelines.toLocaleString('en')} pipelines (${last.jobs} job rows): median ${(ms[ms.length >> 1]! / 1000).toFixed(2)} s over ${RUNS} runs (min ${(ms[0]! / 1000).toFixed(2)} s, max ${(ms.at(-1)! / 1000).toFixed(2)} s; first run opens chDB cold)`,
    );
    console.log(`HTML file: ${last.bytes.toLocaleString('en')} bytes (${(last.bytes / 1024).toFixed(0)} KiB), of which Chart.js ~205 KiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
