/** The `POST /save_metrics` contract, run against each real engine (see *.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/build-server.js';
import { BAD_BODIES, hugeBody } from '../fixtures/payloads/bad-bodies.js';
import { SEED_BODY_TEXT, seedPayload } from '../fixtures/payloads/index.js';
import { countRows, type TestEngine } from './engines.js';

const BODY_LIMIT = 256 * 1024;

export async function post(base: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/save_metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as { status?: string; errors?: string[] } };
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

export function describeSaveMetrics(open: () => Promise<TestEngine>): void {
  let engine: TestEngine;
  let app: FastifyInstance;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    engine = await open();
    app = buildServer({ sinks: [engine.sink], tokens: [], bodyLimit: BODY_LIMIT, logger: (line) => logs.push(line) });
    base = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it('stores the seed example (200), then reports it already stored (208)', async () => {
    expect(await post(base, SEED_BODY_TEXT)).toEqual({ status: 200, json: { status: 'created' } });
    expect(await post(base, SEED_BODY_TEXT)).toEqual({ status: 208, json: { status: 'duplicate' } });
    const rows = await engine.query(
      'SELECT project, duration::float8 AS duration, duration_e2e::float8 AS duration_e2e, is_master, has_restarts FROM metrics_pipeline WHERE pipeline_id = 1',
    );
    expect(rows).toEqual([{ project: 'test/project', duration: 97, duration_e2e: 27, is_master: true, has_restarts: false }]);
    const jobs = await engine.query(
      'SELECT name, duration_up::float8 AS up, duration_e2e::float8 AS e2e FROM metrics_job WHERE pipeline_id = 1',
    );
    expect(jobs).toEqual([{ name: 'e2e', up: 7, e2e: 5 }]);
  });

  it('writes one JSON log line per request with pipeline_id and outcome', () => {
    const records = logs.map((line) => {
      expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
      return JSON.parse(line) as Record<string, unknown>;
    });
    expect(
      records.slice(0, 2).map(({ method, url, status, outcome, pipeline_id }) => ({ method, url, status, outcome, pipeline_id })),
    ).toEqual([
      { method: 'POST', url: '/save_metrics', status: 200, outcome: 'created', pipeline_id: 1 },
      { method: 'POST', url: '/save_metrics', status: 208, outcome: 'duplicate', pipeline_id: 1 },
    ]);
    expect(typeof records[0]!.ms).toBe('number');
  });

  it('50 concurrent copies of a new pipeline: exactly one 200, 49 × 208, one set of rows', async () => {
    const body = JSON.stringify(seedPayload({ pipeline_id: 5001 }));
    const results = await Promise.all(Array.from({ length: 50 }, () => post(base, body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(49).fill(208)]);
    for (const table of ['metrics_pipeline', 'metrics_job', 'metrics_build']) {
      const [row] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE pipeline_id = 5001`);
      expect({ table, n: Number(row!.n) }).toEqual({ table, n: 1 });
    }
  });

  it('stores hostile and unicode strings verbatim (bound parameters, nothing executed)', async () => {
    const project = "'; DROP TABLE metrics_pipeline; --";
    const unicode = 'команда/проект 🚀 \u202Ertl 测试 "quoted" \\ back';
    const jobs = [
      { name: unicode, started_at: '2023-06-13T14:12:33.677+07:00', finished_at: '2023-06-13T14:13:01.293+07:00', duration: 27 },
    ];
    expect((await post(base, JSON.stringify(seedPayload({ pipeline_id: 6001, project })))).status).toBe(200);
    expect((await post(base, JSON.stringify(seedPayload({ pipeline_id: 6002, project: unicode, jobs })))).status).toBe(200);
    const rows = await engine.query(
      'SELECT pipeline_id::int AS id, project FROM metrics_pipeline WHERE pipeline_id IN (6001, 6002) ORDER BY 1',
    );
    expect(rows).toEqual([
      { id: 6001, project },
      { id: 6002, project: unicode },
    ]);
    expect(await engine.query('SELECT name FROM metrics_job WHERE pipeline_id = 6002')).toEqual([{ name: unicode }]);
  });

  it('refuses every bad body with the right 4xx and a JSON problem list; the database is unchanged', async () => {
    const before = await countRows(engine);
    expect(before.metrics_pipeline).toBeGreaterThan(0);
    for (const bad of BAD_BODIES) {
      const { status, json } = await post(base, bad.body, bad.contentType ? { 'content-type': bad.contentType } : {});
      expect({ name: bad.name, status }).toEqual({ name: bad.name, status: bad.status });
      expect({ name: bad.name, hit: json.errors?.some((e) => e.includes(bad.expect)) }).toEqual({ name: bad.name, hit: true });
    }
    expect(await countRows(engine)).toEqual(before);
  });

  it('refuses invalid UTF-8 bytes naming the field (never stores U+FFFD); the database is unchanged', async () => {
    const before = await countRows(engine);
    const [head, tail] = JSON.stringify(seedPayload({ pipeline_id: 940, project: 'group/@@' })).split('@@') as [string, string];
    const body = Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]);
    const response = await fetch(`${base}/save_metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: ['project: not valid UTF-8 text (invalid bytes, shown as U+FFFD)'] });
    expect(await countRows(engine)).toEqual(before);
  });

  it('a body of thousands of invalid fields gets a short reply: validation stops early, the list is capped', async () => {
    const bad = { id: -1, name: '', stage: 1, status: '', created_at: 'x', duration: -1, steps: { a: -1, b: -1 } };
    const body = JSON.stringify(seedPayload({ pipeline_id: 941, attempts: Array.from({ length: 2200 }, () => bad) }));
    expect(body.length).toBeGreaterThan(200_000);
    const started = performance.now();
    const response = await fetch(`${base}/save_metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toEqual({ errors: ['attempts[0].id: Too small: expected number to be >0'] });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('413 above the body limit (just over, and 10 MB); the database is unchanged', async () => {
    const before = await countRows(engine);
    for (const size of [BODY_LIMIT + 1024, 10 * 1024 * 1024]) {
      const { status, json } = await post(base, hugeBody(size, 7000 + size));
      expect(status).toBe(413);
      expect(json.errors).toEqual([`(body): larger than the limit of ${BODY_LIMIT} bytes`]);
    }
    expect(await countRows(engine)).toEqual(before);
  });

  it('GET /healthz pings the database', async () => {
    const response = await fetch(`${base}/healthz`);
    expect({ status: response.status, json: await response.json() }).toEqual({ status: 200, json: { status: 'ok' } });
  });

  describe('with tokens configured', () => {
    let secured: FastifyInstance;
    let securedBase: string;
    beforeAll(async () => {
      // the shared sink stays open when this second server closes
      const shared = { ...engine.sink, close: async () => undefined };
      secured = buildServer({ sinks: [shared], tokens: ['s3cret-one', 's3cret-two'], bodyLimit: BODY_LIMIT });
      securedBase = await listen(secured);
    });
    afterAll(async () => {
      await secured?.close();
    });

    it('401 without, or with a wrong, bearer token; accepts any configured token', async () => {
      const before = await countRows(engine);
      const body = JSON.stringify(seedPayload({ pipeline_id: 8001 }));
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer nope' },
        { authorization: 's3cret-one' },
        { authorization: 'Basic czNjcmV0LW9uZQ==' },
      ]) {
        expect(await post(securedBase, body, headers)).toEqual({
          status: 401,
          json: { errors: ['(authorization): missing or invalid bearer token'] },
        });
      }
      expect(await countRows(engine)).toEqual(before);
      expect((await post(securedBase, body, { authorization: 'Bearer s3cret-two' })).status).toBe(200);
      expect((await post(securedBase, body, { authorization: 'bearer s3cret-one' })).status).toBe(208);
    });
  });
}
