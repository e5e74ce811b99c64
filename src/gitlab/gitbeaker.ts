import { createRequesterFn, type FormattedResponse, type RequesterType, type ResourceOptions } from '@gitbeaker/requester-utils';
import { Jobs, Pipelines, Projects } from '@gitbeaker/rest';
import { ValidationError } from '../errors.js';
import type { RequestTarget } from './http-errors.js';
import type { Query, Requester } from './requester.js';

/**
 * @gitbeaker/rest's typed resources over our request policy: a `requesterFn` (gitbeaker's
 * `createRequesterFn`) whose handler sends every GET through our Requester — Retry-After /
 * RateLimit-Reset on 429, backoff on 5xx and network errors within the time budget, clear
 * 401/403/404 messages (requester.ts, http-errors.ts). gitbeaker only builds endpoints and query
 * strings (`includeRetried` → `include_retried`) and collects pages; a call given an explicit
 * `page` fetches that one page, so pages can be fetched concurrently. Its client-side rate
 * limiters are not applied: GitLab's own 429 answers drive the waits.
 */
export interface GitlabResources {
  projects: InstanceType<typeof Projects<false>>;
  pipelines: InstanceType<typeof Pipelines<false>>;
  jobs: InstanceType<typeof Jobs<false>>;
}

export function createResources(requester: Requester): GitlabResources {
  const requesterFn = createRequesterFn(
    async (_service: ResourceOptions, options) => options,
    async (endpoint, options) => handle(requester, endpoint, (options ?? {}) as { searchParams?: string; method?: string }),
  ) as (options: ResourceOptions) => RequesterType;
  // the host is not used: our Requester owns the API root and the token header
  const config = { host: 'http://gitlab.invalid', requesterFn, rateLimits: {} };
  return { projects: new Projects(config), pipelines: new Pipelines(config), jobs: new Jobs(config) };
}

async function handle(
  requester: Requester,
  endpoint: string,
  options: { searchParams?: string; method?: string },
): Promise<FormattedResponse> {
  if (options.method && options.method !== 'GET') throw new Error(`pipeline-metrics only reads GitLab (got ${options.method} ${endpoint})`);
  const path = `/${endpoint.replace(/^\/+/, '')}`;
  const query: Query = Object.fromEntries(new URLSearchParams(options.searchParams ?? ''));
  const target = targetOf(path);
  const response = await requester.get(path, query, target);
  const headers = Object.fromEntries(response.headers);
  const json = (headers['content-type'] ?? '').includes('json');
  return { body: json ? parseJson(response.body, path) : response.body, headers, status: 200 };
}

function parseJson(body: string, path: string): FormattedResponse['body'] {
  try {
    return JSON.parse(body) as FormattedResponse['body'];
  } catch (cause) {
    throw new ValidationError(`GitLab response of ${path}`, [`(root): not JSON: ${body.slice(0, 120)}`], { cause });
  }
}

/** What a request is about, from its endpoint (for messages and request counts). */
export function targetOf(path: string): RequestTarget {
  const m = /^\/projects\/([^/]+)(?:\/(pipelines|jobs)\/(\d+)(?:\/(jobs|bridges|test_report_summary|trace))?)?$/.exec(path);
  const project = m ? decodeURIComponent(m[1]!) : path;
  if (!m || !m[2]) return { kind: 'project', project };
  const id = Number(m[3]);
  if (m[2] === 'jobs') return { kind: 'log', project, jobId: id };
  const kinds = { jobs: 'jobs', bridges: 'bridges', test_report_summary: 'test_report' } as const;
  const kind = m[4] ? kinds[m[4] as keyof typeof kinds] : 'pipeline';
  return { kind, project, pipelineId: id };
}
