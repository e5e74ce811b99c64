import { describe, expect, it } from 'vitest';
import { createGroupWriter, type GroupWriterOptions } from '../../../src/store/clickhouse/group-writer.js';

/** A writer whose writes record their batches and take `writeMs` each; every item is one row. */
function recordingWriter(options: GroupWriterOptions, writeMs = 0) {
  const batches: number[][] = [];
  const writer = createGroupWriter(
    async (items: number[]) => {
      batches.push([...items]);
      await sleep(writeMs);
      return items.map((item) => item * 10);
    },
    () => 1,
    options,
  );
  return { writer, batches };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('createGroupWriter', () => {
  it('writes items submitted during a write together in the next one, answering each with its own result', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 0 }, 20);
    const first = writer.submit(1);
    await sleep(5);
    const rest = [writer.submit(2), writer.submit(3)];
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('waits for announced items, so they share one write', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 1, announcedWaitMs: 1_000 });
    const withdraw = [writer.announce(), writer.announce()];
    const saves = [writer.submit(1)];
    await sleep(30);
    for (const [i, done] of withdraw.entries()) {
      done();
      saves.push(writer.submit(i + 2));
    }
    expect(await Promise.all(saves)).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('waits at most announcedWaitMs, and not at all once maxRows rows are queued', async () => {
    const bounded = recordingWriter({ maxRows: 100, lingerMs: 0, announcedWaitMs: 40 });
    bounded.writer.announce(); // never withdrawn
    const started = performance.now();
    await bounded.writer.submit(1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(1_000);

    const full = recordingWriter({ maxRows: 2, lingerMs: 0, announcedWaitMs: 10_000 });
    full.writer.announce();
    const quick = performance.now();
    await Promise.all([full.writer.submit(1), full.writer.submit(2)]);
    expect(performance.now() - quick).toBeLessThan(1_000);
    expect(full.batches).toEqual([[1, 2]]);
  });

  it('ignores a withdrawn announcement and a second withdrawal of the same one', async () => {
    const { writer, batches } = recordingWriter({ maxRows: 100, lingerMs: 0, announcedWaitMs: 10_000 });
    const withdraw = writer.announce();
    withdraw();
    withdraw();
    const other = writer.announce();
    other();
    const started = performance.now();
    expect(await writer.submit(7)).toBe(70);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(batches).toEqual([[7]]);
  });
});
