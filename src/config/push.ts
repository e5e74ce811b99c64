import { UsageError } from '../errors.js';
import { resolveClickhouseSpec } from './clickhouse.js';
import { firstEnv, type Env } from './env.js';
import { resolvePostgresSpec } from './postgres.js';
import { chooseStores, type StoreFlag } from './store-targets.js';

/** Raw delivery flags as commander gives them (`--db` / `--clickhouse` without a value = `true`). */
export interface DeliveryFlags {
  url?: string;
  db?: string | boolean;
  clickhouse?: string | boolean;
  token?: string;
  /** total delivery budget, seconds */
  timeout?: string;
  saveOnFailure?: string;
}

/** Where a payload goes. At least one target is always set. */
export interface DeliveryTargets {
  /** full `/save_metrics` endpoint */
  url?: string;
  /** bearer token for `url` */
  token?: string;
  /** Postgres spec: `postgres://…` URL or an embedded data directory */
  postgres?: string;
  /** ClickHouse spec: `http(s)://…` URL or an embedded chDB directory */
  clickhouse?: string;
  /** total budget per target for retries, milliseconds */
  totalMs: number;
  /** where the payload is written when a target fails; undefined = default name in cwd */
  saveOnFailure?: string;
  /** true when no target was configured and the embedded Postgres default is used */
  defaulted: boolean;
}

export const DEFAULT_DELIVERY_TIMEOUT_S = 30;

/**
 * Flags + env → targets. Target flags choose the targets (`--db`/`--clickhouse` without a value
 * take DATABASE_URL / CLICKHOUSE_URL or the embedded default). With no target flag, the env
 * variables PIPELINE_METRICS_URL, DATABASE_URL, CLICKHOUSE_URL choose; with neither, the
 * embedded Postgres default (`.pipeline-metrics/postgres`) — except in CI (CI=true), where that
 * is a UsageError. All problems are listed at once.
 */
export function resolveDeliveryTargets(flags: DeliveryFlags, env: Env): DeliveryTargets {
  const problems: string[] = [];
  const targets = collectDeliveryTargets(flags, env, problems);
  if (problems.length) throw new UsageError(`delivery options are invalid:\n  ${problems.join('\n  ')}`);
  return targets;
}

/** resolveDeliveryTargets for a command that lists its own problems too: appends to `problems`. */
export function collectDeliveryTargets(flags: DeliveryFlags, env: Env, problems: string[]): DeliveryTargets {
  const envUrl = firstEnv(env, 'PIPELINE_METRICS_URL');
  const choice = chooseStores(flags, env, { flag: flags.url !== undefined, env: envUrl !== undefined });
  const rawUrl = choice.byFlags ? flags.url : envUrl;
  const url = rawUrl === undefined ? undefined : normalizeEndpoint(rawUrl, problems);
  const postgres = choice.postgres ? resolvePostgresDb(flags.db, env, problems) : undefined;
  const clickhouse = choice.clickhouse ? resolveClickhouseSpec(flags.clickhouse, env) : undefined;
  const totalMs = parseTimeout(flags.timeout, problems);
  const token = flags.token?.trim() || firstEnv(env, 'PIPELINE_METRICS_TOKEN');
  if (choice.defaulted && isCi(env)) problems.push(NO_TARGET_IN_CI);
  return { url, token, postgres, clickhouse, totalMs, saveOnFailure: flags.saveOnFailure, defaulted: choice.defaulted };
}

/**
 * In CI the embedded default would write into a container that is thrown away, and exit 4 is
 * what pipelines are told to allow: no target there is a configuration error instead.
 */
const NO_TARGET_IN_CI =
  'no delivery target: CI is set and none of --url/--db/--clickhouse or PIPELINE_METRICS_URL/DATABASE_URL/CLICKHOUSE_URL is; ' +
  'the embedded default would be lost with the job. Set PIPELINE_METRICS_URL (and PIPELINE_METRICS_TOKEN) in the CI/CD variables';

/** GitLab (and most CI systems) set CI=true; GitLab also sets GITLAB_CI=true. */
export function isCi(env: Env): boolean {
  return /^(true|1|yes)$/i.test(firstEnv(env, 'CI') ?? '') || /^(true|1|yes)$/i.test(firstEnv(env, 'GITLAB_CI') ?? '');
}

/** Accepts a base URL (`https://metrics.example`) or one already ending in `/save_metrics`. */
export function normalizeEndpoint(raw: string, problems: string[]): string | undefined {
  return serverEndpoint(raw, '/save_metrics', problems);
}

/**
 * A metrics server's endpoint from `--url` / PIPELINE_METRICS_URL: an http(s) base URL, or one
 * already ending in `route`; `route` is appended otherwise. The one rule for push and `query --url`.
 */
export function serverEndpoint(raw: string, route: '/save_metrics' | '/graphql', problems: string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    problems.push(`--url / PIPELINE_METRICS_URL: "${raw}" is not a URL (expected http(s)://host[:port][/path])`);
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.push(`--url / PIPELINE_METRICS_URL: protocol must be http or https, got "${parsed.protocol}"`);
    return undefined;
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = path.endsWith(route) ? path : `${path}${route}`;
  return parsed.toString();
}

function parseTimeout(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DEFAULT_DELIVERY_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || raw.trim() === '') {
    problems.push(`--timeout: must be a positive number of seconds, got "${raw}"`);
    return 0;
  }
  return Math.round(seconds * 1000);
}

/**
 * `--db` value, else DATABASE_URL, else the embedded default directory (see config/postgres),
 * as the spec string the store opens: the URL, or an absolute directory.
 */
export function resolvePostgresDb(flag: StoreFlag, env: Env, problems?: string[]): string {
  try {
    const spec = resolvePostgresSpec(flag, env);
    return spec.kind === 'server' ? spec.url : spec.dir;
  } catch (error) {
    if (!problems || !(error instanceof UsageError)) throw error;
    problems.push(error.message);
    return '';
  }
}
