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
import { createWalSyncer, syncChangedFiles } from '../../src/store/postgres/sync-changed-files.js';
import { seedPayload } from '../fixtures/payloads/index.js';
import { waitForOutput } from '../server/cli-process.js';

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

describe('serve --db DIR (PGlite) is durable before it answers 200', () => {
  it('on a new directory: what creating it wrote (the catalog, pg_control) is fsynced before it listens', async () => {
    const dir = join(cwd, 'serve-pglite-new');
    const traceFile = join(cwd, 'trace-serve-new.txt');
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'PIPELINE_METRICS_TOKENS', 'PORT', 'HOST', 'CI']) delete env[name];
    const args = ['-f', '-y', '-s', '80', '-e', 'trace=fsync,fdatasync,write', '-o', traceFile];
    const child = spawn('strace', [...args, process.execPath, BIN, 'serve', '--db', dir, '--port', '0'], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    try {
      await waitForOutput(child.stderr, /listening on http:\/\/[\d.]+:(\d+)/, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // strace writes its lines as they happen
      const trace = (await readFile(traceFile, 'utf8')).split('\n');
      const listening = trace.findIndex((line) => /write\(2<[^>]*>, ".*listening on http/.test(line));
      expect(listening).toBeGreaterThan(0);
      const synced = trace
        .slice(0, listening)
        .map((line) => /f(?:data)?sync\(\d+<([^>]+)>/.exec(line)?.[1])
        .filter((path): path is string => path !== undefined);
      expect(synced.filter((path) => path.startsWith(join(dir, 'base') + '/')).length).toBeGreaterThan(0);
      expect(synced).toContain(join(dir, 'global/pg_control'));
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
    }
  }, 120_000);

  it('fsyncs the WAL after the save and before writing the 200', async () => {
    const dir = join(cwd, 'serve-pglite');
    await tracedPush(5, dir); // creates and migrates the directory
    const traceFile = join(cwd, 'trace-serve.txt');
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'PIPELINE_METRICS_TOKENS', 'PORT', 'HOST', 'CI']) delete env[name];
    const child = spawn(
      'strace',
      [
        '-f',
        '-y',
        '-ttt',
        '-s',
        '40',
        '-e',
        'trace=fsync,fdatasync,write,writev',
        '-o',
        traceFile,
        process.execPath,
        BIN,
        'serve',
        '--db',
        dir,
        '--port',
        '0',
      ],
      { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    try {
      const [, port] = await waitForOutput(child.stderr, /listening on http:\/\/[\d.]+:(\d+)/, 60_000);
      const sentAt = Date.now() / 1000;
      const answer = await fetch(`http://127.0.0.1:${port}/save_metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(seedPayload({ pipeline_id: 6 })),
      });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200)); // strace writes its lines as they happen
      const lines = (await readFile(traceFile, 'utf8')).split('\n').filter((line) => Number(/^\d+ +([\d.]+) /.exec(line)?.[1]) >= sentAt);
      const answered = lines.findIndex((line) => /writev?\(\d+<(?:TCP|socket)[^>]*>, .*HTTP\/1\.1 200/.test(line));
      expect(answered).toBeGreaterThan(0);
      const walSynced = lines.slice(0, answered).some((line) => new RegExp(`fsync\\(\\d+<${join(dir, 'pg_wal')}/0`).test(line));
      expect(walSynced).toBe(true);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
    }
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

describe('createWalSyncer', () => {
  it('after a write: the WAL segments; after a checkpoint: every file changed since, pg_control too', async () => {
    const dir = join(cwd, 'wal-syncer');
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dir);
    try {
      const syncer = await createWalSyncer(dir, Date.now());
      await db.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
      const afterWrite = await syncer.afterStatement();
      expect(afterWrite.length).toBeGreaterThan(0);
      expect(afterWrite.every((file) => /^pg_wal\/[0-9A-F]{24}$/.test(file))).toBe(true);
      await db.exec('INSERT INTO t VALUES (2); CHECKPOINT');
      const afterCheckpoint = await syncer.afterStatement();
      expect(afterCheckpoint).toContain('global/pg_control');
      expect(afterCheckpoint.some((file) => file.startsWith('base/'))).toBe(true);
      // the next write: the WAL again
      await db.exec('INSERT INTO t VALUES (3)');
      expect((await syncer.afterStatement()).every((file) => file.startsWith('pg_wal/'))).toBe(true);
    } finally {
      await db.close();
    }
  }, 60_000);
});
