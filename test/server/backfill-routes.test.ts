import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { seedPayload } from '../fixtures/payloads/index.js';
import { openServerEngine, type TestEngine } from './engines.js';
import { listen } from './save-metrics-suite.js';

const TOKEN = 'routes-s3cret';
let engine: TestEngine;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  engine = await openServerEngine('backfill_routes');
  app = buildServer({ sinks: [engine.sink], tokens: [TOKEN], bodyLimit: 1024 * 1024 });
  base = await listen(app);
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
});

async function call(method: string, path: string, body: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('backfill routes (PostgreSQL server)', () => {
  it('need the bearer token of /save_metrics', async () => {
    expect((await call('POST', '/pipelines/known', { pipeline_ids: [1] }, null)).status).toBe(401);
    expect((await call('PUT', '/pipelines/1/metrics', seedPayload(), 'wrong')).status).toBe(401);
  });

  it('POST /pipelines/known validates its body, naming the field', async () => {
    const bad = await call('POST', '/pipelines/known', { pipeline_ids: ['7', -1] });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.stringMatching(/^pipeline_ids\[0\]: /), expect.stringMatching(/^pipeline_ids\[1\]: /)]);
  });

  it("a row of the original client (no status) is a running snapshot; PUT replaces it, /save_metrics' 200/208 unchanged", async () => {
    const id = 91_000_001;
    expect((await call('POST', '/save_metrics', seedPayload({ pipeline_id: id }))).status).toBe(200);
    expect(await call('POST', '/pipelines/known', { pipeline_ids: [id, id + 1] })).toEqual({
      status: 200,
      json: { pipelines: { [id]: 'running' } },
    });

    const finished = seedPayload({
      pipeline_id: id,
      pipeline: { id, status: 'success', ref: 'master', created_at: seedPayload().created_at, finished_at: '2024-01-01T12:00:00Z' },
    });
    expect(await call('PUT', `/pipelines/${id}/metrics`, finished)).toEqual({ status: 200, json: { status: 'refreshed' } });
    expect((await call('POST', '/pipelines/known', { pipeline_ids: [id] })).json).toEqual({ pipelines: { [id]: 'final' } });
    expect((await call('POST', '/save_metrics', finished)).status).toBe(208);
  });

  it('PUT stores a pipeline not stored yet (201) and refuses a payload of another pipeline (400)', async () => {
    const id = 91_000_002;
    expect(await call('PUT', `/pipelines/${id}/metrics`, seedPayload({ pipeline_id: id }))).toEqual({
      status: 201,
      json: { status: 'created' },
    });
    const other = await call('PUT', `/pipelines/${id}/metrics`, seedPayload({ pipeline_id: id + 5 }));
    expect(other.status).toBe(400);
    expect(other.json.errors).toEqual([`pipeline_id: must equal the pipeline id in the URL (${id}), got ${id + 5}`]);
  });
});
