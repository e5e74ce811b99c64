import { EXIT, UpstreamError } from '../../errors.js';

/** Node socket errors meaning the server is not reachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * SQLSTATEs meaning "the database is not usable right now": connection exceptions (08…),
 * shutdown / cannot connect now (57P01-57P03), too many connections (53300),
 * unknown database (3D000), statement timeout (57014). Authentication (28…) is not an outage:
 * retrying a wrong password cannot help (see toUpstream).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '57014']);
const AUTH_STATES = new Set(['28000', '28P01']);

/** node-postgres messages without a code that mean the same. */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /connection timeout/i,
  /Client has encountered a connection error/i,
];

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) {
    return true;
  }
  return UNAVAILABLE_MESSAGES.some((re) => re.test(error.message));
}

/**
 * An outage becomes UpstreamError (exit 4, "unreachable") naming the server, never its password;
 * a refused login becomes UpstreamError with exit 3: the credentials must change, not the timing.
 */
export function toUpstream(error: unknown, description: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && AUTH_STATES.has(code)) {
    return new UpstreamError(
      `Postgres at ${description} refused the login: ${(error as Error).message}. Check the user and password in DATABASE_URL / --db.`,
      { cause: error, exitCode: EXIT.rejected },
    );
  }
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
