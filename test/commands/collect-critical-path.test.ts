import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/commands/collect.js';
import { resolveCollectConfig } from '../../src/config/collect.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { expectedRequests, expectedSeed } from '../fixtures/gitlab/expected.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { fixtureNeeds, pipelineIid, previousStageNames } from '../fixtures/gitlab/graphql.js';
import { generateHierarchy } from '../fixtures/gitlab/hierarchy.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

let fixture: PipelineFixture;
let server: FixtureServer | undefined;
beforeAll(() => {
  fixture = generatePipeline({ jobs: 120, pipelineId: 5_550_001 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const collect = (s: FixtureServer, env: Record<string, string> = {}) =>
  runCollect(resolveCollectConfig({}, { ...ciEnvFor(fixture, s), ...env }), { retry: { baseDelayMs: 5, maxDelayMs: 20 } });

describe('collect: critical path from the GraphQL job graph', () => {
  it('annotates the payload: a chain of retries and dependencies ending with the last finish', async () => {
    server = await startGitlabServer({ fixture });
    const { payload, stats } = await collect(server);
    expect(stats.jobGraph).toEqual({ requests: expectedRequests(fixture).graphPages });
    const path = payload.critical_path!;
    const byId = new Map(fixture.attempts.map((a) => [a.id, a]));
    const finished = fixture.attempts.filter((a) => a.id !== fixture.selfJobId && a.finishedMs !== null);
    const last = finished.reduce((a, b) => (b.finishedMs! > a.finishedMs! ? b : a));
    expect(path.job_ids.at(-1)).toBe(last.id);
    // generate.ts: prepare-deps, then build-e2e failed and was retried 1 s later; e2e jobs need it
    const ids = (name: string) => fixture.attempts.filter((a) => a.name === name).map((a) => a.id);
    expect(path.job_ids.slice(0, 3)).toEqual([...ids('prepare-deps'), ...ids('build-e2e')]);
    for (let i = 1; i < path.job_ids.length; i++) {
      const [prev, next] = [byId.get(path.job_ids[i - 1]!)!, byId.get(path.job_ids[i]!)!];
      const waitedFor = fixtureNeeds(next) ?? previousStageNames(fixture, next.stage);
      expect(prev.name === next.name || waitedFor.includes(prev.name), `${prev.name} → ${next.name}`).toBe(true);
      expect(prev.finishedMs!).toBeLessThan(next.finishedMs!);
    }
    expect(path.duration).toBeCloseTo((last.finishedMs! - fixture.createdMs) / 1000, 3);
    const onPath = payload.attempts!.filter((a) => a.on_critical_path);
    expect(onPath.map((a) => a.id).sort()).toEqual([...path.job_ids].sort());
    const contributed = onPath.reduce((t, a) => t + a.critical_path_wait! + a.critical_path_queue! + a.critical_path_run!, 0);
    expect(contributed).toBeCloseTo(path.duration, 3);
    expect(payload.attempts!.filter((a) => a.on_critical_path === false)).toHaveLength(payload.attempts!.length - onPath.length);
  });

  it('GraphQL failing: the payload is still built, without a path, and says why', async () => {
    server = await startGitlabServer({ fixture, faults: [{ path: /^\/api\/graphql/, kind: 'status', status: 502, times: Infinity }] });
    const { payload, stats } = await collect(server);
    expect(payload.critical_path).toBeUndefined();
    expect(payload.attempts!.some((a) => 'on_critical_path' in a)).toBe(false);
    expect(payload.jobs).toEqual(expectedSeed(fixture).jobs);
    expect(stats.jobGraph.requests).toBe(1);
    expect(stats.jobGraph.skipped).toMatch(/^GitLab GraphQL job graph unavailable: .*502/);
  });

  it('GraphQL failing part-way (a dropped connection after a good page): no path, nothing else lost', async () => {
    server = await startGitlabServer({ fixture, faults: [{ path: /^\/api\/graphql/, kind: 'drop', times: 1, skip: 1 }] });
    const { payload, payloads, stats } = await collect(server);
    expect(payload.critical_path).toBeUndefined();
    expect(payload.jobs).toEqual(expectedSeed(fixture).jobs);
    expect(payloads).toHaveLength(1);
    expect(stats.jobGraph.requests).toBe(2);
    expect(stats.jobGraph.skipped).toMatch(/^GitLab GraphQL job graph unavailable: /);
    expect(stats.requests).toBe(expectedRequests(fixture).total + 2);
  });

  it('reads the job graph alongside the REST reads: GraphQL starts with the first round trip, not after the logs', async () => {
    server = await startGitlabServer({ fixture, latencyMs: 40 });
    const { payload, stats } = await collect(server);
    expect(payload.critical_path).toBeDefined();
    const expected = expectedRequests(fixture);
    expect(stats.requests).toBe(expected.withGraph);
    const graphql = server.requests.filter((r) => r.path.startsWith('/api/graphql'));
    const logs = server.requests.filter((r) => r.path.endsWith('/trace'));
    const jobPages = server.requests.filter((r) => /\/jobs\?/.test(r.path));
    expect(graphql).toHaveLength(expected.graphPages);
    expect(logs.length).toBeGreaterThan(0);
    // read after the REST reads, the first GraphQL request would come after the last log was answered
    const firstGraphql = Math.min(...graphql.map((r) => r.at));
    expect(firstGraphql).toBeLessThan(Math.min(...logs.map((r) => r.at)));
    expect(firstGraphql).toBeGreaterThanOrEqual(Math.min(...jobPages.map((r) => r.doneAt))); // needs the pipeline and page 1
  });

  it('CI_JOB_TOKEN only: no GraphQL request (GitLab refuses it there)', async () => {
    server = await startGitlabServer({ fixture, jobToken: 'job-token-1' });
    const env = { ...ciEnvFor(fixture, server), GITLAB_TOKEN: '', CI_JOB_TOKEN: 'job-token-1' };
    delete (env as Record<string, string | undefined>).GITLAB_TOKEN;
    const { payload, stats } = await runCollect(resolveCollectConfig({}, env));
    expect(payload.critical_path).toBeUndefined();
    expect(stats.jobGraph).toEqual({ requests: 0, skipped: expect.stringMatching(/CI_JOB_TOKEN/) });
    expect(server.requests.some((r) => r.path.startsWith('/api/graphql'))).toBe(false);
  });

  it('a child pipeline: its own graph, read while its logs are read, and its own critical path', async () => {
    const h = generateHierarchy();
    server = await startGitlabServer({ fixture: h.root, latencyMs: 40 });
    const { payloads, stats } = await runCollect(resolveCollectConfig({}, ciEnvFor(h.root, server)), {
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    expect(payloads.map((p) => p.pipeline_id)).toEqual([h.root.pipelineId, h.child.pipelineId]);
    expect(stats.jobGraph.skipped).toBeUndefined();
    const childIds = new Set(h.child.attempts.map((a) => a.id));
    expect(payloads[1]!.critical_path!.job_ids.length).toBeGreaterThan(0);
    expect(payloads[1]!.critical_path!.job_ids.every((id) => childIds.has(id))).toBe(true);
    const graphFor = (iid: number) =>
      server!.requests.filter(
        (r) => r.path.startsWith('/api/graphql') && (JSON.parse(r.body!) as { variables: { iid: string } }).variables.iid === String(iid),
      );
    const childGraph = graphFor(pipelineIid(h.child));
    expect(childGraph).toHaveLength(1);
    expect(graphFor(pipelineIid(h.root))).toHaveLength(expectedRequests(h.root).graphPages);
    const childLogs = server.requests.filter((r) => h.child.attempts.some((a) => r.path.endsWith(`/jobs/${a.id}/trace`)));
    expect(childLogs.length).toBeGreaterThan(0);
    // read after every REST request of the hierarchy, it would start after the child's logs were answered
    expect(childGraph[0]!.at).toBeLessThan(Math.min(...childLogs.map((r) => r.doneAt)));
  });
});
