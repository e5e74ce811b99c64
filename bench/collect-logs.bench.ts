/**
 * `collect --logs all` on 40 job logs of 5 MiB each (UTF-8 with multi-byte characters, `\r`
 * progress overwrites) from a loopback GitLab with 50 ms latency per request: peak RSS and wall
 * time of the built CLI (`dist/`, built first), median of RUNS runs, each in its own process.
 * Target (issue #10): peak RSS ≤ 150 MB, wall time not worse than before streaming (3.4 s).
 * The payload must equal the one collected from the same pipeline with small logs: the padding
 * holds no markers and no `time` lines, so streaming may not change a single timing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { ciEnvFor } from '../test/fixtures/gitlab/ci-env.js';
import { generatePipeline, type PipelineFixture } from '../test/fixtures/gitlab/generate.js';
import { startGitlabServer } from '../test/fixtures/gitlab/server.js';

const LOGS = 40;
const LOG_BYTES = 5 * 1024 * 1024;
const LATENCY_MS = 50;
const RUNS = 3;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pipeline-metrics.js');
/** Preloaded into the child: reports its peak RSS (bytes) on fd 3 when it exits. */
const REPORT_RSS = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(3, String(process.resourceUsage().maxRSS * 1024)));",
)}`;

/** The smallest generated pipeline whose `--logs all` selection is exactly LOGS finished attempts. */
function pipelineWithLogs(): PipelineFixture {
  for (let jobs = 30; jobs < 100; jobs++) {
    const fixture = generatePipeline({ jobs });
    if (fixture.attempts.filter((a) => a.finishedMs !== null && a.startedMs !== null).length === LOGS) return fixture;
  }
  throw new Error(`no generated pipeline has ${LOGS} finished attempts`);
}

/** Output lines before the log's own: test results in several scripts, and a `\r` progress bar. */
function padding(bytes: number): string {
  const lines = [
    '✓ проверка входа — ok (12 ms) 測試通過 🚀',
    'Downloading layers 42%\rDownloading layers 87%\rDownloading layers 100%',
    'PASS src/app.test.ts (3.2 s)',
  ];
  const block = `${lines.join('\n')}\n`;
  return block.repeat(Math.ceil(bytes / Buffer.byteLength(block)));
}

function padLogs(fixture: PipelineFixture): PipelineFixture {
  const logs = new Map([...fixture.logs].map(([id, log]) => [id, padding(LOG_BYTES - Buffer.byteLength(log)) + log]));
  return { ...fixture, logs };
}

interface Run {
  ms: number;
  peakRssBytes: number;
  payload: unknown;
}

async function collect(fixture: PipelineFixture): Promise<Run> {
  const server = await startGitlabServer({ fixture, latencyMs: LATENCY_MS });
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-logs-'));
  const output = join(dir, 'payload.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', REPORT_RSS, BIN, 'collect', '--logs', 'all', '--output', output], {
      env: { PATH: process.env.PATH ?? '', ...ciEnvFor(fixture, server) },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let rss = '';
    let stderr = '';
    child.stdio[3]!.on('data', (d: Buffer) => (rss += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`collect exited with ${code}:\n${stderr}`);
    return { ms, peakRssBytes: Number(rss), payload: JSON.parse(readFileSync(output, 'utf8')) };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
if (build.status !== 0) throw new Error('npm run build failed');
const small = pipelineWithLogs();
const padded = padLogs(small);
const expected = (await collect(small)).payload;
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await collect(padded));
if (!runs.every((r) => isDeepStrictEqual(r.payload, expected))) throw new Error('5 MiB logs changed the payload');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => (bytes / 1_000_000).toFixed(0);
console.log(
  `collect --logs all: ${LOGS} logs × ${LOG_BYTES / 1024 / 1024} MiB, ${LATENCY_MS} ms latency, built CLI in its own process, ${RUNS} runs (machine shared: figures under load)`,
);
console.log(
  `  peak RSS  median ${mb(median(runs.map((r) => r.peakRssBytes)))} MB  (runs: ${runs.map((r) => mb(r.peakRssBytes)).join(', ')} MB; target ≤ 150 MB)`,
);
console.log(
  `  wall time median ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s  (runs: ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s; node start-up included)`,
);
console.log('  payload identical to the one from the same pipeline with small logs');
