/**
 * At most `limit` tasks running at once. `start` waits for a free slot (so the producer — the
 * page listing — pauses while the pool is full, and memory holds `limit` pipelines), then
 * starts the task without waiting for it. `drain` resolves when every started task ended.
 * Tasks must not reject: they report their own failures.
 */
export interface TaskPool {
  start(task: () => Promise<void>): Promise<void>;
  drain(): Promise<void>;
}

export function createTaskPool(limit: number): TaskPool {
  const running = new Set<Promise<void>>();
  return {
    async start(task) {
      while (running.size >= limit) await Promise.race(running);
      const promise: Promise<void> = task().finally(() => running.delete(promise));
      running.add(promise);
    },
    async drain() {
      while (running.size > 0) await Promise.race(running);
    },
  };
}
