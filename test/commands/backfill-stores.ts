import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlClient } from '../../src/store/postgres/client.js';
import { openClickhouseClient } from '../../src/store/clickhouse/client.js';
import { isCompleted } from '../../src/payload/statuses.js';
import type { StoreUnderTest, StoreView } from './backfill-suite.js';

const UNFINISHED = ['running', 'created', 'pending'];

/** Postgres (a server URL or a PGlite directory), read back with SQL. */
export function postgresUnderTest(spec: string, extra: Partial<StoreUnderTest> = {}): StoreUnderTest {
  return {
    delivery: { db: spec },
    async read() {
      const client = await openSqlClient(spec);
      try {
        const pipelines = await client.query<{ pipeline_id: string; status: string | null; finished_at: unknown; critical: boolean }>(
          'SELECT pipeline_id, status, finished_at, critical_path_duration IS NOT NULL AS critical FROM metrics_pipeline',
        );
        const attempts = await client.query<{ pipeline_id: string; n: number; unfinished: number }>(
          'SELECT pipeline_id, count(*)::int AS n, count(*) FILTER (WHERE status = ANY($1::text[]))::int AS unfinished FROM metrics_job_attempt GROUP BY pipeline_id',
          [UNFINISHED],
        );
        return view(
          pipelines.map((r) => [r.pipeline_id, r.status ?? '', r.finished_at !== null, r.critical]),
          attempts.map((r) => [r.pipeline_id, r.n, r.unfinished]),
        );
      } finally {
        await client.close();
      }
    },
    expectedAttempts: (payload) => payload.attempts?.length ?? 0,
    close: async () => undefined,
    ...extra,
  };
}

export async function pgliteUnderTest(): Promise<StoreUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-backfill-pglite-'));
  return postgresUnderTest(dir, { close: () => rm(dir, { recursive: true, force: true }) });
}

export async function chdbUnderTest(): Promise<StoreUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-backfill-chdb-'));
  return {
    delivery: { clickhouse: dir },
    async read() {
      const handle = await openClickhouseClient(dir);
      try {
        const rows = async <T>(query: string) => (await handle.client.query({ query, format: 'JSONEachRow' })).json<T>();
        // critical_path_duration is 0 when the pipeline has no critical path (migration 0004)
        const pipelines = await rows<{ id: string; status: string; f: string; c: number }>(
          'SELECT toString(id) AS id, status, toString(finished_at) AS f, critical_path_duration > 0 AS c FROM ci_finished_pipelines FINAL',
        );
        const builds = await rows<{ p: string; n: string }>(
          'SELECT toString(pipeline_id) AS p, toString(count()) AS n FROM ci_finished_builds FINAL GROUP BY pipeline_id',
        );
        return view(
          pipelines.map((r) => [r.id, r.status, !r.f.startsWith('1970-01-01'), Boolean(r.c)]),
          builds.map((r) => [r.p, Number(r.n), 0]),
        );
      } finally {
        await handle.close();
      }
    },
    expectedAttempts: (payload) => (payload.attempts ?? []).filter((a) => isCompleted(a.status)).length,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

function view(pipelines: Array<[string, string, boolean, boolean]>, attempts: Array<[string, number, number]>): StoreView {
  return {
    pipelines: new Map(pipelines.map(([id, status, finished]) => [Number(id), { status, finished }])),
    withCriticalPath: new Set(pipelines.filter(([, , , critical]) => critical).map(([id]) => Number(id))),
    attempts: new Map(attempts.map(([id, n]) => [Number(id), n])),
    unfinishedAttempts: new Map(attempts.map(([id, , u]) => [Number(id), u])),
    pipelineRows: pipelines.length,
  };
}
