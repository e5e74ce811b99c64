import { firstEnv, type Env } from './env.js';

/** `--db` / `--clickhouse` as commander gives them: a value, `true` (the flag without a value), or absent. */
export type StoreFlag = string | boolean | undefined;

export function isFlagSet(flag: StoreFlag): boolean {
  return flag !== undefined && flag !== false;
}

export interface StoreChoice {
  /** true when some target flag was given: flags alone chose the targets */
  byFlags: boolean;
  postgres: boolean;
  clickhouse: boolean;
  /** nothing chosen by flags or env (nor the other target): the embedded Postgres default */
  defaulted: boolean;
}

/**
 * Which databases a command writes, the same rule for `push`, `collect --push` and `migrate`:
 * target flags choose; with no target flag, the environment variables that are set choose
 * (DATABASE_URL, CLICKHOUSE_URL); with neither, the embedded Postgres default. `other` is a
 * further target of the command (push's `--url` / PIPELINE_METRICS_URL), which counts as a flag
 * or an env choice like the databases do.
 */
export function chooseStores(
  flags: { db?: StoreFlag; clickhouse?: StoreFlag },
  env: Env,
  other: { flag: boolean; env: boolean } = { flag: false, env: false },
): StoreChoice {
  const byFlags = other.flag || isFlagSet(flags.db) || isFlagSet(flags.clickhouse);
  const postgres = byFlags ? isFlagSet(flags.db) : firstEnv(env, 'DATABASE_URL') !== undefined;
  const clickhouse = byFlags ? isFlagSet(flags.clickhouse) : firstEnv(env, 'CLICKHOUSE_URL') !== undefined;
  const otherChosen = byFlags ? other.flag : other.env;
  const defaulted = !postgres && !clickhouse && !otherChosen;
  return { byFlags, postgres: postgres || defaulted, clickhouse, defaulted };
}
