/**
 * `backfill` against a loopback GitLab that enforces a rate limit the way GitLab.com does
 * (fixed one-minute windows, RateLimit-* headers, 429 + Retry-After beyond it), 50 ms latency
 * per request, pipelines of 100 jobs (retries as the fixture generates them; every 5th with a
 * child pipeline). Reports requests, 429s, wall time and its ratio to the floor the limit sets
 * (requests ÷ limit), a second run over the same window, and peak memory for two history
 * sizes. Each backfill runs in a child process (this file with `--worker`), so its peak RSS is
 * its own and not the fixture's.
 *
 * Target: a fresh database on the PostgreSQL server (TEST_DATABASE_URL, else a throwaway embedded one).
 * Environment: BENCH_PIPELINES (default 500), BENCH_LIMIT (requests/min the fixture allows,
 * default 6000), BENCH_RATE (--rate, default 95 % of the limit), BENCH_WORKER_NODE_ARGS (node flags
 * of the backfill process, e.g. --max-old-space-size=80).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHistory } from '../test/fixtures/gitlab/history.js';
import { startHistoryServer } from '../test/fixtures/gitlab/history-server.js';
import { FIXTURE_TOKEN } from '../test/fixtures/gitlab/server.js';
import { createTempDatabase } from '../test/helpers/postgres-database.js';
import { withBenchPostgres } from './bench-postgres.js';

const LATENCY_MS = 50;
const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 500);
const LIMIT = Number(process.env.BENCH_LIMIT ?? 6000);
const RATE = Number(process.env.BENCH_RATE ?? Math.floor(LIMIT * 0.95));
const START = Date.parse('2024-06-03T00:00:00.000Z');
const WINDOW = { since: '2024-06-02T00:00:00Z', until: '2024-07-01T00:00:00Z' };

interface WorkerReport {
  listed: number;
  collected: number;
  skipped: number;
  failed: number;
  requests: number;
  rateLimited: number;
  wallMs: number;
  maxRssMiB: number;
  heapMiB: number;
}

if (process.argv.includes('--worker')) await worker();
else await main();

async function worker(): Promise<void> {
  const { runBackfill } = await import('../src/commands/backfill.js');
  const { resolveBackfillConfig } = await import('../src/config/backfill.js');
  const env = { CI_API_V4_URL: process.env.BENCH_API_URL!, GITLAB_TOKEN: FIXTURE_TOKEN };
  const config = resolveBackfillConfig(
    { project: ['4343'], ...WINDOW, rate: String(RATE), parallel: '16' },
    { db: process.env.BENCH_DB! },
    env,
    new Date(),
  );
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const r = await runBackfill(config);
  clearInterval(sampler);
  const report: WorkerReport = {
    listed: r.listed,
    collected: r.collected,
    skipped: r.skipped,
    failed: r.failed,
    requests: r.requests,
    rateLimited: r.rateLimited,
    wallMs: performance.now() - started,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapMiB: peakHeap / 1024 / 1024,
  };
  if (r.failures.length) process.stderr.write(`${JSON.stringify(r.failures.slice(0, 3))}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function runWorker(apiUrl: string, db: string): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    // BENCH_WORKER_NODE_ARGS, e.g. --max-old-space-size=80: checks that backfill's live heap stays bounded
    const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--worker'], {
      env: { ...process.env, BENCH_API_URL: apiUrl, BENCH_DB: db },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as WorkerReport) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

async function scenario(
  adminUrl: string,
  count: number,
): Promise<{ first: WorkerReport; second: WorkerReport; serverRequests: number[]; server429: number; gitlabSpanMs: number }> {
  const history = createHistory({ count, jobs: 100, startMs: START, childEvery: 5 });
  // the fixture learns every pipeline's times once, before the clock starts (its listing needs them)
  for (const id of history.parentIds) {
    const childId = history.summary(id)!.childId;
    if (childId) history.summary(childId);
  }
  const server = await startHistoryServer({ history, ratePerMinute: LIMIT, latencyMs: LATENCY_MS });
  const target = await openTarget(adminUrl);
  try {
    const first = await runWorker(server.apiUrl, target.spec);
    const afterFirst = server.requests.length;
    const second = await runWorker(server.apiUrl, target.spec);
    const span = (from: number, to: number) => server.requests[to - 1]!.at - server.requests[from]!.at;
    return {
      first,
      second,
      serverRequests: [afterFirst, server.requests.length - afterFirst],
      server429: server.rateLimited,
      gitlabSpanMs: span(0, afterFirst),
    };
  } finally {
    await server.close();
    await target.close();
  }
}

/** A fresh database on the PostgreSQL server (TEST_DATABASE_URL, else a throwaway embedded one). */
async function openTarget(adminUrl: string): Promise<{ spec: string; close(): Promise<void> }> {
  const db = await createTempDatabase({ prefix: 'pm_bench_backfill', migrate: true, adminUrl });
  return { spec: db.url, close: () => db.drop() };
}

async function main(): Promise<void> {
  await withBenchPostgres(report);
}

async function report(adminUrl: string): Promise<void> {
  console.log(
    `fixture: ${PIPELINES} finished pipelines of 100 jobs (every 5th with a child), ${LATENCY_MS} ms latency, limit ${LIMIT}/min enforced (429 beyond); --rate ${RATE}; target: the PostgreSQL server`,
  );
  const small = await scenario(adminUrl, Math.max(20, Math.round(PIPELINES / 5)));
  const full = await scenario(adminUrl, PIPELINES);
  const rows = [
    ['pipelines', 'run', 'requests', '429s', 'wall', 'floor (requests ÷ limit)', 'ratio', 'peak RSS', 'peak heap (sampled every 50 ms)'],
  ];
  for (const [count, s] of [
    [Math.max(20, Math.round(PIPELINES / 5)), small],
    [PIPELINES, full],
  ] as const) {
    for (const [name, r] of [
      ['first', s.first],
      ['second', s.second],
    ] as const) {
      const floorMs = (r.requests / LIMIT) * 60_000;
      rows.push([
        String(count),
        `${name} (${r.collected} collected, ${r.skipped} skipped, ${r.failed} failed)`,
        String(r.requests),
        String(r.rateLimited),
        `${(r.wallMs / 1000).toFixed(1)} s`,
        `${(floorMs / 1000).toFixed(1)} s`,
        (r.wallMs / floorMs).toFixed(2),
        `${r.maxRssMiB.toFixed(0)} MiB`,
        `${r.heapMiB.toFixed(0)} MiB`,
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  for (const [count, s] of [
    [Math.max(20, Math.round(PIPELINES / 5)), small],
    [PIPELINES, full],
  ] as const) {
    const floorMs = (s.serverRequests[0]! / LIMIT) * 60_000;
    console.log(
      `${count} pipelines: first request to last seen by GitLab ${(s.gitlabSpanMs / 1000).toFixed(1)} s for ${s.serverRequests[0]} requests = ${(s.gitlabSpanMs / floorMs).toFixed(2)} × the floor (start-up and store writes after the last request excluded)`,
    );
  }
  console.log(
    `429s counted by the fixture: ${small.server429} (small), ${full.server429} (full); requests seen by the fixture (first, second): ${small.serverRequests.join(', ')} / ${full.serverRequests.join(', ')}`,
  );
  console.log('measured on a shared 2-core machine under load from other work');
}
