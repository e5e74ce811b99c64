/**
 * Synthetic ClickHouse data by INSERT … SELECT FROM numbers() (deterministic), for the slow-query
 * test and the GraphQL benchmark: `builds` builds in pipelines of 20, one pipeline every 5 s
 * before `now`, project 42 `group/app`, 24 job names (half start with `job`) in 6 stages,
 * status 85% success / 11% failed / 4% canceled, durations 5 s – ~40 min (skewed).
 */
import type { ClickhouseHandle } from '../../src/store/clickhouse/index.js';
import { formatDateTime64 } from '../../src/analytics/index.js';

/** builds per pipeline, and the job names with their stages (shared with bench/query.bench.ts) */
export const PER_PIPELINE = 20;
export const NAMES = [
  ['job-compile', 'build'],
  ['job-docker', 'build'],
  ['assets', 'build'],
  ['deps', 'build'],
  ['job-lint', 'test'],
  ['job-unit', 'test'],
  ['job-unit-2', 'test'],
  ['rubocop', 'test'],
  ['eslint', 'test'],
  ['typecheck', 'test'],
  ['job-e2e-chrome', 'e2e'],
  ['job-e2e-firefox', 'e2e'],
  ['job-e2e-api', 'e2e'],
  ['smoke', 'e2e'],
  ['job-package', 'package'],
  ['sbom', 'package'],
  ['container-scan', 'security'],
  ['job-sast', 'security'],
  ['secret-detection', 'security'],
  ['dependency-scan', 'security'],
  ['job-deploy-staging', 'deploy'],
  ['job-deploy-review', 'deploy'],
  ['pages', 'deploy'],
  ['cleanup', 'deploy'],
] as const;

export async function generateBuilds(handle: ClickhouseHandle, builds: number, now: Date): Promise<void> {
  const names = `[${NAMES.map(([n]) => `'${n}'`).join(',')}]`;
  const stages = `[${NAMES.map(([, s]) => `'${s}'`).join(',')}]`;
  const nowText = formatDateTime64(now);
  await handle.client.command({
    query: `INSERT INTO ci_finished_pipelines (id, path, created_at, started_at, finished_at, duration, status, source, ref, project_id, project_path)
      SELECT number + 1, '0/', start - toIntervalSecond(30), start, start + toIntervalSecond(1800), 1800,
        ['success','success','success','failed','canceled'][1 + number % 5], 'push', 'main', 42, 'group/app'
      FROM (SELECT number, toDateTime64('${nowText}', 6, 'UTC') - toIntervalSecond((number + 1) * 5) AS start FROM numbers(${Math.ceil(builds / PER_PIPELINE)}))`,
  });
  await handle.client.command({
    query: `INSERT INTO ci_finished_builds (id, project_id, pipeline_id, status, created_at, queued_at, started_at, finished_at, name, stage_name)
      SELECT number + 1, 42, p + 1, st, s - toIntervalSecond(2), s - toIntervalSecond(1), s, s + toIntervalMillisecond(dur), ${names}[k], ${stages}[k]
      FROM (
        SELECT number, intDiv(number, ${PER_PIPELINE}) AS p, cityHash64(number) AS h, 1 + h % ${NAMES.length} AS k,
          multiIf(h % 100 < 85, 'success', h % 100 < 96, 'failed', 'canceled') AS st,
          toDateTime64('${nowText}', 6, 'UTC') - toIntervalSecond((p + 1) * 5) + toIntervalSecond((number % ${PER_PIPELINE}) * 60) AS s,
          toInt64(5000 + pow((cityHash64(number, 4) % 1000) / 1000, 3) * 2400000) AS dur
        FROM numbers(${builds})
      )`,
    clickhouse_settings: { max_insert_threads: '2' },
  });
}
