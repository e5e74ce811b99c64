/** The single-writer lock of embedded directories, across real processes. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDirectoryLock, DirectoryBusyError, LOCK_FILE } from '../../src/store/directory-lock.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pm-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process that takes the lock with the real module, prints "locked", holds it for `holdMs`, releases and exits. */
function holder(target: string, holdMs: number): { pid: number; locked: Promise<void>; exited: Promise<number | null> } {
  const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
  const module = new URL('../../src/store/directory-lock.ts', import.meta.url).href;
  const script = `const { acquireDirectoryLock } = await import(${JSON.stringify(module)});
    const lock = await acquireDirectoryLock(${JSON.stringify(target)}, { waitMs: 0 }); console.log('locked');
    await new Promise((r) => setTimeout(r, ${holdMs})); await lock.release();`;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
  return { pid: child.pid!, locked, exited: new Promise((resolve) => child.on('close', resolve)) };
}

describe('directory lock', () => {
  it('a second process waits for the holder within its wait, then gets the directory', async () => {
    const target = join(dir, 'wait');
    const other = holder(target, 1_500);
    await other.locked;
    const started = performance.now();
    const lock = await acquireDirectoryLock(target, { waitMs: 20_000 });
    expect(performance.now() - started).toBeGreaterThan(500);
    expect(await readFile(join(target, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    await lock.release();
    expect(existsSync(join(target, LOCK_FILE))).toBe(false);
    await other.exited;
  });

  it('gives up after its wait naming the process that holds the directory', async () => {
    const target = join(dir, 'busy');
    const other = holder(target, 10_000);
    await other.locked;
    const error = await acquireDirectoryLock(target, { waitMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryBusyError);
    expect((error as DirectoryBusyError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(new RegExp(`^directory ${target} is in use by process ${other.pid} \\(waited 0\\.\\d s\\)`));
    process.kill(other.pid, 'SIGKILL');
    await other.exited;
  });

  it('takes over the lock of a process that died holding it (kill -9)', async () => {
    const target = join(dir, 'stale');
    const other = holder(target, 60_000);
    await other.locked;
    process.kill(other.pid, 'SIGKILL');
    await other.exited;
    expect(await readFile(join(target, LOCK_FILE), 'utf8')).toBe(`${other.pid} ${hostname()}\n`);
    const lock = await acquireDirectoryLock(target, { waitMs: 0 });
    expect(await readFile(join(target, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    await lock.release();
  });

  it('a lock file with our own pid that we do not hold (a restarted container) is stale', async () => {
    const target = join(dir, 'own-pid');
    await acquireDirectoryLock(target, { waitMs: 0 }).then((l) => l.release());
    await writeFile(join(target, LOCK_FILE), `${process.pid} ${hostname()}\n`);
    const lock = await acquireDirectoryLock(target, { waitMs: 0 });
    await lock.release();
  });

  it('within one process, a second open of the same directory waits for the first', async () => {
    const target = join(dir, 'same-process');
    const first = await acquireDirectoryLock(target, { waitMs: 0 });
    await expect(acquireDirectoryLock(target, { waitMs: 200 })).rejects.toThrow(`is in use by process ${process.pid}`);
    setTimeout(() => void first.release(), 300);
    const second = await acquireDirectoryLock(target, { waitMs: 5_000 });
    await second.release();
  });

  it('chDB openers in one process share the lock; it is removed when the last one releases', async () => {
    const target = join(dir, 'shared');
    const first = await acquireDirectoryLock(target, { waitMs: 0, sharedInProcess: true });
    const second = await acquireDirectoryLock(target, { waitMs: 0, sharedInProcess: true });
    await first.release();
    expect(existsSync(join(target, LOCK_FILE))).toBe(true);
    await second.release();
    expect(existsSync(join(target, LOCK_FILE))).toBe(false);
  });
});
