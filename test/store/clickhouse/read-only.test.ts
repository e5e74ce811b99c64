import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  openClickhouseClient,
  openClickhouseStore,
  type ClickhouseHandle,
  type ClickhouseStore,
} from '../../../src/store/clickhouse/index.js';
import { EMBEDDED_MERGE_WIDTH } from '../../../src/store/clickhouse/embedded-table-settings.js';

/**
 * A read-only open of an embedded directory (`query`, `report`) starts no merge in its process:
 * an engine it starts is configured so that the merge selector chooses nothing (chDB starts the
 * tables, and would schedule their merges, before any statement runs), and merges are stopped
 * (SYSTEM STOP MERGES) in an engine it joins. Parts stay as they are while the reader works, and
 * closing waits for no merge. Each test ends with a control showing that the same parts do merge
 * when merges are allowed, so its first check can fail.
 */
const dirs: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

function directory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pm-ch-read-only-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => closeAll());

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** more parts than an embedded writer merges at once at the least, so a writer's engine merges them */
const PARTS = EMBEDDED_MERGE_WIDTH + 4;

async function activeParts(store: ClickhouseStore | ClickhouseHandle): Promise<number> {
  const sql = "SELECT count() FROM system.parts WHERE active AND database = currentDatabase() AND table = 'ci_finished_pipelines'";
  if ('runQuery' in store) return Number((await store.runQuery({ sql, params: {} })).rows[0]![0]);
  const result = await store.client.query({ query: sql, format: 'JSONCompact' });
  return Number((await result.json<unknown[]>()).data[0]![0]);
}

/** one insert, one part each (the store would batch them) */
async function insertParts(handle: ClickhouseHandle): Promise<void> {
  for (let i = 0; i < PARTS; i += 1) {
    await handle.client.insert({
      table: 'ci_finished_pipelines',
      values: [{ id: 9000 + i, started_at: '2024-05-02 10:00:00.000000', finished_at: '2024-05-02 11:00:00.000000' }],
      format: 'JSONEachRow',
    });
  }
}

async function opened<T extends { close(): Promise<void> }>(handle: Promise<T>): Promise<T> {
  const value = await handle;
  open.push(value);
  return value;
}

async function closeAll(): Promise<void> {
  for (const handle of open.splice(0).reverse()) await handle.close();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to 30 s for a merge of the parts. */
async function mergedWithin30s(store: ClickhouseStore | ClickhouseHandle): Promise<number> {
  const deadline = Date.now() + 30_000;
  while ((await activeParts(store)) === PARTS && Date.now() < deadline) await sleep(250);
  return activeParts(store);
}

describe('read-only open of an embedded directory', () => {
  it('starts the engine so that no merge is chosen, even with merges started; a writer engine merges the same parts', async () => {
    const dir = directory();
    await opened(openClickhouseStore(dir, { autoMigrate: true }));
    const other = await opened(openClickhouseClient(dir));
    await other.client.command({ query: 'SYSTEM STOP MERGES' });
    await insertParts(other);
    await closeAll();

    // the reader starts the engine on a directory holding parts to merge
    const reader = await opened(openClickhouseStore(dir, { autoMigrate: true, readOnly: true }));
    expect(await activeParts(reader)).toBe(PARTS);
    // as during a pending migration: merges started, and still none is chosen
    const same = await opened(openClickhouseClient(dir));
    await same.client.command({ query: 'SYSTEM START MERGES' });
    await sleep(3_000);
    expect(await activeParts(reader)).toBe(PARTS);
    await closeAll();

    // control: an engine a writer starts merges them
    const control = await opened(openClickhouseClient(dir));
    expect(await mergedWithin30s(control)).toBeLessThan(PARTS);
  }, 90_000);

  it('stops merges in an engine a writer started first; merges run again once allowed', async () => {
    const dir = directory();
    const other = await opened(openClickhouseClient(dir));
    const reader = await opened(openClickhouseStore(dir, { autoMigrate: true, readOnly: true }));
    await insertParts(other);
    expect(await activeParts(reader)).toBe(PARTS);
    await sleep(3_000);
    expect(await activeParts(reader)).toBe(PARTS);

    await other.client.command({ query: 'SYSTEM START MERGES' });
    expect(await mergedWithin30s(reader)).toBeLessThan(PARTS);
  }, 60_000);
});
