/**
 * parseLogTimings on large logs: a ~20 MB and a ~50 MB job log made of the two noisy fixtures
 * (ANSI, CRLF, `\r` overwrites, markers, timestamp prefixes) repeated between plain output.
 * Prints the median wall time of 5 runs per size and the throughput. Run:
 * `npx tsx bench/log-parse.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseLogTimings } from '../src/payload/log-timings.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/logs/${name}`, import.meta.url), 'utf8');
const chunk =
  fixture('e2e-classic.log') +
  fixture('e2e-timestamped.log') +
  'npm http fetch GET 200 https://registry.npmjs.org/some-package 12ms (cache hit)\n'.repeat(40) +
  'Downloading 10%\rDownloading 55%\rDownloading 100%\r\n'.repeat(10);

function logOf(bytes: number): string {
  return chunk.repeat(Math.ceil(bytes / chunk.length));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

for (const mb of [20, 50]) {
  const log = logOf(mb * 1024 * 1024);
  const runs: number[] = [];
  let results = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    results = parseLogTimings(log).realTimes.length;
    runs.push(performance.now() - start);
  }
  const ms = median(runs);
  const size = log.length / 1024 / 1024;
  console.log(
    `parseLogTimings ${size.toFixed(1)} MB (${results} time results): median ${ms.toFixed(0)} ms of 5 runs, ` +
      `${(size / (ms / 1000)).toFixed(0)} MB/s`,
  );
}
