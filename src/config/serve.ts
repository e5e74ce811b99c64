import { UsageError } from '../errors.js';
import { parseWholeNumber } from './integer.js';
import { firstEnv, type Env } from './env.js';
import { resolveClickhouseSpec } from './clickhouse.js';
import { resolvePostgresDb } from './push.js';
import { isFlagSet } from './store-targets.js';

/** A read token and the project path patterns it may read (empty: every project). */
export interface ReadToken {
  token: string;
  projects: string[];
}

/** Raw `serve` flags as commander gives them. */
export interface ServeFlags {
  port?: string;
  host?: string;
  db?: string | boolean;
  clickhouse?: string | boolean;
  /** repeatable `--token` */
  token?: string[];
  /** repeatable `--read-token TOKEN[=PATTERN,…]` */
  readToken?: string[];
  /** per-request /graphql budget, seconds */
  queryTimeout?: string;
  bodyLimit?: string;
  /** per-request database budget, seconds */
  storeTimeout?: string;
  dbPoolSize?: string;
}

export interface ServeConfig {
  port: number;
  host: string;
  /** Postgres spec: `postgres://…` or an embedded data directory (always set) */
  postgres: string;
  /** ClickHouse spec when a second store is wanted */
  clickhouse?: string;
  /** push tokens (POST /save_metrics); empty and no read tokens = no authentication */
  tokens: string[];
  /** read tokens (/graphql), each optionally limited to project path patterns */
  readTokens?: ReadToken[];
  /** /graphql budget per request, seconds (also ClickHouse's max_execution_time); default 30 */
  queryTimeoutS?: number;
  /** bytes */
  bodyLimit: number;
  /** milliseconds */
  storeTimeoutMs: number;
  /** connections to a Postgres server (more concurrent commits share each WAL flush) */
  dbPoolSize: number;
}

export const SERVE_DEFAULTS = {
  port: 8080,
  /** all interfaces, so the service is reachable inside a container */
  host: '0.0.0.0',
  /** 4 MiB: about 8,000 job attempts (a collected payload is ~500 bytes per attempt); a runaway 10 MB body does not */
  bodyLimit: 4 * 1024 * 1024,
  storeTimeoutS: 10,
  queryTimeoutS: 30,
  /** each save is one statement on one connection; raise it for a remote server with slow commits */
  dbPoolSize: 10,
} as const;

/**
 * Flags + env → validated config, every problem listed at once. Env fallbacks: PORT, HOST,
 * DATABASE_URL, CLICKHOUSE_URL (adds ClickHouse as a second store), PIPELINE_METRICS_TOKENS
 * (comma-separated), PIPELINE_METRICS_READ_TOKENS (entries separated by spaces or `;`),
 * PIPELINE_METRICS_BODY_LIMIT, PIPELINE_METRICS_DB_POOL_SIZE.
 */
export function resolveServeConfig(flags: ServeFlags, env: Env): ServeConfig {
  const problems: string[] = [];
  const port = parsePort(flags.port ?? firstEnv(env, 'PORT'), problems);
  const host = flags.host?.trim() || firstEnv(env, 'HOST') || SERVE_DEFAULTS.host;
  const rawLimit = flags.bodyLimit ?? firstEnv(env, 'PIPELINE_METRICS_BODY_LIMIT');
  const bodyLimit = rawLimit === undefined ? SERVE_DEFAULTS.bodyLimit : parseByteSize(rawLimit, problems);
  const storeTimeoutMs = parseSeconds(flags.storeTimeout, SERVE_DEFAULTS.storeTimeoutS, problems, '--store-timeout');
  const dbPoolSize = parsePoolSize(flags.dbPoolSize ?? firstEnv(env, 'PIPELINE_METRICS_DB_POOL_SIZE'), problems);
  const tokens = (flags.token?.length ? flags.token : (firstEnv(env, 'PIPELINE_METRICS_TOKENS') ?? '').split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.some((t) => /\s/.test(t))) problems.push('--token / PIPELINE_METRICS_TOKENS: a token must not contain spaces');
  const rawRead = flags.readToken?.length ? flags.readToken : (firstEnv(env, 'PIPELINE_METRICS_READ_TOKENS') ?? '').split(/[\s;]+/);
  const readTokens = parseReadTokens(rawRead, problems);
  if (readTokens.some((r) => tokens.includes(r.token)))
    problems.push('--read-token: a token cannot be both a push token (--token) and a read token');
  const queryTimeoutS = parseSeconds(flags.queryTimeout, SERVE_DEFAULTS.queryTimeoutS, problems, '--query-timeout') / 1000;
  // serve always writes Postgres; ClickHouse too when asked by flag or CLICKHOUSE_URL
  const wantCh = isFlagSet(flags.clickhouse) || firstEnv(env, 'CLICKHOUSE_URL') !== undefined;
  const postgres = resolvePostgresDb(flags.db, env, problems);
  if (problems.length) throw new UsageError(`serve options are invalid:\n  ${problems.join('\n  ')}`);
  return {
    port,
    host,
    postgres,
    clickhouse: wantCh ? resolveClickhouseSpec(flags.clickhouse, env) : undefined,
    tokens,
    readTokens,
    queryTimeoutS,
    bodyLimit,
    storeTimeoutMs,
    dbPoolSize,
  };
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return SERVE_DEFAULTS.port;
  const port = parseWholeNumber(raw, 0, 65_535);
  if (port === undefined) problems.push(`--port / PORT: must be an integer 0-65535 (0 = any free port), got "${raw}"`);
  return port ?? SERVE_DEFAULTS.port;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/** `1048576`, `512KiB`, `4MiB`, `4mb` (k/m units are powers of 1024) → bytes. */
export function parseByteSize(raw: string, problems: string[]): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) {
    problems.push(`--body-limit / PIPELINE_METRICS_BODY_LIMIT: expected bytes like 1048576, 512KiB or 4MiB, got "${raw}"`);
    return 0;
  }
  return bytes;
}

/** Node's timers fire at once above 2^31-1 ms (about 24.8 days); a store timeout is far below. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_STORE_TIMEOUT_S = 3_600;

function parseSeconds(raw: string | undefined, fallback: number, problems: string[], flag: string): number {
  if (raw === undefined) return fallback * 1000;
  const seconds = Number(raw);
  const ms = Math.round(seconds * 1000);
  if (raw.trim() === '' || !Number.isFinite(seconds) || ms < 1 || seconds > MAX_STORE_TIMEOUT_S || ms > MAX_TIMER_MS) {
    problems.push(`${flag}: must be a number of seconds from 0.001 to ${MAX_STORE_TIMEOUT_S}, got "${raw}"`);
  }
  return ms;
}

function parsePoolSize(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return SERVE_DEFAULTS.dbPoolSize;
  const size = parseWholeNumber(raw, 1, 1_000);
  if (size === undefined) problems.push(`--db-pool-size / PIPELINE_METRICS_DB_POOL_SIZE: must be an integer 1-1000, got "${raw}"`);
  return size ?? SERVE_DEFAULTS.dbPoolSize;
}

/**
 * `TOKEN` (reads every project) or `TOKEN=group/*,other/app` (reads projects whose full path
 * matches a pattern: `*` within one path segment, `**` across segments).
 */
function parseReadTokens(raw: readonly string[], problems: string[]): ReadToken[] {
  return raw
    .map((entry) => entry.trim())
    .filter(Boolean)
    .flatMap((entry) => {
      const [token = '', patterns] = entry.split(/=(.*)/s, 2);
      const projects =
        patterns === undefined
          ? []
          : patterns
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean);
      if (!token || /\s/.test(token) || (patterns !== undefined && projects.length === 0)) {
        problems.push('--read-token / PIPELINE_METRICS_READ_TOKENS: expected TOKEN or TOKEN=PATTERN[,PATTERN…] (no spaces)');
        return [];
      }
      return [{ token, projects }];
    });
}
