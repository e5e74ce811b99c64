/**
 * The schema's bounds fit both stores (issue #9 item 9): a payload at every bound is stored
 * exactly by ClickHouse (chDB) and committed by Postgres (PGlite), and one step past a bound is a
 * ValidationError naming the field, so no valid payload can fail one store only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorablePayloadSchema } from '../../src/payload/schema.js';
import { parseOrThrow } from '../../src/validate.js';
import { openClickhouseStore } from '../../src/store/clickhouse/index.js';
import { openPostgresStore } from '../../src/store/postgres/store.js';
import { boundaryPayload } from '../fixtures/payloads/index.js';

const parent = mkdtempSync(join(tmpdir(), 'pm-bounds-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const payload = parseOrThrow(StorablePayloadSchema, boundaryPayload(77_001), 'payload');

describe('a payload at every bound of the schema', () => {
  it('is stored exactly by ClickHouse (chDB)', async () => {
    const store = await openClickhouseStore(join(parent, 'ch'), {
      autoMigrate: true,
    });
    try {
      expect(await store.save(payload)).toBe('created');
      const builds = await store.runQuery({
        sql: 'SELECT id, runner_id, project_id, toString(started_at), toString(finished_at), toString(queued_at), duration FROM ci_finished_builds WHERE pipeline_id = {p:UInt64}',
        params: { p: 77_001 },
      });
      expect(builds.rows).toEqual([
        // timestamps are written with millisecond precision (src/store/clickhouse/values.ts)
        [
          Number.MAX_SAFE_INTEGER,
          Number.MAX_SAFE_INTEGER,
          Number.MAX_SAFE_INTEGER,
          '2000-01-01 00:00:00.000000',
          '2299-12-31 23:59:59.999000',
          '2000-01-01 00:00:00.000000',
          Date.parse('2299-12-31T23:59:59.999Z') - Date.parse('2000-01-01T00:00:00Z'),
        ],
      ]);
      const pipelines = await store.runQuery({
        sql: 'SELECT duration, duration_e2e FROM ci_finished_pipelines WHERE id = {p:UInt64}',
        params: { p: 77_001 },
      });
      expect(pipelines.rows).toEqual([[366 * 86_400, 366 * 86_400]]);
      const sections = await store.runQuery({
        sql: 'SELECT name, duration FROM ci_finished_build_sections WHERE pipeline_id = {p:UInt64}',
        params: { p: 77_001 },
      });
      expect(sections.rows).toEqual([['build', 30 * 86_400 * 1000]]);
    } finally {
      await store.close();
    }
  });

  it('is committed by Postgres (PGlite)', async () => {
    const store = await openPostgresStore(join(parent, 'pg'));
    try {
      expect(await store.save(payload)).toBe('created');
    } finally {
      await store.close();
    }
  }, 180_000); // PGlite needs tens of seconds to start on a loaded machine

  it('one step past any bound is refused naming the field', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the patches reach into nested fixture fields
    const past = (patch: (p: Record<string, any>) => void): string[] => {
      const body = boundaryPayload(77_002);
      patch(body);
      try {
        parseOrThrow(StorablePayloadSchema, body, 'payload');
        return [];
      } catch (error) {
        return [...(error as { issues: string[] }).issues];
      }
    };
    expect(past((p) => (p.pipeline.iid = Number.MAX_SAFE_INTEGER + 1))[0]).toMatch(/^pipeline\.iid: /);
    expect(past((p) => (p.attempts[0].duration = 30 * 86_400 + 0.001))[0]).toMatch(
      /^attempts\[0]\.duration: must be at most 2592000 seconds/,
    );
    expect(past((p) => (p.duration = 366 * 86_400 + 1))[0]).toMatch(/^duration: must be at most 31622400 seconds/);
    expect(past((p) => (p.attempts[0].finished_at = '2300-01-01T00:00:00Z'))[0]).toMatch(/^attempts\[0]\.finished_at: must be from/);
    expect(past((p) => (p.jobs[0].started_at = '1999-12-31T23:59:59.999Z'))[0]).toMatch(/^jobs\[0]\.started_at: must be from/);
  });
});
