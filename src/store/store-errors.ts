import { EXIT, PipelineMetricsError, ValidationError } from '../errors.js';

/** A store did not answer within a caller's per-request budget. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * What a failed `save`/`ping` means, for every caller (the server's HTTP answer, `push`'s outcome):
 * `rejected` — the payload itself was refused, resending will not help (`errors` say why);
 * `unavailable` — the database cannot be reached or answer now, a retry may succeed;
 * `failed` — anything else (a bug, an unexpected driver error).
 */
export interface StoreFailure {
  kind: 'rejected' | 'unavailable' | 'failed';
  /** `path: message` lines for `rejected`; the error message otherwise */
  errors: string[];
  message: string;
}

/**
 * SQLSTATEs meaning "the database is not usable right now": connection exceptions (08…),
 * insufficient resources (53…, e.g. too many connections), shutdown / cannot connect now
 * (57P01-57P04), statement timeout (57014), system errors (58…), unknown database (3D000).
 * Authentication (28…) is not an outage: retrying a wrong password cannot help.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|57014|58|3D000$)/;
/** Network error codes of a driver that could not reach its server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
/** Driver messages without a code that mean the same (node-postgres pool and client). */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|connection error|not queryable/i;

/**
 * The one rule for "the database cannot be reached or answer now" of a driver error (its code or
 * message), used by every store and by the server's 503 (see classifyStoreError).
 */
export function isDatabaseOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
  return error instanceof Error && UNAVAILABLE_MESSAGE.test(error.message);
}

export function classifyStoreError(error: unknown): StoreFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ValidationError) return { kind: 'rejected', errors: [...error.issues], message };
  if (isUnavailable(error)) return { kind: 'unavailable', errors: [`database unavailable: ${message}`], message };
  if (typeof code === 'string' && code.startsWith('22')) {
    // SQLSTATE class 22 (data exception): a value the schema allows but the column cannot hold
    return { kind: 'rejected', errors: [`(body): the database rejected a value: ${message}`], message };
  }
  return { kind: 'failed', errors: [message], message };
}

function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreTimeoutError) return true;
  if (error instanceof PipelineMetricsError) return error.exitCode === EXIT.unreachable;
  if (isDatabaseOutage(error)) return true;
  if (error instanceof AggregateError) return error.errors.some((e) => isUnavailable(e));
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isUnavailable(cause);
}
