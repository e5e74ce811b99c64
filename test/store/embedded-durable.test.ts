/**
 * Embedded writes are durable before "created" is printed (issue 9 item 1): PGlite never calls
 * fsync itself, and chDB (like ClickHouse) does not fsync a new part unless told. The built
 * binary is run under strace (a CI prerequisite, see README "Tests"), which records every
 * fsync/fdatasync and the write of the "delivered" line, in order.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncChangedFiles } from '../../src/store/postgres/sync-changed-files.js';
import { seedPayload } from '../fixtures/payloads/index.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pipeline-metrics.js');

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'pm-durable-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** `push FILE --db|--clickhouse DIR` under `strace -f -y -e trace=fsync,fdatasync,write`; returns the trace lines. */
async function tracedPush(id: number, dir: string, flag = '--db'): Promise<{ code: number | null; trace: string[] }> {
  const file = join(cwd, `p${id}.json`);
  await writeFile(file, JSON.stringify(seedPayload({ pipeline_id: id })));
  const traceFile = join(cwd, `trace-${id}.txt`);
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'PIPELINE_METRICS_URL', 'CI']) delete env[name];
  const child = spawn(
    'strace',
    ['-f', '-y', '-s', '80', '-e', 'trace=fsync,fdatasync,write', '-o', traceFile, process.execPath, BIN, 'push', file, flag, dir],
    {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toContain(`delivered pipeline ${id} → embedded at ${dir}: created (stored)`);
  return { code, trace: (await readFile(traceFile, 'utf8')).split('\n') };
}

/** The paths synced (fsync or fdatasync, successfully) before the "delivered pipeline <id>" line was written. */
function syncedBeforeDelivered(trace: string[], id: number): string[] {
  const delivered = trace.findIndex((line) => new RegExp(`write\\(2<[^>]*>, "delivered pipeline ${id} `).test(line));
  expect(delivered).toBeGreaterThan(0);
  return trace
    .slice(0, delivered)
    .map((line) => /f(?:data)?sync\(\d+<([^>]+)>/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

describe('push --db DIR (PGlite) is durable before it says "created"', () => {
  it('fsyncs the WAL, the changed relation files and pg_control (last of the files) before printing "created"', async () => {
    const dir = join(cwd, 'pglite');
    await tracedPush(1, dir); // creates and migrates the directory
    const { code, trace } = await tracedPush(2, dir);
    expect(code).toBe(0);
    const synced = syncedBeforeDelivered(trace, 2);
    const wal = synced.filter((path) => path.startsWith(join(dir, 'pg_wal') + '/'));
    expect(wal.length).toBeGreaterThan(0);
    expect(synced.filter((path) => path.startsWith(join(dir, 'base') + '/')).length).toBeGreaterThan(0);
    const control = synced.lastIndexOf(join(dir, 'global/pg_control'));
    expect(control).toBeGreaterThan(-1);
    expect(control).toBeGreaterThan(synced.lastIndexOf(wal.at(-1)!));
    expect(synced).toContain(join(dir, 'pg_wal')); // the directories too, for files created meanwhile
  }, 120_000);
});

describe('push --clickhouse DIR (chDB) is durable before it says "created"', () => {
  it("fsyncs the new parts' files and their directories", async () => {
    const dir = join(cwd, 'chdb');
    await tracedPush(3, dir, '--clickhouse');
    const { code, trace } = await tracedPush(4, dir, '--clickhouse');
    expect(code).toBe(0);
    const synced = syncedBeforeDelivered(trace, 4);
    // a part is written as tmp_insert_<part>/ and renamed to <part>/ (partition_min_max_level)
    expect(synced.filter((path) => /\/store\/[^/]+\/[^/]+\/tmp_insert_[^/]+\/data\.bin$/.test(path)).length).toBeGreaterThan(0);
    expect(synced.filter((path) => /\/store\/[^/]+\/[^/]+\/\w+_\d+_\d+_\d+$/.test(path)).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('syncChangedFiles', () => {
  it('syncs the files changed since the given time (pg_control included), not the older ones', async () => {
    const dir = join(cwd, 'files');
    await mkdir(join(dir, 'global'), { recursive: true });
    await mkdir(join(dir, 'base/5'), { recursive: true });
    for (const file of ['old', 'base/5/old', 'base/5/new', 'global/pg_control', 'new']) await writeFile(join(dir, file), 'x');
    const past = new Date(Date.now() - 3_600_000);
    for (const file of ['old', 'base/5/old']) await utimes(join(dir, file), past, past);
    expect(await syncChangedFiles(dir, Date.now() - 60_000)).toEqual(['base/5/new', 'global/pg_control', 'new']);
  });
});
