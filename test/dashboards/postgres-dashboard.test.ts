import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openSqlClient, type SqlClient } from '../../src/store/postgres/client.js';
import { ensureSchema } from '../../src/store/postgres/schema-check.js';
import { createPostgresStore } from '../../src/store/postgres/store.js';
import { DATASET } from '../store/clickhouse/dataset.js';
import { grafanaCorpus } from '../store/postgres/payloads.js';
import { PIPELINES_COUNT, TIME_TO_E2E, TOTAL_E2E, percentileCont } from '../store/postgres/grafana-queries.js';
import { expandPostgres, leftovers, type GrafanaRange } from './grafana-macros.js';
import { DashboardSchema, type Dashboard } from './schema.js';

/**
 * dashboards/postgres.json on embedded PostgreSQL (PGlite): the seed's three panels carry the
 * seed's SQL unchanged and, with Grafana's macros expanded, return the figures computed here;
 * the per-job trend returns each job's daily mean.
 */
const root = join(import.meta.dirname, '../..');
let dashboard: Dashboard;
let parent: string;
let client: SqlClient;

beforeAll(async () => {
  dashboard = DashboardSchema.parse(JSON.parse(await readFile(join(root, 'dashboards/postgres.json'), 'utf8')));
  parent = await mkdtemp(join(tmpdir(), 'pm-grafana-pg-'));
  // one PGlite open (it takes seconds): migrated on open, then used both to save and to query
  client = await openSqlClient(join(parent, 'db'));
  await ensureSchema(client, true);
  const store = createPostgresStore(client);
  // the ClickHouse dataset's pipeline ids overlap the corpus's: moved by 100,000
  const moved = DATASET.map((p) => ({ ...p, pipeline_id: p.pipeline_id + 100_000, pipeline: { ...p.pipeline!, id: p.pipeline_id + 100_000 } }));
  for (const payload of [...grafanaCorpus(), ...moved]) expect(await store.save(payload)).toBe('created');
}, 180_000);
afterAll(async () => {
  await client?.close();
  await rm(parent, { recursive: true, force: true });
});

const SEED_RANGE: GrafanaRange = { from: new Date('2024-03-02T00:00:00Z'), to: new Date('2024-03-10T23:59:59Z'), intervalSeconds: 3600, variables: { project: 'test/project' } };
const panel = (title: string) => dashboard.panels.find((p) => p.title.startsWith(title))!;
async function run(title: string, range: GrafanaRange) {
  const sql = expandPostgres(panel(title).targets[0]!.rawSql, range);
  expect(leftovers(sql)).toEqual([]);
  return client.query(sql);
}

describe('dashboards/postgres.json', () => {
  it('schema essentials; the provisioned Postgres data source; a project variable', async () => {
    const provisioned = parse(await readFile(join(root, 'dashboards/provisioning/datasources/pipeline-metrics.yaml'), 'utf8')) as { datasources: { uid: string; type: string }[] };
    const pg = provisioned.datasources.find((d) => d.type === 'grafana-postgresql-datasource')!;
    for (const p of dashboard.panels) expect([p.datasource.uid, p.targets[0]!.datasource.uid]).toEqual([pg.uid, pg.uid]);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['project']);
  });

  it("the seed's three panels: its SQL unchanged, and the figures computed from the payloads", async () => {
    expect(panel('Pipelines count').targets[0]!.rawSql).toBe(PIPELINES_COUNT);
    expect(panel('Time to e2e').targets[0]!.rawSql).toBe(TIME_TO_E2E);
    expect(panel('Total e2e').targets[0]!.rawSql).toBe(TOTAL_E2E);
    const selected = grafanaCorpus().filter((p) => p.project === 'test/project' && p.ref === (p.pipeline?.default_branch ?? 'master') &&
      Date.parse(p.created_at) >= SEED_RANGE.from.getTime() && Date.parse(p.created_at) <= SEED_RANGE.to.getTime());
    expect(selected.length).toBeGreaterThan(5);
    expect(Number((await run('Pipelines count', SEED_RANGE))[0]!.count)).toBe(selected.length);
    const check = (row: Record<string, unknown>, values: number[]) => {
      for (const [key, f] of [['p50', 0.5], ['p80', 0.8], ['p95', 0.95]] as const) expect(Number(row[key])).toBeCloseTo(percentileCont(values, f)!, 9);
    };
    check((await run('Time to e2e', SEED_RANGE))[0]!, selected.map((p) => p.duration - p.duration_e2e));
    check((await run('Total e2e', SEED_RANGE))[0]!, selected.filter((p) => !p.has_restarts).map((p) => p.duration_e2e));
  });

  it('per-job trend: daily mean duration of successful attempts per job', async () => {
    const range: GrafanaRange = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-04T00:00:00Z'), intervalSeconds: 3600, variables: { project: 'group/app' } };
    const attempts = DATASET.filter((p) => p.project === 'group/app').flatMap((p) => p.attempts!)
      .filter((a) => a.status === 'success' && a.finished_at && Date.parse(a.finished_at) >= range.from.getTime() && Date.parse(a.finished_at) <= range.to.getTime());
    const keys = [...new Set(attempts.map((a) => `${Math.floor(Date.parse(a.finished_at!) / 86_400_000) * 86_400}\u0000${a.name}`))].sort();
    const expected = keys.map((key) => {
      const [time, name] = key.split('\u0000') as [string, string];
      const xs = attempts.filter((a) => a.name === name && Math.floor(Date.parse(a.finished_at!) / 86_400_000) * 86_400 === Number(time));
      return { time: Number(time), metric: name, duration: xs.reduce((s, a) => s + a.duration!, 0) / xs.length };
    }).sort((a, b) => a.time - b.time || a.metric.localeCompare(b.metric));
    const rows = (await run('Per-job duration', range)).map((r) => ({ time: Number(r.time), metric: r.metric, duration: Number(r.duration) }));
    expect(rows).toEqual(expected);
    expect(rows.length).toBeGreaterThan(3);
  });
});
