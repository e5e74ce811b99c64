/**
 * Migration DDL for a ClickHouse cluster (`migrate --clickhouse <url> --cluster <name>`): each
 * `CREATE TABLE` / `ALTER TABLE` statement runs `ON CLUSTER <name>` (every node applies it), and
 * each MergeTree-family engine becomes its Replicated form, so every replica of a shard holds
 * the same rows (ClickHouse Keeper coordinates them). Without a cluster the shipped DDL runs
 * unchanged (a single server, or ClickHouse Cloud, which replicates plain DDL itself).
 *
 * Replica path: `/clickhouse/tables/{shard}/{database}/{table}` and replica `{replica}`, the
 * macros every node of a replicated cluster defines in its `macros` configuration.
 */
import { clusterNameProblem } from './spec.js';

export const REPLICA_ARGS = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

const TABLE_HEAD =
  /^\s*(CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?|ALTER\s+TABLE\s+)((?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*)/i;
const MERGE_TREE_ENGINE =
  /\bENGINE\s*=\s*((?:Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing)?MergeTree)\b(?:\s*\(([^)]*)\))?/i;

/**
 * One migration statement (comments already removed by splitStatements) for `cluster`; the
 * statement itself when `cluster` is undefined. Throws for a statement that is not a
 * `CREATE TABLE` / `ALTER TABLE`: a migration the cluster form does not know is refused, not
 * run on one node only.
 */
export function ddlForCluster(statement: string, cluster: string | undefined): string {
  if (cluster === undefined) return statement;
  const problem = clusterNameProblem(cluster);
  if (problem !== null) throw new Error(`cluster name ${problem}`);
  const head = TABLE_HEAD.exec(statement);
  if (!head) {
    throw new Error(
      `cannot run on cluster "${cluster}": only CREATE TABLE and ALTER TABLE are supported, got: ${statement.trim().slice(0, 80)}`,
    );
  }
  const onCluster = `${statement.slice(0, head[0].length)} ON CLUSTER \`${cluster}\`${statement.slice(head[0].length)}`;
  return onCluster.replace(MERGE_TREE_ENGINE, (_match, engine: string, args: string | undefined) => {
    const rest = args?.trim();
    return `ENGINE = Replicated${engine}(${rest ? `${REPLICA_ARGS}, ${rest}` : REPLICA_ARGS})`;
  });
}
