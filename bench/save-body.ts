/**
 * The request body of the serve benches (serve.bench.ts over HTTP, clickhouse-save.bench.ts
 * through the store): the seed's example plus GitLab's pipeline and ATTEMPTS finished job
 * attempts, ids derived from the pipeline id, so ClickHouse writes builds, not only a pipeline row.
 */
import { readFileSync } from 'node:fs';

const SEED = JSON.parse(readFileSync(new URL('../examples/payloads/seed-example.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
export const ATTEMPTS = 20;

/** The seed body plus GitLab's pipeline and ATTEMPTS finished attempts, for pipeline `id` (a body of POST /save_metrics). */
export function saveBody(id: number): Record<string, unknown> {
  // the pipeline must agree with the seed fields (ref, created_at), as the stores check
  const start = Date.parse(String(SEED.created_at));
  const iso = (ms: number) => new Date(ms).toISOString();
  const attempts = Array.from({ length: ATTEMPTS }, (_, k) => ({
    id: id * 100 + k,
    name: `job-${k}`,
    stage: `stage-${k % 4}`,
    status: k % 7 === 0 ? 'failed' : 'success',
    allow_failure: false,
    failure_reason: k % 7 === 0 ? 'script_failure' : null,
    created_at: iso(start + k * 1000),
    started_at: iso(start + k * 1000 + 2000),
    finished_at: iso(start + k * 1000 + 62_000),
    duration: 60,
    queued_duration: 2,
    retried: false,
    runner: { id: 7, runner_type: 'instance_type' },
  }));
  const pipeline = {
    id,
    project_id: 42,
    status: 'success',
    source: 'push',
    ref: SEED.ref,
    sha: 'a'.repeat(40),
    created_at: iso(start),
    started_at: iso(start),
    finished_at: iso(start + 90_000),
    duration: 90,
  };
  return { ...SEED, pipeline_id: id, project_id: 42, pipeline, attempts };
}
