/**
 * Group commit: items submitted while a write is running are written together by the next one.
 * One write runs at a time; a write takes the queued items in order, up to `maxRows` rows (at
 * least one item), after waiting `lingerMs` from the first of them (0 = no wait: an idle writer
 * writes a lone item at once, and batches form only under load). Each submitter's promise
 * settles when the write holding its item has finished: with the write's result for that item,
 * or its error. Exclusive tasks (e.g. a replace) run alone, in queue order.
 *
 * Announced items: a caller that will submit shortly (e.g. after writing the same payload to
 * another store first) announces it; after the linger, a write also waits — at most
 * `announcedWaitMs` — until no announced item is outstanding or `maxRows` rows are queued.
 * Under load, the requests of a server then share one write instead of splitting into a batch
 * being written and a batch waiting behind it: each write costs about the same whatever its
 * size (a part per table and an existence check), so fewer, fuller writes use less CPU.
 * An idle writer is unaffected: a lone request has no other announced item to wait for.
 */
export interface GroupWriterOptions {
  /** rows per write at most (an item larger than this is written alone) */
  maxRows: number;
  /** milliseconds to wait for more items before a write */
  lingerMs: number;
  /** milliseconds a write waits at most, after the linger, for announced items (default 0) */
  announcedWaitMs?: number;
}

export interface GroupWriter<T, R> {
  submit(item: T): Promise<R>;
  exclusive<X>(task: () => Promise<X>): Promise<X>;
  /**
   * Announces an item to be submitted soon. The returned function withdraws the announcement
   * (once; later calls do nothing): call it right before submitting, or when the item will not be
   * submitted after all.
   */
  announce(): () => void;
}

type Entry<T, R> =
  { kind: 'item'; item: T; resolve: (value: R) => void; reject: (error: unknown) => void } | { kind: 'task'; run: () => Promise<void> };

export function createGroupWriter<T, R>(
  write: (items: T[]) => Promise<R[]>,
  rowsOf: (item: T) => number,
  options: GroupWriterOptions,
): GroupWriter<T, R> {
  const queue: Entry<T, R>[] = [];
  let running = false;
  const announced = createAnnouncements();

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      if (queue[0]!.kind === 'item') {
        if (options.lingerMs > 0) await sleep(options.lingerMs);
        await announced.settled(options.announcedWaitMs ?? 0, () => queuedRows() >= options.maxRows);
      }
      const head = queue[0]!;
      if (head.kind === 'task') {
        queue.shift();
        await head.run();
        continue;
      }
      await writeItems(takeItems());
    }
    running = false;
  }

  function takeItems(): Extract<Entry<T, R>, { kind: 'item' }>[] {
    const taken: Extract<Entry<T, R>, { kind: 'item' }>[] = [];
    let rows = 0;
    while (queue[0]?.kind === 'item') {
      const next = queue[0];
      const size = rowsOf(next.item);
      if (taken.length > 0 && rows + size > options.maxRows) break;
      taken.push(next);
      rows += size;
      queue.shift();
    }
    return taken;
  }

  async function writeItems(entries: Extract<Entry<T, R>, { kind: 'item' }>[]): Promise<void> {
    try {
      const results = await write(entries.map((e) => e.item));
      entries.forEach((e, i) => e.resolve(results[i]!));
    } catch (error) {
      for (const e of entries) e.reject(error);
    }
  }

  /** rows of the items at the head of the queue, up to the first task */
  function queuedRows(): number {
    let rows = 0;
    for (const entry of queue) {
      if (entry.kind === 'task') break;
      rows += rowsOf(entry.item);
    }
    return rows;
  }

  function enqueue(entry: Entry<T, R>): void {
    queue.push(entry);
    announced.recheck();
    if (!running) void drain();
  }

  return {
    submit: (item) => new Promise<R>((resolve, reject) => enqueue({ kind: 'item', item, resolve, reject })),
    exclusive: <X>(task: () => Promise<X>) =>
      new Promise<X>((resolve, reject) => enqueue({ kind: 'task', run: () => task().then(resolve, reject) })),
    announce: () => announced.add(),
  };
}

interface Announcements {
  /** counts one announcement; the returned function withdraws it (once) */
  add(): () => void;
  /** resolves when none is outstanding, when `full()` holds, or after `maxMs` */
  settled(maxMs: number, full: () => boolean): Promise<void>;
  /** makes a pending settled() check again (an item was queued) */
  recheck(): void;
}

function createAnnouncements(): Announcements {
  let outstanding = 0;
  let wake: (() => void) | undefined;
  return {
    add() {
      outstanding += 1;
      let withdrawn = false;
      return () => {
        if (withdrawn) return;
        withdrawn = true;
        outstanding -= 1;
        wake?.();
      };
    },
    recheck: () => wake?.(),
    async settled(maxMs, full) {
      const deadline = performance.now() + maxMs;
      while (outstanding > 0 && !full()) {
        const left = deadline - performance.now();
        if (left <= 0) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
