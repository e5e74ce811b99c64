import { GraphQLError } from 'graphql';
import { PipelineMetricsError, UpstreamError, ValidationError } from '../../errors.js';
import { ClickhouseServerError } from '../../store/clickhouse/errors.js';

/**
 * `extensions.code` of our GraphQL errors. A client (`query --url`) maps them back to the CLI's
 * errors and exit codes: INVALID_QUERY (3, `issues` = the compiler's `path: message` lines),
 * QUERY_REFUSED (3), TIMEOUT (3), FORBIDDEN (3), UNAVAILABLE (4).
 */
export const ERROR_CODES = ['INVALID_QUERY', 'QUERY_REFUSED', 'TIMEOUT', 'CANCELLED', 'FORBIDDEN', 'UNAVAILABLE', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function graphqlError(message: string, code: ErrorCode, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * Turns what a resolver threw into a GraphQL error with the CLI's message. A budget that ran out
 * or a client that left (`signal` aborted) wins over whatever the engine said about it.
 */
export function toGraphqlError(error: unknown, signal: AbortSignal, budgetSeconds: number): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (signal.aborted) {
    const timedOut = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
    return timedOut
      ? graphqlError(`query cancelled: it ran longer than the ${budgetSeconds} s budget; narrow the time range or the query`, 'TIMEOUT')
      : graphqlError('query cancelled: the client went away', 'CANCELLED');
  }
  if (error instanceof ValidationError) return graphqlError(error.message, 'INVALID_QUERY', { issues: error.issues });
  if (error instanceof ClickhouseServerError) {
    if (error.type === 'TIMEOUT_EXCEEDED' || error.code === '159') {
      return graphqlError(
        `query cancelled: it ran longer than the ${budgetSeconds} s budget; narrow the time range or the query`,
        'TIMEOUT',
      );
    }
    return graphqlError(error.message, 'QUERY_REFUSED');
  }
  if (error instanceof UpstreamError) return graphqlError(error.message, 'UNAVAILABLE');
  if (error instanceof PipelineMetricsError) return graphqlError(error.message, 'QUERY_REFUSED');
  return graphqlError('internal error while running the query (see the server log)', 'INTERNAL');
}
