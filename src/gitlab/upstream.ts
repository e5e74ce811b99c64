import { z } from 'zod';
import { gidNumber, gitlabGraphql, type GitlabGraphqlOptions } from './graphql.js';

/** A pipeline above the one collected: its id, iid and project. */
export interface UpstreamPipeline {
  id: number;
  iid: number;
  projectPath: string;
}

/** GitLab's `source` of a pipeline a trigger job created: a child pipeline, a multi-project downstream one */
export const TRIGGERED_SOURCES: ReadonlySet<string> = new Set(['parent_pipeline', 'pipeline']);

/**
 * GitLab's `Pipeline.upstream`: the pipeline whose trigger job created this one (a child
 * pipeline's parent, a multi-project pipeline's upstream), null for a pipeline nothing triggered —
 * and, as for any object the token may not read, also null for an upstream in a project the
 * token cannot see: the upstream's own `source` tells the two apart.
 */
const UPSTREAM_QUERY = `query pipelineUpstream($fullPath: ID!, $iid: ID!) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      upstream { id iid source project { fullPath } }
    }
  }
}`;

const UpstreamAnswer = z.object({
  project: z
    .object({
      pipeline: z
        .object({
          upstream: z
            .object({ id: z.string(), iid: z.string(), source: z.string().nullable(), project: z.object({ fullPath: z.string() }) })
            .nullable(),
        })
        .nullable(),
    })
    .nullable(),
});

/** levels followed up at most: GitLab nests child pipelines 2 deep and multi-project ones a few more */
const MAX_UPSTREAM_LEVELS = 10;

export interface UpstreamRequest extends GitlabGraphqlOptions {
  projectPath: string;
  pipelineIid: number;
  /** the pipeline's own `source` (REST sends it) */
  source: string;
}

/**
 * The pipelines above one, from its parent up to the root (the first pipeline nothing
 * triggered), one GraphQL request per pipeline read (the root's included: its upstream is none).
 * Throws when a level cannot be read — a pipeline or upstream the token cannot see (one whose
 * source says a trigger job created it, but GitLab names no upstream), a GraphQL error — or the
 * chain is deeper than MAX_UPSTREAM_LEVELS: the caller then cannot place the pipeline in its
 * hierarchy.
 */
export async function fetchUpstreamChain(request: UpstreamRequest): Promise<UpstreamPipeline[]> {
  const graphql = gitlabGraphql(request);
  const chain: UpstreamPipeline[] = [];
  let at = { projectPath: request.projectPath, iid: request.pipelineIid, source: request.source };
  for (;;) {
    const raw = await graphql(UPSTREAM_QUERY, { fullPath: at.projectPath, iid: String(at.iid) });
    const pipeline = UpstreamAnswer.parse(raw).project?.pipeline;
    if (!pipeline) throw new Error(`pipeline !${at.iid} of ${at.projectPath} is not visible to the token`);
    const up = pipeline.upstream;
    if (!up && TRIGGERED_SOURCES.has(at.source))
      throw new Error(`the pipeline that triggered pipeline !${at.iid} of ${at.projectPath} is not visible to the token (or was deleted)`);
    if (!up) return chain;
    if (chain.length === MAX_UPSTREAM_LEVELS)
      throw new Error(`more than ${MAX_UPSTREAM_LEVELS} pipelines above pipeline !${request.pipelineIid}`);
    const id = gidNumber(up.id);
    if (id === undefined) throw new Error(`unexpected pipeline id from GitLab: ${up.id}`);
    const next = { id, iid: Number(up.iid), projectPath: up.project.fullPath, source: up.source ?? '' };
    chain.push({ id: next.id, iid: next.iid, projectPath: next.projectPath });
    at = next;
  }
}
