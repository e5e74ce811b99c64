import { UpstreamError } from '../../errors.js';

/** Node socket errors meaning the server is not reachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
]);

/**
 * SQLSTATEs meaning "the database is not usable right now": connection exceptions (08…),
 * shutdown / cannot connect now (57P01-57P03), too many connections (53300),
 * authentication (28…), unknown database (3D000), statement timeout (57014).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '28000', '28P01', '3D000', '57014']);

/** node-postgres messages without a code that mean the same. */
const UNAVAILABLE_MESSAGES = [/timeout exceeded when trying to connect/i, /Connection terminated/i, /connection timeout/i, /Client has encountered a connection error/i];

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  return UNAVAILABLE_MESSAGES.some((re) => re.test(error.message));
}

/** An outage becomes UpstreamError (exit "unreachable") naming the server, never its password. */
export function toUpstream(error: unknown, description: string): unknown {
  if (!isUnavailable(error)) return error;
  const reason = (error as Error).message || (error as { code?: string }).code || 'unknown error';
  const timedOut = (error as { code?: unknown }).code === '57014';
  return new UpstreamError(
    timedOut
      ? `Postgres at ${description} did not answer in time (${reason})`
      : `cannot reach Postgres at ${description}: ${reason}. Check that the server is up and DATABASE_URL / --db is right.`,
    { cause: error },
  );
}
