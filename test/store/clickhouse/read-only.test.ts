import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openClickhouseClient, openClickhouseStore, type ClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { buildPayload } from './payloads.js';

/**
 * A read-only open of an embedded directory (`query`, `report`) starts no background merge: the
 * parts a writer left stay as they are while the reader works, and closing waits for nothing.
 * The control at the end shows that the same directory does merge once merges are allowed.
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-ch-read-only-'));
let reader: ClickhouseStore | undefined;

afterAll(async () => {
  await reader?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PIPELINES = 12;

async function activeParts(store: ClickhouseStore): Promise<number> {
  const result = await store.runQuery({
    sql: "SELECT count() FROM system.parts WHERE active AND database = currentDatabase() AND table = 'ci_finished_builds'",
    params: {},
  });
  return Number(result.rows[0]![0]);
}

describe('read-only open of an embedded directory', () => {
  it('leaves the parts unmerged while open; merges run again once allowed', async () => {
    const writer = await openClickhouseStore(dir, { autoMigrate: true });
    // the writer must leave its parts unmerged for the check below
    const control = await openClickhouseClient(dir);
    await control.client.command({ query: 'SYSTEM STOP MERGES' });
    try {
      // one insert per save: one part each in ci_finished_builds
      for (let i = 0; i < PIPELINES; i += 1) {
        const jobs = [{ id: 900 + i, name: 'job-build', stage: 'build', status: 'success' as const, startOffset: 0, duration: 10 }];
        expect(await writer.save(buildPayload({ id: 9000 + i, startedAt: '2024-05-02T10:00:00.000Z', jobs }))).toBe('created');
      }
    } finally {
      await writer.close();
      await control.close();
    }
    reader = await openClickhouseStore(dir, { autoMigrate: true, readOnly: true });
    expect(await activeParts(reader)).toBe(PIPELINES);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await activeParts(reader)).toBe(PIPELINES);

    const control2 = await openClickhouseClient(dir);
    await control2.client.command({ query: 'SYSTEM START MERGES' });
    const deadline = Date.now() + 30_000;
    while ((await activeParts(reader)) === PIPELINES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await activeParts(reader)).toBeLessThan(PIPELINES);
    await control2.close();
  }, 60_000);
});
