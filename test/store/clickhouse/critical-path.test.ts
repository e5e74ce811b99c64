import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/analytics/index.js';
import { withCriticalPath } from '../../../src/critical-path/index.js';
import { discoverMigrations } from '../../../src/migrate/discover.js';
import { runMigrations } from '../../../src/migrate/run.js';
import { openClickhouseMigrationTarget, openClickhouseStore, type ClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { DATASET, DATASET_GRAPH as GRAPH, RANGE } from './dataset.js';

/**
 * Critical path and flakiness through the real store (chDB) and `query`. Pipeline 1001 of the
 * dataset, by hand (seconds after its start; created 5 s before it, every job queued 2.5 s and
 * created 1 s before that): job-build 0→60, job-test failed 65→95 then retried 100→140,
 * lint 65→75. Path: job-build, job-test (failed), job-test; each waited 2.5 s (from the previous
 * step's end until queued), queued 2.5 s, ran 60 / 30 / 40 s: 145 s in all.
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-ch-critical-'));
let store: ClickhouseStore;

beforeAll(async () => {
  const target = await openClickhouseMigrationTarget(dir);
  try {
    await runMigrations(target, await discoverMigrations('clickhouse'));
  } finally {
    await target.close();
  }
  store = await openClickhouseStore(dir);
  for (const payload of DATASET) expect(await store.save(withCriticalPath(payload, GRAPH))).toBe('created');
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async (sql: string) => (await store.runQuery({ sql, params: {} })).rows;

describe('critical path in ClickHouse', () => {
  it('stores the path per pipeline and the contribution per attempt (ms)', async () => {
    expect(
      await rows(
        "SELECT critical_path_duration, arrayStringConcat(critical_path_build_ids, ',') FROM ci_finished_pipelines FINAL WHERE id = 1001",
      ),
    ).toEqual([[145000, '11,12,13']]);
    expect(
      await rows(
        'SELECT id, on_critical_path, critical_path_wait, critical_path_queue, critical_path_run FROM ci_finished_builds FINAL WHERE pipeline_id = 1001 ORDER BY id',
      ),
    ).toEqual([
      [11, true, 2500, 2500, 60000],
      [12, true, 2500, 2500, 30000],
      [13, true, 2500, 2500, 40000],
      [14, false, 0, 0, 0],
    ]);
  });

  it('query: total critical-path contribution per job and flake rate', async () => {
    const result = await store.runQuery(
      compileQuery(
        {
          dimensions: [{ column: 'name', as: 'job' }],
          metrics: [
            {
              function: 'sumIf',
              column: 'critical_path_run',
              condition: [{ column: 'on_critical_path', operator: '=', value: true }],
              as: 'pathRunMs',
            },
            { function: 'countIf', condition: [{ column: 'on_critical_path', operator: '=', value: true }], as: 'onPath' },
            { function: 'flakeRate', as: 'flakeRate' },
          ],
          orderBy: [{ column: 'job' }],
        },
        RANGE,
      ),
    );
    // pipelines in RANGE: 1001–1004. job-test ran in 1001 (failed, then succeeded: flaky), 1002
    // (success), 1003 (canceled): flake rate 1/3. Paths: 1001 above; 1002 job-build 80 s → job-test
    // 50 s → job-e2e 300 s; 1004 job-build 20 s. In 1003 job-e2e (105→305 s) started before
    // job-test (105→110 s), the only job of the previous stage, ended: it waited for nothing,
    // so its path is job-e2e alone (200 s).
    expect(result.rows).toEqual([
      ['job-build', 160000, 3, 0],
      ['job-e2e', 500000, 2, 0],
      ['job-test', 120000, 3, 1 / 3],
      ['lint', 0, 0, 0],
    ]);
  });

  it('flakeRate takes no column and no condition, and needs the builds table', () => {
    expect(() => compileQuery({ metrics: [{ function: 'flakeRate', column: 'duration' }] }, RANGE)).toThrow(
      /metrics\[0\]\.column: flakeRate takes no column/,
    );
    expect(() =>
      compileQuery({ metrics: [{ function: 'flakeRate', condition: [{ column: 'status', operator: '=', value: 'failed' }] }] }, RANGE),
    ).toThrow(/a condition needs an If function/);
    expect(() => compileQuery({ table: 'sections', metrics: [{ function: 'flakeRate' }] }, RANGE)).toThrow(
      /flakeRate needs the builds table/,
    );
  });
});
