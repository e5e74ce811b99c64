/**
 * The built binary (`npm run build` → dist/) on embedded directories and in CI (issue 9):
 * single-writer directories, chDB and stdin, the resend command, the kept bytes, no target in CI.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlClient } from '../../src/store/postgres/client.js';
import { acquireDirectoryLock } from '../../src/store/directory-lock.js';
import { SEED_BODY_TEXT, seedPayload } from '../fixtures/payloads/index.js';
import { waitForOutput } from '../server/cli-process.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/pipeline-metrics.js');
const TARGET_ENV = ['PIPELINE_METRICS_URL', 'PIPELINE_METRICS_TOKEN', 'DATABASE_URL', 'CLICKHOUSE_URL', 'CI', 'GITLAB_CI'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sh -c SCRIPT` (so a test can check what the shell still reads from its stdin afterwards). */
function sh(script: string, options: { cwd: string; input?: string; env?: Record<string, string> }): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, PM: `${process.execPath} ${BIN}` };
  for (const name of TARGET_ENV) delete env[name];
  const child = spawn('sh', ['-c', script], { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A payload whose pipeline and job ids are all `id` (job ids are unique across pipelines). */
function payloadText(id: number): string {
  return JSON.stringify(seedPayload({ pipeline_id: id, build: id, builds: [{ 'build-e2e': id }] }));
}

async function storedPipelines(dir: string): Promise<number[]> {
  const client = await openSqlClient(dir);
  try {
    const rows = await client.query<{ id: number }>('SELECT pipeline_id::int AS id FROM metrics_pipeline ORDER BY 1');
    return rows.map((r) => Number(r.id));
  } finally {
    await client.close();
  }
}

/** Another process with DIR open in chDB through the store (as `serve --clickhouse DIR` would), for `holdMs`. */
function holdClickhouse(dir: string, holdMs: number): { opened: Promise<void>; exited: Promise<unknown> } {
  const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
  const store = new URL('../../src/store/clickhouse/index.ts', import.meta.url).href;
  const script = `const { openClickhouseStore } = await import(${JSON.stringify(store)});
    const s = await openClickhouseStore(${JSON.stringify(dir)}, { autoMigrate: true }); console.log('opened');
    await new Promise((r) => setTimeout(r, ${holdMs})); await s.close();`;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const opened = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('opened') && resolve()));
  return { opened, exited: new Promise((resolve) => child.on('close', resolve)) };
}

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'pm-embedded-bin-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('one embedded Postgres directory, many processes', () => {
  it('concurrent `push --db DIR`: every pipeline acknowledged "created" is stored', async () => {
    const dir = join(cwd, 'race-db');
    const first = await sh(`$PM push - --db "${dir}"`, { cwd, input: payloadText(500) });
    expect(first.code).toBe(0);
    const ids = [501, 502, 503, 504, 505, 506];
    await Promise.all(ids.map((id) => writeFile(join(cwd, `race-${id}.json`), payloadText(id))));
    const runs = await Promise.all(ids.map((id) => sh(`$PM push race-${id}.json --db "${dir}" --timeout 300`, { cwd })));
    const acknowledged = ids.filter((_, i) => runs[i]!.code === 0 && runs[i]!.stderr.includes(': created (stored)'));
    expect(runs.map((r) => r.code)).toEqual(ids.map(() => 0));
    expect(acknowledged).toEqual(ids);
    expect(await storedPipelines(dir)).toEqual([500, ...ids]);
  }, 400_000);

  it('`serve --db DIR` holds the directory: `push --db DIR` fails with exit 4 naming the serve process, payload kept', async () => {
    const dir = join(cwd, 'serve-db');
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', dir], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitForOutput(serve.stderr!, /listening on/, 120_000);
      await writeFile(join(cwd, 'blocked.json'), payloadText(600));
      const run = await sh(`$PM push blocked.json --db "${dir}" --timeout 2`, { cwd });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(
        `FAILED pipeline 600 → embedded at ${dir}: unreachable (directory ${dir} is in use by process ${serve.pid} (waited `,
      );
      expect(run.stderr).not.toContain(': created');
      expect(await readFile(join(cwd, 'pipeline-metrics-payload-600.json'), 'utf8')).toBe(payloadText(600));
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.on('close', resolve));
    }
    expect(await storedPipelines(dir)).toEqual([]);
  }, 200_000);

  it('the printed resend command names the same target and resends the exact bytes kept', async () => {
    const dir = join(cwd, 'resend-db');
    // unknown field, odd spacing: the kept file must be these bytes, not a re-serialization
    const input = `{"zz_unknown": {"kept": true},   ${payloadText(700).slice(1)}\n`;
    await writeFile(join(cwd, 'resend-in.json'), input);
    const lock = await acquireDirectoryLock(dir, { waitMs: 0 });
    const failed = await sh(`$PM push resend-in.json --db "${dir}" --timeout 1 --save-on-failure "kept 700.json"`, { cwd });
    await lock.release();
    expect(failed.code).toBe(4);
    const kept = join(cwd, 'kept 700.json');
    expect(await readFile(kept, 'utf8')).toBe(input);
    const printed = /resend with: (.+)\n/.exec(failed.stderr)?.[1];
    expect(printed).toBe(`pipeline-metrics push '${kept}' --db ${dir}`);
    const resent = await sh(printed!.replace(/^pipeline-metrics/, '$PM'), { cwd });
    expect(resent.stderr).toBe(`delivered pipeline 700 → embedded at ${dir}: created (stored)\n`);
    expect(resent.code).toBe(0);
    expect(existsSync(join(cwd, '.pipeline-metrics'))).toBe(false); // not the embedded default
    expect(await storedPipelines(dir)).toEqual([700]);
  }, 200_000);
});

describe('embedded ClickHouse and our stdin', () => {
  it('`push FILE --clickhouse DIR` with a piped stdin stores the payload and leaves stdin unread', async () => {
    await writeFile(join(cwd, 'ch.json'), SEED_BODY_TEXT);
    const run = await sh(`$PM push ch.json --clickhouse ./ch-stdin; echo "exit=$?"; read rest; echo "shell still reads: $rest"`, {
      cwd,
      input: 'echo the rest of the job script\n',
    });
    expect(run.stderr).toBe('delivered pipeline 1 → embedded at ./ch-stdin: created (stored)\n');
    expect(run.stdout).toBe('exit=0\nshell still reads: echo the rest of the job script\n');
  });

  it('`query --clickhouse DIR` waits for a directory another process has open in chDB, then runs', async () => {
    const dir = join(cwd, 'ch-stdin');
    const holder = holdClickhouse(dir, 2_000);
    await holder.opened;
    const query = join(dirname(fileURLToPath(import.meta.url)), '../../examples/queries/seed-job-metrics.yaml');
    const run = await sh(`$PM query "${query}" --clickhouse "${dir}" --format json`, { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await holder.exited;
    expect(JSON.parse(run.stdout)).toMatchObject({
      columns: ['jobName', 'stage', 'count', 'medianDuration', 'p95Duration', 'failedCount', 'successCount'],
      errors: [],
    });
  });
});

describe('CI without a target', () => {
  it('`push` with CI=true and no --url/--db/--clickhouse or env: exit 2, nothing written to an embedded default', async () => {
    const run = await sh('$PM push -', { cwd, input: SEED_BODY_TEXT, env: { CI: 'true' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: delivery options are invalid:\n {2}no delivery target: CI is set and none of --url\/--db\/--clickhouse or PIPELINE_METRICS_URL\/DATABASE_URL\/CLICKHOUSE_URL is/,
    );
    expect(existsSync(join(cwd, '.pipeline-metrics'))).toBe(false);
  });
});
