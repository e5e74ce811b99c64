import { z } from 'zod';
import { assembleJobGraph, type JobGraphNode } from './job-graph-nodes.js';
import { gitlabGraphql, type GitlabGraphqlOptions } from './graphql.js';

export type { JobGraphNode } from './job-graph-nodes.js';

/**
 * The job graph of one pipeline from GitLab's GraphQL API (`/api/graphql`): each job's stage,
 * `needs` and `schedulingType`, and its previous stage, which REST does not expose. The token is
 * sent as `Authorization: Bearer` (GitLab's GraphQL accepts personal, project and group access
 * tokens that way; CI_JOB_TOKEN is not accepted, so collect then delivers the payload without a
 * path).
 *
 * Only the latest attempt of each job is read (`retried: false`; every attempt of a job has the
 * same needs and stage), 100 jobs per request (GitLab's maximum page size). The pages are
 * cursor-chained, so they cannot all be asked for at once: the list is read from both ends at
 * once (`first` / `after` from the newest, with the `count` first; `last` / `before` from the
 * oldest), two requests per round trip, until the ends meet: ceil(jobs / 100) requests in
 * ceil(jobs / 200) round trips. Unless told the list is long (`startAtBothEnds`), the first round
 * trip reads the newest end alone, so a pipeline of up to 100 jobs costs one request; then
 * 1 + ceil((jobs − 100) / 200) round trips.
 *
 * `previousStageJobs` is a connection of at most 100 jobs in GitLab, fewer than a large stage
 * has: one is asked for (`first: 1`) to name the previous stage, and a job's previous-stage jobs
 * are every job read in that stage (GitLab's own definition: the latest jobs of the stage before).
 */
const JOB_FIELDS = `nodes {
          id
          name
          stage { name }
          needs { nodes { name } }
          previousStageJobs(first: 1) { nodes { name } }
          schedulingType
        }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

/** From the newest job: `first: 100` after `$after`; `count` (GitLab counts to 1000, then says 1001) when asked. */
const JOB_GRAPH_QUERY = `query pipelineJobGraph($fullPath: ID!, $iid: ID!, $after: String, $withCount: Boolean!) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      jobs(retried: false, first: 100, after: $after) {
        count @include(if: $withCount)
        ${JOB_FIELDS}
      }
    }
  }
}`;

/** From the oldest job: `last: 100` before `$before`. */
const JOB_GRAPH_TAIL_QUERY = `query pipelineJobGraphTail($fullPath: ID!, $iid: ID!, $before: String) {
  project(fullPath: $fullPath) {
    pipeline(iid: $iid) {
      jobs(retried: false, last: 100, before: $before) {
        ${JOB_FIELDS}
      }
    }
  }
}`;

/** GitLab's maximum page size; the queries ask for it. */
const PAGE_SIZE = 100;
/** GitLab's `count` of a job connection stops at 1000 and answers 1001 above it. */
const COUNT_LIMIT = 1000;

const names = z
  .object({ nodes: z.array(z.object({ name: z.string() }).nullable()) })
  .nullable()
  .optional();

const JobNodeSchema = z.object({
  id: z.string().nullable().optional(),
  name: z.string().nullable(),
  stage: z.object({ name: z.string().nullable() }).nullable().optional(),
  needs: names,
  previousStageJobs: names,
  schedulingType: z.string().nullable().optional(),
});

export type RawJobNode = z.infer<typeof JobNodeSchema>;

const JobGraphResponseSchema = z.object({
  project: z
    .object({
      pipeline: z
        .object({
          jobs: z.object({
            count: z.number().optional(),
            nodes: z.array(JobNodeSchema.nullable()),
            pageInfo: z.object({
              hasNextPage: z.boolean(),
              hasPreviousPage: z.boolean(),
              startCursor: z.string().nullable(),
              endCursor: z.string().nullable(),
            }),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

type JobsPage = NonNullable<NonNullable<z.infer<typeof JobGraphResponseSchema>['project']>['pipeline']>['jobs'];

export interface JobGraphRequest extends GitlabGraphqlOptions {
  projectPath: string;
  pipelineIid: number;
  /** requests made at most, both ends together (100 jobs each; default 20) */
  maxPages?: number;
  /**
   * the list is known to be longer than one page (e.g. REST's job list was): read both ends in
   * the first round trip too (else the first request reads the newest 100 alone, one request
   * for a pipeline of up to 100 jobs)
   */
  startAtBothEnds?: boolean;
}

export interface JobGraphResult {
  nodes: JobGraphNode[];
  /** HTTP requests made */
  requests: number;
}

/** Reads every job node of the pipeline; throws on HTTP, GraphQL or shape errors. */
export async function fetchJobGraph(request: JobGraphRequest): Promise<JobGraphResult> {
  let requests = 0;
  const graphql = gitlabGraphql({
    ...request,
    onRequest: () => {
      requests++;
      request.onRequest?.();
    },
  });
  const read = async (document: string, variables: Record<string, unknown>): Promise<JobsPage> => {
    const raw = await graphql(document, { fullPath: request.projectPath, iid: String(request.pipelineIid), ...variables });
    return parseJobs(raw, request);
  };
  const ends = new BothEnds();
  const maxPages = request.maxPages ?? 20;
  const head = () => read(JOB_GRAPH_QUERY, { after: ends.headCursor, withCount: ends.headCursor === null }).then((p) => ends.addHead(p));
  const tail = () => read(JOB_GRAPH_TAIL_QUERY, { before: ends.tailCursor }).then((p) => ends.addTail(p));
  await Promise.all(request.startAtBothEnds && maxPages > 1 ? [head(), tail()] : [head()]);
  while (!ends.met() && requests < maxPages) {
    const wave = [head()];
    if (ends.remaining() > PAGE_SIZE && requests < maxPages) wave.push(tail());
    await Promise.all(wave);
  }
  return { nodes: assembleJobGraph(ends.nodes()), requests };
}

/**
 * The pages read from the newest end (head) and the oldest end (tail) of one job list, and
 * whether together they hold all of it: an end reached the other end of the list, a job was
 * read from both ends, or as many jobs were read as GitLab counted (when it counted them all).
 */
class BothEnds {
  private readonly byKey = new Map<string, { node: RawJobNode; end: 'head' | 'tail' }>();
  private count: number | undefined;
  private overlap = false;
  private headMore = true;
  private tailMore = true;
  headCursor: string | null = null;
  tailCursor: string | null = null;

  addHead(page: JobsPage): void {
    if (page.count !== undefined) this.count = page.count;
    this.add(page, 'head');
    this.headCursor = page.pageInfo.endCursor;
    this.headMore = page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null;
  }

  addTail(page: JobsPage): void {
    this.add(page, 'tail');
    this.tailCursor = page.pageInfo.startCursor;
    this.tailMore = page.pageInfo.hasPreviousPage && page.pageInfo.startCursor !== null;
  }

  /** jobs still unread, when GitLab counted them all; Infinity otherwise */
  remaining(): number {
    return this.count !== undefined && this.count <= COUNT_LIMIT ? this.count - this.byKey.size : Infinity;
  }

  met(): boolean {
    return !this.headMore || !this.tailMore || this.overlap || this.remaining() <= 0;
  }

  nodes(): RawJobNode[] {
    return [...this.byKey.values()].map((v) => v.node);
  }

  private add(page: JobsPage, end: 'head' | 'tail'): void {
    for (const node of page.nodes) {
      const key = node?.id ?? node?.name;
      if (!node || !key) continue;
      const known = this.byKey.get(key);
      if (known) this.overlap ||= known.end !== end;
      else this.byKey.set(key, { node, end });
    }
  }
}

function parseJobs(raw: unknown, request: JobGraphRequest): JobsPage {
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
