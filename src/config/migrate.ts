import { PipelineMetricsError, UsageError } from '../errors.js';
import { resolveClickhouseSpec } from './clickhouse.js';
import type { Env } from './env.js';
import { resolvePostgresSpec, type PostgresSpec } from './postgres.js';
import { chooseStores } from './store-targets.js';
import { clusterNameProblem } from '../store/clickhouse/spec.js';

/** Flags as commander gives them: `--db` / `--clickhouse` without a value are `true`. */
export interface MigrateFlags {
  db?: string | boolean;
  clickhouse?: string | boolean;
  status?: boolean;
  json?: boolean;
  cluster?: string;
}

export interface MigrateConfig {
  postgres?: PostgresSpec;
  /** ClickHouse spec (`http(s)://…` URL or a chDB directory), parsed by the ClickHouse target */
  clickhouse?: string;
  /** ClickHouse cluster name: DDL runs ON CLUSTER with Replicated engines (server URLs only) */
  clickhouseCluster?: string;
  /** list applied and pending files, apply nothing */
  status: boolean;
  json: boolean;
}

/**
 * Which databases to migrate. Target flags choose (a flag without a value takes DATABASE_URL /
 * CLICKHOUSE_URL, then the embedded default). Without target flags, the set env variables choose;
 * with neither, the embedded Postgres default. Every problem is listed at once.
 */
export function resolveMigrateConfig(flags: MigrateFlags, env: Env, cwd: string = process.cwd()): MigrateConfig {
  const choice = chooseStores(flags, env);
  const problems: string[] = [];
  let postgres: PostgresSpec | undefined;
  if (choice.postgres) {
    try {
      postgres = resolvePostgresSpec(flags.db, env, cwd);
    } catch (error) {
      if (!(error instanceof PipelineMetricsError)) throw error;
      problems.push(error.message);
    }
  }
  if (typeof flags.clickhouse === 'string' && flags.clickhouse.trim() === '') {
    problems.push('--clickhouse: must be an http(s):// URL or a directory, got an empty value');
  }
  const clickhouse = choice.clickhouse ? resolveClickhouseSpec(flags.clickhouse, env) : undefined;
  if (flags.cluster !== undefined) checkCluster(flags.cluster, clickhouse, problems);
  if (problems.length > 0) throw new UsageError(`migrate options are invalid:\n  ${problems.join('\n  ')}`);
  return {
    postgres,
    clickhouse,
    ...(flags.cluster !== undefined && { clickhouseCluster: flags.cluster }),
    status: flags.status ?? false,
    json: flags.json ?? false,
  };
}

/** `--cluster` needs a ClickHouse server (a cluster's node): not chDB, not without --clickhouse. */
function checkCluster(cluster: string, clickhouse: string | undefined, problems: string[]): void {
  const problem = clusterNameProblem(cluster);
  if (problem !== null) problems.push(`--cluster: ${problem}`);
  if (clickhouse === undefined || !/^https?:\/\//i.test(clickhouse.trim())) {
    problems.push('--cluster: needs --clickhouse <http(s):// URL> of a node of that cluster (the embedded engine is a single server)');
  }
}
