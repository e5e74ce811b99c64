import { expect } from 'vitest';
import { PayloadSchema } from '../../../src/payload/schema.js';
import type { SqlClient } from '../../../src/store/postgres/client.js';
import type { PostgresStore } from '../../../src/store/postgres/store.js';
import { fillGrafana, percentileCont, PIPELINES_COUNT, TIME_TO_E2E, TOTAL_E2E } from './grafana-queries.js';
import { FULL_INPUT, grafanaCorpus, seedPayload } from './payloads.js';

/** int8 is a string from a server and a number from PGlite; timestamps are Dates. */
const num = (v: unknown): number | null => (v === null ? null : Number(v));
const iso = (v: unknown): string | null => (v === null ? null : (v as Date).toISOString());

export async function count(client: SqlClient, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await client.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(row!.n);
}

export async function checkSeedExample(store: PostgresStore, client: SqlClient): Promise<void> {
  expect(await store.save(seedPayload())).toBe('created');
  expect(await store.save(seedPayload())).toBe('duplicate');
  const [p] = await client.query('SELECT * FROM metrics_pipeline WHERE pipeline_id = 1');
  expect({ ...p, id: undefined, received_at: undefined, pipeline_id: num(p!.pipeline_id), created_at: iso(p!.created_at) }).toEqual({
    id: undefined,
    received_at: undefined,
    pipeline_id: 1,
    project: 'test/project',
    project_id: null,
    created_at: '2023-06-13T07:11:24.029Z',
    duration: 97,
    duration_e2e: 27,
    is_master: true,
    has_restarts: false,
    ref: 'master',
    build: 64,
    iid: null,
    source: null,
    status: null,
    sha: null,
    tag: null,
    default_branch: null,
    updated_at: null,
    started_at: null,
    finished_at: null,
    pipeline_duration: null,
    pipeline_queued_duration: null,
    web_url: null,
    collector_name: null,
    collector_version: null,
    name: null,
    yaml_errors: null,
    coverage: null,
    parent_pipeline_id: null,
    parent_bridge_id: null,
    root_pipeline_id: null,
    hierarchy_duration: null,
    test_total_time: null,
    test_total_count: null,
    test_success_count: null,
    test_failed_count: null,
    test_skipped_count: null,
    test_error_count: null,
    critical_path_duration: null,
    critical_path_job_ids: null,
  });
  expect(p!.received_at).toBeInstanceOf(Date);
  const builds = await client.query('SELECT name, duration FROM metrics_build WHERE pipeline_id = 1');
  expect(builds).toEqual([{ name: 'build-e2e', duration: 64 }]);
  const jobs = await client.query(
    `SELECT name, started_at, finished_at, duration, duration_up, duration_e2e, duration_pull,
            duration_up_without_pull, steps FROM metrics_job WHERE pipeline_id = 1`,
  );
  expect(jobs.map((j) => ({ ...j, started_at: iso(j.started_at), finished_at: iso(j.finished_at) }))).toEqual([
    {
      name: 'e2e',
      started_at: '2023-06-13T07:12:33.677Z',
      finished_at: '2023-06-13T07:13:01.293Z',
      duration: 27,
      duration_up: 7,
      duration_e2e: 5,
      duration_pull: null,
      duration_up_without_pull: null,
      steps: null,
    },
  ]);
  expect(await count(client, 'metrics_job_failed', 'pipeline_id = 1')).toBe(0);
}

/** 50 copies of one new pipeline at once: exactly one `created`, one set of rows. */
export async function checkRace(store: PostgresStore, client: SqlClient): Promise<void> {
  const payload = PayloadSchema.parse({
    ...FULL_INPUT,
    pipeline_id: 77,
    pipeline: { ...FULL_INPUT.pipeline!, id: 77 },
    attempts: FULL_INPUT.attempts!.map((a) => ({ ...a, id: a.id + 100_000 })),
  });
  const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.save(payload)));
  expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
  expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(49);
  expect(await count(client, 'metrics_pipeline', 'pipeline_id = 77')).toBe(1);
  expect(await count(client, 'metrics_build', 'pipeline_id = 77')).toBe(2);
  expect(await count(client, 'metrics_job', 'pipeline_id = 77')).toBe(1);
  expect(await count(client, 'metrics_job_failed', 'pipeline_id = 77')).toBe(2);
  expect(await count(client, 'metrics_job_attempt', 'pipeline_id = 77')).toBe(2);
  expect(await count(client, 'metrics_job_step', 'job_id IN (105001, 105002)')).toBe(2);
  expect(await count(client, 'metrics_job_section', 'job_id IN (105001, 105002)')).toBe(2);
}

/** bigint columns of migration 0003 that pg returns as strings */
const BIGINT_PIPELINE_COLUMNS = [
  'parent_pipeline_id',
  'parent_bridge_id',
  'root_pipeline_id',
  'test_total_count',
  'test_success_count',
  'test_failed_count',
  'test_skipped_count',
  'test_error_count',
] as const;

/** Every field of a payload with all extensions lands in some column. */
export async function checkFullRoundTrip(store: PostgresStore, client: SqlClient): Promise<void> {
  const payload = PayloadSchema.parse(FULL_INPUT);
  expect(await store.save(payload)).toBe('created');
  await expectFullRows(client, payload.pipeline_id);
}

/**
 * Backfill's refresh writes what a save writes (after checkFullRoundTrip): refreshed with a
 * snapshot without a critical path, the pipeline has none, on the pipeline row and on its
 * attempts; refreshed with the full payload again, every row is as saved.
 */
export async function checkRefreshLikeSave(store: PostgresStore, client: SqlClient): Promise<void> {
  const full = PayloadSchema.parse(FULL_INPUT);
  const noPath = {
    ...full,
    critical_path: undefined,
    attempts: full.attempts!.map((a) => ({
      ...a,
      on_critical_path: undefined,
      critical_path_wait: undefined,
      critical_path_queue: undefined,
      critical_path_run: undefined,
    })),
  };
  expect(await store.refresh(noPath)).toBe('refreshed');
  const id = full.pipeline_id;
  expect(
    await client.query('SELECT critical_path_duration, critical_path_job_ids FROM metrics_pipeline WHERE pipeline_id = $1', [id]),
  ).toEqual([{ critical_path_duration: null, critical_path_job_ids: null }]);
  expect(
    await client.query('SELECT on_critical_path, critical_path_run FROM metrics_job_attempt WHERE pipeline_id = $1 ORDER BY job_id', [id]),
  ).toEqual([
    { on_critical_path: null, critical_path_run: null },
    { on_critical_path: null, critical_path_run: null },
  ]);
  expect(await store.refresh(full)).toBe('refreshed');
  await expectFullRows(client, id);
}

/**
 * A payload of an older client (no `flaky` on its attempts): the flag is derived as ClickHouse
 * derives it — a success after a failed attempt of the same job is flaky.
 */
export async function checkDerivedFlaky(store: PostgresStore, client: SqlClient): Promise<void> {
  const full = PayloadSchema.parse(FULL_INPUT);
  const id = 7_700_001;
  const [failed, success] = full.attempts!;
  const attempts = [
    { ...failed!, id: 77_001, name: 'e2e:retry', flaky: undefined },
    { ...success!, id: 77_002, name: 'e2e:retry', status: 'success', flaky: undefined },
  ];
  const payload = { ...full, pipeline_id: id, pipeline: { ...full.pipeline!, id }, attempts, critical_path: undefined };
  expect(await store.save(payload)).toBe('created');
  expect(
    await client.query('SELECT job_id::int AS id, flaky FROM metrics_job_attempt WHERE pipeline_id = $1 ORDER BY job_id', [id]),
  ).toEqual([
    { id: 77_001, flaky: false },
    { id: 77_002, flaky: true },
  ]);
}

/** The rows of FULL_INPUT's pipeline, every column. */
async function expectFullRows(client: SqlClient, id: number): Promise<void> {
  const [p] = await client.query('SELECT * FROM metrics_pipeline WHERE pipeline_id = $1', [id]);
  expect({
    ...p,
    id: undefined,
    received_at: undefined,
    pipeline_id: num(p!.pipeline_id),
    project_id: num(p!.project_id),
    iid: num(p!.iid),
    created_at: iso(p!.created_at),
    updated_at: iso(p!.updated_at),
    started_at: iso(p!.started_at),
    finished_at: iso(p!.finished_at),
    critical_path_job_ids: (p!.critical_path_job_ids as unknown[]).map(num),
    ...Object.fromEntries(BIGINT_PIPELINE_COLUMNS.map((c) => [c, num(p![c])])),
  }).toEqual({
    id: undefined,
    received_at: undefined,
    pipeline_id: id,
    project: 'group/full',
    project_id: 4242,
    created_at: '2024-02-01T10:00:00.125Z',
    duration: 300,
    duration_e2e: 120,
    is_master: true,
    has_restarts: true,
    ref: 'main',
    build: 94.5,
    iid: 77,
    source: 'merge_request_event',
    status: 'success',
    sha: 'a'.repeat(40),
    tag: false,
    default_branch: 'main',
    updated_at: '2024-02-01T10:06:00.000Z',
    started_at: '2024-02-01T10:00:05.000Z',
    finished_at: '2024-02-01T10:05:05.000Z',
    pipeline_duration: 300.25,
    pipeline_queued_duration: 4.75,
    web_url: 'https://gitlab.example/group/full/-/pipelines/9007199254740000',
    collector_name: 'pipeline-metrics',
    collector_version: '0.1.0',
    name: 'Nightly full run',
    yaml_errors: null,
    coverage: 81.25,
    parent_pipeline_id: 9007199254739000,
    parent_bridge_id: 4999,
    root_pipeline_id: 9007199254738000,
    hierarchy_duration: 420.5,
    test_total_time: 12.5,
    test_total_count: 40,
    test_success_count: 37,
    test_failed_count: 1,
    test_skipped_count: 2,
    test_error_count: 0,
    critical_path_duration: 96.375,
    critical_path_job_ids: [5001],
  });
  expect(await client.query('SELECT name, duration FROM metrics_build WHERE pipeline_id = $1 ORDER BY id', [id])).toEqual([
    { name: 'build-e2e', duration: 64 },
    { name: 'build-assets', duration: 30.5 },
  ]);
  const jobs = await client.query('SELECT * FROM metrics_job WHERE pipeline_id = $1', [id]);
  expect(
    jobs.map((j) => ({
      ...j,
      id: undefined,
      pipeline_id: num(j.pipeline_id),
      started_at: iso(j.started_at),
      finished_at: iso(j.finished_at),
    })),
  ).toEqual([
    {
      id: undefined,
      pipeline_id: id,
      name: 'e2e:chrome',
      started_at: '2024-02-01T09:02:00.000Z',
      finished_at: '2024-02-01T09:04:00.500Z',
      duration: 120,
      duration_up: 10,
      duration_e2e: 90,
      duration_pull: 4,
      duration_up_without_pull: 6,
      steps: { seed_db: 3.5 },
    },
  ]);
  expect(await client.query('SELECT name, duration FROM metrics_job_failed WHERE pipeline_id = $1 ORDER BY id', [id])).toEqual([
    { name: 'e2e:firefox', duration: 33 },
    { name: 'lint', duration: null },
  ]);
  const attempts = await client.query('SELECT * FROM metrics_job_attempt WHERE pipeline_id = $1 ORDER BY job_id', [id]);
  const dates = ['created_at', 'queued_at', 'started_at', 'finished_at'];
  const attemptDates = [...dates, 'erased_at'];
  expect(
    attempts.map((a) => ({
      ...a,
      job_id: num(a.job_id),
      pipeline_id: num(a.pipeline_id),
      runner_id: num(a.runner_id),
      ...Object.fromEntries(attemptDates.map((d) => [d, iso(a[d])])),
    })),
  ).toEqual([
    {
      job_id: 5001,
      pipeline_id: id,
      name: 'e2e:firefox',
      stage: 'test',
      status: 'failed',
      allow_failure: true,
      failure_reason: 'script_failure',
      created_at: '2024-02-01T10:01:00.000Z',
      queued_at: '2024-02-01T10:01:01.000Z',
      started_at: '2024-02-01T10:01:03.500Z',
      finished_at: '2024-02-01T10:01:36.500Z',
      duration: 33,
      queued_duration: 2.5,
      retried: true,
      runner_id: 12,
      runner_description: 'docker "runner" #1',
      runner_type: 'group_type',
      runner_tags: ['docker', 'linux'],
      web_url: 'https://gitlab.example/group/full/-/jobs/5001',
      kind: 'build',
      attempt: 1,
      flaky: false,
      log_status: 'erased',
      erased_at: '2024-02-02T00:00:00.000Z',
      coverage: 55.5,
      downstream_pipeline_id: null,
      downstream_project_id: null,
      runner_manager_system_xid: 's_0123456789ab',
      runner_manager_version: '17.0.0',
      runner_manager_revision: '44feccdf',
      runner_manager_platform: 'linux',
      runner_manager_architecture: 'amd64',
      on_critical_path: true,
      critical_path_wait: 55.875,
      critical_path_queue: 2.5,
      critical_path_run: 33,
    },
    {
      job_id: 5002,
      pipeline_id: id,
      name: 'e2e:chrome',
      stage: 'test',
      status: 'success',
      allow_failure: false,
      failure_reason: null,
      created_at: '2024-02-01T10:01:00.000Z',
      queued_at: null,
      started_at: null,
      finished_at: null,
      duration: null,
      queued_duration: null,
      retried: false,
      runner_id: null,
      runner_description: null,
      runner_type: null,
      runner_tags: null,
      web_url: null,
      kind: 'build',
      attempt: 2,
      flaky: true,
      log_status: null,
      erased_at: null,
      coverage: null,
      downstream_pipeline_id: null,
      downstream_project_id: null,
      runner_manager_system_xid: null,
      runner_manager_version: null,
      runner_manager_revision: null,
      runner_manager_platform: null,
      runner_manager_architecture: null,
      on_critical_path: false,
      critical_path_wait: null,
      critical_path_queue: null,
      critical_path_run: null,
    },
  ]);
  const timings = (table: string) =>
    client.query(`SELECT job_id::text AS job_id, name, seconds FROM ${table} WHERE job_id IN (5001, 5002) ORDER BY job_id, name`);
  expect(await timings('metrics_job_step')).toEqual([
    { job_id: '5001', name: 'e2e', seconds: 20 },
    { job_id: '5001', name: 'up', seconds: 8.25 },
  ]);
  expect(await timings('metrics_job_section')).toEqual([
    { job_id: '5001', name: 'prepare_executor', seconds: 1.5 },
    { job_id: '5001', name: 'step_script', seconds: 30 },
  ]);
}

const FROM = '2024-03-02T00:00:00Z';
const TO = '2024-03-10T23:59:59Z';

/** Saves the corpus and checks the seed's three queries against values computed here. */
export async function checkGrafanaQueries(store: PostgresStore, client: SqlClient): Promise<void> {
  const corpus = grafanaCorpus();
  for (const payload of corpus) expect(await store.save(payload)).toBe('created');
  const selected = corpus.filter(
    (p) =>
      p.project === 'test/project' &&
      p.ref === (p.pipeline?.default_branch ?? 'master') &&
      Date.parse(p.created_at) >= Date.parse(FROM) &&
      Date.parse(p.created_at) <= Date.parse(TO),
  );
  expect(selected.length).toBeGreaterThan(5);
  const run = async (sql: string) => (await client.query(fillGrafana(sql, 'test/project', FROM, TO)))[0]!;
  expect(Number((await run(PIPELINES_COUNT)).count)).toBe(selected.length);
  const quantiles = (values: number[]) => ({
    p50: percentileCont(values, 0.5),
    p80: percentileCont(values, 0.8),
    p95: percentileCont(values, 0.95),
  });
  expectClose(await run(TIME_TO_E2E), quantiles(selected.map((p) => p.duration - p.duration_e2e)));
  expectClose(await run(TOTAL_E2E), quantiles(selected.filter((p) => !p.has_restarts).map((p) => p.duration_e2e)));
}

function expectClose(actual: Record<string, unknown>, expected: Record<string, number | null>): void {
  for (const [key, value] of Object.entries(expected)) expect(Number(actual[key])).toBeCloseTo(value!, 9);
}
