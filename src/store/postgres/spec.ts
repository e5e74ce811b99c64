import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { redactUrl } from '../../redact-url.js';

/** Where Postgres lives: a server URL, or a data directory for embedded PGlite. */
export type PostgresSpec = { kind: 'server'; url: string } | { kind: 'embedded'; dir: string };

export const DEFAULT_EMBEDDED_POSTGRES_DIR = '.pipeline-metrics/postgres';

/**
 * `postgres://…` / `postgresql://…` → a server; anything else → a directory for PGlite,
 * resolved against `cwd` (created on open if missing). A malformed URL is a UsageError.
 */
export function parsePostgresSpec(text: string, cwd: string = process.cwd()): PostgresSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError('--db: must be a postgres:// URL or a directory, got an empty value');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch (error) {
      throw new UsageError('--db: not a valid URL; expected postgres://user:password@host:5432/database', { cause: error });
    }
    if (!url.hostname)
      throw new UsageError(`--db: ${redactUrl(trimmed)} names no host; expected postgres://user:password@host:5432/database`);
    return { kind: 'server', url: trimmed };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new UsageError(`--db: unsupported scheme in ${redactUrl(trimmed)}; allowed: postgres://, postgresql://, or a directory path`);
  }
  return { kind: 'embedded', dir: resolve(cwd, trimmed) };
}

/** Human description without secrets: `postgres://user@host:5432/db` or `embedded Postgres at DIR`. */
export function describePostgresSpec(spec: PostgresSpec): string {
  return spec.kind === 'server' ? redactUrl(spec.url) : `embedded Postgres at ${spec.dir}`;
}
