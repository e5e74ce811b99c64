import { DEFAULT_CHDB_DIR } from '../store/clickhouse/spec.js';
import { firstEnv, type Env } from './env.js';

/** Env variable naming the ClickHouse server (or embedded directory) for every ClickHouse command. */
export const CLICKHOUSE_ENV = 'CLICKHOUSE_URL';

/** Embedded chDB data directory used when neither `--clickhouse SPEC` nor CLICKHOUSE_URL is given. */
export { DEFAULT_CHDB_DIR as DEFAULT_CLICKHOUSE_DIR };

/**
 * `--clickhouse [spec]` → the spec string the store opens: the flag's value, else CLICKHOUSE_URL,
 * else the embedded default. A bare `--clickhouse` (commander gives `true`) means "not given".
 * The spec is checked when opened (http(s):// URL or a directory).
 */
export function resolveClickhouseSpec(flag: string | boolean | undefined, env: Env): string {
  const value = typeof flag === 'string' && flag.trim() !== '' ? flag.trim() : undefined;
  return value ?? firstEnv(env, CLICKHOUSE_ENV) ?? DEFAULT_CHDB_DIR;
}
