import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOKEN } from '../fixtures/gitlab/server.js';
import { HISTORY_PROJECT } from '../fixtures/gitlab/history.js';
import { startHistory, WINDOW, type BackfillFixture } from '../commands/backfill-harness.js';

/** The built binary (`npm run build` → dist/) as a scheduled CI job runs it. */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(root, 'bin/pipeline-metrics.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; `watch` is called every 20 ms while it runs and may send it a signal. */
function run(args: string[], env: Record<string, string>, watch?: (kill: (s: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = watch ? setInterval(() => watch((s) => child.kill(s)), 20) : undefined;
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let fixture: BackfillFixture;
let dir: string;
let env: Record<string, string>;
const args = () => [
  'backfill',
  '--since',
  WINDOW.since,
  '--until',
  WINDOW.until,
  '--db',
  join(dir, 'pg'),
  '--parallel',
  '1',
  '--rate',
  '60000',
];

beforeAll(async () => {
  fixture = await startHistory({ latencyMs: 30 });
  dir = await mkdtemp(join(tmpdir(), 'pm-backfill-bin-'));
  env = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_API_V4_URL: fixture.server.apiUrl,
    GITLAB_TOKEN: FIXTURE_TOKEN,
    CI_PROJECT_ID: String(HISTORY_PROJECT.id),
    CI_JOB_ID: '1',
  };
});
afterAll(async () => {
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pipeline-metrics backfill (built binary, in CI)', () => {
  it('without a target in CI: exit 2 naming the missing target, nothing asked from GitLab', async () => {
    const before = fixture.server.requests.length;
    const r = await run(['backfill', '--since', '2d'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no delivery target: CI is set and none of --url\/--db\/--clickhouse/);
    expect(fixture.server.requests.length).toBe(before);
  });

  it('SIGTERM: the pipeline in flight finishes, the run stops with exit 0 and says so; the next run continues', async () => {
    let sent = false;
    const before = fixture.server.requests.length;
    const first = await run(args(), env, (kill) => {
      // the first pipeline is being read (project and listing done): stop
      if (!sent && fixture.server.requests.slice(before).some((r) => /\/pipelines\/\d+$/.test(r.path))) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(first.stderr).toContain('SIGTERM: finishing the pipelines in flight');
    expect(first.stderr).toMatch(
      /backfill \(interrupted: rerun to continue\): 12 listed, 0 skipped as stored, [1-3] collected, 0 refreshed, 0 failed/,
    );
    expect(first.code).toBe(0);
    const done = Number(/(\d) collected/.exec(first.stderr)![1]);

    const second = await run([...args(), '--json'], env);
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout) as {
      listed: number;
      skipped: number;
      collected: number;
      failed: number;
      interrupted: boolean;
    };
    expect(summary).toMatchObject({ listed: 12, skipped: done, collected: 12 - done, failed: 0, interrupted: false });
    expect(second.stderr).toMatch(/^backfill: 12 listed, \d+ skipped as stored/m);
  }, 120_000);
});
