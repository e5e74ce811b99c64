import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabClient, fetchPipelineHierarchy } from '../../src/gitlab/index.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { bridgeTo, finish } from '../fixtures/gitlab/hierarchy.js';
import { FIXTURE_TOKEN, startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

/**
 * A multi-project pipeline that has a child pipeline of its own: root (project 4343) triggers a
 * pipeline in project 5555, which triggers a child in 5555. Each is read from its own project.
 */
function finishedChild(options: Parameters<typeof generatePipeline>[0], parent: PipelineFixture): PipelineFixture {
  const f = finish(generatePipeline(options));
  f.parent = { pipelineId: parent.pipelineId, projectId: parent.projectId };
  return f;
}

let server: FixtureServer;
let root: PipelineFixture;
let other: PipelineFixture;
let grandchild: PipelineFixture;

beforeAll(async () => {
  root = generatePipeline({ jobs: 30, pipelineId: 6_100_001, firstJobId: 9_000_001, projectId: 4343, projectPath: 'qa-group/app' });
  const deploy = { projectId: 5555, projectPath: 'qa-group/deploy' };
  other = finishedChild({ jobs: 30, pipelineId: 6_100_002, firstJobId: 9_100_001, ...deploy }, root);
  grandchild = finishedChild({ jobs: 30, pipelineId: 6_100_003, firstJobId: 9_200_001, ...deploy }, other);
  root.bridges = [bridgeTo(root, other, 9_050_001)];
  root.children = [other];
  other.bridges = [bridgeTo(other, grandchild, 9_150_001)];
  other.children = [grandchild];
  server = await startGitlabServer({ fixture: root });
});
afterAll(async () => {
  await server?.close();
});

describe('fetchPipelineHierarchy across projects', () => {
  it("reads a multi-project pipeline's own child pipeline from that project, not the root's", async () => {
    const client = createGitlabClient({
      baseUrl: server.apiUrl,
      token: FIXTURE_TOKEN,
      tokenInfo: { kind: 'private', source: 'GITLAB_TOKEN' },
      project: String(root.projectId),
      retryBudgetMs: 5000,
    });
    const request = { pipelineId: root.pipelineId, apiUrl: server.apiUrl, projectPath: root.projectPath, selectLogs: () => [] };
    const { snapshots, notes } = await fetchPipelineHierarchy(client, request, { maxDepth: 3, maxPipelines: 10 });
    expect(notes).toEqual([]);
    expect(snapshots.map((s) => [s.pipeline.id, s.projectId, s.projectPath])).toEqual([
      [root.pipelineId, 4343, 'qa-group/app'],
      [other.pipelineId, 5555, 'qa-group/deploy'],
      [grandchild.pipelineId, 5555, 'qa-group/deploy'],
    ]);
    expect(server.requests.some((r) => r.path.startsWith(`/api/v4/projects/5555/pipelines/${grandchild.pipelineId}`))).toBe(true);
  });
});
