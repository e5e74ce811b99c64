/** Database outages: 503 with a JSON message, quickly — never a hang, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { openSqlClient } from '../../src/store/postgres/client.js';
import { createPostgresStore, openPostgresStore } from '../../src/store/postgres/index.js';
import { UpstreamError, EXIT } from '../../src/errors.js';
import { runServe } from '../../src/commands/serve.js';
import { SEED_BODY_TEXT, seedPayload } from '../fixtures/payloads/index.js';
import { createServerDatabase } from './engines.js';
import { listen, post } from './save-metrics-suite.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const CLOSED_PORT_URL = 'postgres://postgres:postgres@127.0.0.1:1/postgres';

describe('database outages', () => {
  it('closed port: POST /save_metrics → 503 with retry-after, /healthz → 503, within 2 s', async () => {
    const sink = createPostgresStore(await openSqlClient(CLOSED_PORT_URL, { connectTimeoutMs: 2_000 }), { ownsClient: true });
    const app = buildServer({ sinks: [sink], tokens: [], bodyLimit: 1024 * 1024 });
    const base = await listen(app);
    try {
      const started = performance.now();
      const response = await fetch(`${base}/save_metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: SEED_BODY_TEXT,
      });
      const body = (await response.json()) as { errors: string[] };
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatch(
        /^database unavailable: cannot reach Postgres at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/,
      );
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { status: string }).status).toBe('unavailable');
    } finally {
      await app.close();
    }
  });

  it('a database that accepts but never answers → 503 after the per-request budget', async () => {
    const hole = await startTcpProxy('blackhole');
    const url = `postgres://postgres:postgres@127.0.0.1:${hole.port}/postgres`;
    const sink = createPostgresStore(await openSqlClient(url, { connectTimeoutMs: 20_000 }), { ownsClient: true });
    const app = buildServer({ sinks: [sink], tokens: [], bodyLimit: 1024 * 1024, storeTimeoutMs: 300 });
    const base = await listen(app);
    try {
      const started = performance.now();
      const { status, json } = await post(base, SEED_BODY_TEXT);
      const elapsed = performance.now() - started;
      expect({ status, json }).toEqual({
        status: 503,
        json: { errors: ['database unavailable: the database did not answer within 300 ms'] },
      });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_500);
    } finally {
      await hole.stop();
      await app.close();
    }
  });

  describe('outage while serving (TCP proxy in front of the real server)', () => {
    let db: Awaited<ReturnType<typeof createServerDatabase>>;
    beforeAll(async () => {
      db = await createServerDatabase('outage');
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('200 → proxy cut → 503 → proxy back → 200', async () => {
      const real = new URL(db.url);
      let proxy = await startTcpProxy(Number(real.port || 5432));
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      const sink = await openPostgresStore(viaProxy.toString(), { connectTimeoutMs: 2_000 });
      const app = buildServer({ sinks: [sink], tokens: [], bodyLimit: 1024 * 1024, storeTimeoutMs: 3_000 });
      const base = await listen(app);
      try {
        expect((await post(base, JSON.stringify(seedPayload({ pipeline_id: 11 })))).status).toBe(200);
        await proxy.stop();
        const cut = await post(base, JSON.stringify(seedPayload({ pipeline_id: 12 })));
        expect(cut.status).toBe(503);
        expect(cut.json.errors?.[0]).toMatch(/^database unavailable: /);
        proxy = await startTcpProxy(Number(real.port || 5432), proxy.port);
        expect((await post(base, JSON.stringify(seedPayload({ pipeline_id: 12 })))).status).toBe(200);
        expect((await post(base, JSON.stringify(seedPayload({ pipeline_id: 11 })))).status).toBe(208);
      } finally {
        await app.close();
        await proxy.stop();
      }
    });
  });

  it('serve refuses to start when its database is unreachable (exit code 4)', async () => {
    const failure = runServe(
      { port: 0, host: '127.0.0.1', postgres: CLOSED_PORT_URL, tokens: [], bodyLimit: 1024, storeTimeoutMs: 1_000, dbPoolSize: 2 },
      { onShutdownRequest: () => () => undefined },
    );
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ exitCode: EXIT.unreachable });
  });
});
