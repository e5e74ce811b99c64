import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { backfill, startHistory, type BackfillFixture } from './backfill-harness.js';
import { postgresUnderTest } from './backfill-stores.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

let fixture: BackfillFixture;
let db: TempDatabase;
let proxy: TcpProxy;
/** the database's URL through the proxy */
let viaProxy: string;

beforeAll(async () => {
  fixture = await startHistory({ latencyMs: 5 });
  db = await createTempDatabase({ prefix: 'pm_backfill_outage', migrate: true });
  const target = new URL(db.url);
  proxy = await startTcpProxy(Number(target.port || 5432));
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  viaProxy = target.toString();
});
afterAll(async () => {
  await proxy?.stop();
  await fixture?.close();
  await db?.drop();
});

/**
 * Runs a backfill into the database behind the proxy, cutting the proxy for 800 ms as soon as
 * GitLab is asked for a path matching `when`.
 */
async function backfillCutWhen(when: RegExp) {
  const start = fixture.server.requests.length;
  const watch = setInterval(() => {
    if (!fixture.server.requests.slice(start).some((r) => when.test(r.path))) return;
    clearInterval(watch);
    proxy.cut(800);
  }, 2);
  try {
    return await backfill(fixture, { db: viaProxy }, { parallel: '1' });
  } finally {
    clearInterval(watch);
  }
}

describe('backfill while the database is briefly unreachable', () => {
  it('retries the write within its budget, as push does, and stores every pipeline', async () => {
    // cut the database once the first pipeline is being collected: its stored states are known,
    // its write meets the outage
    const result = await backfillCutWhen(/\/pipelines\/\d+/);
    expect(result.failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.collected).toBe(result.listed);
    expect(result.storeRetries).toBeGreaterThan(0);
    const stored = await postgresUnderTest(db.url).read();
    expect(stored.pipelineRows).toBe(fixture.history.options.count + Math.floor(fixture.history.options.count / 5));
  });

  it('retries the stored-state query of a listed page within the same budget (a rerun: everything already stored)', async () => {
    // cut the database as GitLab's pipeline list is asked for: the page's stored states meet the outage
    const result = await backfillCutWhen(/\/pipelines(\?|$)/);
    expect(result.failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.listed).toBeGreaterThan(0);
    expect(result.collected).toBe(0);
    // nothing was written: the retries were the stored-state query's
    expect(result.refreshed).toBe(0);
    expect(result.storeRetries).toBeGreaterThan(0);
  });

  it('counts no database retry when the database stays up', async () => {
    const progress: number[] = [];
    const result = await backfill(fixture, { db: viaProxy }, { parallel: '1' }, { onProgress: (c) => progress.push(c.storeRetries) });
    expect(result.exitCode).toBe(0);
    expect(result.storeRetries).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((n) => n === 0)).toBe(true);
  });
});
