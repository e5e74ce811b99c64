import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQuery } from '../../src/cli/query.js';
import type { CliIO } from '../../src/cli/output.js';
import { UsageError, ValidationError } from '../../src/errors.js';
import { openClickhouseStore } from '../../src/store/clickhouse/index.js';
import { DATASET } from '../store/clickhouse/dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-cli-query-'));
const dataDir = join(dir, 'clickhouse');
const queryFile = join(dir, 'jobs.yaml');
const NOW = new Date('2024-05-04T00:00:00Z');

const QUERY = `dimensions:
  - { column: ref }
  - { column: name, as: job }
metrics:
  - { function: count, as: runs }
  - { function: avg, column: duration, as: avgMs }
filter:
  - { column: job, operator: LIKE, value: "job-%" }
orderBy:
  - { column: ref }
  - { column: job }
`;

interface Run {
  out: string;
  err: string;
  error?: unknown;
}

async function run(args: string[], opts: { outIsTTY?: boolean; stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => void out.push(t), err: (t) => void err.push(t), isTTY: false, outIsTTY: opts.outIsTTY ?? false };
  const program = new Command('pipeline-metrics')
    .exitOverride()
    .configureOutput({ writeOut: (t) => void out.push(t), writeErr: (t) => void err.push(t) });
  registerQuery(program, io, {
    env: () => opts.env ?? { CLICKHOUSE_URL: dataDir },
    now: () => NOW,
    readStdin: async () => opts.stdin ?? '',
  });
  let error: unknown;
  try {
    await program.parseAsync(['node', 'pipeline-metrics', 'query', ...args]);
  } catch (e) {
    error = e;
  }
  return { out: out.join('\n'), err: err.join('\n'), error };
}

beforeAll(async () => {
  writeFileSync(queryFile, QUERY);
  const store = await openClickhouseStore(dataDir, { autoMigrate: true });
  try {
    for (const payload of DATASET) await store.save(payload);
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLE = `┌───────────┬───────────┬──────┬──────────┐
│ ref       │ job       │ runs │    avgMs │
├───────────┼───────────┼──────┼──────────┤
│ feature/x │ job-build │    1 │ 1m 40.0s │
│ feature/x │ job-e2e   │    1 │ 3m 20.0s │
│ feature/x │ job-test  │    1 │    5.00s │
│ main      │ job-build │    3 │   53.33s │
│ main      │ job-e2e   │    1 │  5m 0.0s │
│ main      │ job-test  │    3 │   40.00s │
└───────────┴───────────┴──────┴──────────┘`;
/** the closing line: rows, the window asked (3 days before NOW), the store, the time taken */
const SUMMARY = new RegExp(
  `^6 rows · pipelines started 2024-05-01 00:00 UTC – 2024-05-04 00:00 UTC · chDB ${relative(process.cwd(), dataDir)} · \\d+\\.\\d\\d s$`,
);

const ROWS = [
  ['feature/x', 'job-build', 1, 100000],
  ['feature/x', 'job-e2e', 1, 200000],
  ['feature/x', 'job-test', 1, 5000],
  ['main', 'job-build', 3, 53333.333],
  ['main', 'job-e2e', 1, 300000],
  ['main', 'job-test', 3, 40000],
];

describe('pipeline-metrics query', () => {
  it('prints a table by default on a terminal (last 3 days before now, --to exclusive)', async () => {
    const { out, err, error } = await run([queryFile, '--from', '3d'], { outIsTTY: true });
    expect(error).toBeUndefined();
    // stdout is the data; the closing line goes to stderr
    expect(out).toBe(TABLE);
    expect(err.trimEnd()).toMatch(SUMMARY);
  });

  it('says when the stored pipelines are when the window holds none', async () => {
    const { err, error } = await run([queryFile, '--from', '2020-01-01', '--to', '2020-02-01'], { outIsTTY: true });
    expect(error).toBeUndefined();
    expect(err.trimEnd()).toMatch(
      /^0 rows between 2020-01-01 00:00 UTC – 2020-02-01 00:00 UTC; stored pipelines span 2024-0\d-\d\d \d\d:\d\d UTC – 2024-0\d-\d\d \d\d:\d\d UTC \(\d+ pipelines; widen --from\/--to\) · chDB /,
    );
  });

  it('never creates a store directory to read from it', async () => {
    const missing = join(dir, 'no-such-store');
    const { error } = await run([queryFile], { env: { CLICKHOUSE_URL: missing } });
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(new RegExp(`^no data at ${missing}: nothing was stored there yet`));
    expect(existsSync(missing)).toBe(false);
  });

  it('runs a shipped example query by name', async () => {
    const { out, error } = await run(['job-table', '--from', '3d', '--format', 'json']);
    expect(error).toBeUndefined();
    const result = JSON.parse(out) as { columns: string[]; units: Record<string, string> };
    expect(result.columns).toEqual(['job', 'stage', 'runs', 'meanMs', 'p50Ms', 'p95Ms', 'failedCount', 'failureRate']);
    expect(result.units).toEqual({ meanMs: 'ms', p50Ms: 'ms', p95Ms: 'ms' });
  });

  it('prints { columns, rows, errors } JSON by default when stdout is not a terminal', async () => {
    const { out, err } = await run([queryFile, '--from', '3d']);
    // numbers without float noise; the unit of each column that has one
    expect(out).toBe(JSON.stringify({ columns: ['ref', 'job', 'runs', 'avgMs'], rows: ROWS, errors: [], units: { avgMs: 'ms' } }));
    expect(err).toBe('');
  });

  it('prints RFC 4180 CSV', async () => {
    const { out } = await run([queryFile, '--from', '3d', '--format', 'csv']);
    expect(out).toBe(
      'ref,job,runs,avgMs\r\nfeature/x,job-build,1,100000\r\nfeature/x,job-e2e,1,200000\r\nfeature/x,job-test,1,5000\r\n' +
        'main,job-build,3,53333.333\r\nmain,job-e2e,1,300000\r\nmain,job-test,3,40000\r\n',
    );
  });

  it('prints a markdown table', async () => {
    const { out } = await run([queryFile, '--from', '3d', '--format', 'markdown']);
    expect(out).toBe(
      [
        '| ref | job | runs | avgMs |',
        '| --- | --- | ---: | ---: |',
        '| feature/x | job-build | 1 | 1m 40.0s |',
        '| feature/x | job-e2e | 1 | 3m 20.0s |',
        '| feature/x | job-test | 1 | 5.00s |',
        '| main | job-build | 3 | 53.33s |',
        '| main | job-e2e | 1 | 5m 0.0s |',
        '| main | job-test | 3 | 40.00s |',
      ].join('\n'),
    );
  });

  it('reads the query from stdin with "-", and applies --ref, --source and --project', async () => {
    const { out } = await run(
      ['-', '--from', '2024-05-01', '--to', '2024-05-04T00:00:00Z', '--ref', 'main', '--source', 'push', '--project', '42'],
      { stdin: QUERY },
    );
    expect(JSON.parse(out).rows).toEqual([
      ['main', 'job-build', 1, 60000],
      ['main', 'job-test', 2, 35000],
    ]);
  });

  it('--sql prints SQL and parameters without an engine', async () => {
    const { out, error } = await run(
      [queryFile, '--sql', '--format', 'table', '--from', '2024-05-01', '--to', '2024-05-02', '--limit', '2'],
      {
        env: { CLICKHOUSE_URL: 'http://127.0.0.1:1' },
      },
    );
    expect(error).toBeUndefined();
    expect(out).toBe(
      'SELECT\n  `p`.`ref` AS `ref`,\n  `b`.`name` AS `job`,\n  count() AS `runs`,\n  avg(`b`.`duration`) AS `avgMs`\n' +
        'FROM `ci_finished_builds` AS `b`\n' +
        "INNER JOIN (SELECT `fp`.`id` AS `id`, `fp`.`ref` AS `ref`, `fp`.`source` AS `source` FROM `ci_finished_pipelines` AS `fp` WHERE `fp`.`started_at` >= {from_time:DateTime64(6, 'UTC')} AND `fp`.`started_at` < {to_time:DateTime64(6, 'UTC')}) AS `p` ON `p`.`id` = `b`.`pipeline_id`\n" +
        'WHERE `b`.`name` LIKE {p0:String}\n' +
        'GROUP BY `p`.`ref`, `b`.`name`\n' +
        'ORDER BY `ref` ASC, `job` ASC\n' +
        'LIMIT 2 OFFSET 0\n\n' +
        '┌───────────┬──────────────────────┬─────────────────────────┐\n' +
        '│ parameter │ type                 │ value                   │\n' +
        '├───────────┼──────────────────────┼─────────────────────────┤\n' +
        "│ from_time │ DateTime64(6, 'UTC') │ 2024-05-01 00:00:00.000 │\n" +
        "│ to_time   │ DateTime64(6, 'UTC') │ 2024-05-02 00:00:00.000 │\n" +
        '│ p0        │ String               │ job-%                   │\n' +
        '└───────────┴──────────────────────┴─────────────────────────┘',
    );
  });

  it('lists every invalid option at once (exit 2)', async () => {
    const { error } = await run([queryFile, '--format', 'xml', '--limit', '0', '--from', 'yesterday', '--project', 'abc']);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    const lines = (error as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(':')[0]);
    expect(lines).toEqual(['--format', '--from', '--project', '--limit']);
  });

  it('lists every error of the query file at once (exit 3)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        dimensions: [{ column: 'stage', granularity: 'day' }],
        metrics: [
          { function: 'quantile(2)', column: 'duration' },
          { function: 'count', column: 'name' },
        ],
        limit: -1,
      }),
    );
    const { error, out } = await run([bad]);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).exitCode).toBe(3);
    expect((error as ValidationError).issues.length).toBeGreaterThanOrEqual(4);
    expect(out).toBe('');
  });

  it('refuses a 50 MB query file without reading it (exit 3, the limit named)', async () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024);
    const started = performance.now();
    const { error, out } = await run([huge, '--sql']);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).exitCode).toBe(3);
    expect((error as ValidationError).issues).toEqual(['(file): 52428800 bytes or more; a query file may be at most 65536 bytes (64 KiB)']);
    expect(out).toBe('');
  });

  it('names a missing file (exit 2)', async () => {
    const { error } = await run([join(dir, 'missing.yaml')]);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^cannot read query file .*missing\.yaml: ENOENT/);
  });
});
