/// <reference lib="dom" />
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/commands/collect.js';
import { resolveCollectConfig } from '../../src/config/collect.js';
import type { Payload } from '../../src/payload/schema.js';
import { loadChartJs, loadReportData, renderReportHtml, type ReportData } from '../../src/report/index.js';
import { openClickhouseStore, type ClickhouseStore } from '../../src/store/clickhouse/index.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { generateDependHierarchy, type DependHierarchy } from '../fixtures/gitlab/depend-hierarchy.js';
import type { PipelineFixture } from '../fixtures/gitlab/generate.js';
import { generateHierarchy, type HierarchyFixture } from '../fixtures/gitlab/hierarchy.js';
import { startGitlabServer } from '../fixtures/gitlab/server.js';
import { DEMO_RANGE } from './demo-data.js';

/**
 * The report's critical-path Gantt of pipeline hierarchies, from a chDB store filled by the real
 * collector from the loopback GitLab: a root whose path runs through two trigger jobs that
 * waited for their downstream pipelines (root → child → grandchild), and a root whose trigger
 * job did not wait (its child's path is not part of the root's).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'pm-gantt-'));
let depend: DependHierarchy;
let plain: HierarchyFixture;
let payloads: Map<number, Payload>;
let data: ReportData;

async function collectInto(store: ClickhouseStore, root: PipelineFixture): Promise<Payload[]> {
  const server = await startGitlabServer({ fixture: root });
  try {
    const result = await runCollect(resolveCollectConfig({}, ciEnvFor(root, server)));
    for (const payload of result.payloads) expect(await store.save(payload)).toBe('created');
    return result.payloads;
  } finally {
    await server.close();
  }
}

beforeAll(async () => {
  depend = generateDependHierarchy();
  plain = generateHierarchy();
  const store = await openClickhouseStore(join(dir, 'ch'), { autoMigrate: true });
  try {
    const all = [...(await collectInto(store, depend.root)), ...(await collectInto(store, plain.root))];
    payloads = new Map(all.map((p) => [p.pipeline_id, p]));
    data = await loadReportData(store, DEMO_RANGE, new Date('2024-05-03T00:00:00Z'));
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chartOf = (root: PipelineFixture) => data.gantt.find((g) => g.id === root.pipelineId)!;
const pathOf = (root: PipelineFixture) => payloads.get(root.pipelineId)!.critical_path!;
const total = (steps: { wait: number; queue: number; run: number }[]) => steps.reduce((t, s) => t + s.wait + s.queue + s.run, 0);

describe('report: critical-path Gantt of pipeline hierarchies', () => {
  it('draws root pipelines only: no downstream pipeline is a Gantt of its own', () => {
    expect(data.gantt.map((g) => g.id).sort()).toEqual([depend.root.pipelineId, plain.root.pipelineId].sort());
  });

  it('the root’s path runs through both trigger jobs into the child and the grandchild', () => {
    const chart = chartOf(depend.root);
    const path = pathOf(depend.root);
    const bridges = new Set([depend.toChild.id, depend.toGrandchild.id]);
    expect(path.job_ids).toEqual(expect.arrayContaining([...bridges]));
    // every build of the stored path, in path order, each under its own pipeline
    const builds = chart.steps.filter((s) => s.kind === 'build');
    expect(builds.map((s) => s.jobId)).toEqual(path.job_ids.filter((id) => !bridges.has(id)));
    const owner = new Map(
      [depend.root, depend.child, depend.grandchild].flatMap((f) => f.attempts.map((a) => [a.id, f.pipelineId] as const)),
    );
    expect(builds.map((s) => s.pipelineId)).toEqual(builds.map((s) => owner.get(s.jobId!)));
    const perPipeline = (f: PipelineFixture) => builds.filter((s) => s.pipelineId === f.pipelineId);
    for (const f of [depend.root, depend.child, depend.grandchild]) expect(perPipeline(f).length, f.name).toBeGreaterThan(0);
    expect(perPipeline(depend.child).every((s) => s.name.startsWith('child: child: e2e matrix / '))).toBe(true);
    expect(perPipeline(depend.grandchild).every((s) => s.name.startsWith('child: grandchild: browsers / '))).toBe(true);
    // the child's own path is the part of the root's path inside the child
    const childPath = pathOf(depend.child).job_ids.filter((id) => !bridges.has(id));
    expect(builds.filter((s) => s.pipelineId !== depend.root.pipelineId).map((s) => s.jobId)).toEqual(childPath);
  });

  it('the steps add up to the stored path duration; the trigger jobs’ shares come from GitLab’s times', () => {
    const chart = chartOf(depend.root);
    const expected = (depend.toChild.finishedMs! - depend.root.createdMs) / 1000;
    expect(chart.pathDuration).toBeCloseTo(expected, 3);
    expect(pathOf(depend.root).duration).toBeCloseTo(expected, 3);
    expect(total(chart.steps)).toBeCloseTo(chart.pathDuration, 2);
    // each trigger job starts 2 s after it was queued (when its stage could start), its child is created
    // then, and it finishes 1.1 s / 1.2 s after its child's last job
    const triggers = chart.steps.filter((s) => s.kind === 'trigger').map((s) => [s.name, s.pipelineId, s.wait, s.run]);
    expect(triggers).toEqual([
      [`trigger #${depend.toChild.id} → child: child: e2e matrix`, depend.root.pipelineId, 2, 0],
      [`trigger #${depend.toGrandchild.id} → child: grandchild: browsers`, depend.child.pipelineId, 2, 0],
      [`trigger #${depend.toGrandchild.id}: after child: grandchild: browsers`, depend.child.pipelineId, 0, 1.1],
      [`trigger #${depend.toChild.id}: after child: child: e2e matrix`, depend.root.pipelineId, 0, 1.2],
    ]);
    // bars follow each other: each step starts where the previous one ended, from 0 to the path's end
    let cursor = 0;
    for (const s of chart.steps) {
      expect(s.end - s.wait - s.queue - s.run, s.name).toBeCloseTo(cursor, 3);
      cursor = s.end;
    }
    expect(cursor).toBeCloseTo(chart.pathDuration, 3);
  });

  it('a child whose trigger job did not wait is not part of the root’s path', () => {
    const chart = chartOf(plain.root);
    expect(pathOf(plain.child).job_ids.length).toBeGreaterThan(0);
    expect(chart.steps.some((s) => s.pipelineId === plain.child.pipelineId)).toBe(false);
    expect(chart.steps.filter((s) => s.kind === 'build').map((s) => s.jobId)).toEqual(
      pathOf(plain.root).job_ids.filter((id) => id !== plain.bridge.id),
    );
    expect(total(chart.steps)).toBeCloseTo(chart.pathDuration, 2);
  });

  it('the page draws it in headless Chromium: one bar per step, child steps labelled, no error', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml(data, await loadChartJs()));
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      const index = data.gantt.findIndex((g) => g.id === depend.root.pipelineId);
      const labels = await page.evaluate((id) => {
        const Chart = (window as unknown as { Chart: { getChart(c: Element): { data: { labels: string[] } } | undefined } }).Chart;
        return Chart.getChart(document.getElementById(id)!)?.data.labels ?? [];
      }, `chart-gantt-${index}`);
      expect(problems).toEqual([]);
      expect(labels).toEqual(chartOf(depend.root).steps.map((s, k) => `${k + 1}. ${s.name}`));
      expect(labels.filter((l) => l.includes('child: grandchild: browsers / ')).length).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
