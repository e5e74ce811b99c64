import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../src/errors.js';
import { createGitlabClient, fetchPipelineSnapshot, type GitlabClientOptions } from '../../src/gitlab/index.js';
import { parseLogTimings } from '../../src/payload/log-timings.js';
import { expectedRequests } from '../fixtures/gitlab/expected.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { FIXTURE_TOKEN, startGitlabServer, type FixtureServer, type ServerOptions } from '../fixtures/gitlab/server.js';

let fixture: PipelineFixture;
let server: FixtureServer | undefined;

beforeAll(() => {
  fixture = generatePipeline({ jobs: 250 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: Partial<ServerOptions> = {}): Promise<FixtureServer> {
  server = await startGitlabServer({ fixture, ...options });
  return server;
}

function client(s: FixtureServer, options: Partial<GitlabClientOptions> = {}) {
  return createGitlabClient({
    baseUrl: s.apiUrl,
    token: FIXTURE_TOKEN,
    tokenInfo: { kind: 'private', source: 'GITLAB_TOKEN' },
    project: String(fixture.projectId),
    retryBudgetMs: 5000,
    baseDelayMs: 20,
    maxDelayMs: 100,
    ...options,
  });
}

/** e2e logs only: the ids the default log scope selects. */
const e2eLogIds = (f: PipelineFixture) =>
  f.attempts.filter((a) => /^e2e-\d+$/.test(a.name) && !a.retried && a.finishedMs !== null).map((a) => a.id);

function snapshot(
  s: FixtureServer,
  c = client(s),
  extra: { defaultBranch?: string; projectPath?: string } = { defaultBranch: 'main', projectPath: fixture.projectPath },
) {
  return fetchPipelineSnapshot(c, {
    pipelineId: fixture.pipelineId,
    apiUrl: s.apiUrl,
    selectLogs: () => e2eLogIds(fixture),
    ...extra,
  });
}

const arrivals = (s: FixtureServer, pattern: RegExp) => s.requests.filter((r) => pattern.test(r.path));

describe('GitLab client: job logs are streamed into the parser', () => {
  it('gives, for every log, the timings of the whole-text parser; also for 1 MB logs that arrive in many chunks', async () => {
    const ids = e2eLogIds(fixture);
    const pad = '✓ проверка — ok\rprogress 100%\n'.repeat(30_000);
    const big = { ...fixture, logs: new Map([...fixture.logs].map(([id, log]) => [id, ids.includes(id) ? pad + log : log])) };
    for (const f of [fixture, big]) {
      const s = await serve({ fixture: f });
      const logs = await client(s, { retryBudgetMs: 60_000, attemptTimeoutMs: 60_000 }).getJobLogs(
        ids.map((id) => ({ id, erased: false })),
      );
      expect([...logs.keys()]).toEqual(ids);
      for (const id of ids) expect(logs.get(id)).toStrictEqual({ kind: 'ok', timings: parseLogTimings(f.logs.get(id)!) });
      expect([...logs.values()].every((t) => t.kind === 'ok' && t.timings.realTimes.length > 0)).toBe(true);
      if (f !== big) await s.close(); // afterEach closes the last one
    }
  });
});

describe('GitLab client: pagination and request count', () => {
  it('reads page 1, then pages 2..X-Total-Pages concurrently: 1 + ceil(attempts/100) + bridges + test summary + logs requests', async () => {
    const s = await serve({ latencyMs: 40 });
    const c = client(s);
    const snap = await snapshot(s, c);
    const want = expectedRequests(fixture);
    expect(fixture.attempts.length).toBe(259);
    expect(snap.jobs.map((j) => j.id).sort((a, b) => a - b)).toEqual(fixture.attempts.map((a) => a.id));
    expect(snap.logs.size).toBe(want.logs);
    expect(snap.bridges).toEqual([]);
    expect(snap.testReport).toEqual({ total: { time: 0, count: 0, success: 0, failed: 0, skipped: 0, error: 0 } });
    expect(want.total).toBe(1 + 3 + 1 + 1 + 10);
    expect(s.requests).toHaveLength(want.total);
    expect(c.stats.requests).toBe(want.total);
    expect(c.stats.byKind).toEqual({ project: 0, pipeline: 1, jobs: 3, bridges: 1, test_report: 1, log: 10 });
    const pages = arrivals(s, /\/jobs\?/);
    expect(pages.map((r) => new URL(r.path, 'http://x').searchParams.get('page'))).toEqual(['1', '2', '3']);
    // pages 2 and 3 were both in flight before either answered
    expect(Math.abs(pages[2]!.at - pages[1]!.at)).toBeLessThan(30);
    expect(pages[1]!.at - pages[0]!.at).toBeGreaterThanOrEqual(39);
    expect(new URL(pages[0]!.path, 'http://x').searchParams.get('include_retried')).toBe('true');
    expect(new URL(pages[0]!.path, 'http://x').searchParams.get('per_page')).toBe('100');
  });

  it('follows X-Next-Page one page at a time when GitLab omits X-Total-Pages (above 10 000 rows)', async () => {
    const s = await serve({ latencyMs: 20, omitTotals: true });
    const snap = await snapshot(s);
    expect(snap.jobs).toHaveLength(fixture.attempts.length);
    const pages = arrivals(s, /\/jobs\?/);
    expect(pages).toHaveLength(3);
    expect(pages[2]!.at - pages[1]!.at).toBeGreaterThanOrEqual(19);
  });

  it('asks for the project only when the default branch or the path is unknown', async () => {
    const s = await serve();
    const known = await snapshot(s, client(s), { defaultBranch: 'main' });
    expect(known.projectPath).toBe(fixture.projectPath); // from the pipeline's web_url
    expect(arrivals(s, /\/projects\/\d+$/)).toHaveLength(0);
    const unknown = await snapshot(s, client(s), {});
    expect(unknown.defaultBranch).toBe('main');
    expect(unknown.projectPath).toBe(fixture.projectPath);
    expect(arrivals(s, /\/projects\/\d+$/)).toHaveLength(1);
  });

  it('tells onPipeline once, with the first round trip: the path the snapshot carries and how many job pages there are', async () => {
    const s = await serve({ latencyMs: 30 });
    const told: Array<{ id: number; path: string; jobPages: number; at: number }> = [];
    const snap = await fetchPipelineSnapshot(client(s), {
      pipelineId: fixture.pipelineId,
      apiUrl: s.apiUrl,
      selectLogs: () => e2eLogIds(fixture),
      defaultBranch: 'main',
      onPipeline: (pipeline, path, jobPages) => told.push({ id: pipeline.id, path, jobPages, at: performance.now() }),
    });
    expect(told).toEqual([
      { id: fixture.pipelineId, path: snap.projectPath, jobPages: Math.ceil(fixture.attempts.length / 100), at: expect.any(Number) },
    ]);
    expect(fixture.attempts.length).toBeGreaterThan(100);
    const logs = arrivals(s, /\/trace$/);
    expect(logs.length).toBeGreaterThan(0);
    expect(told[0]!.at).toBeLessThanOrEqual(Math.min(...logs.map((r) => r.doneAt)));
  });

  it('URL-encodes a project path', async () => {
    const s = await serve();
    const snap = await snapshot(s, client(s, { project: fixture.projectPath }));
    expect(snap.projectId).toBe(fixture.projectId);
    expect(s.requests[0]!.path).toContain('/projects/qa-group%2Fplatform%2Fweb-app/');
  });
});

describe('GitLab client: retries', () => {
  it('honours Retry-After (seconds) on 429', async () => {
    const s = await serve({
      faults: [{ path: /\/jobs\?.*page=1(&|$)/, kind: 'status', status: 429, headers: { 'retry-after': '1' }, times: 1 }],
    });
    const c = client(s);
    const snap = await snapshot(s, c);
    expect(snap.jobs).toHaveLength(fixture.attempts.length);
    const first = arrivals(s, /\/jobs\?.*page=1(&|$)/);
    expect(first.map((r) => r.status)).toEqual([429, 200]);
    expect(first[1]!.at - first[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(c.stats.retries).toBe(1);
  });

  it('honours RateLimit-Reset (Unix seconds) on 429 without Retry-After', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    const s = await serve({
      faults: [{ path: /\/pipelines\/\d+$/, kind: 'status', status: 429, headers: { 'ratelimit-reset': String(reset) }, times: 1 }],
    });
    const c = client(s);
    await snapshot(s, c);
    const calls = arrivals(s, /\/pipelines\/\d+$/);
    expect(calls.map((r) => r.status)).toEqual([429, 200]);
    expect(performance.timeOrigin + calls[1]!.at).toBeGreaterThanOrEqual(reset * 1000 - 5);
  });

  it('retries a 500 and then succeeds', async () => {
    const s = await serve({ faults: [{ path: /\/pipelines\/\d+$/, kind: 'status', status: 500, times: 1 }] });
    const c = client(s);
    const snap = await snapshot(s, c);
    expect(snap.pipeline.id).toBe(fixture.pipelineId);
    expect(arrivals(s, /\/pipelines\/\d+$/).map((r) => r.status)).toEqual([500, 200]);
    expect(c.stats.retries).toBe(1);
  });

  it('retries a network error (connection dropped)', async () => {
    const s = await serve({ faults: [{ path: /\/trace$/, kind: 'drop', times: 2 }] });
    const c = client(s);
    const snap = await snapshot(s, c);
    expect(snap.logs.size).toBe(e2eLogIds(fixture).length);
    expect(c.stats.retries).toBe(2);
  });

  it('gives up within the retry budget when GitLab keeps failing', async () => {
    const s = await serve({ faults: [{ path: /\/pipelines\/\d+$/, kind: 'status', status: 503, times: Infinity }] });
    const started = performance.now();
    const error = await snapshot(s, client(s, { retryBudgetMs: 600 })).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(503);
    expect((error as Error).message).toMatch(
      /GitLab could not be reached or kept failing: GET \/api\/v4\/projects\/4242\/pipelines\/987654 failed \d+ time\(s\) within 0\.6 s \(last: 503/,
    );
    expect(elapsed).toBeLessThan(1500);
    expect(arrivals(s, /\/pipelines\/\d+$/).length).toBeGreaterThanOrEqual(3);
  });

  it('times out a hanging attempt and fails within the budget', async () => {
    const s = await serve({ latencyMs: 2000 });
    const started = performance.now();
    const error = await client(s, { attemptTimeoutMs: 150, retryBudgetMs: 500 })
      .getPipeline(fixture.pipelineId)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/last: request timed out/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('fails at once when a Retry-After exceeds the budget', async () => {
    const s = await serve({
      faults: [{ path: /\/pipelines\/\d+$/, kind: 'status', status: 429, headers: { 'retry-after': '120' }, times: 1 }],
    });
    const error = await client(s)
      .getPipeline(fixture.pipelineId)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/rate-limited the request and asked to wait 120\.\d s, beyond the retry budget/);
    expect(s.requests).toHaveLength(1);
  });
});

describe('GitLab client: error messages', () => {
  it('401: names the token source and the read_api scope', async () => {
    const s = await serve();
    const error = await client(s, { token: 'wrong' })
      .getPipeline(fixture.pipelineId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(401);
    expect((error as Error).message).toMatch(/^GitLab rejected the token from GITLAB_TOKEN \(401 Unauthorized\).*read_api/);
    expect((error as Error).message).not.toMatch(/CI_JOB_TOKEN/);
    expect(s.requests).toHaveLength(1);
  });

  it('401 with CI_JOB_TOKEN: explains the job token limits', async () => {
    const s = await serve({ jobToken: 'job-token', jobTokenStatus: 401 });
    const c = client(s, { token: 'job-token', tokenInfo: { kind: 'job', source: 'CI_JOB_TOKEN' } });
    const error = await c.listJobs(fixture.pipelineId).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/The token used is CI_JOB_TOKEN: .*job lists and job logs.*Set GITLAB_TOKEN/);
  });

  it('403 on job logs: scope or Reporter access', async () => {
    const s = await serve({ forbidden: /\/trace$/ });
    const error = await snapshot(s).catch((e: unknown) => e);
    expect((error as UpstreamError).status).toBe(403);
    expect((error as Error).message).toMatch(
      /^GitLab refused access to the log of job \d+ in project "4242" \(403 Forbidden\).*read_api.*Reporter/,
    );
  });

  it('404: says whether the project or the pipeline is missing', async () => {
    const s = await serve();
    const noProject = await client(s, { project: 'nope/missing' })
      .getPipeline(fixture.pipelineId)
      .catch((e: unknown) => e);
    expect((noProject as Error).message).toMatch(/^project "nope\/missing" was not found: check --project/);
    const wrongPipeline = await client(s)
      .getPipeline(1)
      .catch((e: unknown) => e);
    expect((wrongPipeline as Error).message).toMatch(/^pipeline 1 was not found in project "4242": check --pipeline/);
  });

  it('validates responses and names the failing path', async () => {
    const s = await serve({
      faults: [{ path: /\/pipelines\/\d+$/, kind: 'status', status: 200, body: { id: 'x', ref: 'main' }, times: 1 }],
    });
    const error = await client(s)
      .getPipeline(fixture.pipelineId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.split(':')[0])).toEqual(['id', 'project_id', 'status', 'created_at']);
    expect((error as Error).message).toMatch(/^GitLab pipeline 987654 is invalid/);
  });
});
