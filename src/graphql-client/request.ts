import { ClientError, GraphQLClient } from 'graphql-request';
import { EXIT, UpstreamError, ValidationError } from '../errors.js';
import { redactUrl } from '../redact-url.js';
import { describeNetworkError } from '../retry/network-error.js';

/**
 * The client of our server's /graphql (GitLab's GraphQL is read by src/gitlab/job-graph.ts):
 * sends a document to a GraphQL endpoint and turns every failure into the CLI's typed errors. Our server's error codes (`extensions.code`) map back:
 * INVALID_QUERY → ValidationError with the server's `issues` (the compiler's `path: message`
 * lines, exit 3); UNAVAILABLE and 5xx → exit 4; 401 and other refusals → exit 3; no answer → exit 4.
 */
export interface GraphqlEndpoint {
  /** the full endpoint, e.g. https://metrics.example.com/graphql */
  url: string;
  /** bearer token */
  token?: string;
  /** milliseconds for the whole request */
  timeoutMs: number;
}

export async function requestGraphql<T>(endpoint: GraphqlEndpoint, document: string, variables: Record<string, unknown>): Promise<T> {
  const client = new GraphQLClient(endpoint.url, {
    headers: endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {},
    signal: AbortSignal.timeout(endpoint.timeoutMs),
  });
  try {
    return await client.request<T>(document, variables);
  } catch (error) {
    throw toCliError(error, endpoint);
  }
}

interface ServerError {
  message?: string;
  extensions?: { code?: string; issues?: unknown };
}

function toCliError(error: unknown, endpoint: GraphqlEndpoint): Error {
  const where = redactUrl(endpoint.url);
  if (!(error instanceof ClientError)) {
    return new UpstreamError(
      `Could not reach the metrics server (${where}): ${describeNetworkError(error, endpoint.timeoutMs)}. Check --url / PIPELINE_METRICS_URL and that the server is up.`,
      { cause: error },
    );
  }
  const status = error.response.status;
  const errors = (error.response.errors ?? []) as ServerError[];
  const invalid = errors.find((e) => e.extensions?.code === 'INVALID_QUERY' && Array.isArray(e.extensions.issues));
  if (invalid) return new ValidationError('query', invalid.extensions!.issues as string[], { cause: error });
  const messages = errors.map((e) => e.message ?? '').filter(Boolean);
  const detail = messages.length ? messages.join('\n  ') : `HTTP ${status}`;
  if (status === 401) {
    return new UpstreamError(
      `metrics server (${where}) refused the token (HTTP 401): ${detail}. Pass a read token with --token or PIPELINE_METRICS_TOKEN.`,
      {
        cause: error,
        status,
        exitCode: EXIT.rejected,
      },
    );
  }
  const unavailable = status >= 500 || errors.some((e) => e.extensions?.code === 'UNAVAILABLE');
  return new UpstreamError(`metrics server (${where}) answered with an error: ${detail}`, {
    cause: error,
    status,
    exitCode: unavailable ? EXIT.unreachable : EXIT.rejected,
  });
}
