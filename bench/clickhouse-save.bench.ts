/**
 * CPU per pipeline saved through the embedded ClickHouse store (chDB in this process), as serve
 * writes them: waves of BENCH_WAVE concurrent saves (default 36, about the batch serve's bench
 * forms with 50 connections), each wave one batch, BENCH_WAVES waves (default 80) after 10 of warm-up. The payload
 * is serve.bench.ts's (seed + pipeline + 20 finished attempts), parsed by the wire schema first.
 * Prints, per configuration, CPU ms per pipeline (all threads; process.cpuUsage) split by thread
 * name (JavaScript = the main thread; `node` = libuv's workers, where chDB runs a query; ClickHouse's
 * pools, e.g. MergeMutate = background merges), wall ms per wave, and the active parts left.
 * Configurations, each on a fresh directory: `serve` (as serve opens it: stored index, embedded table
 * settings), `no index` (the existence check queried per batch, as push does), `default merges`
 * (serve's, with ClickHouse's default merge width), `neither` (how serve wrote before both). CPU figures are less sensitive to a shared
 * machine than wall times, not insensitive. Run: `npx tsx bench/clickhouse-save.bench.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorablePayloadSchema, type Payload } from '../src/payload/schema.js';
import { openClickhouseClient } from '../src/store/clickhouse/client.js';
import { openClickhouseStore, type ClickhouseStore } from '../src/store/clickhouse/index.js';
import { ATTEMPTS, saveBody } from './save-body.js';
import { threadCpuDelta, threadCpuSeconds } from './thread-cpu.js';
import { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE } from '../src/store/clickhouse/tables.js';

const WAVE = Number(process.env.BENCH_WAVE ?? 36);
const WAVES = Number(process.env.BENCH_WAVES ?? 80);
const WARM_UP_WAVES = 10;
const TABLES = [BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE];

/** serve.bench.ts's body for pipeline `id`, as the route has it after validation */
function payload(id: number): Payload {
  return StorablePayloadSchema.parse(saveBody(id));
}

interface Config {
  label: string;
  keepStoredIndex: boolean;
  /** ClickHouse's own merge width instead of the embedded store's */
  defaultMerges: boolean;
}

const CONFIGS: Config[] = [
  { label: 'serve', keepStoredIndex: true, defaultMerges: false },
  { label: 'no index', keepStoredIndex: false, defaultMerges: false },
  { label: 'default merges', keepStoredIndex: true, defaultMerges: true },
  { label: 'neither', keepStoredIndex: false, defaultMerges: true },
];

async function measure(config: Config): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-save-'));
  let store: ClickhouseStore | undefined;
  try {
    store = await openClickhouseStore(dir, { autoMigrate: true, keepStoredIndex: config.keepStoredIndex });
    if (config.defaultMerges)
      await adminQuery(
        dir,
        TABLES.map((t) => `ALTER TABLE ${t} RESET SETTING min_parts_to_merge_at_once`),
      );
    let next = 1_000_000;
    const wave = async () => {
      const payloads = Array.from({ length: WAVE }, () => payload(next++));
      await Promise.all(payloads.map((p) => store!.save(p)));
    };
    for (let i = 0; i < WARM_UP_WAVES; i++) await wave();
    const threadsBefore = threadCpuSeconds(process.pid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < WAVES; i++) await wave();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const pipelines = WAVE * WAVES;
    const perPipeline = (ms: number) => (ms / pipelines).toFixed(2);
    // seconds by thread, those of at least 0.01 ms per pipeline, in ms
    const totalSeconds = (cpu.user + cpu.system) / 1e6;
    const byThread = threadCpuDelta(threadsBefore, threadCpuSeconds(process.pid), totalSeconds, (0.01 * pipelines) / 1000).map(
      ([name, s]): [string, number] => [name, s * 1000],
    );
    const parts = await adminQuery(
      dir,
      [],
      "SELECT table, count() FROM system.parts WHERE active AND database = currentDatabase() AND table LIKE 'ci_finished_%' GROUP BY table ORDER BY table",
    );
    console.log(
      `${config.label.padEnd(15)} CPU ${perPipeline((cpu.user + cpu.system) / 1000)} ms per pipeline (${byThread.map(([n, ms]) => `${n} ${perPipeline(ms)}`).join(', ')}); ` +
        `wall ${(wallMs / WAVES).toFixed(1)} ms per wave; active parts ${parts.map((r) => `${String(r[0])}=${String(r[1])}`).join(', ')}`,
    );
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `commands`, then `query` (its rows), on a second connection to the store's directory. */
async function adminQuery(dir: string, commands: string[], query = 'SELECT 1'): Promise<unknown[][]> {
  const handle = await openClickhouseClient(dir);
  try {
    for (const command of commands) await handle.client.command({ query: command });
    return (await (await handle.client.query({ query, format: 'JSONCompact' })).json<unknown[]>()).data;
  } finally {
    await handle.close();
  }
}

console.log(
  `machine: ${cpus().length} cores, shared (1-min load average at the start: ${loadavg()[0]!.toFixed(1)}); waves of ${WAVE} saves, ${WAVES} measured after ${WARM_UP_WAVES}; ${ATTEMPTS} builds per pipeline`,
);
for (const config of CONFIGS) await measure(config);
