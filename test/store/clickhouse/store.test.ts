import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, CI_FINISHED_BUILDS_COLUMNS, CI_FINISHED_PIPELINES_COLUMNS } from '../../../src/analytics/index.js';
import type { QueryContext } from '../../../src/analytics/context.js';
import { discoverMigrations } from '../../../src/migrate/discover.js';
import { runMigrations } from '../../../src/migrate/run.js';
import { PayloadSchema } from '../../../src/payload/schema.js';
import { openClickhouseMigrationTarget, openClickhouseStore, type ClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { ALL_TIME, DATASET, RANGE, SEED_INPUT, SEED_SQL } from './dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-ch-store-'));
/** every migrations/clickhouse file, in order */
const APPLIED = [
  '0001_ci_finished_tables',
  '0002_hierarchy_retries_tests',
  '0003_idempotent_writes',
  '0004_critical_path',
  '0005_pipeline_refreshes',
];
let store: ClickhouseStore;

async function rows(sql: string, params: Record<string, unknown> = {}) {
  return (await store.runQuery({ sql, params })).rows;
}

async function query(input: unknown, context: QueryContext) {
  const compiled = compileQuery(input, context);
  return store.runQuery(compiled);
}

beforeAll(async () => {
  const target = await openClickhouseMigrationTarget(dir);
  try {
    const report = await runMigrations(target, await discoverMigrations('clickhouse'));
    expect(report.applied).toEqual(APPLIED);
  } finally {
    await target.close();
  }
  store = await openClickhouseStore(dir);
  for (const payload of DATASET) expect(await store.save(payload)).toBe('created');
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('creates every catalog column with the catalog type, and records the ledger once', async () => {
    const columns = await rows(
      "SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND table IN ('ci_finished_builds', 'ci_finished_pipelines')",
    );
    const actual = new Map(columns.map(([table, name, type]) => [`${String(table)}.${String(name)}`, type]));
    for (const [name, def] of Object.entries(CI_FINISHED_BUILDS_COLUMNS))
      expect([name, actual.get(`ci_finished_builds.${name}`)]).toEqual([name, def.type]);
    for (const [name, def] of Object.entries(CI_FINISHED_PIPELINES_COLUMNS))
      expect([name, actual.get(`ci_finished_pipelines.${name}`)]).toEqual([name, def.type]);
    const engines = await rows(
      "SELECT name, engine_full LIKE 'ReplacingMergeTree(version, deleted)%' FROM system.tables WHERE database = currentDatabase() AND name = 'ci_finished_builds'",
    );
    expect(engines).toEqual([['ci_finished_builds', 1]]);
    expect(await rows('SELECT version, name FROM pipeline_metrics_migrations FINAL ORDER BY version')).toEqual(
      APPLIED.map((name, i) => [i + 1, name]),
    );
  });

  it('applies nothing the second time', async () => {
    const target = await openClickhouseMigrationTarget(dir);
    try {
      const report = await runMigrations(target, await discoverMigrations('clickhouse'));
      expect(report.applied).toEqual([]);
      expect(report.alreadyApplied.map((m) => m.name)).toEqual(APPLIED);
    } finally {
      await target.close();
    }
  });
});

describe('save', () => {
  it('writes finished attempts with GitLab units (ms) and skips unfinished ones', async () => {
    const builds = await rows(
      'SELECT id, name, stage_name, status, duration, queueing_duration, runner_type, failure_reason, retried FROM ci_finished_builds WHERE pipeline_id IN (1001, 1003) ORDER BY id',
    );
    expect(builds).toEqual([
      [11, 'job-build', 'build', 'success', 60000, 2500, 1, '', false],
      [12, 'job-test', 'test', 'failed', 30000, 2500, 1, 'script_failure', true],
      [13, 'job-test', 'test', 'success', 40000, 2500, 1, '', false],
      [14, 'lint', 'test', 'success', 10000, 2500, 1, '', false],
      [31, 'job-build', 'build', 'success', 100000, 2500, 3, '', false],
      [32, 'job-test', 'test', 'canceled', 5000, 2500, 1, '', false],
      [33, 'job-e2e', 'e2e', 'success', 200000, 2500, 1, '', false],
    ]);
  });

  it('writes the pipeline with GitLab units (seconds) and our project columns', async () => {
    expect(
      await rows(
        'SELECT id, status, source, ref, started_at, duration, project_id, project_path FROM ci_finished_pipelines WHERE id = 1003',
      ),
    ).toEqual([[1003, 'canceled', 'merge_request_event', 'feature/x', '2024-05-03T08:00:00.000000Z', 401, 42, 'group/app']]);
  });

  it('writes log sections and steps in milliseconds', async () => {
    expect(
      await rows(
        'SELECT build_id, kind, name, duration, build_name, stage_name FROM ci_finished_build_sections ORDER BY build_id, kind, name',
      ),
    ).toEqual([
      [11, 'section', 'step_script', 45500, 'job-build', 'build'],
      [11, 'section', 'upload_artifacts', 3250, 'job-build', 'build'],
      [13, 'step', 'e2e', 30000, 'job-test', 'test'],
      [13, 'step', 'up', 7500, 'job-test', 'test'],
    ]);
  });

  it("stores only the pipeline of an original client's payload (no attempts)", async () => {
    const payload = PayloadSchema.parse({
      pipeline_id: 2001,
      project: 'group/app',
      project_id: 42,
      created_at: '2024-05-02T10:00:00+02:00',
      ref: 'main',
      duration: 1200,
      duration_e2e: 600,
      build: 300,
      has_restarts: false,
      builds: [{ 'build-e2e': 300 }],
      jobs: [{ name: 'e2e-a', started_at: '2024-05-02T08:05:00Z', finished_at: '2024-05-02T08:15:00Z', duration: 600, up: 60, e2e: 500 }],
      jobs_failed: [],
    });
    expect(await store.save(payload)).toBe('created');
    expect(await rows('SELECT id, started_at, duration, duration_e2e, status FROM ci_finished_pipelines WHERE id = 2001')).toEqual([
      [2001, '2024-05-02T08:00:00.000000Z', 1200, 600, ''],
    ]);
    expect(await rows('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 2001')).toEqual([[0]]);
    expect(await store.save(payload)).toBe('duplicate');
  });
});

describe('query', () => {
  it("returns the seed's input with the same rows as the seed's hand-written SQL", async () => {
    const ours = await query(SEED_INPUT, ALL_TIME);
    const theirs = await rows(SEED_SQL);
    expect(ours.columns).toEqual(['jobName', 'stage', 'count', 'medianDuration', 'p95Duration', 'failedCount', 'successCount']);
    expect(ours.rows).toEqual(theirs);
    expect(ours.rows.map((r) => [r[0], r[1], r[2], r[3], r[5], r[6]])).toEqual([
      ['job-build', 'build', 5, 252000, 0, 5],
      ['job-e2e', 'e2e', 2, 250000, 1, 1],
      ['job-test', 'test', 4, 31250, 1, 2],
    ]);
  });

  it('applies the time range to the pipeline start, --to exclusive', async () => {
    const count = {
      dimensions: [{ column: 'name' }],
      metrics: [{ function: 'count' }, { function: 'avg', column: 'duration', as: 'avg' }],
      filter: [{ column: 'name', operator: '=', value: 'job-build' }],
    };
    expect((await query(count, RANGE)).rows).toEqual([['job-build', 4, 65000]]);
    const exclusive = { fromTime: new Date('2024-05-01T10:00:00Z'), toTime: new Date('2024-05-03T08:00:00Z') };
    expect((await query(count, exclusive)).rows).toEqual([['job-build', 3, 53333.333333333336]]);
  });

  it('filters by project, source and ref', async () => {
    const input = { dimensions: [{ column: 'name' }], metrics: [{ function: 'count' }] };
    expect((await query(input, { ...RANGE, projectId: 77 })).rows).toEqual([['job-build', 1]]);
    expect((await query(input, { ...RANGE, source: 'schedule' })).rows).toEqual([
      ['job-build', 1],
      ['job-e2e', 1],
      ['job-test', 1],
    ]);
    expect((await query(input, { ...RANGE, ref: 'feature/x' })).rows).toEqual([
      ['job-build', 1],
      ['job-e2e', 1],
      ['job-test', 1],
    ]);
    expect((await query(input, { ...RANGE, ref: "main' OR 1=1 --" })).rows).toEqual([]);
  });

  it('groups by a pipeline column (ref) through the join', async () => {
    const input = { dimensions: [{ column: 'ref' }, { column: 'source' }], metrics: [{ function: 'count', as: 'builds' }] };
    expect((await query(input, RANGE)).rows).toEqual([
      ['feature/x', 'merge_request_event', 3],
      ['main', 'push', 5],
      ['main', 'schedule', 3],
    ]);
  });

  it('filters a metric alias with HAVING', async () => {
    const input = {
      dimensions: [{ column: 'name' }],
      metrics: [{ function: 'count', as: 'runs' }],
      filter: [{ column: 'runs', operator: '>', value: 2 }],
    };
    expect((await query(input, RANGE)).rows).toEqual([
      ['job-build', 4],
      ['job-test', 4],
    ]);
  });

  it('buckets time by day (UTC)', async () => {
    const input = {
      dimensions: [{ column: 'finished_at', granularity: 'day', as: 'day' }],
      metrics: [
        { function: 'count' },
        { function: 'countIf', condition: [{ column: 'status', operator: '=', value: 'failed' }], as: 'failed' },
      ],
      orderBy: [{ column: 'day' }],
    };
    expect((await query(input, RANGE)).rows).toEqual([
      ['2024-05-01T00:00:00Z', 4, 1],
      ['2024-05-02T00:00:00Z', 4, 1],
      ['2024-05-03T00:00:00Z', 3, 0],
    ]);
  });

  it('queries log sections (table: sections) with the same pipeline context', async () => {
    const input = {
      table: 'sections',
      dimensions: [
        { column: 'name', as: 'section' },
        { column: 'build_name', as: 'job' },
      ],
      metrics: [
        { function: 'count', as: 'runs' },
        { function: 'max', column: 'duration', as: 'maxMs' },
      ],
      filter: [{ column: 'kind', operator: '=', value: 'section' }],
      orderBy: [{ column: 'maxMs', desc: true }],
    };
    expect((await query(input, RANGE)).rows).toEqual([
      ['step_script', 'job-build', 1, 45500],
      ['upload_artifacts', 'job-build', 1, 3250],
    ]);
    expect((await query(input, { ...RANGE, source: 'schedule' })).rows).toEqual([]);
  });
});

describe('duplicates', () => {
  const summary = {
    dimensions: [{ column: 'name' }],
    metrics: [
      { function: 'count' },
      { function: 'avg', column: 'duration', as: 'avg' },
      { function: 'sum', column: 'duration', as: 'sum' },
    ],
  };

  it('a second push of the same pipelines reports duplicate and changes no count or average', async () => {
    const before = await query(summary, ALL_TIME);
    for (const payload of DATASET) expect(await store.save(payload)).toBe('duplicate');
    expect(await Promise.all(DATASET.map((p) => store.save(p)))).toEqual(DATASET.map(() => 'duplicate'));
    expect((await query(summary, ALL_TIME)).rows).toEqual(before.rows);
  });
});
