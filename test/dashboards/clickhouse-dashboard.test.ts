import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withCriticalPath } from '../../src/critical-path/index.js';
import type { Attempt } from '../../src/payload/schema.js';
import { openClickhouseStore, type ClickhouseStore } from '../../src/store/clickhouse/index.js';
import { DATASET, DATASET_GRAPH } from '../store/clickhouse/dataset.js';
import { expandClickhouse, leftovers, type GrafanaRange } from './grafana-macros.js';
import { DashboardSchema } from './schema.js';

/**
 * dashboards/clickhouse.json: every panel's SQL, expanded as grafana-clickhouse-datasource does,
 * runs on chDB over the ClickHouse dataset (with critical paths) and returns the figures computed
 * here from the payloads (or, for the critical path, by hand).
 */
const root = join(import.meta.dirname, '../..');
const dashboard = DashboardSchema.parse(JSON.parse(readFileSync(join(root, 'dashboards/clickhouse.json'), 'utf8')));
const dir = mkdtempSync(join(tmpdir(), 'pm-grafana-ch-'));
let store: ClickhouseStore;

const RANGE: GrafanaRange = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-04T00:00:00Z'), intervalSeconds: 86_400, variables: { project: 'group/app', ref: '' } };
/** pipelines of group/app started in the range (Grafana's bounds are inclusive) */
const inScope = DATASET.filter((p) => p.project === 'group/app' && Date.parse(p.pipeline!.started_at!) >= RANGE.from.getTime() && Date.parse(p.pipeline!.started_at!) <= RANGE.to.getTime());
const finished = (p: (typeof DATASET)[number]) => p.attempts!.filter((a) => ['success', 'failed', 'canceled'].includes(a.status));
const builds = inScope.flatMap((p) => finished(p).map((a) => ({ ...a, pipeline: p.pipeline_id })));

beforeAll(async () => {
  store = await openClickhouseStore(dir, { autoMigrate: true });
  for (const payload of DATASET) await store.save(withCriticalPath(payload, DATASET_GRAPH));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(title: string, range = RANGE) {
  const panel = dashboard.panels.find((p) => p.title === title);
  expect(panel, title).toBeDefined();
  const sql = expandClickhouse(panel!.targets[0]!.rawSql, range);
  expect(leftovers(sql)).toEqual([]);
  return (await store.runQuery({ sql, params: {} })).rows;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function quantile(xs: number[], level: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = level * (s.length - 1);
  return s[Math.floor(i)]! + (i - Math.floor(i)) * (s[Math.ceil(i)]! - s[Math.floor(i)]!);
}
/** final attempt of its job in its pipeline, successful after a failed one there */
function flaky(a: Attempt & { pipeline: number }): boolean {
  const same = builds.filter((b) => b.pipeline === a.pipeline && b.name === a.name);
  return !a.retried && a.status === 'success' && same.some((b) => b.id < a.id && b.status === 'failed');
}
const group = <T>(xs: T[], key: (x: T) => string) => [...new Set(xs.map(key))].map((k) => [k, xs.filter((x) => key(x) === k)] as const);

describe('dashboards/clickhouse.json', () => {
  it('matches the dashboard schema essentials; panels use the provisioned ClickHouse data source; project and ref variables', () => {
    const provisioned = parse(readFileSync(join(root, 'dashboards/provisioning/datasources/pipeline-metrics.yaml'), 'utf8')) as { datasources: { uid: string; type: string }[] };
    const ch = provisioned.datasources.find((d) => d.type === 'grafana-clickhouse-datasource')!;
    for (const panel of dashboard.panels) expect([panel.title, panel.datasource.uid, panel.targets[0]!.datasource.uid]).toEqual([panel.title, ch.uid, ch.uid]);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['project', 'ref']);
  });

  it('Jobs: runs, mean, p50, p95, failure rate, retries, flake rate per job and stage', async () => {
    const expected = group(builds, (b) => `${b.name}\u0000${b.stage}`).map(([, xs]) => {
      const d = xs.map((b) => b.duration!);
      const finals = xs.filter((b) => !b.retried);
      return [xs[0]!.name, xs[0]!.stage, xs.length, mean(d), quantile(d, 0.5), quantile(d, 0.95),
        xs.filter((b) => b.status === 'failed').length / xs.length, xs.filter((b) => b.retried).length, finals.filter(flaky).length / finals.length];
    }).sort((a, b) => (b[3] as number) - (a[3] as number) || String(a[0]).localeCompare(String(b[0])));
    const rows = await run('Jobs');
    expect(rows.map((r) => r.slice(0, 3))).toEqual(expected.map((r) => r.slice(0, 3)));
    rows.forEach((row, i) => row.slice(3).forEach((v, k) => expect(Number(v), `${String(row[0])}[${k + 3}]`).toBeCloseTo(expected[i]![k + 3] as number, 6)));
  });

  it('Pipeline duration: p50 / p95 per interval (one day)', async () => {
    const expected = group(inScope, (p) => p.pipeline!.started_at!.slice(0, 10)).map(([day, ps]) => {
      const d = ps.map((p) => p.pipeline!.duration!);
      return [`${day} 00:00:00`, quantile(d, 0.5), quantile(d, 0.95)];
    });
    expect(await run('Pipeline duration (s): p50 / p95')).toEqual(expected.map(([t, a, b]) => [expect.stringContaining(String(t).slice(0, 10)), a, b]));
    const main = await run('Pipeline duration (s): p50 / p95', { ...RANGE, variables: { project: 'group/app', ref: 'main' } });
    expect(main).toHaveLength(inScope.filter((p) => p.ref === 'main').length);
  });

  it('Failure and flake rate per job', async () => {
    const expected = group(builds, (b) => b.name).map(([name, xs]) => {
      const finals = xs.filter((b) => !b.retried);
      return [name, xs.filter((b) => b.status === 'failed').length / xs.length, finals.filter(flaky).length / finals.length];
    }).sort((a, b) => (b[1] as number) - (a[1] as number) || String(a[0]).localeCompare(String(b[0])));
    expect(await run('Failure and flake rate per job')).toEqual(expected);
    expect(expected.find((r) => r[0] === 'job-test')).toEqual(['job-test', 1 / 4, 1 / 3]);
  });

  it('Queue time by runner type per interval', async () => {
    const runner = (b: Attempt) => ({ instance_type: 'instance', group_type: 'group', project_type: 'project' })[b.runner?.runner_type ?? ''] ?? 'unknown';
    const expected = group(builds, (b) => `${b.started_at!.slice(0, 10)}\u0000${runner(b)}`)
      .map(([key, xs]) => [key.split('\u0000')[0]!, key.split('\u0000')[1]!, mean(xs.map((b) => b.queued_duration!))])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
    const rows = await run('Queue time (s) by runner type');
    expect(rows.map((r) => [String(r[0]).slice(0, 10), r[1], r[2]])).toEqual(expected);
  });

  it('Critical-path contributors (hand-checked: see test/store/clickhouse/critical-path.test.ts)', async () => {
    // group/app pipelines in range: 1001 job-build (2.5, 2.5, 60) → job-test ×2 (2.5, 2.5, 30),
    // (2.5, 2.5, 40); 1002 job-build (2.5, 2.5, 80) → job-test (2.5, 2.5, 50) → job-e2e (2.5, 2.5,
    // 300); 1003 job-e2e alone (107.5, 2.5, 200): it started before job-test ended
    expect(await run('Critical-path contributors (s, all pipelines in range)')).toEqual([
      ['job-e2e', 110, 5, 500],
      ['job-build', 5, 5, 140],
      ['job-test', 7.5, 7.5, 120],
    ]);
  });

  it('Slowest log sections', async () => {
    const sections = inScope.flatMap((p) => p.attempts!.flatMap((a) => Object.entries(a.sections ?? {})));
    const expected = group(sections, ([name]) => name).map(([name, xs]) => {
      const d = xs.map(([, s]) => s);
      return [name, xs.length, mean(d), quantile(d, 0.95)];
    }).sort((a, b) => (b[3] as number) - (a[3] as number));
    expect(expected.length).toBeGreaterThan(1);
    expect(await run('Slowest log sections (s)')).toEqual(expected);
  });
});
