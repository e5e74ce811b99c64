import { EXIT, UpstreamError } from '../../errors.js';

/** Server error types meaning "the tables are not created": a setup step is missing (exit 2). */
const UNMIGRATED_TYPES = new Set(['UNKNOWN_TABLE', 'UNKNOWN_DATABASE']);

/**
 * ClickHouse answered with an error. Keeps the server's numeric `code` (e.g. `'47'`) and its
 * `type` (e.g. `'UNKNOWN_IDENTIFIER'`), as @clickhouse/client's ClickHouseError does.
 * Exit code 3 (rejected): the engine was reached and refused the statement (or the login);
 * exit 2 when the tables are missing (run `migrate`).
 */
export class ClickhouseServerError extends UpstreamError {
  readonly code: string;
  readonly type: string | undefined;
  constructor(message: string, code: string, type: string | undefined, cause: unknown) {
    super(message, { cause, exitCode: type !== undefined && UNMIGRATED_TYPES.has(type) ? EXIT.usage : EXIT.rejected });
    this.code = code;
    this.type = type;
  }
}

interface ServerErrorShape {
  message: string;
  code: string;
  type?: string;
}

function isServerError(error: unknown): error is ServerErrorShape {
  // ClickHouseError from @clickhouse/client: a numeric string code from the server
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && /^\d+$/.test(code);
}

/**
 * Turns whatever the client threw into a typed error naming what we were doing and where.
 * `action` is e.g. `running the query`; `where` is the spec's description (no secrets).
 */
export function wrapClickhouseError(error: unknown, action: string, where: string): Error {
  if (error instanceof UpstreamError) return error;
  if (isServerError(error)) {
    const type = error.type ? ` ${error.type}` : '';
    const hint =
      error.type !== undefined && UNMIGRATED_TYPES.has(error.type) ? ' (are the tables created? run `pipeline-metrics migrate`)' : '';
    return new ClickhouseServerError(
      `ClickHouse (${where}) refused ${action}: code ${error.code}${type}: ${firstLine(error.message)}${hint}`,
      error.code,
      error.type,
      error,
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstreamError(
    `Could not reach ClickHouse (${where}) while ${action}: ${firstLine(detail)}. ` +
      'Check --clickhouse / CLICKHOUSE_URL and that the server is up.',
    { cause: error },
  );
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line.trim();
}
