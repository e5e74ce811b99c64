import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { generatePipeline } from '../fixtures/gitlab/generate.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

/**
 * The packed tarball installed into an empty project, as `npx pipeline-metrics` does in a CI job:
 * one package and nothing else (every runtime dependency is bundled into dist), no npm warnings,
 * and the installed binary works without the repository's node_modules.
 */
const root = join(import.meta.dirname, '../..');
let work: string;
let project: string;
let installLog: string;
let gitlab: FixtureServer;
let metrics: Server;
let received: unknown[] = [];
let ciEnv: Record<string, string>;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const bin = join(project, 'node_modules/.bin/pipeline-metrics');
    execFile(
      bin,
      args,
      { cwd: project, env: { PATH: process.env.PATH ?? '', HOME: work, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pm-installed-'));
  // built by `npm run build` (the suite's global order); building here would race pack.test's `npm pack`
  if (!existsSync(join(root, 'dist/cli.js'))) execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  ) as [{ filename: string }];
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{"name":"ci-job","private":true}\n');
  const env = { ...process.env, npm_config_cache: join(work, 'cache'), npm_config_update_notifier: 'false' };
  installLog = execFileSync('npm', ['install', '--no-audit', '--no-fund', join(work, packed.filename)], {
    cwd: project,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const fixture = generatePipeline({ jobs: 40 });
  gitlab = await startGitlabServer({ fixture });
  metrics = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"created"}');
    });
  });
  metrics.listen(0, '127.0.0.1');
  await once(metrics, 'listening');
  ciEnv = ciEnvFor(fixture, gitlab);
}, 120_000);

afterAll(async () => {
  await gitlab?.close();
  metrics?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed', () => {
  it('is one package with no dependencies, installed without warnings', () => {
    expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['pipeline-metrics']);
    expect(installLog).toMatch(/added 1 package/);
    expect(installLog).not.toMatch(/warn/i);
  });

  it('collects a pipeline and pushes it to a metrics server', async () => {
    received = [];
    const url = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}`;
    const result = await run(['collect', '--push', '--push-url', url], ciEnv);
    expect(result.stderr).toMatch(/delivered pipeline \d+ → http:\/\/127\.0\.0\.1:\d+\/save_metrics: created/);
    expect(result.code).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('says which optional package an embedded store needs when it is not installed', async () => {
    const result = await run(['migrate', '--clickhouse', join(work, 'ch')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs the optional package "chdb", which is not installed/);
    expect(result.stderr).toMatch(
      /or point at a server instead: --clickhouse http:\/\/user:password@host:8123\/db \(or CLICKHOUSE_URL\)\.\n$/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
