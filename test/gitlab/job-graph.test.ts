import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchJobGraph, graphqlUrl } from '../../src/gitlab/index.js';
import { expectedRequests } from '../fixtures/gitlab/expected.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { fixtureNeeds, PIPELINE_IID, previousStageNames } from '../fixtures/gitlab/graphql.js';
import { FIXTURE_TOKEN, startGitlabServer, type FixtureServer, type RecordedRequest } from '../fixtures/gitlab/server.js';

let fixture: PipelineFixture;
let large: PipelineFixture;
let server: FixtureServer | undefined;
beforeAll(() => {
  fixture = generatePipeline({ jobs: 250 });
  large = generatePipeline({ jobs: 1000 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = (s: FixtureServer, token = FIXTURE_TOKEN, f = fixture) => ({
  apiUrl: s.apiUrl,
  token,
  projectPath: f.projectPath,
  pipelineIid: PIPELINE_IID,
});

const graphqlRequests = (s: FixtureServer) => s.requests.filter((r) => r.path === '/api/graphql');

/** Requests grouped by round trip: a request joins a round trip while its first request is unanswered. */
function roundTrips(requests: RecordedRequest[]): number[] {
  const trips: RecordedRequest[][] = [];
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    const current = trips.at(-1);
    if (current && r.at < current[0]!.doneAt) current.push(r);
    else trips.push([r]);
  }
  return trips.map((t) => t.length);
}

const latestNames = (f: PipelineFixture) => [...new Set(f.attempts.map((a) => a.name))].sort();

describe('fetchJobGraph (loopback GitLab GraphQL)', () => {
  it('reads every job’s latest attempt, 100 per request, and keeps one node per job name', async () => {
    server = await startGitlabServer({ fixture });
    const result = await fetchJobGraph(request(server));
    expect(result.requests).toBe(expectedRequests(fixture).graphPages);
    expect(graphqlRequests(server)).toHaveLength(result.requests);
    expect(result.nodes.map((n) => n.name).sort()).toEqual(latestNames(fixture));
    const e2e = result.nodes.find((n) => n.name === 'e2e-03')!;
    expect({ ...e2e, previousStageJobs: [...e2e.previousStageJobs].sort() }).toEqual({
      name: 'e2e-03',
      stage: 'test',
      schedulingType: 'dag',
      needs: fixtureNeeds(e2e),
      previousStageJobs: previousStageNames(fixture, 'test').sort(),
    });
    const unit = result.nodes.find((n) => n.name === 'unit')!;
    expect(unit).toMatchObject({ schedulingType: 'stage', needs: [] });
    expect([...unit.previousStageJobs].sort()).toEqual(previousStageNames(fixture, 'test').sort());
    expect(unit.previousStageJobs).toContain('lint:experimental');
    expect(result.nodes.find((n) => n.stage === 'prepare')!.previousStageJobs).toEqual([]);
  });

  it('a stage of more than 100 jobs: every one of them is a previous-stage job (GitLab pages that list at 100)', async () => {
    server = await startGitlabServer({ fixture: large });
    const { nodes } = await fetchJobGraph(request(server, FIXTURE_TOKEN, large));
    for (const stage of ['build', 'test', 'deploy', 'metrics']) {
      const previous = previousStageNames(large, stage);
      expect(previous.length).toBeGreaterThan(100);
      expect(nodes.some((n) => n.stage === stage && n.schedulingType === 'stage')).toBe(true);
      for (const node of nodes.filter((n) => n.stage === stage && n.schedulingType === 'stage'))
        expect([...node.previousStageJobs].sort(), node.name).toEqual([...previous].sort());
    }
  });

  it('reads the list from both ends at once: ceil(jobs / 100) requests in 1 + ceil((jobs − 100) / 200) round trips', async () => {
    server = await startGitlabServer({ fixture: large, latencyMs: 40 });
    const result = await fetchJobGraph(request(server, FIXTURE_TOKEN, large));
    expect(result.nodes.map((n) => n.name).sort()).toEqual(latestNames(large));
    expect(large.attempts.filter((a) => !a.retried)).toHaveLength(1000);
    expect(result.requests).toBe(10);
    // one after another this would be 10 round trips
    expect(roundTrips(graphqlRequests(server))).toEqual([1, 2, 2, 2, 2, 1]);
    const bodies = graphqlRequests(server).map((r) => JSON.parse(r.body!) as { query: string; variables: Record<string, unknown> });
    expect(bodies.filter((b) => b.query.includes('last: 100'))).toHaveLength(4);
    expect(bodies.filter((b) => b.variables.withCount === true)).toHaveLength(1);
  });

  it('told the list is long: both ends from the first round trip, ceil(jobs / 200) round trips', async () => {
    server = await startGitlabServer({ fixture: large, latencyMs: 40 });
    const result = await fetchJobGraph({ ...request(server, FIXTURE_TOKEN, large), startAtBothEnds: true });
    expect(result.nodes.map((n) => n.name).sort()).toEqual(latestNames(large));
    expect(result.requests).toBe(expectedRequests(large).graphPages);
    expect(roundTrips(graphqlRequests(server))).toEqual([2, 2, 2, 2, 2]);
    expect(expectedRequests(large).graphRoundTrips).toBe(5);
  });

  it('more jobs than GitLab counts (1000): both ends are read until they meet', async () => {
    const huge = generatePipeline({ jobs: 1150 });
    server = await startGitlabServer({ fixture: huge });
    const result = await fetchJobGraph(request(server, FIXTURE_TOKEN, huge));
    expect(result.nodes.map((n) => n.name).sort()).toEqual(latestNames(huge));
    const pages = expectedRequests(huge).graphPages;
    expect(result.requests).toBeGreaterThanOrEqual(pages);
    expect(result.requests).toBeLessThanOrEqual(pages + 1);
  });

  it('fails with GitLab’s message on a rejected token, and on an unknown pipeline', async () => {
    server = await startGitlabServer({ fixture });
    await expect(fetchJobGraph(request(server, 'revoked'))).rejects.toThrow(/Invalid token/);
    await expect(fetchJobGraph({ ...request(server), pipelineIid: 999 })).rejects.toThrow(
      /no pipeline !999 in project "qa-group\/platform\/web-app"/,
    );
  });

  it('a page failing after the first: the read fails (no partial graph) and starts nothing more', async () => {
    server = await startGitlabServer({
      fixture: large,
      faults: [{ path: /^\/api\/graphql/, kind: 'status', status: 502, times: 1, skip: 2 }],
    });
    let requests = 0;
    await expect(fetchJobGraph({ ...request(server, FIXTURE_TOKEN, large), onRequest: () => requests++ })).rejects.toThrow(/502/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(3); // the first page, then one round trip of two, one of which failed
    expect(graphqlRequests(server)).toHaveLength(3);
  });

  it('GraphQL lives beside API v4', () => {
    expect(graphqlUrl('https://gitlab.example.test/gitlab/api/v4/')).toBe('https://gitlab.example.test/gitlab/api/graphql');
  });
});
