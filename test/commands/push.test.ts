/** deliverPayload / runPush against real targets: a loopback `serve`, PGlite, and failing fronts. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDeliveryTargets, type DeliveryFlags } from '../../src/config/push.js';
import { deliverPayload, runPush } from '../../src/commands/push.js';
import { EXIT, ValidationError } from '../../src/errors.js';
import { PayloadSchema, type Payload } from '../../src/payload/schema.js';
import { openSqlClient } from '../../src/store/postgres/client.js';
import { SEED_BODY_TEXT, seedPayload } from '../fixtures/payloads/index.js';
import { closedPort, pipelineRows, startScripted, startServe, type LoopbackServe } from './push-harness.js';

const payload = (pipelineId: number): Payload => PayloadSchema.parse(seedPayload({ pipeline_id: pipelineId }));
const targets = (flags: DeliveryFlags) => resolveDeliveryTargets(flags, {});

let serve: LoopbackServe;
let cwd: string;
beforeAll(async () => {
  serve = await startServe('push');
  cwd = await mkdtemp(join(tmpdir(), 'pm-push-'));
});
afterAll(async () => {
  await serve?.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('deliverPayload', () => {
  it('to a loopback serve: 200 created, then 208 duplicate; both exit 0, no fallback file', async () => {
    const first = await deliverPayload(payload(21), targets({ url: serve.base }), { cwd });
    expect(first).toEqual({
      pipelineId: 21,
      exitCode: EXIT.ok,
      outcomes: [
        { kind: 'http', target: `${serve.base}/save_metrics`, status: 'created', httpStatus: 200, detail: 'HTTP 200 created', attempts: 1 },
      ],
    });
    const again = await deliverPayload(payload(21), targets({ url: `${serve.base}/save_metrics/` }), { cwd });
    expect(again.outcomes.map((o) => [o.status, o.httpStatus])).toEqual([['duplicate', 208]]);
    expect(again.exitCode).toBe(EXIT.ok);
    expect(await pipelineRows(serve.engine, 21)).toBe(1);
  });

  it('--db on embedded Postgres (PGlite): created, then duplicate, one row', async () => {
    const dir = join(cwd, 'pglite');
    const first = await deliverPayload(payload(22), targets({ db: dir }), { cwd });
    expect(first.outcomes).toEqual([{ kind: 'postgres', target: `embedded at ${dir}`, status: 'created', detail: 'stored', attempts: 1 }]);
    const again = await deliverPayload(payload(22), targets({ db: dir }), { cwd });
    expect(again.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    const client = await openSqlClient(dir);
    try {
      expect(await client.query('SELECT pipeline_id::int AS id, project FROM metrics_pipeline')).toEqual([
        { id: 22, project: 'test/project' },
      ]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('retries 503 and network-level 5xx, then succeeds through the real serve', async () => {
    const front = await startScripted(
      [
        { status: 503, body: { errors: ['database unavailable: restarting'] } },
        { status: 502, body: { message: 'bad gateway' } },
      ],
      serve.base,
    );
    try {
      const result = await deliverPayload(payload(23), { ...targets({ url: front.base }), totalMs: 10_000 }, { cwd });
      expect(result.outcomes.map((o) => [o.status, o.httpStatus, o.attempts])).toEqual([['created', 200, 3]]);
      expect(result.exitCode).toBe(EXIT.ok);
      expect(front.requests()).toBe(3);
      expect(await pipelineRows(serve.engine, 23)).toBe(1);
    } finally {
      await front.close();
    }
  });

  it('429 waits for Retry-After before retrying', async () => {
    const front = await startScripted([{ status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }], serve.base);
    try {
      const started = performance.now();
      const result = await deliverPayload(payload(24), targets({ url: front.base }), { cwd });
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
      expect(result.outcomes.map((o) => [o.status, o.attempts])).toEqual([['created', 2]]);
    } finally {
      await front.close();
    }
  });

  it('a 4xx is not retried: exit 3, the server problem list in the detail, payload saved', async () => {
    const problems = ['project: not one of the projects this server accepts', 'ref: too long'];
    const front = await startScripted([{ status: 400, body: { errors: problems } }]);
    const file = join(cwd, 'rejected.json');
    try {
      const result = await deliverPayload(payload(25), { ...targets({ url: front.base }), saveOnFailure: file }, { cwd });
      expect(result.outcomes).toEqual([
        {
          kind: 'http',
          target: `${front.base}/save_metrics`,
          status: 'rejected',
          httpStatus: 400,
          attempts: 1,
          detail: `HTTP 400: \n  ${problems.join('\n  ')}`,
        },
      ]);
      expect(result.exitCode).toBe(EXIT.rejected);
      expect(front.requests()).toBe(1);
      expect(result.fallbackFile).toBe(file);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(payload(25));
    } finally {
      await front.close();
    }
  });

  it('401 from a serve with tokens (wrong token) → rejected; the right token → created', async () => {
    const secured = await startServe('push_auth', ['t0ken']);
    try {
      const wrong = await deliverPayload(payload(26), targets({ url: secured.base, token: 'nope' }), { cwd });
      expect(wrong.outcomes.map((o) => [o.status, o.httpStatus, o.detail])).toEqual([
        ['rejected', 401, 'HTTP 401: \n  (authorization): missing or invalid bearer token'],
      ]);
      expect(wrong.exitCode).toBe(EXIT.rejected);
      const right = await deliverPayload(payload(26), resolveDeliveryTargets({ url: secured.base }, { PIPELINE_METRICS_TOKEN: 't0ken' }), {
        cwd,
      });
      expect(right.outcomes.map((o) => o.status)).toEqual(['created']);
    } finally {
      await secured.close();
    }
  });

  it('unreachable URL: retried within the budget, exit 4, payload written to the default fallback file', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const started = performance.now();
    const result = await deliverPayload(payload(27), { ...targets({ url }), totalMs: 1_500 }, { cwd });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3_000);
    const [outcome] = result.outcomes;
    expect(outcome!.status).toBe('unreachable');
    expect(outcome!.attempts).toBeGreaterThanOrEqual(2);
    expect(outcome!.detail).toMatch(/^network error: ECONNREFUSED \(gave up after \d+ attempts\)$/);
    expect(result.exitCode).toBe(EXIT.unreachable);
    expect(result.fallbackFile).toBe(join(cwd, 'pipeline-metrics-payload-27.json'));
    expect(JSON.parse(await readFile(result.fallbackFile!, 'utf8'))).toEqual(payload(27));
  });

  it('a server that keeps answering 500 → exit 4 after the budget', async () => {
    const front = await startScripted(
      Array.from({ length: 100 }, () => ({ status: 500, body: { errors: ['internal error; see the server log'] } })),
    );
    try {
      const result = await deliverPayload(payload(28), { ...targets({ url: front.base }), totalMs: 1_000 }, { cwd });
      expect(result.outcomes[0]!.status).toBe('unreachable');
      expect(result.outcomes[0]!.detail).toMatch(/^HTTP 500: \n {2}internal error; see the server log \(gave up after \d+ attempts\)$/);
      expect(result.exitCode).toBe(EXIT.unreachable);
      expect(front.requests()).toBe(result.outcomes[0]!.attempts);
    } finally {
      await front.close();
    }
  });

  it('url delivered but --db unreachable → exit 4 and the payload is kept', async () => {
    const flags = { url: serve.base, db: 'postgres://postgres:postgres@127.0.0.1:1/postgres' };
    const result = await deliverPayload(payload(29), { ...targets(flags), totalMs: 800 }, { cwd });
    expect(result.outcomes.map((o) => [o.kind, o.status])).toEqual([
      ['http', 'created'],
      ['postgres', 'unreachable'],
    ]);
    expect(result.outcomes[1]!.detail).toMatch(/cannot reach Postgres at postgres:\/\/postgres@127\.0\.0\.1:1\/postgres/);
    expect(result.exitCode).toBe(EXIT.unreachable);
    expect(result.fallbackFile).toBe(join(cwd, 'pipeline-metrics-payload-29.json'));
  });
});

describe('runPush', () => {
  it('reads stdin, validates and delivers', async () => {
    const results = await runPush(
      { input: '-', targets: targets({ url: serve.base }) },
      { readStdin: async () => Buffer.from(SEED_BODY_TEXT), cwd },
    );
    expect(results.map((r) => r.outcomes.map((o) => o.status))).toEqual([['created']]);
    expect(await pipelineRows(serve.engine, 1)).toBe(1);
  });

  it('an invalid file is a ValidationError listing every problem; nothing is sent', async () => {
    const file = join(cwd, 'bad.json');
    await writeFile(file, JSON.stringify(seedPayload({ pipeline_id: 'x', duration: -1 })));
    const failure = runPush({ input: file, targets: targets({ url: serve.base }) }, { readStdin: async () => Buffer.from(''), cwd });
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({
      exitCode: EXIT.rejected,
      issues: [expect.stringMatching(/^pipeline_id: /), expect.stringMatching(/^duration: /)],
    });
  });

  it('a file with invalid UTF-8 bytes is refused naming the field, never stored as U+FFFD', async () => {
    const file = join(cwd, 'not-utf8.json');
    const [head, tail] = JSON.stringify(seedPayload({ pipeline_id: 4242, project: 'group/@@' })).split('@@') as [string, string];
    await writeFile(file, Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(tail)]));
    const failure = runPush({ input: file, targets: targets({ url: serve.base }) }, { readStdin: async () => Buffer.from(''), cwd });
    await expect(failure).rejects.toMatchObject({
      exitCode: EXIT.rejected,
      issues: ['project: not valid UTF-8 text (invalid bytes, shown as U+FFFD)'],
    });
  });

  it('malformed JSON on stdin names the problem', async () => {
    const failure = runPush({ targets: targets({ url: serve.base }) }, { readStdin: async () => Buffer.from('{"pipeline_id": 1,'), cwd });
    await expect(failure).rejects.toMatchObject({ issues: [expect.stringMatching(/^\(root\): malformed JSON: /)] });
  });
});
