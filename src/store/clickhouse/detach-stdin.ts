import { closeSync, fstatSync, openSync, statSync } from 'node:fs';

/**
 * chDB treats a readable fd 0 as external data: an INSERT with inline rows then fails
 * (NOT_IMPLEMENTED "async inserts with both inlined and external data") or parses stdin as its
 * rows, and the bytes it reads are gone for whoever shares the pipe — a GitLab Runner that feeds
 * the job script on stdin loses the rest of the script. Before chDB starts, fd 0 is pointed at
 * /dev/null (close, then open: POSIX hands out the lowest free descriptor). Nothing is read, so
 * the pipe keeps every byte for its other readers.
 *
 * Callers that read our stdin (`push -`) do so before opening a store. libuv never closes fds 0–2,
 * so fd 0 is still the original stdin here. Runs once per process; synchronous, so no other
 * JavaScript can open a file in between.
 */
let detached = false;

export function detachStdinForChdb(): void {
  if (detached || process.platform === 'win32') return;
  if (!isDevNull(0)) {
    closeQuietly(0);
    const fd = openSync('/dev/null', 'r');
    if (fd !== 0) {
      // a native thread opened a file in between: fd 0 is that file now, not our stdin
      closeSync(fd);
      throw new Error('could not detach stdin from the embedded ClickHouse (fd 0 was taken concurrently)');
    }
  }
  detached = true;
}

function isDevNull(fd: number): boolean {
  try {
    const current = fstatSync(fd);
    const devNull = statSync('/dev/null');
    return current.dev === devNull.dev && current.ino === devNull.ino && current.rdev === devNull.rdev;
  } catch {
    // fd 0 closed: nothing to read, but chDB must not get whatever file takes it next
    return false;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed (EBADF): the open below takes the free slot
  }
}
