/** `pipeline-metrics push` as a process: stdin, exit codes 0/3/4, messages, the fallback file. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../server/engines.js';
import { runCli } from '../server/cli-process.js';
import { SEED_BODY_TEXT, seedPayload } from '../fixtures/payloads/index.js';
import { closedPort, pipelineRows, startServe, type LoopbackServe } from './push-harness.js';

let serve: LoopbackServe;
let cwd: string;
beforeAll(async () => {
  serve = await startServe('push_cli', ['ci-token']);
  cwd = await mkdtemp(join(tmpdir(), 'pm-push-cli-'));
});
afterAll(async () => {
  await serve?.close();
  await rm(cwd, { recursive: true, force: true });
});

const env = () => ({ PIPELINE_METRICS_URL: serve.base, PIPELINE_METRICS_TOKEN: 'ci-token' });

describe('pipeline-metrics push', () => {
  it('reads the payload from stdin and exits 0 (env URL + token)', async () => {
    const run = await runCli(['push'], { cwd, env: env(), input: SEED_BODY_TEXT });
    expect(run.stderr).toBe(`delivered pipeline 1 → ${serve.base}/save_metrics: created (HTTP 200 created)\n`);
    expect(run.code).toBe(0);
    expect(await pipelineRows(serve.engine, 1)).toBe(1);
    const again = await runCli(['push', '-', '--json'], { cwd, env: env(), input: SEED_BODY_TEXT });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ pipelineId: 1, exitCode: 0, outcomes: [{ status: 'duplicate', httpStatus: 208 }] });
  });

  it('push --url loads no database driver or store module', async () => {
    const log = join(cwd, 'imports.log');
    const hook = new URL('../server/record-imports.mjs', import.meta.url).href;
    const run = await runCli(['push', '--url', serve.base, '--token', 'ci-token'], {
      cwd,
      env: { PM_IMPORT_LOG: log },
      input: JSON.stringify(seedPayload({ pipeline_id: 45 })),
      nodeArgs: ['--import', hook],
    });
    expect(run.code).toBe(0);
    const urls = (await readFile(log, 'utf8')).split('\n');
    expect(urls.some((u) => u.endsWith('/src/cli/push.ts'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/src/delivery/http.ts'))).toBe(true);
    // only pure modules may load from src/store: the spec parsers (--db / --clickhouse defaults) and the error classifier
    const heavy = urls.filter((u) =>
      /node_modules\/(pg|pg-pool|@electric-sql|chdb|@clickhouse)\/|\/src\/store\/(?!(postgres\/spec|clickhouse\/spec|store-errors)\.ts$)/.test(
        u,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('an invalid payload file: exit 3, every `path: message` on stderr, nothing sent', async () => {
    const file = join(cwd, 'invalid.json');
    await writeFile(file, JSON.stringify(seedPayload({ pipeline_id: 41, project: '', has_restarts: 'no' })));
    const before = await countRows(serve.engine);
    const run = await runCli(['push', file], { cwd, env: env() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`^error: payload in ${file.replace(/[.]/g, '\\.')} is invalid:\\n  project: .+\\n  has_restarts: .+\\n$`),
    );
    expect(await countRows(serve.engine)).toEqual(before);
  });

  it('invalid UTF-8 on stdin is refused naming the field (exit 3), as in a file; nothing sent', async () => {
    const [head, tail] = JSON.stringify(seedPayload({ pipeline_id: 49, project: 'group/@@' })).split('@@') as [string, string];
    const before = await countRows(serve.engine);
    const run = await runCli(['push', '-'], {
      cwd,
      env: env(),
      input: Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('error: payload from stdin is invalid:\n  project: not valid UTF-8 text (invalid bytes, shown as U+FFFD)\n');
    expect(await countRows(serve.engine)).toEqual(before);
  });

  it('a 4xx (wrong token): exit 3, the server message, payload kept at --save-on-failure', async () => {
    const file = join(cwd, 'payload.json');
    await writeFile(file, JSON.stringify(seedPayload({ pipeline_id: 42 })));
    const run = await runCli(['push', file, '--token', 'wrong', '--save-on-failure', 'kept.json'], { cwd, env: env() });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `FAILED pipeline 42 → ${serve.base}/save_metrics: rejected (HTTP 401: \n  (authorization): missing or invalid bearer token)\n` +
        `payload saved to ${join(cwd, 'kept.json')}; resend with: pipeline-metrics push ${join(cwd, 'kept.json')} ` +
        `--url ${serve.base}/save_metrics  (the token is read from PIPELINE_METRICS_TOKEN)\n` +
        'error: pipeline 42 rejected by a target\n',
    );
    expect(JSON.parse(await readFile(join(cwd, 'kept.json'), 'utf8'))).toMatchObject({ pipeline_id: 42 });
  });

  it('unreachable: exit 4 within --timeout, payload written to pipeline-metrics-payload-<id>.json in cwd', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['push', '--url', url, '--timeout', '1'], { cwd, input: JSON.stringify(seedPayload({ pipeline_id: 43 })) });
    expect(run.code).toBe(4);
    const fallback = join(cwd, 'pipeline-metrics-payload-43.json');
    expect(run.stderr).toContain(`FAILED pipeline 43 → ${url}/save_metrics: unreachable (network error: ECONNREFUSED (gave up after`);
    expect(run.stderr).toContain(`payload saved to ${fallback}`);
    expect(run.stderr.endsWith('error: pipeline 43 could not be delivered to every target\n')).toBe(true);
    expect(JSON.parse(await readFile(fallback, 'utf8'))).toMatchObject({ pipeline_id: 43, project: 'test/project' });
    // the fallback file is itself a valid input
    const resend = await runCli(['push', fallback], { cwd, env: env() });
    expect(resend.code).toBe(0);
    expect(await pipelineRows(serve.engine, 43)).toBe(1);
  });

  it('an array of payloads, unreachable, --save-on-failure FILE: every payload kept in FILE (an array), the resend delivers all', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const input = JSON.stringify([46, 47, 48].map((id) => ({ ...seedPayload({ pipeline_id: id }), extra_field: `kept ${id}` })));
    const run = await runCli(['push', '--url', url, '--timeout', '1', '--save-on-failure', 'all.json'], { cwd, input });
    expect(run.code).toBe(4);
    const file = join(cwd, 'all.json');
    for (const id of [46, 47, 48]) expect(run.stderr).toContain(`FAILED pipeline ${id} → ${url}/save_metrics: unreachable`);
    const saved = run.stderr.split('\n').filter((line) => line.includes(' saved to '));
    expect(saved).toEqual([
      `payloads of pipelines 46, 47, 48 saved to ${file} (a JSON array); resend with: pipeline-metrics push ${file} --url ${url}/save_metrics`,
    ]);
    // each element exactly as read (the unknown field too), in order
    expect(
      (JSON.parse(await readFile(file, 'utf8')) as { pipeline_id: number; extra_field: string }[]).map((p) => [
        p.pipeline_id,
        p.extra_field,
      ]),
    ).toEqual([
      [46, 'kept 46'],
      [47, 'kept 47'],
      [48, 'kept 48'],
    ]);
    const resend = await runCli(['push', file], { cwd, env: env() });
    expect(resend.code).toBe(0);
    for (const id of [46, 47, 48]) expect(await pipelineRows(serve.engine, id)).toBe(1);
  });

  it('bad options: exit 2 listing every problem', async () => {
    const run = await runCli(['push', '--url', 'ftp://x', '--timeout', 'soon', '--db', 'mysql://h/db'], { cwd, input: SEED_BODY_TEXT });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--url / PIPELINE_METRICS_URL: protocol must be http or https, got "ftp:"');
    expect(run.stderr).toContain('--timeout: must be a positive number of seconds, got "soon"');
    expect(run.stderr).toContain('--db: unsupported scheme');
  });

  it('no target at all: the embedded Postgres default in cwd, said on stderr', async () => {
    const run = await runCli(['push'], { cwd, input: JSON.stringify(seedPayload({ pipeline_id: 44 })) });
    const dir = join(cwd, '.pipeline-metrics/postgres');
    expect(run.stderr).toContain(`writing to embedded Postgres at ${dir}`);
    expect(run.stderr).toContain(`delivered pipeline 44 → embedded at ${dir}: created (stored)`);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
  }, 60_000);
});
