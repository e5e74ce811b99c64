import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlClient, type SqlClient } from '../../src/store/postgres/client.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { expectedRetried, generateHierarchy, type HierarchyFixture } from '../fixtures/gitlab/hierarchy.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';
import { REPO_ROOT, runCli, type CliRun } from '../server/cli-process.js';

/**
 * Issue 8's "done when": a parent pipeline with a retried e2e job, a 404 log, an empty log of a
 * failed e2e job, a canceled job that never started, runner managers and a bridge to a child
 * pipeline (itself with a retried job). `collect --push` into embedded Postgres and embedded
 * ClickHouse exits 0, stores derived retried flags, the child linked to its parent, and `query`
 * answers "retries per job" and "child pipeline duration per parent".
 */
let h: HierarchyFixture;
let gitlab: FixtureServer;
let dir: string;
let first: CliRun;
let pg: SqlClient;

beforeAll(async () => {
  h = generateHierarchy();
  gitlab = await startGitlabServer({ fixture: h.root });
  dir = await mkdtemp(join(tmpdir(), 'pm-collect-hierarchy-'));
  first = await runCli(['collect', '--push', '--db', join(dir, 'pg'), '--clickhouse', join(dir, 'ch')], { env: ciEnvFor(h.root, gitlab) });
  pg = await openSqlClient(join(dir, 'pg'));
}, 120_000);

afterAll(async () => {
  await pg?.close();
  await gitlab?.close();
  await rm(dir, { recursive: true, force: true });
});

const query = async (file: string) => {
  const args = ['query', join(REPO_ROOT, 'examples/queries', file), '--clickhouse', join(dir, 'ch'), '--format', 'json'];
  const run = await runCli([...args, '--from', '2024-04-30T00:00:00Z', '--to', '2024-05-03T00:00:00Z']);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { columns: string[]; rows: unknown[][] };
};

describe('collect --push on a pipeline hierarchy with real-GitLab cases', () => {
  it('exits 0, delivers parent and child, and notes the unavailable logs once', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const id of [h.root.pipelineId, h.child.pipelineId]) {
      expect(first.stderr).toMatch(new RegExp(`delivered pipeline ${id} → embedded at .*pg: created`));
      expect(first.stderr).toMatch(new RegExp(`delivered pipeline ${id} → embedded at .*ch: created`));
    }
    const notes = first.stderr.split('\n').filter((l) => l.startsWith('note: '));
    expect(notes).toEqual([
      `note: pipeline ${h.root.pipelineId}: 2 job log(s) unavailable, stored without timings: ` +
        `"${h.missingLogJob.name}" #${h.missingLogJob.id} (missing), "${h.emptyLogJob.name}" #${h.emptyLogJob.id} (empty)`,
    ]);
    expect(first.stderr).toMatch(/\(\+1 downstream\)/);
  });

  it('stores retried flags derived from attempt ids, in both pipelines', async () => {
    for (const f of [h.root, h.child]) {
      const rows = await pg.query<{ job_id: string; retried: boolean }>(
        "SELECT job_id::text, retried FROM metrics_job_attempt WHERE pipeline_id = $1 AND kind = 'build' ORDER BY job_id",
        [f.pipelineId],
      );
      const want = expectedRetried({ ...f, attempts: f.attempts.filter((a) => a.id !== f.selfJobId) });
      expect(rows.map((r) => [Number(r.job_id), r.retried])).toEqual([...want].sort((a, b) => a[0] - b[0]));
      expect(rows.filter((r) => r.retried).length).toBeGreaterThan(0);
    }
    const retries = await pg.query<{ name: string; retries: number }>(
      'SELECT name, retries FROM metrics_job_retries WHERE pipeline_id = $1 AND retries > 0 ORDER BY name',
      [h.root.pipelineId],
    );
    expect(retries.map((r) => `${r.name}:${r.retries}`)).toEqual(['build-e2e:1', 'deploy-0004:1', 'e2e-03:1', 'e2e-05:2']);
  });

  it('links the child to its parent and the bridge; the bridge is a kind=bridge attempt', async () => {
    const [child] = await pg.query<Record<string, unknown>>(
      'SELECT parent_pipeline_id::text, parent_bridge_id::text, root_pipeline_id::text, name, source FROM metrics_pipeline WHERE pipeline_id = $1',
      [h.child.pipelineId],
    );
    expect(child).toEqual({
      parent_pipeline_id: String(h.root.pipelineId),
      parent_bridge_id: String(h.bridge.id),
      root_pipeline_id: String(h.root.pipelineId),
      name: 'child: e2e matrix',
      source: 'parent_pipeline',
    });
    const [bridge] = await pg.query<Record<string, unknown>>(
      'SELECT kind, downstream_pipeline_id::text, downstream_project_id::text, runner_id FROM metrics_job_attempt WHERE job_id = $1',
      [h.bridge.id],
    );
    expect(bridge).toEqual({
      kind: 'bridge',
      downstream_pipeline_id: String(h.child.pipelineId),
      downstream_project_id: String(h.child.projectId),
      runner_id: null,
    });
    const children = await pg.query('SELECT parent_pipeline_id::text, children FROM metrics_child_pipelines');
    expect(children).toEqual([{ parent_pipeline_id: String(h.root.pipelineId), children: 1 }]);
    const [root] = await pg.query<Record<string, unknown>>(
      'SELECT name, test_total_count::int, test_failed_count::int, hierarchy_duration FROM metrics_pipeline WHERE pipeline_id = $1',
      [h.root.pipelineId],
    );
    expect(root).toMatchObject({ name: 'main pipeline', test_total_count: 120, test_failed_count: 2 });
    expect(Number(root!.hierarchy_duration)).toBeGreaterThan(0);
  });

  it('degrades: missing and empty logs, a never-started job with null durations, runner managers kept', async () => {
    const rows = await pg.query<Record<string, unknown>>(
      'SELECT job_id::text, log_status, duration, queued_duration, queued_at FROM metrics_job_attempt WHERE job_id = ANY($1::bigint[]) ORDER BY job_id',
      [[h.missingLogJob.id, h.emptyLogJob.id, h.neverStarted.id]],
    );
    expect(rows.map((r) => [Number(r.job_id), r.log_status])).toEqual([
      [h.missingLogJob.id, 'missing'],
      [h.emptyLogJob.id, 'empty'],
      [h.neverStarted.id, null],
    ]);
    expect(rows[2]).toMatchObject({ duration: null, queued_duration: null, queued_at: null });
    const steps = await pg.query('SELECT count(*)::int AS n FROM metrics_job_step WHERE job_id = ANY($1::bigint[])', [
      [h.missingLogJob.id, h.emptyLogJob.id],
    ]);
    expect(steps).toEqual([{ n: 0 }]);
    const managers = await pg.query<{ v: string; n: number }>(
      'SELECT runner_manager_version AS v, count(*)::int AS n FROM metrics_job_attempt WHERE runner_id IS NOT NULL GROUP BY 1',
    );
    expect(managers.map((m) => m.v)).toEqual(['17.0.0']);
  });

  it('query answers "retries per job" and "child pipeline duration per parent" from ClickHouse', async () => {
    const retries = await query('retries-per-job.yaml');
    expect(retries.columns).toEqual(['job', 'attempts', 'retries', 'flakySuccesses', 'pipelines']);
    // e2e-05 failed twice, then succeeded, in both pipelines: 3 attempts, 2 retries, 1 flaky success each
    expect(retries.rows[0]).toEqual(['e2e-05', 6, 4, 2, 2]);
    const children = await query('child-pipeline-duration.yaml');
    expect(children.columns).toEqual(['parent', 'children', 'childSeconds', 'longestChildSeconds']);
    expect(children.rows).toHaveLength(1);
    expect(children.rows[0]!.slice(0, 2)).toEqual([h.root.pipelineId, 1]);
    expect(Number(children.rows[0]![2])).toBeGreaterThan(0);
  });
});
