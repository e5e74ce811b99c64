/**
 * What every pipeline pays for `npx pipeline-metrics`: the packed tarball installed cold (an
 * empty npm cache per run, as on a fresh CI runner), its size on disk, npm's warnings, and
 * `npx pipeline-metrics collect --push --url` against a loopback GitLab (250 jobs) and a loopback
 * metrics server, timed from npx start to exit. Also the whole cold path in one command:
 * `npx --yes --package <tarball> pipeline-metrics collect --push --url` with an empty cache.
 * Medians of RUNS runs; wall-clock seconds, and CPU seconds (user + system of the command and its
 * children, from /usr/bin/time): on a shared, loaded machine wall time is mostly waiting for a
 * core, and CPU time is what the command itself costs. Sizes in MB (10^6 bytes) from `du`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePipeline } from '../test/fixtures/gitlab/generate.js';
import { ciEnvFor } from '../test/fixtures/gitlab/ci-env.js';
import { startGitlabServer } from '../test/fixtures/gitlab/server.js';

const RUNS = 3;
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'pm-npx-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs a command under /usr/bin/time: wall and CPU milliseconds, exit code, stderr; stdout is discarded. */
async function timed(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'PM_CPU %U %S', cmd, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: work, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const cpu = /PM_CPU (\d+\.\d+) (\d+\.\d+)\s*$/.exec(stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;
  return { ms: performance.now() - started, cpuMs, code, stderr: stderr.replace(/PM_CPU .*\s*$/, '') };
}

/** A loopback metrics server answering POST /save_metrics as `serve` does for a new pipeline. */
async function startMetricsServer(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/save_metrics') received++;
      res.writeHead(req.url === '/save_metrics' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'created' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received };
}

function pack(): string {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out) as [{ filename: string; size: number; unpackedSize: number; entryCount: number }];
  process.stdout.write(
    `tarball: ${(info.size / 1e6).toFixed(2)} MB packed, ${(info.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${info.entryCount} files\n`,
  );
  return join(work, info.filename);
}

const tarball = pack();
const fixture = generatePipeline({ jobs: 250, seed: 7, pipelineId: 9101, firstJobId: 8_000_000 });
const gitlab = await startGitlabServer({ fixture });
const metrics = await startMetricsServer();
const collectArgs = ['collect', '--push', '--push-url', metrics.url, '--output', 'payload.json'];
const install = { ms: [] as number[], cpu: [] as number[], mb: [] as number[], packages: [] as number[], warnings: new Set<string>() };
const local = { ms: [] as number[], cpu: [] as number[] };
const cold = { ms: [] as number[], cpu: [] as number[] };
try {
  for (let run = 0; run < RUNS; run++) {
    const project = mkdtempSync(join(work, 'project-'));
    writeFileSync(join(project, 'package.json'), '{"name":"ci-job","private":true}\n');
    const cache = { npm_config_cache: mkdtempSync(join(work, 'cache-')) };
    const installed = await timed('npm', ['install', '--no-audit', '--no-fund', tarball], project, cache);
    if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
    for (const line of installed.stderr.split('\n')) if (/warn/i.test(line)) install.warnings.add(line.trim());
    install.ms.push(installed.ms);
    install.cpu.push(installed.cpuMs);
    install.mb.push((Number(execFileSync('du', ['-sk', 'node_modules'], { cwd: project, encoding: 'utf8' }).split('\t')[0]) * 1024) / 1e6);
    install.packages.push(
      execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: project, encoding: 'utf8', env: { ...process.env, ...cache } })
        .trim()
        .split('\n').length - 1,
    );
    const collected = await timed('npx', ['pipeline-metrics', ...collectArgs], project, { ...cache, ...ciEnvFor(fixture, gitlab) });
    if (collected.code !== 0) throw new Error(`collect --push failed:\n${collected.stderr}`);
    local.ms.push(collected.ms);
    local.cpu.push(collected.cpuMs);
    const empty = mkdtempSync(join(work, 'empty-'));
    const coldCache = { npm_config_cache: mkdtempSync(join(work, 'cache-')) };
    const whole = await timed('npx', ['--yes', '--package', tarball, 'pipeline-metrics', ...collectArgs], empty, {
      ...coldCache,
      ...ciEnvFor(fixture, gitlab),
    });
    if (whole.code !== 0) throw new Error(`npx --package failed:\n${whole.stderr}`);
    for (const line of whole.stderr.split('\n')) if (/npm warn/i.test(line)) install.warnings.add(line.trim());
    cold.ms.push(whole.ms);
    cold.cpu.push(whole.cpuMs);
  }
  if (metrics.received() !== 2 * RUNS) throw new Error(`metrics server received ${metrics.received()} payloads, expected ${2 * RUNS}`);
  const s = (x: number) => (x / 1000).toFixed(2);
  const fmt = (t: { ms: number[]; cpu: number[] }) =>
    `${s(median(t.ms))} s wall, ${s(median(t.cpu))} s CPU (runs, wall: ${t.ms.map(s).join(', ')})`;
  process.stdout.write(
    `node ${process.version}, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}, ${RUNS} runs, medians; the machine is shared, figures are under load\n` +
      `npm install <tarball>, empty cache:            ${fmt(install)}\n` +
      `node_modules on disk:                          ${median(install.mb).toFixed(2)} MB, ${median(install.packages)} package(s)\n` +
      `npm warnings:                                  ${install.warnings.size ? [...install.warnings].join(' | ') : 'none'}\n` +
      `npx pipeline-metrics collect --push --url:     ${fmt(local)} (installed; 250 jobs, loopback GitLab + metrics server)\n` +
      `npx --yes --package <tarball> … (all cold):   ${fmt(cold)}\n`,
  );
} finally {
  await gitlab.close();
  metrics.server.close();
  rmSync(work, { recursive: true, force: true });
}
