import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openClickhouseClient,
  openClickhouseStore,
  type ClickhouseHandle,
  type ClickhouseStore,
} from '../../../src/store/clickhouse/index.js';

/**
 * A read-only open of an embedded directory (`query`, `report`) stops background merges in its
 * process: parts stay as they are while the reader works, and closing waits for no merge. The
 * parts here are written through a second connection to the same engine after the reader opened
 * (a merge the engine starts while loading the directory is cancelled the same way, but small
 * parts merge faster than a test can observe). The control at the end shows that these parts do
 * merge once merges are allowed, so the first check can fail.
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-ch-read-only-'));
let reader: ClickhouseStore | undefined;
let other: ClickhouseHandle | undefined;

afterAll(async () => {
  await other?.close();
  await reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PARTS = 12;

async function activeParts(store: ClickhouseStore): Promise<number> {
  const result = await store.runQuery({
    sql: "SELECT count() FROM system.parts WHERE active AND database = currentDatabase() AND table = 'ci_finished_pipelines'",
    params: {},
  });
  return Number(result.rows[0]![0]);
}

describe('read-only open of an embedded directory', () => {
  it('starts no merge while open; merges run again once allowed', async () => {
    reader = await openClickhouseStore(dir, { autoMigrate: true, readOnly: true });
    other = await openClickhouseClient(dir);
    // one insert, one part each (the store would batch them)
    for (let i = 0; i < PARTS; i += 1) {
      await other.client.insert({
        table: 'ci_finished_pipelines',
        values: [{ id: 9000 + i, started_at: '2024-05-02 10:00:00.000000', finished_at: '2024-05-02 11:00:00.000000' }],
        format: 'JSONEachRow',
      });
    }
    expect(await activeParts(reader)).toBe(PARTS);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await activeParts(reader)).toBe(PARTS);

    await other.client.command({ query: 'SYSTEM START MERGES' });
    const deadline = Date.now() + 30_000;
    while ((await activeParts(reader)) === PARTS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await activeParts(reader)).toBeLessThan(PARTS);
  }, 60_000);
});
