import { z } from 'zod';
import { fetchAllPages, PER_PAGE } from './pagination.js';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from '../validate.js';
import type { Query, Requester } from './requester.js';
import { GitlabProjectSchema, type GitlabProject } from './types.js';

/**
 * The listing side of `backfill`: finished pipelines of a project in a time window, one offset
 * page at a time (GitLab has no keyset pagination for pipelines), and the projects of a group.
 */

/** One row of `GET /projects/:id/pipelines` (GitLab's basic pipeline entity). */
export const GitlabPipelineRowSchema = z.object({
  id: z.number().int().positive(),
  iid: z.number().int().positive().optional(),
  project_id: z.number().int().positive(),
  status: z.string(),
  source: z.string().nullable().optional(),
  ref: z.string().nullable().optional(),
  sha: z.string().optional(),
  created_at: z.string().min(1),
  updated_at: z.string().min(1).nullable().optional(),
  web_url: z.string().optional(),
});
export type GitlabPipelineRow = z.infer<typeof GitlabPipelineRowSchema>;

const PipelinePageSchema = z.array(GitlabPipelineRowSchema);
const ProjectPageSchema = z.array(GitlabProjectSchema);

export interface PipelineWindow {
  /** ISO 8601, inclusive: GitLab's `updated_after` */
  since: string;
  /** ISO 8601: GitLab's `updated_before`; undefined = up to now */
  until?: string;
  ref?: string;
  /** GitLab's pipeline `source` (push, schedule, merge_request_event, …) */
  source?: string;
}

export interface PipelinePage {
  rows: GitlabPipelineRow[];
  /** GitLab's `x-total` when sent (omitted above 10 000 rows) */
  total?: number;
  page: number;
}

/**
 * Finished pipelines (`scope=finished`) of one project whose `updated_at` is in the window,
 * oldest update first, page by page: the next page is requested only when the caller asks for
 * it, so memory holds one page. Sorting by `updated_at` ascending keeps offsets stable while
 * the list grows: pipelines finishing during the run are appended at the end. Child pipelines
 * are not listed (GitLab lists them only with `source=parent_pipeline`): they come with their
 * parents.
 */
export async function* listFinishedPipelines(requester: Requester, project: string, window: PipelineWindow): AsyncGenerator<PipelinePage> {
  const path = `/projects/${encodeURIComponent(project)}/pipelines`;
  const base: Query = { scope: 'finished', updated_after: window.since, order_by: 'updated_at', sort: 'asc', per_page: PER_PAGE };
  if (window.until) base.updated_before = window.until;
  if (window.ref) base.ref = window.ref;
  if (window.source) base.source = window.source;
  let query: Query | null = { ...base, page: 1 };
  while (query) {
    const page = Number(query.page ?? 1);
    const response = await requester.get(path, query, { kind: 'project', project });
    const rows = parseBody(PipelinePageSchema, response.body, `GitLab pipelines of project "${project}" (page ${page})`);
    const total = Number(response.headers.get('x-total') ?? NaN);
    yield { rows, page, total: Number.isInteger(total) ? total : undefined };
    query = nextPage(response.headers, base, rows.length);
  }
}

/** `x-next-page` (GitLab sends it empty on the last page, also above 10 000 rows); null on the last page. */
function nextPage(headers: Headers, base: Query, rowCount: number): Query | null {
  const next = headers.get('x-next-page');
  return next && /^\d+$/.test(next) && rowCount > 0 ? { ...base, page: Number(next) } : null;
}

/** Every project of a group and its subgroups (`include_subgroups=true`), pages fetched concurrently. */
export async function listGroupProjects(requester: Requester, group: string, concurrency: number): Promise<GitlabProject[]> {
  const path = `/groups/${encodeURIComponent(group)}/projects`;
  return fetchAllPages({
    async fetchPage(page) {
      const query = { include_subgroups: true, simple: true, archived: false, per_page: PER_PAGE, page };
      const response = await requester.get(path, query, { kind: 'project', project: `group ${group}` });
      const next = Number(response.headers.get('x-next-page') || NaN);
      const data = parseBody(z.unknown(), response.body, `GitLab projects of group "${group}" (page ${page})`);
      return {
        data,
        paginationInfo: { totalPages: Number(response.headers.get('x-total-pages') ?? NaN), next: Number.isInteger(next) ? next : null },
      };
    },
    schema: ProjectPageSchema,
    subject: `GitLab projects of group "${group}"`,
    concurrency,
  });
}

/** A GitLab JSON body, validated; errors name the response and each field path. */
function parseBody<S extends z.ZodType>(schema: S, body: string, subject: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new ValidationError(subject, [`(root): not JSON: ${body.slice(0, 120)}`], { cause });
  }
  return parseOrThrow(schema, json, subject);
}

/** One project (path and default branch), asked once per project of a run. */
export async function getProject(requester: Requester, project: string): Promise<GitlabProject> {
  const response = await requester.get(`/projects/${encodeURIComponent(project)}`, {}, { kind: 'project', project });
  return parseBody(GitlabProjectSchema, response.body, `GitLab project "${project}"`);
}
