import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/analytics/index.js';
import type { Payload } from '../../../src/payload/schema.js';
import {
  openClickhouseClient,
  openClickhouseStore,
  type ClickhouseHandle,
  type ClickhouseStore,
} from '../../../src/store/clickhouse/index.js';
import { EMBEDDED_MERGE_WIDTH } from '../../../src/store/clickhouse/embedded-table-settings.js';
import { ALL_TIME, DATASET, SEED_INPUT } from './dataset.js';
import { buildPayload } from './payloads.js';

/**
 * Writes are idempotent, so the tables hold each row once and queries need no FINAL: checked on
 * the physical row counts (no FINAL anywhere), for a pipeline pushed twice, pushed by two
 * independent writers at once, and retried after a write that failed half-way (a table made
 * unwritable for a moment, see unwritable()).
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-ch-idempotent-'));
let store: ClickhouseStore;
let admin: ClickhouseHandle;
const extra: ClickhouseStore[] = [];

const BUILDS = DATASET.reduce(
  (n, p) => n + (p.attempts ?? []).filter((a) => ['success', 'failed', 'canceled'].includes(a.status)).length,
  0,
);
const SECTIONS = DATASET.reduce(
  (n, p) => n + (p.attempts ?? []).reduce((m, a) => m + Object.keys(a.sections ?? {}).length + Object.keys(a.steps ?? {}).length, 0),
  0,
);

async function scalar(sql: string): Promise<number> {
  const result = await admin.client.query({ query: sql, format: 'JSONCompact' });
  return Number((await result.json<unknown[]>()).data[0]![0]);
}

/** Physical rows (no FINAL) of the pipelines with ids in [from, from + 1000). */
async function counts(from: number) {
  const range = `BETWEEN ${from} AND ${from + 999}`;
  return {
    pipelines: await scalar(`SELECT count() FROM ci_finished_pipelines WHERE id ${range}`),
    builds: await scalar(`SELECT count() FROM ci_finished_builds WHERE pipeline_id ${range}`),
    sections: await scalar(`SELECT count() FROM ci_finished_build_sections WHERE pipeline_id ${range}`),
  };
}

/**
 * Runs `task` while `table` stays readable but refuses inserts, as a server does under too many
 * parts: its 2024 partition already holds a part (written by the first test) and merges are stopped.
 */
async function unwritable(table: string, task: () => Promise<unknown>): Promise<void> {
  await admin.client.command({ query: `ALTER TABLE ${table} MODIFY SETTING parts_to_throw_insert = 1` });
  try {
    await task();
  } finally {
    await admin.client.command({ query: `ALTER TABLE ${table} RESET SETTING parts_to_throw_insert` });
  }
}

/**
 * DATASET under other ids (pipeline 1001 → 1001 + offset, job 11 → 11 + offset), so every test
 * writes rows no other test wrote: the engine's deduplication log outlives a TRUNCATE.
 */
function dataset(offset: number): Payload[] {
  return DATASET.map((payload) => {
    const copy = structuredClone(payload);
    copy.pipeline_id += offset;
    if (copy.pipeline) copy.pipeline.id += offset;
    for (const a of copy.attempts ?? []) a.id += offset;
    return copy;
  });
}

async function open(options: Parameters<typeof openClickhouseStore>[1] = {}): Promise<ClickhouseStore> {
  const opened = await openClickhouseStore(dir, options);
  extra.push(opened);
  return opened;
}

beforeAll(async () => {
  store = await openClickhouseStore(dir, { autoMigrate: true });
  // same directory, own session: chDB lets one process hold several connections to its directory
  admin = await openClickhouseClient(dir);
  // merges would collapse duplicates behind the test's back: every copy written stays visible
  await admin.client.command({ query: 'SYSTEM STOP MERGES' });
});

afterAll(async () => {
  for (const s of extra) await s.close();
  await store?.close();
  await admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

const EXPECTED = { pipelines: DATASET.length, builds: BUILDS, sections: SECTIONS };

describe('idempotent writes (tables read without FINAL)', () => {
  it('a pipeline pushed twice, one after the other and all at once, is stored once', async () => {
    const payloads = dataset(0);
    for (const payload of payloads) expect(await store.save(payload)).toBe('created');
    for (const payload of payloads) expect(await store.save(payload)).toBe('duplicate');
    expect(await Promise.all(payloads.map((p) => store.save(p)))).toEqual(payloads.map(() => 'duplicate'));
    expect(await counts(1000)).toEqual(EXPECTED);
    expect((await store.runQuery(compileQuery(SEED_INPUT, ALL_TIME))).rows.map(seedSummary)).toEqual(SEED_ROWS);
  });

  it('the same pipeline saved many times at once in one process gives one created', async () => {
    const payloads = dataset(10_000);
    const outcomes = await Promise.all([...payloads, ...payloads, ...payloads].map((p) => store.save(p)));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(payloads.length);
    expect(await counts(11_000)).toEqual(EXPECTED);
  });

  it('saves of a pipeline arriving while its write runs wait for it, while other pipelines are written alongside', async () => {
    const [early, late] = [dataset(100_000), dataset(110_000)];
    const first = early.map((p) => store.save(p));
    // the first write has formed (5 ms) and is running: the repeats wait for it, the others need not
    await new Promise((resolve) => setTimeout(resolve, 15));
    const second = [...early, ...late].map((p) => store.save(p));
    expect(await Promise.all(first)).toEqual(early.map(() => 'created'));
    expect(await Promise.all(second)).toEqual([...early.map(() => 'duplicate'), ...late.map(() => 'created')]);
    expect(await counts(101_000)).toEqual(EXPECTED);
    expect(await counts(111_000)).toEqual(EXPECTED);
  });

  it('two independent writers racing on the same pipelines store each row once', async () => {
    const other = await open();
    for (const payload of dataset(20_000)) {
      const outcomes = await Promise.all([store.save(payload), other.save(payload)]);
      expect(outcomes).toContain('created');
    }
    expect(await counts(21_000)).toEqual(EXPECTED);
  });

  it('a retry after a write that failed half-way completes it, with every row once', async () => {
    const payload = dataset(30_000)[0]!;
    await unwritable('ci_finished_build_sections', () => expect(store.save(payload)).rejects.toThrow(/TOO_MANY_PARTS/));
    expect(await counts(31_000)).toEqual({ pipelines: 0, builds: 4, sections: 0 });
    expect(await store.save(payload)).toBe('created');
    expect(await store.save(payload)).toBe('duplicate');
    expect(await counts(31_000)).toEqual({ pipelines: 1, builds: 4, sections: 4 });
  });

  it('the retry is complete and single also when it travels in another batch (other dedup token)', async () => {
    const [first, second] = dataset(40_000);
    await unwritable('ci_finished_pipelines', () => expect(store.save(first!)).rejects.toThrow(/TOO_MANY_PARTS/));
    expect(await counts(41_000)).toEqual({ pipelines: 0, builds: 4, sections: 4 });
    const batching = await open({ batching: { maxRows: 10_000, lingerMs: 50 } });
    expect(await Promise.all([batching.save(first!), batching.save(second!)])).toEqual(['created', 'created']);
    expect(await counts(41_000)).toEqual({ pipelines: 2, builds: 4 + 3, sections: 4 });
  });
});

describe('with the stored index (serve, the only writer of its directory)', () => {
  const batching = { maxRows: 10_000, lingerMs: 50 };

  it('answers from what is stored at open: stored pipelines are duplicates, a half-written one is completed', async () => {
    const [halfWritten, ...stored] = dataset(70_000);
    for (const payload of stored) expect(await store.save(payload)).toBe('created');
    await unwritable('ci_finished_pipelines', () => expect(store.save(halfWritten!)).rejects.toThrow(/TOO_MANY_PARTS/));
    const indexed = await open({ keepStoredIndex: true, batching });
    // with a new pipeline in the same batch, so a second copy of the half-written builds would get
    // a new deduplication token: only the index's answer keeps them single
    const fresh = dataset(80_000)[1]!;
    const outcomes = await Promise.all([halfWritten!, ...stored, fresh].map((payload) => indexed.save(payload)));
    expect(outcomes).toEqual(['created', ...stored.map(() => 'duplicate'), 'created']);
    expect(await counts(71_000)).toEqual(EXPECTED);
    expect(await counts(81_000)).toEqual({ pipelines: 1, builds: 3, sections: 0 });
  });

  it('leaves a pipeline whose write failed half-way to the tables: the retry completes it, every row once', async () => {
    const indexed = await open({ keepStoredIndex: true, batching });
    const [first, second] = dataset(90_000);
    await unwritable('ci_finished_pipelines', () => expect(indexed.save(first!)).rejects.toThrow(/TOO_MANY_PARTS/));
    expect(await counts(91_000)).toEqual({ pipelines: 0, builds: 4, sections: 4 });
    expect(await Promise.all([indexed.save(first!), indexed.save(second!)])).toEqual(['created', 'created']);
    expect(await indexed.save(first!)).toBe('duplicate');
    expect(await counts(91_000)).toEqual({ pipelines: 2, builds: 4 + 3, sections: 4 });
  });
});

/** A successful build job of the refresh tests, with one log section unless `sections` says otherwise. */
function buildJob(id: number, sections: Record<string, number> = { step_script: 8 }) {
  return { id, name: 'job-build', stage: 'build', status: 'success', startOffset: 0, duration: 10, sections } as const;
}

describe('replace (the refresh path)', () => {
  // its lightweight DELETE is a mutation: it runs on the merge pool
  beforeAll(() => admin.client.command({ query: 'SYSTEM START MERGES' }));

  it('refresh swaps a stored pipeline for its new version, also when repeated', async () => {
    const job = buildJob(301);
    const spec = { id: 50_001, startedAt: '2024-05-02T10:00:00.000Z' };
    const running = buildPayload({ ...spec, status: 'running', jobs: [job] });
    const finished = buildPayload({
      ...spec,
      status: 'success',
      jobs: [job, { id: 302, name: 'job-test', stage: 'test', status: 'failed', startOffset: 15, duration: 20 }],
    });
    expect(await store.save(running)).toBe('created');
    expect(await store.refresh(finished)).toBe('refreshed');
    expect(await store.refresh(finished)).toBe('refreshed');
    expect(await counts(50_000)).toEqual({ pipelines: 1, builds: 2, sections: 1 });
    expect(await scalar("SELECT count() FROM ci_finished_pipelines WHERE id = 50001 AND status = 'success'")).toBe(1);
    expect(await store.refresh(running)).toBe('refreshed');
    expect(await counts(50_000)).toEqual({ pipelines: 1, builds: 1, sections: 1 });
    expect(await store.save(finished)).toBe('duplicate');
  });

  it('keeps the stored index right, also through a refresh that failed half-way', async () => {
    const indexed = await open({ keepStoredIndex: true });
    const build = buildJob(311);
    const test = { id: 312, name: 'job-test', stage: 'test', status: 'failed', startOffset: 15, duration: 20 } as const;
    const lint = { id: 313, name: 'lint', stage: 'test', status: 'success', startOffset: 15, duration: 5 } as const;
    const spec = { id: 52_001, startedAt: '2024-05-02T10:00:00.000Z' };
    const running = buildPayload({ ...spec, status: 'running', jobs: [build] });
    const finished = buildPayload({ ...spec, status: 'success', jobs: [build, test] });
    const retried = buildPayload({ ...spec, status: 'success', jobs: [build, test, lint] });
    expect(await indexed.save(running)).toBe('created');
    expect(await indexed.refresh(finished)).toBe('refreshed');
    expect(await indexed.save(finished)).toBe('duplicate');
    expect(await counts(52_000)).toEqual({ pipelines: 1, builds: 2, sections: 1 });
    // the old rows are deleted and the new builds and sections written, then the pipeline row fails
    await unwritable('ci_finished_pipelines', () => expect(indexed.refresh(retried)).rejects.toThrow(/TOO_MANY_PARTS/));
    expect(await counts(52_000)).toEqual({ pipelines: 0, builds: 3, sections: 1 });
    expect(await indexed.save(retried)).toBe('created');
    expect(await indexed.save(retried)).toBe('duplicate');
    expect(await counts(52_000)).toEqual({ pipelines: 1, builds: 3, sections: 1 });
  });

  describe('a save after a refresh that failed is stored, not dropped as a repeat of the save before the refresh', () => {
    /** one build of pipeline `id`; with a section unless `sections` is empty */
    const payloadOf = (id: number, sections?: Record<string, number>) =>
      buildPayload({ id, startedAt: '2024-05-02T10:00:00.000Z', status: 'success', jobs: [buildJob(id + 1, sections)] });

    it('failed at the pipeline row: the save writes the pipeline row again', async () => {
      const payload = payloadOf(54_001);
      expect(await store.save(payload)).toBe('created');
      await unwritable('ci_finished_pipelines', () => expect(store.refresh(payload)).rejects.toThrow(/TOO_MANY_PARTS/));
      expect(await counts(54_000)).toEqual({ pipelines: 0, builds: 1, sections: 1 });
      expect(await store.save(payload)).toBe('created');
      expect(await counts(54_000)).toEqual({ pipelines: 1, builds: 1, sections: 1 });
      expect(await store.save(payload)).toBe('duplicate');
    });

    it('failed after its deletes, leaving the pipeline in no table: the save writes every row again', async () => {
      const payload = payloadOf(55_001, {});
      expect(await store.save(payload)).toBe('created');
      await unwritable('ci_finished_builds', () => expect(store.refresh(payload)).rejects.toThrow(/TOO_MANY_PARTS/));
      expect(await counts(55_000)).toEqual({ pipelines: 0, builds: 0, sections: 0 });
      expect(await store.save(payload)).toBe('created');
      expect(await counts(55_000)).toEqual({ pipelines: 1, builds: 1, sections: 0 });
    });

    it('also by a store with the stored index (serve) opened after the failed refresh', async () => {
      const payload = payloadOf(56_001, {});
      expect(await store.save(payload)).toBe('created');
      await unwritable('ci_finished_builds', () => expect(store.refresh(payload)).rejects.toThrow(/TOO_MANY_PARTS/));
      expect(await counts(56_000)).toEqual({ pipelines: 0, builds: 0, sections: 0 });
      const indexed = await open({ keepStoredIndex: true });
      expect(await indexed.save(payload)).toBe('created');
      expect(await indexed.save(payload)).toBe('duplicate');
      expect(await counts(56_000)).toEqual({ pipelines: 1, builds: 1, sections: 0 });
    });

    it('two writers racing on the same refreshed pipeline still store its rows once', async () => {
      const payload = payloadOf(57_001);
      expect(await store.save(payload)).toBe('created');
      await unwritable('ci_finished_builds', () => expect(store.refresh(payload)).rejects.toThrow(/TOO_MANY_PARTS/));
      const other = await open();
      const outcomes = await Promise.all([store.save(payload), other.save(payload)]);
      expect(outcomes).toContain('created');
      expect(await counts(57_000)).toEqual({ pipelines: 1, builds: 1, sections: 1 });
    });
  });

  it('refresh leaves a pipeline that is absent alone (backfill saves it instead)', async () => {
    expect(await store.refresh(dataset(60_000)[1]!)).toBe('missing');
    expect(await counts(61_000)).toEqual({ pipelines: 0, builds: 0, sections: 0 });
  });
});

describe('tables', () => {
  it('have the deduplication window and no projection to rebuild on merges', async () => {
    for (const table of ['ci_finished_builds', 'ci_finished_pipelines', 'ci_finished_build_sections']) {
      const result = await admin.client.query({ query: `SHOW CREATE TABLE ${table}`, format: 'JSONCompact' });
      const ddl = String((await result.json<unknown[]>()).data[0]![0]);
      expect([table, ddl]).toEqual([table, expect.stringContaining('non_replicated_deduplication_window = 10000')]);
      expect(ddl).not.toMatch(/PROJECTION/);
      // set by an embedded writer's open (embedded-table-settings.ts): durable parts, wider merges
      for (const setting of ['fsync_after_insert = 1', 'fsync_part_directory = 1', `min_parts_to_merge_at_once = ${EMBEDDED_MERGE_WIDTH}`])
        expect([table, ddl]).toEqual([table, expect.stringContaining(setting)]);
    }
  });
});

/** The seed query over DATASET stored once (as in store.test.ts): name, stage, count, avg, failed, success. */
const SEED_ROWS = [
  ['job-build', 'build', 5, 252000, 0, 5],
  ['job-e2e', 'e2e', 2, 250000, 1, 1],
  ['job-test', 'test', 4, 31250, 1, 2],
];

function seedSummary(row: unknown[]): unknown[] {
  return [row[0], row[1], row[2], row[3], row[5], row[6]];
}
