import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatReports } from '../../src/cli/migrate.js';
import { runMigrate } from '../../src/commands/migrate.js';
import { resolveMigrateConfig } from '../../src/config/migrate.js';
import { resolvePostgresSpec } from '../../src/config/postgres.js';
import { UsageError } from '../../src/errors.js';
import { discoverMigrations } from '../../src/migrate/discover.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';

describe('migrate configuration', () => {
  const cwd = '/work/project';

  test('no flags, no env: the embedded Postgres default under the cwd', () => {
    expect(resolveMigrateConfig({}, {}, cwd)).toEqual({
      postgres: { kind: 'embedded', dir: '/work/project/.pipeline-metrics/postgres' },
      clickhouse: undefined,
      status: false,
      json: false,
    });
  });

  test('no flags: the databases set in the environment', () => {
    const env = { DATABASE_URL: 'postgres://u:p@db:5432/metrics', CLICKHOUSE_URL: 'http://ch:8123' };
    expect(resolveMigrateConfig({ status: true }, env, cwd)).toEqual({
      postgres: { kind: 'server', url: 'postgres://u:p@db:5432/metrics' },
      clickhouse: 'http://ch:8123',
      status: true,
      json: false,
    });
    expect(resolveMigrateConfig({}, { CLICKHOUSE_URL: 'http://ch:8123' }, cwd)).toMatchObject({
      postgres: undefined,
      clickhouse: 'http://ch:8123',
    });
  });

  test('flags choose the targets; a flag without a value takes the env, then the default', () => {
    const env = { DATABASE_URL: 'postgresql://db/metrics', CLICKHOUSE_URL: 'http://ch:8123' };
    expect(resolveMigrateConfig({ db: true }, env, cwd)).toMatchObject({
      postgres: { kind: 'server', url: 'postgresql://db/metrics' },
      clickhouse: undefined,
    });
    expect(resolveMigrateConfig({ clickhouse: true }, {}, cwd)).toMatchObject({
      postgres: undefined,
      clickhouse: '.pipeline-metrics/clickhouse',
    });
    expect(resolveMigrateConfig({ db: 'data/pg', clickhouse: 'data/ch' }, env, cwd)).toMatchObject({
      postgres: { kind: 'embedded', dir: '/work/project/data/pg' },
      clickhouse: 'data/ch',
    });
  });

  test('bad values are listed together with what is allowed', () => {
    expect(() => resolveMigrateConfig({ db: 'mysql://db/x', clickhouse: '' }, {}, cwd)).toThrow(UsageError);
    expect(() => resolveMigrateConfig({ db: 'mysql://db/x', clickhouse: '' }, {}, cwd)).toThrow(
      'migrate options are invalid:\n' +
        '  --db: unsupported scheme in mysql://db/x; allowed: postgres://, postgresql://, or a directory path\n' +
        '  --clickhouse: must be an http(s):// URL or a directory, got an empty value',
    );
    expect(() => resolvePostgresSpec('postgres://', {}, cwd)).toThrow(/--db: not a valid URL|names no host/);
  });
});

describe('runMigrate', () => {
  let db: TempDatabase;
  let chDir: string;
  beforeAll(async () => {
    db = await createTempDatabase();
    chDir = await mkdtemp(join(tmpdir(), 'pm-migrate-ch-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(chDir, { recursive: true, force: true });
  });

  test('--status, then apply, then up to date: one line per file', async () => {
    const described = db.url.replace(':postgres@', '@');
    const status = await runMigrate(resolveMigrateConfig({ db: db.url, status: true }, {}));
    expect(formatReports(status, true)).toBe(
      `postgres: ${described}\n  pending     0001_seed_tables\n  pending     0002_job_attempts\n  pending     0003_hierarchy_retries_runner_managers\n  pending     0004_critical_path\n  0 applied, 4 pending`,
    );
    const applied = await runMigrate(resolveMigrateConfig({ db: db.url }, {}));
    expect(formatReports(applied, false)).toBe(
      `postgres: ${described}\n  applied     0001_seed_tables\n  applied     0002_job_attempts\n  applied     0003_hierarchy_retries_runner_managers\n  applied     0004_critical_path\n  4 applied now, 0 already applied`,
    );
    const again = await runMigrate(resolveMigrateConfig({ db: db.url }, {}));
    expect(formatReports(again, false)).toMatch(
      new RegExp(
        `^postgres: .*\\n  up to date  0001_seed_tables  \\(applied \\d{4}-.*Z\\)\\n  up to date  0002_job_attempts  \\(applied .*Z\\)\\n  up to date  0003_hierarchy_retries_runner_managers  \\(applied .*Z\\)\\n  up to date  0004_critical_path  \\(applied .*Z\\)\\n  0 applied now, 4 already applied$`,
      ),
    );
  });

  test('--clickhouse runs the same runner on the ClickHouse target', async () => {
    const files = await discoverMigrations('clickhouse');
    const [report] = await runMigrate(resolveMigrateConfig({ clickhouse: chDir }, {}));
    expect(report).toMatchObject({ dialect: 'clickhouse', applied: files.map((f) => f.name), alreadyApplied: [] });
    const [again] = await runMigrate(resolveMigrateConfig({ clickhouse: chDir }, {}));
    expect(again!.applied).toEqual([]);
    expect(again!.alreadyApplied.map((m) => m.name)).toEqual(files.map((f) => f.name));
  });
});
