/**
 * Group commit: items submitted while a write is running are written together by the next one.
 * One write runs at a time; a write takes the queued items in order, up to `maxRows` rows (at
 * least one item), after waiting `lingerMs` from the first of them (0 = no wait: an idle writer
 * writes a lone item at once, and batches form only under load). Each submitter's promise
 * settles when the write holding its item has finished: with the write's result for that item,
 * or its error. Exclusive tasks (e.g. a replace) run alone, in queue order.
 */
export interface GroupWriterOptions {
  /** rows per write at most (an item larger than this is written alone) */
  maxRows: number;
  /** milliseconds to wait for more items before a write */
  lingerMs: number;
}

export interface GroupWriter<T, R> {
  submit(item: T): Promise<R>;
  exclusive<X>(task: () => Promise<X>): Promise<X>;
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

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      if (options.lingerMs > 0 && queue[0]!.kind === 'item') await sleep(options.lingerMs);
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

  function enqueue(entry: Entry<T, R>): void {
    queue.push(entry);
    if (!running) void drain();
  }

  return {
    submit: (item) => new Promise<R>((resolve, reject) => enqueue({ kind: 'item', item, resolve, reject })),
    exclusive: <X>(task: () => Promise<X>) =>
      new Promise<X>((resolve, reject) => enqueue({ kind: 'task', run: () => task().then(resolve, reject) })),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
