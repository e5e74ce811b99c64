/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * The first rejection rejects the whole map and no further call starts (calls already in
 * flight finish on their own).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * A gate for tasks that arrive over time: `run(task)` starts `task` once fewer than `limit`
 * tasks started through the gate are running (first come, first started) and settles as it does.
 */
export function createConcurrencyGate(limit: number): { run<R>(task: () => Promise<R>): Promise<R> } {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    async run(task) {
      // a finishing task hands its slot straight to the next waiting one
      if (running >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
