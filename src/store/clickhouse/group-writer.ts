/**
 * Group commit: items submitted while a write is running are written together by the next one.
 * Up to `concurrency` writes run at a time (default one); a write takes the queued items in order, up to `maxRows` rows (at
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
  /**
   * Writes that may run at once (default 1). With more than one, the next write forms and starts
   * while earlier ones run (the engine works on both: the time one write waits on its disk is
   * used by the next), but never with an item whose key (see createGroupWriter's `keyOf`) is in a
   * running write: that item waits for the write to end, so two writes never race on one key.
   */
  concurrency?: number;
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

type ItemEntry<T, R> = { kind: 'item'; item: T; resolve: (value: R) => void; reject: (error: unknown) => void };
type Entry<T, R> = ItemEntry<T, R> | { kind: 'task'; run: () => Promise<void> };

/**
 * `keyOf` names what two writes must not hold at once (e.g. a pipeline id); needed only with
 * `concurrency` above 1.
 */
export function createGroupWriter<T, R>(
  write: (items: T[]) => Promise<R[]>,
  rowsOf: (item: T) => number,
  options: GroupWriterOptions,
  keyOf: (item: T) => unknown = () => undefined,
): GroupWriter<T, R> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const queue: Entry<T, R>[] = [];
  /** keys of the items in running writes */
  const inFlight = new Set<unknown>();
  let writes = 0;
  let forming = false;
  let task = false;
  const announced = createAnnouncements();

  /** Starts what may start now: a task when nothing runs, else the next write while below `concurrency`. */
  function pump(): void {
    if (forming || task || queue.length === 0) return;
    const head = queue[0]!;
    if (head.kind === 'task') {
      if (writes > 0) return;
      queue.shift();
      task = true;
      void head.run().finally(() => {
        task = false;
        pump();
      });
      return;
    }
    if (writes < concurrency && takeable().length > 0) void formWrite();
  }

  /** Waits for more items (linger, announcements), then starts one write of what it may take. */
  async function formWrite(): Promise<void> {
    forming = true;
    if (options.lingerMs > 0) await sleep(options.lingerMs);
    await announced.settled(options.announcedWaitMs ?? 0, () => queuedRows() >= options.maxRows);
    const entries = takeItems();
    forming = false;
    if (entries.length > 0) void runWrite(entries);
    pump();
  }

  async function runWrite(entries: ItemEntry<T, R>[]): Promise<void> {
    writes += 1;
    const keys = entries.map((e) => keyOf(e.item));
    // no running write holds any of them (see takeable): a key is held by one write at a time
    for (const key of keys) inFlight.add(key);
    try {
      const results = await write(entries.map((e) => e.item));
      entries.forEach((e, i) => e.resolve(results[i]!));
    } catch (error) {
      for (const e of entries) e.reject(error);
    } finally {
      for (const key of keys) inFlight.delete(key);
      writes -= 1;
      pump();
    }
  }

  /** the queued items before the first task that no running write holds the key of, in queue order */
  function takeable(): ItemEntry<T, R>[] {
    const items: ItemEntry<T, R>[] = [];
    for (const entry of queue) {
      if (entry.kind === 'task') break;
      if (!inFlight.has(keyOf(entry.item))) items.push(entry);
    }
    return items;
  }

  /** takes takeable items in order, up to `maxRows` rows (at least one item) */
  function takeItems(): ItemEntry<T, R>[] {
    const taken: ItemEntry<T, R>[] = [];
    let rows = 0;
    for (const next of takeable()) {
      const size = rowsOf(next.item);
      if (taken.length > 0 && rows + size > options.maxRows) break;
      taken.push(next);
      rows += size;
    }
    const chosen = new Set<Entry<T, R>>(taken);
    const kept = queue.filter((entry) => !chosen.has(entry));
    queue.splice(0, queue.length, ...kept);
    return taken;
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
    pump();
  }

  return {
    submit: (item) => new Promise<R>((resolve, reject) => enqueue({ kind: 'item', item, resolve, reject })),
    exclusive: <X>(run: () => Promise<X>) =>
      new Promise<X>((resolve, reject) => enqueue({ kind: 'task', run: () => run().then(resolve, reject) })),
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
