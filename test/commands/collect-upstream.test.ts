import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/commands/collect.js';
import { resolveCollectConfig } from '../../src/config/collect.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { bridgeTo, finish } from '../fixtures/gitlab/hierarchy.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

/**
 * A collector in the last stage of a downstream pipeline (a child or a multi-project pipeline)
 * collects that pipeline as the root of its collection: it is stored under its parent pipeline
 * and trigger job, with the root of the whole hierarchy, as the root's own collection stores it.
 * root (project 4343) → middle (5555, through bridge 9_050_001) → leaf (5555, bridge 9_150_001).
 */
let server: FixtureServer;
let root: PipelineFixture;
let middle: PipelineFixture;
let leaf: PipelineFixture;

beforeAll(async () => {
  root = generatePipeline({ jobs: 30, pipelineId: 7_100_001, firstJobId: 9_000_001, projectId: 4343, projectPath: 'qa-group/app' });
  const deploy = { projectId: 5555, projectPath: 'qa-group/deploy' };
  middle = generatePipeline({ jobs: 30, pipelineId: 7_100_002, firstJobId: 9_100_001, ...deploy });
  leaf = generatePipeline({ jobs: 30, pipelineId: 7_100_003, firstJobId: 9_200_001, ...deploy });
  middle.parent = { pipelineId: root.pipelineId, projectId: root.projectId };
  leaf.parent = { pipelineId: middle.pipelineId, projectId: middle.projectId };
  // iids are per project: the two pipelines of 5555 have their own
  leaf.iid = 314;
  // all finished (a finished hierarchy has a duration: the root's own collection stores one)
  for (const f of [root, middle, leaf]) finish(f);
  root.bridges = [bridgeTo(root, middle, 9_050_001)];
  root.children = [middle];
  middle.bridges = [bridgeTo(middle, leaf, 9_150_001)];
  middle.children = [leaf];
  server = await startGitlabServer({ fixture: root });
});
afterAll(async () => {
  await server?.close();
});

const collect = (f: PipelineFixture, env: Record<string, string> = {}) =>
  runCollect(resolveCollectConfig({}, { ...ciEnvFor(f, server), ...env }), { retry: { baseDelayMs: 5, maxDelayMs: 20 } });

describe('collect in a downstream pipeline', () => {
  it('stores it under its parent and trigger job, with the root of the hierarchy; its own downstream pipeline gets that root', async () => {
    const result = await collect(middle);
    const [own, below] = result.payloads;
    expect(own!.pipeline_id).toBe(middle.pipelineId);
    expect([own!.pipeline!.parent_pipeline_id, own!.pipeline!.parent_bridge_id, own!.pipeline!.root_pipeline_id]).toEqual([
      root.pipelineId,
      9_050_001,
      root.pipelineId,
    ]);
    // only a root has a hierarchy duration
    expect(own!.pipeline!.hierarchy_duration ?? null).toBeNull();
    expect(below!.pipeline_id).toBe(leaf.pipelineId);
    expect([below!.pipeline!.parent_pipeline_id, below!.pipeline!.parent_bridge_id, below!.pipeline!.root_pipeline_id]).toEqual([
      middle.pipelineId,
      9_150_001,
      root.pipelineId,
    ]);
    expect(result.notes).toContain(
      `pipeline ${middle.pipelineId} is a downstream pipeline: stored under pipeline ${root.pipelineId} ` +
        `(trigger job "trigger-${middle.pipelineId}" #9050001), root pipeline ${root.pipelineId}`,
    );
  });

  it('follows the chain up more than one level, one GraphQL request per level', async () => {
    const before = server.requests.length;
    const result = await collect(leaf);
    const [own] = result.payloads;
    expect([own!.pipeline!.parent_pipeline_id, own!.pipeline!.parent_bridge_id, own!.pipeline!.root_pipeline_id]).toEqual([
      middle.pipelineId,
      9_150_001,
      root.pipelineId,
    ]);
    const upstreamQueries = server.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/api/graphql') && r.body?.includes('pipelineUpstream'));
    // leaf → middle → root → none
    expect(upstreamQueries).toHaveLength(3);
  });

  it('leaves a root pipeline alone: no upstream asked for', async () => {
    const before = server.requests.length;
    const result = await collect(root);
    expect(result.payloads[0]!.pipeline!.parent_pipeline_id ?? null).toBeNull();
    expect(result.payloads[0]!.pipeline!.hierarchy_duration).toBeGreaterThan(0);
    expect(server.requests.slice(before).filter((r) => r.body?.includes('pipelineUpstream'))).toEqual([]);
  });

  it('whose upstream the token cannot see (GitLab answers upstream: null), stores it as a root and says why', async () => {
    // a server of the middle pipeline's hierarchy only: its upstream (the root, in 4343) is not visible
    const partial = await startGitlabServer({ fixture: middle });
    try {
      const result = await runCollect(resolveCollectConfig({}, ciEnvFor(middle, partial)), { retry: { baseDelayMs: 5, maxDelayMs: 20 } });
      const [own, below] = result.payloads;
      expect(own!.pipeline!.parent_pipeline_id ?? null).toBeNull();
      // its own child keeps it as its root: the collection's root
      expect(below!.pipeline!.root_pipeline_id).toBe(middle.pipelineId);
      expect(result.notes.join('\n')).toContain(
        `pipeline ${middle.pipelineId} was triggered by another pipeline (source pipeline), but its upstream could not be read ` +
          `(the pipeline that triggered pipeline !313 of qa-group/deploy is not visible to the token (or was deleted)): stored as a root pipeline`,
      );
    } finally {
      await partial.close();
    }
  });

  it('with CI_JOB_TOKEN (no GraphQL), stores the pipeline as a root and says why', async () => {
    const env = { GITLAB_TOKEN: '', CI_JOB_TOKEN: 'job-token' };
    const jobServer = await startGitlabServer({ fixture: root, jobToken: 'job-token' });
    try {
      const result = await runCollect(resolveCollectConfig({}, { ...ciEnvFor(middle, jobServer), ...env }), {
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
      });
      expect(result.payloads[0]!.pipeline!.parent_pipeline_id ?? null).toBeNull();
      expect(result.notes.join('\n')).toContain(
        `pipeline ${middle.pipelineId} was triggered by another pipeline (source pipeline), but CI_JOB_TOKEN cannot read its upstream`,
      );
    } finally {
      await jobServer.close();
    }
  });
});
