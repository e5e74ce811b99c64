/**
 * `migrate --clickhouse <url> --cluster <name>` (issue #9 item 14). No ClickHouse cluster (Keeper
 * and several servers) can run here, so the cluster DDL is checked as text and parsed by chDB's
 * own parser (EXPLAIN AST), and its non-cluster form (the shipped DDL) is run on chDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveMigrateConfig } from '../../../src/config/migrate.js';
import { UsageError } from '../../../src/errors.js';
import { discoverMigrations } from '../../../src/migrate/discover.js';
import { runMigrations } from '../../../src/migrate/run.js';
import { openClickhouseClient } from '../../../src/store/clickhouse/client.js';
import { ddlForCluster, REPLICA_ARGS } from '../../../src/store/clickhouse/cluster-ddl.js';
import { LEDGER_DDL, LEDGER_TABLE, openClickhouseMigrationTarget } from '../../../src/store/clickhouse/migration-target.js';
import { splitStatements } from '../../../src/store/clickhouse/statements.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-ch-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function shippedStatements(): Promise<string[]> {
  return (await discoverMigrations('clickhouse')).flatMap((file) => splitStatements(file.sql));
}

/** The cluster form with the two cluster changes undone: must give back the shipped statement. */
function undoCluster(ddl: string): string {
  return ddl
    .replace(' ON CLUSTER `prod_ci`', '')
    .replace(/Replicated(\w*MergeTree)\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'(?:, )?/, '$1(')
    .replace(/(\w*MergeTree)\(\)/, '$1');
}

describe('cluster DDL as text', () => {
  it('creates every shipped table ON CLUSTER with the Replicated form of its engine, changing nothing else', async () => {
    const statements = await shippedStatements();
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const statement of [...statements, LEDGER_DDL]) {
      const ddl = ddlForCluster(statement, 'prod_ci');
      expect(ddl).toMatch(/^\s*(CREATE TABLE IF NOT EXISTS|ALTER TABLE) \w+ ON CLUSTER `prod_ci`[\s(]/);
      if (/ENGINE\s*=/.test(statement))
        expect(ddl).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/);
      expect(undoCluster(ddl)).toBe(statement);
    }
    const builds = statements.find((s) => s.includes('TABLE IF NOT EXISTS ci_finished_builds'))!;
    expect(ddlForCluster(builds, 'prod_ci')).toContain(`CREATE TABLE IF NOT EXISTS ci_finished_builds ON CLUSTER \`prod_ci\`\n(`);
    expect(ddlForCluster(builds, 'prod_ci')).toContain(
      `ENGINE = ReplicatedReplacingMergeTree(${REPLICA_ARGS}, version, deleted)\nPARTITION BY toYear(finished_at)`,
    );
    const pipelines = statements.find((s) => s.includes('TABLE IF NOT EXISTS ci_finished_pipelines'))!;
    expect(ddlForCluster(pipelines, 'prod_ci')).toContain(
      `ENGINE = ReplicatedReplacingMergeTree(${REPLICA_ARGS})\nPARTITION BY toYear(finished_at)`,
    );
  });

  it('puts ON CLUSTER after the table name of ALTER TABLE, and leaves plain DDL unchanged without a cluster', () => {
    expect(ddlForCluster('ALTER TABLE ci_finished_builds ADD COLUMN IF NOT EXISTS x String', 'prod_ci')).toBe(
      'ALTER TABLE ci_finished_builds ON CLUSTER `prod_ci` ADD COLUMN IF NOT EXISTS x String',
    );
    expect(ddlForCluster('CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a', 'c')).toBe(
      `CREATE TABLE t ON CLUSTER \`c\` (a UInt8) ENGINE = ReplicatedMergeTree(${REPLICA_ARGS}) ORDER BY a`,
    );
    expect(ddlForCluster('ALTER TABLE t DROP COLUMN x', undefined)).toBe('ALTER TABLE t DROP COLUMN x');
  });

  it('refuses a statement it cannot run on a cluster, and cluster names that could break out of the DDL', () => {
    expect(() => ddlForCluster('INSERT INTO t VALUES (1)', 'c')).toThrow(/only CREATE TABLE and ALTER TABLE are supported/);
    for (const bad of ['a`b', 'c; DROP TABLE t', '', ' c', '1c', 'c\n'])
      expect(() => ddlForCluster('ALTER TABLE t DROP COLUMN x', bad)).toThrow(/cluster name must be/);
  });
});

describe('cluster DDL on chDB', () => {
  it("parses with ClickHouse's own parser (EXPLAIN AST), ledger included", async () => {
    const handle = await openClickhouseClient(join(dir, 'parse'));
    try {
      const statements = [...(await shippedStatements()), LEDGER_DDL];
      for (const statement of statements) {
        const ddl = ddlForCluster(statement, 'prod_ci');
        const ast = await (await handle.client.query({ query: `EXPLAIN AST ${ddl}`, format: 'TabSeparatedRaw' })).text();
        expect(ast).toMatch(/^"?(CreateQuery|AlterQuery) /);
        if (ddl.includes('Replicated')) expect(ast).toMatch(/Function Replicated\w*MergeTree/);
      }
    } finally {
      await handle.close();
    }
  });

  it('its non-cluster form (the shipped DDL) creates the tables on chDB', async () => {
    const target = await openClickhouseMigrationTarget(join(dir, 'plain'));
    try {
      const report = await runMigrations(target, await discoverMigrations('clickhouse'));
      expect(report.applied.length).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
    const handle = await openClickhouseClient(join(dir, 'plain'));
    try {
      const tables = await (
        await handle.client.query({
          query: 'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name',
          format: 'JSONEachRow',
        })
      ).json<{ name: string; engine: string }>();
      expect(tables.map((t) => t.engine)).not.toContainEqual(expect.stringMatching(/^Replicated/));
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['ci_finished_builds', 'ci_finished_pipelines', LEDGER_TABLE]));
    } finally {
      await handle.close();
    }
  });
});

describe('migrate --cluster options', () => {
  it('needs a ClickHouse server URL and a valid name; plain DDL stays the default', () => {
    expect(resolveMigrateConfig({ clickhouse: 'http://ch-1:8123', cluster: 'prod_ci' }, {})).toMatchObject({
      clickhouse: 'http://ch-1:8123',
      clickhouseCluster: 'prod_ci',
    });
    expect(resolveMigrateConfig({ clickhouse: 'http://ch-1:8123' }, {}).clickhouseCluster).toBeUndefined();
    expect(() => resolveMigrateConfig({ clickhouse: join(dir, 'x'), cluster: 'prod_ci' }, {})).toThrow(UsageError);
    expect(() => resolveMigrateConfig({ cluster: 'prod_ci' }, {})).toThrow(/--cluster: needs --clickhouse/);
    expect(() => resolveMigrateConfig({ clickhouse: 'http://ch-1:8123', cluster: 'a`b' }, {})).toThrow(
      /--cluster: must be a ClickHouse cluster name/,
    );
  });
});
