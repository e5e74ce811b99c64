import { GraphQLClient } from 'graphql-request';

/** What a GitLab GraphQL read needs: where, with which token, how long each request may take. */
export interface GitlabGraphqlOptions {
  /** API v4 root, e.g. `https://gitlab.example.com/api/v4`; GraphQL is at `…/api/graphql` */
  apiUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** ms for each request (default 30 000) */
  timeoutMs?: number;
  /** called before each HTTP request (counts requests also when one fails) */
  onRequest?: () => void;
  /** aborts the requests in flight (the read then rejects) */
  signal?: AbortSignal;
}

export function graphqlUrl(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}/api/graphql`;
}

/**
 * One GitLab GraphQL request per call: the token as `Authorization: Bearer` (GitLab's GraphQL
 * accepts personal, project and group access tokens that way, not CI_JOB_TOKEN), each request
 * bounded by `timeoutMs` and `signal`. Resolves with the response's `data`; rejects on HTTP and
 * GraphQL errors.
 */
export function gitlabGraphql(options: GitlabGraphqlOptions): (document: string, variables: Record<string, unknown>) => Promise<unknown> {
  const client = new GraphQLClient(graphqlUrl(options.apiUrl), {
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return (document, variables) => {
    options.onRequest?.();
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    return client.request<unknown>({ document, variables, signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
  };
}

/** The number at the end of a GitLab global id (`gid://gitlab/Ci::Build/123` → 123), or undefined. */
export function gidNumber(gid: string | null | undefined): number | undefined {
  const match = /\/(\d+)$/.exec(gid ?? '');
  return match ? Number(match[1]) : undefined;
}
