import { GraphQLClient } from 'graphql-request';
import { z } from 'zod';

/**
 * The job graph of one pipeline from GitLab's GraphQL API (`/api/graphql`): each job's stage,
 * `needs`, `previousStageJobs` and `schedulingType`, which REST does not expose. Pages of 100
 * jobs (GitLab's maximum); a typical pipeline needs one or two requests. The token is sent as
 * `Authorization: Bearer` (GitLab's GraphQL accepts personal, project and group access tokens
 * that way; CI_JOB_TOKEN is not accepted, so collect then delivers the payload without a path).
 */
export const JOB_GRAPH_QUERY = `query pipelineJobGraph($fullPath: ID!, $iid: ID!, $after: String) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      jobs(first: 100, after: $after) {
        nodes {
          name
          stage { name }
          needs { nodes { name } }
          previousStageJobs { nodes { name } }
          schedulingType
          retried
          queuedDuration
          duration
          startedAt
          finishedAt
          status
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

const names = z
  .object({ nodes: z.array(z.object({ name: z.string() }).nullable()) })
  .nullable()
  .optional();

const JobNodeSchema = z.object({
  name: z.string().nullable(),
  stage: z.object({ name: z.string().nullable() }).nullable().optional(),
  needs: names,
  previousStageJobs: names,
  schedulingType: z.string().nullable().optional(),
  retried: z.boolean().nullable().optional(),
  queuedDuration: z.number().nullable().optional(),
  duration: z.number().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  finishedAt: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

const JobGraphResponseSchema = z.object({
  project: z
    .object({
      pipeline: z
        .object({
          jobs: z.object({
            nodes: z.array(JobNodeSchema.nullable()),
            pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

/** What one job waits for, by job name. `dependsOn`: needs (DAG) or the previous stage's jobs. */
export interface JobGraphNode {
  name: string;
  stage: string;
  /** GitLab's `schedulingType`: `dag` (has needs) or `stage` */
  schedulingType: string;
  needs: string[];
  previousStageJobs: string[];
}

export interface JobGraphRequest {
  /** API v4 root, e.g. `https://gitlab.example.com/api/v4`; GraphQL is at `…/api/graphql` */
  apiUrl: string;
  token: string;
  projectPath: string;
  pipelineIid: number;
  fetch?: typeof fetch;
  /** ms for each request (default 30 000) */
  timeoutMs?: number;
  /** pages read at most (100 jobs each; default 20) */
  maxPages?: number;
  /** called before each HTTP request (counts requests also when one fails) */
  onRequest?: () => void;
}

export interface JobGraphResult {
  nodes: JobGraphNode[];
  /** HTTP requests made */
  requests: number;
}

export function graphqlUrl(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}/api/graphql`;
}

/** Reads every job node of the pipeline; throws on HTTP, GraphQL or shape errors. */
export async function fetchJobGraph(request: JobGraphRequest): Promise<JobGraphResult> {
  const client = new GraphQLClient(graphqlUrl(request.apiUrl), {
    headers: { authorization: `Bearer ${request.token}` },
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
  const byName = new Map<string, JobGraphNode>();
  let after: string | null = null;
  let requests = 0;
  for (let page = 0; page < (request.maxPages ?? 20); page++) {
    requests++;
    request.onRequest?.();
    const raw = await client.request<unknown>({
      document: JOB_GRAPH_QUERY,
      variables: { fullPath: request.projectPath, iid: String(request.pipelineIid), after },
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
    const jobs = parseJobs(raw, request);
    for (const node of jobs.nodes) addNode(byName, node);
    if (!jobs.pageInfo.hasNextPage || !jobs.pageInfo.endCursor) break;
    after = jobs.pageInfo.endCursor;
  }
  return { nodes: [...byName.values()], requests };
}

function parseJobs(raw: unknown, request: JobGraphRequest) {
  const parsed = JobGraphResponseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`GitLab GraphQL job graph: ${issue.path.join('.')}: ${issue.message}`);
  }
  const pipeline = parsed.data.project?.pipeline;
  if (!pipeline)
    throw new Error(`GitLab GraphQL: no pipeline !${request.pipelineIid} in project "${request.projectPath}" visible to the token`);
  return pipeline.jobs;
}

/** The first node of a name wins: every attempt of a job has the same needs and stage. */
function addNode(byName: Map<string, JobGraphNode>, node: z.infer<typeof JobNodeSchema> | null): void {
  if (!node?.name || byName.has(node.name)) return;
  const list = (value: z.infer<typeof names>) => (value?.nodes ?? []).flatMap((n) => (n ? [n.name] : []));
  byName.set(node.name, {
    name: node.name,
    stage: node.stage?.name ?? '',
    schedulingType: node.schedulingType ?? 'stage',
    needs: list(node.needs),
    previousStageJobs: list(node.previousStageJobs),
  });
}
