import { GraphQLClient } from 'graphql-request';
import { z } from 'zod';
import { graphqlUrl } from './job-graph.js';

/** A pipeline above the one collected: its id, iid and project. */
export interface UpstreamPipeline {
  id: number;
  iid: number;
  projectPath: string;
}

/**
 * GitLab's `Pipeline.upstream`: the pipeline whose trigger job created this one (a child
 * pipeline's parent, a multi-project pipeline's upstream), null for a pipeline nothing triggered.
 * REST does not expose it.
 */
const UPSTREAM_QUERY = `query pipelineUpstream($fullPath: ID!, $iid: ID!) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      upstream { id iid project { fullPath } }
    }
  }
}`;

const UpstreamAnswer = z.object({
  project: z
    .object({
      pipeline: z
        .object({
          upstream: z.object({ id: z.string(), iid: z.string(), project: z.object({ fullPath: z.string() }).nullable() }).nullable(),
        })
        .nullable(),
    })
    .nullable(),
});

/** levels followed up at most: GitLab nests child pipelines 2 deep and multi-project ones a few more */
export const MAX_UPSTREAM_LEVELS = 10;

export interface UpstreamRequest {
  apiUrl: string;
  token: string;
  projectPath: string;
  pipelineIid: number;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  /** called before each request */
  onRequest?: () => void;
}

/**
 * The pipelines above one, from its parent up to the root (the first pipeline nothing
 * triggered), one GraphQL request per level. Throws when a level cannot be read (no project or
 * pipeline visible to the token, a GraphQL error) or the chain is deeper than
 * MAX_UPSTREAM_LEVELS: the caller then cannot place the pipeline in its hierarchy.
 */
export async function fetchUpstreamChain(request: UpstreamRequest): Promise<UpstreamPipeline[]> {
  const client = new GraphQLClient(graphqlUrl(request.apiUrl), {
    headers: { authorization: `Bearer ${request.token}` },
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
  const chain: UpstreamPipeline[] = [];
  let at = { projectPath: request.projectPath, iid: request.pipelineIid };
  for (;;) {
    request.onRequest?.();
    const raw = await client.request<unknown>({
      document: UPSTREAM_QUERY,
      variables: { fullPath: at.projectPath, iid: String(at.iid) },
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
    const pipeline = UpstreamAnswer.parse(raw).project?.pipeline;
    if (!pipeline) throw new Error(`pipeline !${at.iid} of ${at.projectPath} is not visible to the token`);
    const up = pipeline.upstream;
    if (!up) return chain;
    if (!up.project) throw new Error(`the project of pipeline ${up.id} is not visible to the token`);
    if (chain.length === MAX_UPSTREAM_LEVELS)
      throw new Error(`more than ${MAX_UPSTREAM_LEVELS} pipelines above pipeline !${request.pipelineIid}`);
    const next = { id: pipelineIdOfGid(up.id), iid: Number(up.iid), projectPath: up.project.fullPath };
    chain.push(next);
    at = next;
  }
}

/** `gid://gitlab/Ci::Pipeline/123` → 123 */
function pipelineIdOfGid(gid: string): number {
  const match = /^gid:\/\/gitlab\/Ci::Pipeline\/(\d+)$/.exec(gid);
  if (!match) throw new Error(`unexpected pipeline id from GitLab: ${gid}`);
  return Number(match[1]);
}
