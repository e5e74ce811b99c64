import { UpstreamError } from '../errors.js';
import { describeHttpError, type RequestTarget, type TokenInfo } from './http-errors.js';
import { backoffDelay, isRetryableStatus, serverRequestedDelay, type BackoffOptions } from './retry-policy.js';

/**
 * Why our own fetch-based requester rather than @gitbeaker/rest: gitbeaker's handler retries only
 * 429/502 with fixed ~250 ms·2^n sleeps (ignoring Retry-After / RateLimit-Reset), has no total
 * budget, and its paginated `all()` follows Link one page at a time; replacing its requesterFn
 * would leave us writing this same code behind gitbeaker's option mapping for four GET endpoints.
 * This module keeps the whole transport in ~130 lines, takes an injected `fetch`, and counts requests.
 *
 * GET requests to GitLab API v4 with our own retry rules: 429 waits for `Retry-After` /
 * `RateLimit-Reset`; 5xx and network errors back off exponentially with jitter; every request,
 * retries and waits included, ends within `retryBudgetMs`. 401/403/404 fail at once with advice.
 */
export interface RequesterOptions extends Partial<BackoffOptions> {
  /** API root, e.g. `https://gitlab.example.com/api/v4` (no trailing slash needed) */
  baseUrl: string;
  token: string;
  tokenInfo: TokenInfo;
  fetch?: typeof fetch;
  /** ms one request may take in total, retries and waits included (default 60 000) */
  retryBudgetMs?: number;
  /** ms one attempt may take before it is aborted and retried (default 30 000) */
  attemptTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Counters for diagnostics and the bench: HTTP attempts made, by what they fetched. */
export interface RequestStats {
  requests: number;
  retries: number;
  /** ms spent waiting between attempts */
  waitedMs: number;
  byKind: Record<RequestTarget['kind'], number>;
}

export interface GitlabResponse {
  headers: Headers;
  body: string;
}

export type Query = Record<string, string | number | boolean>;

export interface Requester {
  get(path: string, query: Query, target: RequestTarget): Promise<GitlabResponse>;
  readonly stats: RequestStats;
}

/** `cutByBudget`: the attempt was aborted because the request's whole budget ran out */
type Attempt = { response: Response; body: string } | { error: unknown; cutByBudget?: boolean };

export function newStats(): RequestStats {
  return { requests: 0, retries: 0, waitedMs: 0, byKind: { project: 0, pipeline: 0, jobs: 0, log: 0 } };
}

export function createRequester(options: RequesterOptions): Requester {
  const doFetch = options.fetch ?? globalThis.fetch;
  const budget = options.retryBudgetMs ?? 60_000;
  const attemptTimeout = options.attemptTimeoutMs ?? 30_000;
  const backoff = { baseDelayMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 10_000 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const headerName = options.tokenInfo.kind === 'job' ? 'JOB-TOKEN' : 'PRIVATE-TOKEN';
  const stats = newStats();

  async function attempt(url: URL, deadline: number): Promise<Attempt> {
    const timeout = Math.max(1, Math.min(attemptTimeout, deadline - Date.now()));
    stats.requests++;
    try {
      const signal = AbortSignal.timeout(timeout);
      const response = await doFetch(url, { headers: { [headerName]: options.token, accept: 'application/json' }, signal });
      return { response, body: await response.text() };
    } catch (error) {
      return { error, cutByBudget: timeout < attemptTimeout && Date.now() >= deadline };
    }
  }

  async function get(path: string, query: Query, target: RequestTarget): Promise<GitlabResponse> {
    const url = buildUrl(options.baseUrl, path, query);
    const request = `GET ${url.pathname}${url.search}`;
    const deadline = Date.now() + budget;
    let previous: Attempt | undefined;
    for (let n = 0; ; n++) {
      stats.byKind[target.kind]++;
      const result = await attempt(url, deadline);
      // an attempt our own budget cut short says nothing about GitLab: report the last real answer
      if ('cutByBudget' in result && result.cutByBudget && previous) throw giveUp(previous, n + 1, budget, 0, request);
      if ('response' in result && result.response.ok) return { headers: result.response.headers, body: result.body };
      if ('response' in result && !isRetryableStatus(result.response.status)) {
        throw describeHttpError(result.response.status, result.body, target, options.tokenInfo, request);
      }
      const wait = retryDelay(result, n, backoff, random);
      if (Date.now() + wait >= deadline) throw giveUp(result, n + 1, budget, wait, request);
      stats.retries++;
      stats.waitedMs += wait;
      previous = result;
      await sleep(wait);
    }
  }

  return { get, stats };
}

function retryDelay(result: Attempt, n: number, backoff: BackoffOptions, random: () => number): number {
  if ('response' in result) {
    const asked = serverRequestedDelay(result.response.status, result.response.headers, Date.now(), random);
    if (asked !== null) return asked;
  }
  return backoffDelay(n, backoff, random);
}

function giveUp(result: Attempt, attempts: number, budgetMs: number, wait: number, request: string): UpstreamError {
  const last =
    'response' in result
      ? `${result.response.status} ${result.response.statusText}`.trim()
      : describeNetworkError(result.error);
  const rateLimited = 'response' in result && result.response.status === 429;
  const why = rateLimited
    ? `GitLab rate-limited the request and asked to wait ${(wait / 1000).toFixed(1)} s, beyond the retry budget`
    : 'GitLab could not be reached or kept failing';
  const status = 'response' in result ? result.response.status : undefined;
  return new UpstreamError(
    `${why}: ${request} failed ${attempts} time(s) within ${(budgetMs / 1000).toFixed(1)} s (last: ${last}). ` +
      'Retry later, or raise --timeout.',
    { status, cause: 'error' in result ? result.error : undefined },
  );
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'request timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** `baseUrl` + path (already URL-encoded segments) + query, keeping a base path like `/gitlab/api/v4`. */
export function buildUrl(baseUrl: string, path: string, query: Query): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  return url;
}
