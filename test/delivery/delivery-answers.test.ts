/**
 * What counts as delivered, and which exit code a failure gets (issue 9 items 2, 5, 11): real
 * loopback HTTP servers and the PostgreSQL server.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDeliveryTargets, type DeliveryFlags } from '../../src/config/push.js';
import { deliverPayload } from '../../src/commands/push.js';
import { EXIT } from '../../src/errors.js';
import { PayloadSchema, type Payload } from '../../src/payload/schema.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { postgresServerUrl } from '../helpers/env.js';
import { seedPayload } from '../fixtures/payloads/index.js';

const payload = (pipelineId: number): Payload => PayloadSchema.parse(seedPayload({ pipeline_id: pipelineId }));
const targets = (flags: DeliveryFlags) => resolveDeliveryTargets(flags, {});

interface Front {
  base: string;
  /** method and url of every request that arrived */
  seen: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering every request with `answer` (status, headers, raw body). */
async function front(answer: { status: number; headers?: Record<string, string>; body?: string }): Promise<Front> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let cwd: string;
let unmigrated: TempDatabase;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'pm-answers-'));
  unmigrated = await createTempDatabase({ prefix: 'pm_test_unmigrated' });
});
afterAll(async () => {
  await unmigrated?.drop();
  await rm(cwd, { recursive: true, force: true });
});

describe('push --url: only the documented answers are a delivery', () => {
  it.each([301, 302, 307, 308])('%i is never followed: exit 3, the Location shown, payload kept', async (status) => {
    const http = await front({ status, headers: { location: '/moved/save_metrics?token=secret' } });
    try {
      const result = await deliverPayload(payload(status), targets({ url: http.base }), { cwd });
      expect(http.seen).toEqual(['POST /save_metrics']);
      expect(result.outcomes).toMatchObject([{ status: 'rejected', httpStatus: status, attempts: 1 }]);
      expect(result.outcomes[0]!.detail).toBe(
        `HTTP ${status} redirect to ${http.base}/moved/save_metrics: a delivery never follows redirects; set --url to the final address`,
      );
      expect(result.exitCode).toBe(EXIT.rejected);
      expect(await readFile(result.fallbackFile!, 'utf8')).toBe(JSON.stringify(payload(status)));
    } finally {
      await http.close();
    }
  });

  it.each([
    ['a 200 HTML page', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in</html>' }],
    ['a 200 with another JSON body', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }],
    ['a 208 without a body', { status: 208 }],
    ['a 201', { status: 201, headers: { 'content-type': 'application/json' }, body: '{"status":"created"}' }],
    ['a 204', { status: 204 }],
  ])('%s is not a delivery: exit 3, payload kept', async (_name, answer) => {
    const http = await front(answer);
    try {
      const result = await deliverPayload(payload(40), targets({ url: http.base }), { cwd });
      expect(result.outcomes[0]).toMatchObject({ status: 'rejected', httpStatus: answer.status });
      expect(result.outcomes[0]!.detail).toMatch(new RegExp(`^HTTP ${answer.status} is not an answer of a pipeline-metrics server`));
      expect(result.exitCode).toBe(EXIT.rejected);
      expect(result.fallbackFile).toBeDefined();
    } finally {
      await http.close();
    }
  });

  it('Retry-After: -5 does not disable the backoff', async () => {
    const http = await front({
      status: 503,
      headers: { 'retry-after': '-5', 'content-type': 'application/json' },
      body: '{"errors":["busy"]}',
    });
    try {
      const result = await deliverPayload(payload(41), { ...targets({ url: http.base }), totalMs: 2_000 }, { cwd });
      expect(result.exitCode).toBe(EXIT.unreachable);
      // backoff from 250 ms doubling, full jitter: a handful of attempts in 2 s (was 69 in 4 s)
      expect(http.seen.length).toBeLessThanOrEqual(12);
      expect(http.seen.length).toBe(result.outcomes[0]!.attempts);
    } finally {
      await http.close();
    }
  });
});

describe('push --db: exit 4 only for "could not reach, try again"', () => {
  it('a wrong password is exit 3 at once, not retried as an outage', async () => {
    const url = new URL(postgresServerUrl());
    url.password = 'certainly-wrong';
    const started = performance.now();
    const result = await deliverPayload(payload(42), { ...targets({ db: url.toString() }), totalMs: 20_000 }, { cwd });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.outcomes).toMatchObject([{ kind: 'postgres', status: 'rejected', attempts: 1 }]);
    expect(result.outcomes[0]!.detail).toMatch(/refused the login: password authentication failed .*Check the user and password/);
    expect(result.outcomes[0]!.detail).not.toContain('certainly-wrong');
    expect(result.exitCode).toBe(EXIT.rejected);
  });

  it('an unmigrated database is exit 2 naming the migrate command', async () => {
    const result = await deliverPayload(payload(43), { ...targets({ db: unmigrated.url }), totalMs: 20_000 }, { cwd });
    expect(result.outcomes).toMatchObject([{ kind: 'postgres', status: 'misconfigured', attempts: 1 }]);
    expect(result.outcomes[0]!.detail).toMatch(
      /not ready: \d+ migration\(s\) not applied .*\nRun `pipeline-metrics migrate --db postgres:\/\//,
    );
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.resendCommand).toMatch(
      /^pipeline-metrics push \S+ --db {2}\(--db without a value reads DATABASE_URL, which must hold the URL with its password\)$/,
    );
  });
});
