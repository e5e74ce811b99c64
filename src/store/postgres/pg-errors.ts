import { EXIT, UpstreamError } from '../../errors.js';
import { isDatabaseOutage } from '../store-errors.js';

const AUTH_STATES = new Set(['28000', '28P01']);

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
  if (!isDatabaseOutage(error)) return error;
  const reason = (error as Error).message || (error as { code?: string }).code || 'unknown error';
  const timedOut = (error as { code?: unknown }).code === '57014';
  return new UpstreamError(
    timedOut
      ? `Postgres at ${description} did not answer in time (${reason})`
      : `cannot reach Postgres at ${description}: ${reason}. Check that the server is up and DATABASE_URL / --db is right.`,
    { cause: error },
  );
}
