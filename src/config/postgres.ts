import { DEFAULT_EMBEDDED_POSTGRES_DIR, parsePostgresSpec, type PostgresSpec } from '../store/postgres/spec.js';
import { firstEnv, type Env } from './env.js';

export { DEFAULT_EMBEDDED_POSTGRES_DIR, type PostgresSpec };

/**
 * `--db` → a validated Postgres spec. A value given to `--db` wins; `--db` without a value or no
 * flag at all falls back to DATABASE_URL, then to the embedded default `.pipeline-metrics/postgres`
 * (relative paths resolve against `cwd`). Throws UsageError for a malformed URL or scheme.
 */
export function resolvePostgresSpec(flag: string | boolean | undefined, env: Env, cwd: string = process.cwd()): PostgresSpec {
  const given = typeof flag === 'string' && flag.trim() !== '' ? flag : undefined;
  return parsePostgresSpec(given ?? firstEnv(env, 'DATABASE_URL') ?? DEFAULT_EMBEDDED_POSTGRES_DIR, cwd);
}
