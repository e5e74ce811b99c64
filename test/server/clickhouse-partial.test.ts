import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import {
  openClickhouseClient,
  openClickhouseStore,
  type ClickhouseHandle,
  type ClickhouseStore,
} from '../../src/store/clickhouse/index.js';
import { buildPayload } from '../store/clickhouse/payloads.js';
import { openPgliteEngine, type TestEngine } from './engines.js';

/**
 * `serve --db … --clickhouse …` when ClickHouse fails after Postgres committed (issue 9, item 13):
 * the client gets 503 (try again), and its retry — answered 208 by Postgres — completes the
 * ClickHouse side, every row once. The failure is the engine's own: ci_finished_builds refuses
 * inserts (TOO_MANY_PARTS) for the first attempt, through a second connection to the same chDB.
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-serve-ch-partial-'));
let engine: TestEngine;
let clickhouse: ClickhouseStore;
let admin: ClickhouseHandle;
let app: FastifyInstance;

const job = (id: number) => ({ id, name: 'job-build', stage: 'build', status: 'success' as const, startOffset: 0, duration: 30 });
const earlier = buildPayload({ id: 7001, startedAt: '2024-05-02T10:00:00.000Z', jobs: [job(71)] });
const payload = buildPayload({ id: 7002, startedAt: '2024-05-02T11:00:00.000Z', jobs: [job(72), { ...job(73), name: 'job-test' }] });

async function post(body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await app.inject({
    method: 'POST',
    url: '/save_metrics',
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.statusCode, json: response.json() };
}

async function chCount(sql: string): Promise<number> {
  const result = await admin.client.query({ query: sql, format: 'JSONCompact' });
  return Number((await result.json<unknown[]>()).data[0]![0]);
}

beforeAll(async () => {
  engine = await openPgliteEngine();
  clickhouse = await openClickhouseStore(dir, { autoMigrate: true });
  admin = await openClickhouseClient(dir);
  app = buildServer({ sinks: [engine.sink, clickhouse], tokens: [], bodyLimit: 1024 * 1024, storeTimeoutMs: 30_000 });
});

afterAll(async () => {
  await app?.close();
  await clickhouse?.close();
  await admin?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ClickHouse failing after Postgres committed', () => {
  it('answers 503, and the retry (208 from Postgres) completes ClickHouse with every row once', async () => {
    expect(await post(earlier)).toEqual({ status: 200, json: { status: 'created' } });
    // the 2024 partition now holds a part; with merges stopped, one part is "too many"
    await admin.client.command({ query: 'SYSTEM STOP MERGES' });
    await admin.client.command({ query: 'ALTER TABLE ci_finished_builds MODIFY SETTING parts_to_throw_insert = 1' });
    let first: { status: number; json: unknown };
    try {
      first = await post(payload);
    } finally {
      await admin.client.command({ query: 'ALTER TABLE ci_finished_builds RESET SETTING parts_to_throw_insert' });
    }
    expect(first.status).toBe(503);
    expect(JSON.stringify(first.json)).toMatch(/TOO_MANY_PARTS/);
    expect(await engine.query('SELECT pipeline_id FROM metrics_pipeline WHERE pipeline_id = 7002')).toHaveLength(1);
    expect(await chCount('SELECT count() FROM ci_finished_pipelines WHERE id = 7002')).toBe(0);

    expect(await post(payload)).toEqual({ status: 208, json: { status: 'duplicate' } });
    expect(await chCount('SELECT count() FROM ci_finished_pipelines WHERE id = 7002')).toBe(1);
    expect(await chCount('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 7002')).toBe(2);
    expect(await post(payload)).toEqual({ status: 208, json: { status: 'duplicate' } });
    expect(await chCount('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 7002')).toBe(2);
  });

  it('a payload Postgres refuses reaches no store', async () => {
    const inconsistent = {
      ...buildPayload({ id: 7003, startedAt: '2024-05-02T12:00:00.000Z', jobs: [job(74)] }),
      ref: 'not-the-pipeline-ref',
    };
    expect((await post(inconsistent)).status).toBe(400);
    expect(await chCount('SELECT count() FROM ci_finished_pipelines WHERE id = 7003')).toBe(0);
    expect(await chCount('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 7003')).toBe(0);
  });

  it("a refresh (PUT /pipelines/:id/metrics) Postgres refuses leaves ClickHouse's stored rows as they were", async () => {
    // 7001 is stored in both with one build (first test); its refresh adds a build but its ref disagrees
    await admin.client.command({ query: 'SYSTEM START MERGES' }); // a refresh deletes (a mutation): merges must run
    expect(await chCount('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 7001')).toBe(1);
    const refreshed = {
      ...buildPayload({ id: 7001, startedAt: '2024-05-02T10:00:00.000Z', jobs: [job(71), { ...job(75), name: 'job-test' }] }),
      ref: 'not-the-pipeline-ref',
    };
    const response = await app.inject({
      method: 'PUT',
      url: '/pipelines/7001/metrics',
      payload: JSON.stringify(refreshed),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    // a refresh started alongside the refused one would still be running after the answer: give it time to land
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await chCount('SELECT count() FROM ci_finished_pipelines WHERE id = 7001')).toBe(1);
    expect(await chCount('SELECT count() FROM ci_finished_builds WHERE pipeline_id = 7001')).toBe(1);
  });
});
