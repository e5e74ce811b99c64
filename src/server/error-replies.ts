import { classifyStoreError } from '../store/store-errors.js';

/** An HTTP answer for a failure: status, JSON body `{ errors: [...] }`, and the log outcome. */
export interface ErrorReply {
  status: number;
  errors: string[];
  outcome: string;
  /** set for 5xx: what to log */
  cause?: string;
}

const FASTIFY_CODES: Record<string, Omit<ErrorReply, 'errors'> & { message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    outcome: 'unsupported_media_type',
    message: '(body): Content-Type must be application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, outcome: 'too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, outcome: 'invalid', message: '(body): empty body; expected a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    outcome: 'invalid',
    message: '(body): the body length does not match the Content-Length header',
  },
  PM_UNSUPPORTED_CONTENT_ENCODING: { status: 415, outcome: 'unsupported_media_type' },
  /** zlib: a body declared gzip that is not */
  Z_DATA_ERROR: { status: 400, outcome: 'invalid', message: '(body): Content-Encoding is gzip but the body is not valid gzip' },
  Z_BUF_ERROR: { status: 400, outcome: 'invalid', message: '(body): Content-Encoding is gzip but the body is truncated' },
};

/** Maps a framework or store error (see classifyStoreError) to an answer. Never throws. */
export function replyForError(error: unknown, bodyLimit: number): ErrorReply {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code in FASTIFY_CODES) {
    const known = FASTIFY_CODES[code]!;
    const text = code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `(body): larger than the limit of ${bodyLimit} bytes` : known.message;
    return { status: known.status, outcome: known.outcome, errors: [text ?? `(body): ${message}`] };
  }
  const failure = classifyStoreError(error);
  if (failure.kind === 'rejected') return { status: 400, outcome: 'invalid', errors: failure.errors };
  if (failure.kind === 'unavailable') return { status: 503, outcome: 'unavailable', errors: failure.errors, cause: message };
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, outcome: 'invalid', errors: [`(request): ${message}`] };
  }
  return { status: 500, outcome: 'error', errors: ['internal error; see the server log'], cause: message };
}
