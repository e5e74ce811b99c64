import { UpstreamError } from '../errors.js';
import { retryWithBackoff, systemClock, type Clock, type RetryListener } from '../retry/backoff.js';
import { describeNetworkError, isTimeout } from '../retry/network-error.js';
import { serverRequestedDelay } from '../retry/server-delay.js';
import { describeHttpError, type RequestTarget, type TokenInfo } from './http-errors.js';

/**
 * Our request policy for GitLab API v4 GETs, the transport under @gitbeaker/rest's resources
 * (gitbeaker.ts plugs it in as the `requesterFn` handler; gitbeaker's own handler retries only
 * 429/502 with short fixed sleeps, ignores Retry-After / RateLimit-Reset and has no total budget).
 * On the project's one retry loop (src/retry): 429 waits for `Retry-After` /
 * `RateLimit-Reset`; 5xx and network errors back off exponentially with jitter; every request,
 * retries and waits included, ends within `retryBudgetMs`. 401/403/404 fail at once with advice.
 */
export interface RequesterOptions {
  /** API root, e.g. `https://gitlab.example.com/api/v4` (no trailing slash needed) */
  baseUrl: string;
  token: string;
  tokenInfo: TokenInfo;
  fetch?: typeof fetch;
  /** ms one request may take in total, retries and waits included (default 60 000) */
  retryBudgetMs?: number;
  /** ms one attempt may take before it is aborted and retried (default 30 000) */
  attemptTimeoutMs?: number;
  /** first backoff bound, ms (doubled per retry; default 500) */
  baseDelayMs?: number;
  /** cap of one backoff wait, ms (default 10 000) */
  maxDelayMs?: number;
  clock?: Clock;
  /** told before each retry wait; reasons read `GitLab GET /path: 503 Service Unavailable` */
  onRetry?: RetryListener;
}

/** Counters for diagnostics and the bench: HTTP attempts made, by what they fetched. */
export interface RequestStats {
  requests: number;
  retries: number;
  /** ms spent waiting between attempts */
  waitedMs: number;
  byKind: Record<RequestTarget['kind'], number>;
}

export interface GitlabResponse<B = string> {
  headers: Headers;
  body: B;
}

/** Reads a successful (2xx) response's body; by default `response.text()`. Error bodies are always read as text. */
export type BodyReader<B> = (response: Response) => Promise<B>;

export type Query = Record<string, string | number | boolean>;

export interface Requester {
  get(path: string, query: Query, target: RequestTarget): Promise<GitlabResponse>;
  /** `get` with the 2xx body read by `read` (e.g. streamed through a parser); a retry reads afresh */
  get<B>(path: string, query: Query, target: RequestTarget, read: BodyReader<B>): Promise<GitlabResponse<B>>;
  readonly stats: RequestStats;
}

/** `cutByBudget`: the attempt was aborted because the request's whole budget ran out */
type Attempt<B = unknown> = { response: Response; body: B } | { error: unknown; timeoutMs: number; cutByBudget: boolean };

export function newStats(): RequestStats {
  return { requests: 0, retries: 0, waitedMs: 0, byKind: { project: 0, pipeline: 0, jobs: 0, bridges: 0, test_report: 0, log: 0 } };
}

const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

export function createRequester(options: RequesterOptions): Requester {
  const doFetch = options.fetch ?? globalThis.fetch;
  const budget = options.retryBudgetMs ?? 60_000;
  const attemptTimeout = options.attemptTimeoutMs ?? 30_000;
  const policy = { totalMs: budget, baseMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 10_000 };
  const headerName = options.tokenInfo.kind === 'job' ? 'JOB-TOKEN' : 'PRIVATE-TOKEN';
  const stats = newStats();
  const base = options.clock ?? systemClock;
  // every wait of the loop precedes a retry: count them where they happen
  const clock: Clock = {
    ...base,
    async sleep(ms) {
      stats.retries++;
      stats.waitedMs += ms;
      await base.sleep(ms);
    },
  };

  async function attempt<B>(url: URL, remainingMs: number, read: BodyReader<B>): Promise<Attempt<B | string>> {
    const timeoutMs = Math.max(1, Math.floor(Math.min(attemptTimeout, remainingMs)));
    stats.requests++;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const response = await doFetch(url, { headers: { [headerName]: options.token, accept: 'application/json' }, signal });
      return { response, body: response.ok ? await read(response) : await response.text() };
    } catch (error) {
      return { error, timeoutMs, cutByBudget: timeoutMs < attemptTimeout && isTimeout(error) };
    }
  }

  async function get<B>(path: string, query: Query, target: RequestTarget, read?: BodyReader<B>): Promise<GitlabResponse<B>> {
    const readBody = read ?? ((response: Response) => response.text() as Promise<B>);
    const url = buildUrl(options.baseUrl, path, query);
    const request = `GET ${url.pathname}${url.search}`;
    let previous: Attempt<B | string> | undefined;
    let askedMs = 0;
    const { value, attempts } = await retryWithBackoff<Attempt<B | string>>(
      async (remainingMs) => {
        stats.byKind[target.kind]++;
        const result = await attempt(url, remainingMs, readBody);
        if ('response' in result && (result.response.ok || !isRetryableStatus(result.response.status)))
          return { done: true, value: result };
        // an attempt our own budget cut short says nothing about GitLab: report the last real answer
        if ('error' in result && result.cutByBudget && previous) return { done: true, value: previous };
        previous = result;
        const asked =
          'response' in result ? serverRequestedDelay(result.response.status, result.response.headers, Date.now(), clock.random) : null;
        askedMs = asked ?? 0;
        return { done: false, reason: `GitLab ${request}: ${describeAttempt(result)}`, retryAfterMs: asked ?? undefined, last: result };
      },
      { ...policy, onRetry: options.onRetry },
      clock,
    );
    if ('response' in value && value.response.ok) return { headers: value.response.headers, body: value.body as B };
    if ('response' in value && !isRetryableStatus(value.response.status)) {
      throw describeHttpError(value.response.status, value.body as string, target, options.tokenInfo, request);
    }
    throw giveUp(value, attempts, budget, askedMs, request);
  }

  return { get: get as Requester['get'], stats };
}

function describeAttempt(result: Attempt): string {
  return 'response' in result
    ? `${result.response.status} ${result.response.statusText}`.trim()
    : describeNetworkError(result.error, result.timeoutMs);
}

function giveUp(result: Attempt, attempts: number, budgetMs: number, wait: number, request: string): UpstreamError {
  const last = describeAttempt(result);
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

/** `baseUrl` + path (already URL-encoded segments) + query, keeping a base path like `/gitlab/api/v4`. */
export function buildUrl(baseUrl: string, path: string, query: Query): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  return url;
}
