/** One structured line per request, written by the server's logger (JSON, no newline inside). */
export interface RequestLogRecord {
  /** ISO 8601, UTC, when the response finished */
  time: string;
  method: string;
  url: string;
  status: number;
  /** request duration, milliseconds */
  ms: number;
  /** what happened, e.g. `created`, `duplicate`, `invalid`, `unauthorized`, `unavailable` */
  outcome: string;
  pipeline_id?: number;
  /** for 5xx: the underlying error message */
  error?: string;
}

/** Receives one JSON line (ending in `\n`) per request. */
export type LogWriter = (line: string) => void;

export function formatLogLine(record: RequestLogRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Outcome when no handler named one: derived from the status code. */
export function outcomeForStatus(status: number): string {
  const names: Record<number, string> = {
    200: 'ok',
    208: 'duplicate',
    400: 'invalid',
    401: 'unauthorized',
    404: 'not_found',
    405: 'method_not_allowed',
    413: 'too_large',
    415: 'unsupported_media_type',
    503: 'unavailable',
  };
  return names[status] ?? (status >= 500 ? 'error' : `http_${status}`);
}
