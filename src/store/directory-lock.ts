import { hostname } from 'node:os';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UpstreamError } from '../errors.js';

/**
 * Single-writer lock for an embedded data directory (PGlite, chDB): one process at a time.
 * PGlite does not lock its directory, and two processes writing one directory lose committed
 * rows; chDB locks its own, but fails at once. Every embedded opener takes this lock first and
 * releases it after the engine is closed.
 *
 * The lock is the file `LOCK_FILE` inside the directory, created with O_EXCL, holding
 * `pid host`. A lock whose process is gone (same host, pid not alive) is stale and taken over;
 * a lock from another host cannot be checked and is honoured.
 */
export const LOCK_FILE = '.pipeline-metrics.lock';

/** How often a waiting process looks again, milliseconds. */
const POLL_MS = 50;
/** A `.break` guard older than this was left by a process that died while breaking a lock, ms. */
const BREAKER_STALE_MS = 10_000;

/** Default wait for a busy directory when a caller has no budget of its own, milliseconds. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** Another live process holds the directory. Exit 4: try again once it is done. */
export class DirectoryBusyError extends UpstreamError {
  readonly pid: number | undefined;
  constructor(dir: string, owner: LockOwner | undefined, waitedMs: number) {
    const who = owner ? `process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}` : 'another process';
    super(
      `directory ${dir} is in use by ${who} (waited ${Math.round(waitedMs / 100) / 10} s); ` +
        'an embedded database takes one process at a time: stop the other process, or point both at a server',
      { exitCode: EXIT.unreachable },
    );
    this.pid = owner?.pid;
  }
}

export interface DirectoryLock {
  readonly path: string;
  /** removes the lock file; safe to call twice */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
}

/** Directories this process holds, with how many openers share each (see `sharedInProcess`). */
const heldHere = new Map<string, { shared: boolean; count: number }>();

export interface LockOptions {
  /** how long to wait for another process, ms (default DEFAULT_LOCK_WAIT_MS) */
  waitMs?: number;
  /**
   * Openers in this process share the lock (chDB: connections to one path in one process share
   * one engine by design). Otherwise a second open in this process waits like another process
   * would (PGlite: two instances on one directory corrupt it just the same).
   */
  sharedInProcess?: boolean;
}

/**
 * Takes the lock of `dir` (created if missing), waiting for another process to release it;
 * throws DirectoryBusyError naming the holder when the wait is over.
 */
export async function acquireDirectoryLock(dir: string, options: LockOptions = {}): Promise<DirectoryLock> {
  const { waitMs = DEFAULT_LOCK_WAIT_MS, sharedInProcess = false } = options;
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const started = performance.now();
  for (;;) {
    const mine = heldHere.get(path);
    if (mine && sharedInProcess && mine.shared) return held(path, true);
    const owner = mine ? { pid: process.pid, host: hostname() } : await tryCreate(path);
    if (!owner) return held(path, sharedInProcess);
    if (!mine && !isAlive(owner)) {
      await breakStaleLock(path, owner);
      continue;
    }
    const waited = performance.now() - started;
    if (waited + POLL_MS > waitMs) throw new DirectoryBusyError(dir, owner, waited);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function held(path: string, shared: boolean): DirectoryLock {
  const entry = heldHere.get(path) ?? { shared, count: 0 };
  entry.count += 1;
  heldHere.set(path, entry);
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      entry.count -= 1;
      if (entry.count > 0) return;
      heldHere.delete(path);
      await unlink(path).catch(() => undefined);
    },
  };
}

/** Creates the lock file; returns undefined when created, else its current owner. */
async function tryCreate(path: string): Promise<LockOwner | undefined> {
  try {
    const file = await open(path, 'wx');
    try {
      await file.writeFile(`${process.pid} ${hostname()}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    return undefined;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    return readOwner(path);
  }
}

/** The owner written in the file; a file vanished or half-written reads as "unknown, alive". */
async function readOwner(path: string): Promise<LockOwner> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const [pid, host] = text.trim().split(/\s+/);
  const parsed = Number(pid);
  return Number.isSafeInteger(parsed) && parsed > 0 ? { pid: parsed, host: host ?? '' } : { pid: 0, host: '' };
}

/**
 * Same host and the pid is not running (or is our own pid without us holding the lock: a
 * container restarted with the same pid). pid 0 = unreadable, treated as alive until the next look.
 */
function isAlive(owner: LockOwner): boolean {
  if (owner.pid === 0 || owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Removes a stale lock under a short-lived guard file, re-reading it first, so two processes
 * that both saw the same dead owner cannot remove a lock a third process just took.
 */
async function breakStaleLock(path: string, seen: LockOwner): Promise<void> {
  const guard = `${path}.break`;
  try {
    await (await open(guard, 'wx')).close();
  } catch {
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > BREAKER_STALE_MS) await unlink(guard).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    return;
  }
  try {
    const now = await readOwner(path);
    if (now.pid === seen.pid && now.host === seen.host) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}
