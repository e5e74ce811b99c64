import { open, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * File systems whose timestamps are coarse (1 s, or 2 s on FAT) could date a write made just
 * after opening before the open: files changed this long before `sinceMs` are synced too.
 */
const TIMESTAMP_SLACK_MS = 2_000;

/** The file whose write makes a checkpoint current: synced after every other file. */
const CONTROL_FILE = join('global', 'pg_control');

const WAL_DIR = 'pg_wal';

/**
 * Makes a closed PGlite directory's writes durable. PGlite's Postgres runs on Emscripten's file
 * system, which writes through to the directory's files but never calls fsync, so a committed
 * write is only in the OS page cache: it survives our process dying, not the machine. After
 * PGlite has closed, this fsyncs every file modified since `sinceMs` (epoch ms), `pg_control`
 * last, then the directories holding them (for files created meanwhile). Returns the synced
 * files, relative to `dir`. Throws if any sync fails: the write may then not be durable.
 */
export async function syncChangedFiles(dir: string, sinceMs: number): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1));
  const changed: string[] = [];
  await Promise.all(
    files.map(async (file) => {
      if ((await stat(join(dir, file))).mtimeMs >= sinceMs - TIMESTAMP_SLACK_MS) changed.push(file);
    }),
  );
  await Promise.all(changed.filter((file) => file !== CONTROL_FILE).map((file) => fsyncPath(join(dir, file))));
  if (changed.includes(CONTROL_FILE)) await fsyncPath(join(dir, CONTROL_FILE));
  await Promise.all([...new Set(changed.map((file) => dirname(join(dir, file))))].map(fsyncDirectory));
  return changed.sort();
}

/**
 * A directory's entries (files created or renamed in it) made durable. Windows cannot open a
 * directory for fsync (NTFS journals its metadata itself): there it is a no-op.
 */
async function fsyncDirectory(path: string): Promise<void> {
  if (process.platform !== 'win32') await fsyncPath(path);
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Keeps a long-lived PGlite directory durable statement by statement (`serve --db DIR`): after
 * each statement, `afterStatement` fsyncs the WAL segments (a commit is durable once its WAL
 * record is on disk; Postgres replays the WAL on the next open), and when `pg_control` shows a
 * checkpoint was made since the last full sync (which lets older WAL be recycled), every file
 * changed since that sync instead, as syncChangedFiles does. Returns the synced files, relative to
 * `dir`. Create it right after a full sync made at `syncedAtMs` (nothing may run in between): its
 * baseline is `pg_control` as it is now.
 */
export async function createWalSyncer(dir: string, syncedAtMs: number): Promise<{ afterStatement(): Promise<string[]> }> {
  let control = await readFile(join(dir, CONTROL_FILE));
  let syncedSinceMs = syncedAtMs;
  return {
    async afterStatement() {
      const current = await readFile(join(dir, CONTROL_FILE));
      if (!current.equals(control)) {
        const startedAt = Date.now();
        const synced = await syncChangedFiles(dir, syncedSinceMs);
        [control, syncedSinceMs] = [current, startedAt];
        return synced;
      }
      const segments = (await readdir(join(dir, WAL_DIR), { withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => join(WAL_DIR, e.name));
      await Promise.all(segments.map((file) => fsyncPath(join(dir, file))));
      await fsyncDirectory(join(dir, WAL_DIR));
      return segments;
    },
  };
}
