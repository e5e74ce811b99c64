import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchJobGraph, graphqlUrl } from '../../src/gitlab/index.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { fixtureNeeds, PIPELINE_IID, previousStageNames } from '../fixtures/gitlab/graphql.js';
import { FIXTURE_TOKEN, startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

let fixture: PipelineFixture;
let server: FixtureServer | undefined;
beforeAll(() => {
  fixture = generatePipeline({ jobs: 250 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request = (s: FixtureServer, token = FIXTURE_TOKEN) => ({
  apiUrl: s.apiUrl,
  token,
  projectPath: fixture.projectPath,
  pipelineIid: PIPELINE_IID,
});

describe('fetchJobGraph (loopback GitLab GraphQL)', () => {
  it('reads every job in pages of 100 and keeps one node per job name', async () => {
    server = await startGitlabServer({ fixture });
    const result = await fetchJobGraph(request(server));
    const names = new Set(fixture.attempts.map((a) => a.name));
    expect(result.requests).toBe(Math.ceil(fixture.attempts.length / 100));
    expect(server.requests.filter((r) => r.path === '/api/graphql')).toHaveLength(result.requests);
    expect(result.nodes.map((n) => n.name).sort()).toEqual([...names].sort());
    const e2e = result.nodes.find((n) => n.name === 'e2e-03')!;
    expect(e2e).toEqual({
      name: 'e2e-03',
      stage: 'test',
      schedulingType: 'dag',
      needs: fixtureNeeds(e2e),
      previousStageJobs: previousStageNames(fixture, 'test'),
    });
    const unit = result.nodes.find((n) => n.name === 'unit')!;
    expect(unit).toMatchObject({ schedulingType: 'stage', needs: [] });
    expect(unit.previousStageJobs.sort()).toEqual(previousStageNames(fixture, 'test').sort());
    expect(unit.previousStageJobs).toContain('lint:experimental');
  });

  it('fails with GitLab’s message on a rejected token, and on an unknown pipeline', async () => {
    server = await startGitlabServer({ fixture });
    await expect(fetchJobGraph(request(server, 'revoked'))).rejects.toThrow(/Invalid token/);
    await expect(fetchJobGraph({ ...request(server), pipelineIid: 999 })).rejects.toThrow(
      /no pipeline !999 in project "qa-group\/platform\/web-app"/,
    );
  });

  it('GraphQL lives beside API v4', () => {
    expect(graphqlUrl('https://gitlab.example.test/gitlab/api/v4/')).toBe('https://gitlab.example.test/gitlab/api/graphql');
  });
});
