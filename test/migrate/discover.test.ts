import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checksumOf, discoverMigrations, loadMigrations, migrationsDir, packageRoot } from '../../src/migrate/discover.js';
import { MigrationRefusedError } from '../../src/migrate/errors.js';
import { planMigrations } from '../../src/migrate/plan.js';
import type { AppliedMigration, MigrationFile } from '../../src/migrate/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pm-discover-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('discovering migrations', () => {
  test('the package root is found from this module, not the cwd', () => {
    const root = packageRoot();
    expect(root).toBe(join(import.meta.dirname, '..', '..'));
    expect(migrationsDir('postgres')).toBe(join(root, 'migrations', 'postgres'));
  });

  test('shipped postgres files load in order with sha256 checksums of their bytes', async () => {
    const files = await discoverMigrations('postgres');
    expect(files.map((f) => [f.version, f.name])).toEqual([
      [1, '0001_seed_tables'],
      [2, '0002_job_attempts'],
      [3, '0003_hierarchy_retries_runner_managers'],
      [4, '0004_critical_path'],
    ]);
    expect(files[0]!.checksum).toBe(checksumOf(files[0]!.sql));
    expect(files[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect((await readdir(migrationsDir('postgres'))).filter((f) => f.endsWith('.sql'))).toHaveLength(4);
  });

  test('files sort by version; other files are ignored; a misnamed .sql file is an error', async () => {
    await writeFile(join(dir, '0010_later.sql'), 'SELECT 10;');
    await writeFile(join(dir, '0002_early.sql'), 'SELECT 2;');
    await writeFile(join(dir, 'README.md'), 'not a migration');
    expect((await loadMigrations(dir)).map((f) => f.name)).toEqual(['0002_early', '0010_later']);
    await writeFile(join(dir, 'add-index.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toThrow(UsageError);
    await expect(loadMigrations(dir)).rejects.toThrow(/add-index\.sql is misnamed: expected NNNN_name\.sql/);
    await rm(join(dir, 'add-index.sql'));
    await writeFile(join(dir, '0010_twin.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toThrow('migrations 0010_later and 0010_twin.sql share version 0010');
  });
});

const file = (version: number, name: string, sql = `SELECT ${version};`): MigrationFile => ({
  version,
  name,
  sql,
  checksum: checksumOf(sql),
});
const applied = (f: MigrationFile, checksum = f.checksum): AppliedMigration => ({
  version: f.version,
  name: f.name,
  checksum,
  appliedAt: '2026-01-01T00:00:00.000Z',
});

describe('planning', () => {
  const a = file(1, '0001_a');
  const b = file(2, '0002_b');
  const c = file(3, '0003_c');

  test('pending files are those not in the ledger, in order', () => {
    expect(planMigrations([a, b, c], [], 'db')).toEqual([a, b, c]);
    expect(planMigrations([a, b, c], [applied(a)], 'db')).toEqual([b, c]);
    expect(planMigrations([a, b, c], [applied(a), applied(b), applied(c)], 'db')).toEqual([]);
  });

  test('an applied file whose checksum changed is refused, naming it', () => {
    expect(() => planMigrations([a, b], [applied(a, 'f'.repeat(64))], 'db')).toThrow(MigrationRefusedError);
    expect(() => planMigrations([a, b], [applied(a, 'f'.repeat(64))], 'db')).toThrow(
      `0001_a.sql changed after it was applied (2026-01-01T00:00:00.000Z): checksum ffffffffffff → ${a.checksum.slice(0, 12)}`,
    );
  });

  test('an applied file that disappeared or was renamed is refused', () => {
    expect(() => planMigrations([b], [applied(a), applied(b)], 'db')).toThrow(
      '0001_a.sql was applied (2026-01-01T00:00:00.000Z) but is missing from the migrations shipped with this version',
    );
    expect(() => planMigrations([file(1, '0001_renamed'), b], [applied(a)], 'db')).toThrow(
      '0001_renamed.sql has version 0001, which was applied as 0001_a.sql',
    );
  });

  test('a new file numbered below an applied one is refused', () => {
    expect(() => planMigrations([a, b, c], [applied(a), applied(c)], 'db')).toThrow(
      '0002_b.sql is new but sorts before the already applied version 0003',
    );
  });
});
