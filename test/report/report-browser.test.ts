/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport, type ReportResult } from '../../src/commands/report.js';
import { openClickhouseStore } from '../../src/store/clickhouse/index.js';
import { DEMO_RANGE, saveDemoPipelines } from './demo-data.js';

/**
 * The report of demo data in a real headless Chromium (Debian's `chromium`, /usr/bin/chromium):
 * it loads with no console error and no network request, every chart is a canvas Chart.js drew
 * with data, the job table sorts, and a screenshot is written to docs/report.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'pm-report-'));
const out = join(dir, 'report.html');
let browser: Browser;
let result: ReportResult;

beforeAll(async () => {
  const store = await openClickhouseStore(join(dir, 'ch'), { autoMigrate: true });
  try {
    await saveDemoPipelines(store);
  } finally {
    await store.close();
  }
  const spec = join(dir, 'ch');
  result = await runReport(
    { context: DEMO_RANGE, clickhouse: spec, out },
    {
      openRunner: (s) => openClickhouseStore(s),
      now: () => new Date('2024-05-03T00:00:00Z'),
    },
  );
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report in headless Chromium', () => {
  it('loads offline with no console errors; every chart is drawn with data; the table sorts', async () => {
    expect(result).toMatchObject({ out, pipelines: 3 });
    expect(statSync(out).size).toBe(result.bytes);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`file://${out}`, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    const charts = await page.evaluate(() => {
      const Chart = (
        window as unknown as {
          Chart: { getChart(c: HTMLCanvasElement): { config: { type: string }; data: { datasets: { data: unknown[] }[] } } | undefined };
        }
      ).Chart;
      return [...document.querySelectorAll('canvas')].map((canvas) => {
        const chart = Chart.getChart(canvas);
        const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { id: canvas.id, type: chart?.config.type, points, painted };
      });
    });
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'chart-fix-first',
        'chart-daily',
        'chart-e2e',
        'chart-runners',
        'chart-sections',
        'chart-gantt-0',
        'chart-gantt-1',
        'chart-gantt-2',
      ]),
    );
    for (const chart of charts) {
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.painted, chart.id).toBeGreaterThan(1000);
    }

    const firstColumn = () =>
      page.$$eval('#job-table tbody tr', (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[0]!.textContent));
    const rows = await firstColumn();
    expect(rows.length).toBeGreaterThan(50);
    await page.click('#job-table th[data-key="job"]');
    const sorted = await firstColumn();
    expect(sorted).toEqual([...rows].sort((a, b) => b!.localeCompare(a!)));
    await page.click('#job-table th[data-key="job"]');
    expect(await firstColumn()).toEqual([...rows].sort((a, b) => a!.localeCompare(b!)));

    mkdirSync(join(import.meta.dirname, '../../docs'), { recursive: true });
    const shot = join(import.meta.dirname, '../../docs/report.png');
    await page.reload({ waitUntil: 'load' });
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(problems).toEqual([]);
  }, 60_000);
});
