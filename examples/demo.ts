/**
 * `npm run demo`: the main job end to end on embedded defaults, no servers.
 *
 * A loopback GitLab stand-in (the test fixture) serves three pipelines of 250 jobs, created one,
 * two and three days before now, so the README's `query` examples (default window: the last 7
 * days) return rows. For each, the built CLI runs exactly as in a CI job —
 * `pipeline-metrics collect --push` with only CI_* variables — writing to embedded Postgres
 * (PGlite) and embedded ClickHouse (chDB) under `.pipeline-metrics/demo/`. Then
 * `pipeline-metrics query` prints two of the shipped example queries, and the demo says where the
 * data is and how to query it yourself; `pipeline-metrics report` writes
 * `.pipeline-metrics/demo/report.html`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePipeline } from '../test/fixtures/gitlab/generate.js';
import { ciEnvFor } from '../test/fixtures/gitlab/ci-env.js';
import { startGitlabServer } from '../test/fixtures/gitlab/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/pipeline-metrics.js');
const dir = join(root, '.pipeline-metrics/demo');
const db = join(dir, 'postgres');
const clickhouse = join(dir, 'clickhouse');
const DAY_MS = 86_400_000;

/** Runs the built CLI as a separate process (async: the GitLab stand-in lives in this one). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<void> {
  process.stderr.write(`\n$ pipeline-metrics ${args.join(' ')}\n`);
  const child = spawn(process.execPath, [bin, ...args], { stdio: 'inherit', env: { PATH: process.env.PATH ?? '', ...env } });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`pipeline-metrics ${args[0]} exited with ${code}`);
}

rmSync(dir, { recursive: true, force: true });
await cli(['migrate', '--db', db, '--clickhouse', clickhouse]);
for (const [i, pipelineId] of [9101, 9102, 9103].entries()) {
  const createdMs = Date.now() - (3 - i) * DAY_MS;
  const fixture = generatePipeline({ jobs: 250, seed: 7 + i, pipelineId, firstJobId: 8_000_000 + i * 10_000, createdMs });
  const server = await startGitlabServer({ fixture });
  try {
    await cli(
      ['collect', '--push', '--db', db, '--clickhouse', clickhouse, '--output', join(dir, `payload-${pipelineId}.json`)],
      ciEnvFor(fixture, server),
    );
  } finally {
    await server.close();
  }
}
// the README's own examples, on the default window (the last 7 days)
await cli(['query', 'job-table', '--format', 'table', '--clickhouse', clickhouse]);
await cli(['query', 'slowest-sections', '--format', 'table', '--clickhouse', clickhouse]);
await cli(['report', '--out', join(dir, 'report.html'), '--clickhouse', clickhouse]);

const ch = relative(process.cwd(), clickhouse) || '.';
process.stderr.write(
  `\nThe demo data is in ${relative(process.cwd(), dir)}/: Postgres (PGlite) in ${relative(process.cwd(), db)}, ClickHouse (chDB) in ${ch}.\n` +
    'Query it yourself:\n' +
    `  npx pipeline-metrics query job-table --clickhouse ${ch}\n` +
    `  npx pipeline-metrics query failures-per-day --clickhouse ${ch} --format csv\n` +
    `  npx pipeline-metrics query examples/queries/seed-job-metrics.yaml --clickhouse ${ch} --sql\n` +
    `  open ${relative(process.cwd(), join(dir, 'report.html'))}   # the HTML report\n` +
    `  npx pipeline-metrics serve --db ${relative(process.cwd(), db)} --clickhouse ${ch}   # POST /save_metrics on :8080\n`,
);
