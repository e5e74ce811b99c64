import { PipelineMetricsError, ValidationError, EXIT } from '../errors.js';

/** An HTTP answer for a failure: status, JSON body `{ errors: [...] }`, and the log outcome. */
export interface ErrorReply {
  status: number;
  errors: string[];
  outcome: string;
  /** set for 5xx: what to log */
  cause?: string;
}

/** A store did not answer within the per-request budget. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

const FASTIFY_CODES: Record<string, Omit<ErrorReply, 'errors'> & { message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    outcome: 'unsupported_media_type',
    message: '(body): Content-Type must be application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, outcome: 'too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, outcome: 'invalid', message: '(body): empty body; expected a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, outcome: 'invalid' },
};

/** Postgres SQLSTATE classes that mean "the database is not available right now". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|58)/;
/** Network error codes of a driver that could not reach its server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
/** Driver messages without a code that mean the same (node-postgres pool and client). */
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

/** Maps a framework or store error to an answer. Never throws. */
export function replyForError(error: unknown, bodyLimit: number): ErrorReply {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code in FASTIFY_CODES) {
    const known = FASTIFY_CODES[code]!;
    const text = code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `(body): larger than the limit of ${bodyLimit} bytes` : known.message;
    return { status: known.status, outcome: known.outcome, errors: [text ?? `(body): ${message}`] };
  }
  if (error instanceof ValidationError) return { status: 400, outcome: 'invalid', errors: [...error.issues] };
  if (isUnavailable(error, code)) {
    return { status: 503, outcome: 'unavailable', errors: [`database unavailable: ${message}`], cause: message };
  }
  if (typeof code === 'string' && code.startsWith('22')) {
    // SQLSTATE class 22 (data exception): a value the schema allows but the column cannot hold
    return { status: 400, outcome: 'invalid', errors: [`(body): the database rejected a value: ${message}`] };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, outcome: 'invalid', errors: [`(request): ${message}`] };
  }
  return { status: 500, outcome: 'error', errors: ['internal error; see the server log'], cause: message };
}

function isUnavailable(error: unknown, code: unknown): boolean {
  if (error instanceof StoreTimeoutError) return true;
  if (error instanceof PipelineMetricsError) return error.exitCode === EXIT.unreachable;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
  if (error instanceof Error && UNAVAILABLE_MESSAGE.test(error.message)) return true;
  if (error instanceof AggregateError) return error.errors.some((e) => isUnavailable(e, (e as { code?: unknown }).code));
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isUnavailable(cause, (cause as { code?: unknown } | null)?.code);
}
