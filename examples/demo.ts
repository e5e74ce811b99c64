/**
 * `npm run demo`: the main job end to end on embedded defaults, no servers.
 *
 * A loopback GitLab stand-in (the test fixture) serves three pipelines of 250 jobs. For each,
 * the built CLI runs exactly as in a CI job — `pipeline-metrics collect --push` with only CI_*
 * variables — writing to embedded Postgres (PGlite) and embedded ClickHouse (chDB) under
 * `.pipeline-metrics/demo/`. Then `pipeline-metrics query` prints the seed's job metrics and
 * `pipeline-metrics report` writes `.pipeline-metrics/demo/report.html`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePipeline } from '../test/fixtures/gitlab/generate.js';
import { ciEnvFor } from '../test/fixtures/gitlab/ci-env.js';
import { startGitlabServer } from '../test/fixtures/gitlab/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/pipeline-metrics.js');
const dir = join(root, '.pipeline-metrics/demo');
const db = join(dir, 'postgres');
const clickhouse = join(dir, 'clickhouse');

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
  const fixture = generatePipeline({ jobs: 250, seed: 7 + i, pipelineId, firstJobId: 8_000_000 + i * 10_000 });
  const server = await startGitlabServer({ fixture });
  try {
    await cli(['collect', '--push', '--db', db, '--clickhouse', clickhouse, '--output', join(dir, `payload-${pipelineId}.json`)], ciEnvFor(fixture, server));
  } finally {
    await server.close();
  }
}
// the fixture pipelines ran on 2024-05-01
const range = ['--from', '2024-04-30T00:00:00Z', '--to', '2024-05-03T00:00:00Z', '--clickhouse', clickhouse];
await cli(['query', join(root, 'examples/queries/job-table.yaml'), '--format', 'table', ...range]);
await cli(['query', join(root, 'examples/queries/slowest-sections.yaml'), '--format', 'table', ...range]);
await cli(['report', '--out', join(dir, 'report.html'), ...range]);
