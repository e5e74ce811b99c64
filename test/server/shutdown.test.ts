/** `serve` as a real process: SIGTERM lets the in-flight request finish, then the process ends on its own. */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPayload } from '../fixtures/payloads/index.js';
import { startCli, waitForOutput } from './cli-process.js';
import { createServerDatabase } from './engines.js';

let db: Awaited<ReturnType<typeof createServerDatabase>>;
beforeAll(async () => {
  db = await createServerDatabase('shutdown');
});
afterAll(async () => {
  await db?.drop();
});

describe('serve process', () => {
  it('SIGTERM: stops accepting, finishes the in-flight request (200), logs it, exits 0', async () => {
    const child = startCli(['serve', '--port', '0', '--host', '127.0.0.1', '--db', db.url]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const [, port] = await waitForOutput(child.stderr!, /listening on http:\/\/127\.0\.0\.1:(\d+)/);

    // an in-flight request: headers and half the body sent before the signal
    const body = JSON.stringify(seedPayload({ pipeline_id: 31 }));
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    const answered = new Promise<void>((resolve) => socket.on('end', resolve));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /save_metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.slice(0, 100));
    await new Promise((resolve) => setTimeout(resolve, 200));

    child.kill('SIGTERM');
    await waitForOutput(child.stderr!, /SIGTERM: shutting down/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBe(null); // still finishing the request
    const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => `HTTP ${r.status}`,
      (e: Error) => `network error ${(e.cause as { code?: string } | undefined)?.code}`,
    );
    expect(refused).toBe('network error ECONNREFUSED');

    socket.write(body.slice(100));
    await answered;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response.endsWith('{"status":"created"}')).toBe(true);
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/\nstopped\n$/);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map(({ method, url, status, outcome, pipeline_id }) => ({ method, url, status, outcome, pipeline_id }))).toEqual([
      { method: 'POST', url: '/save_metrics', status: 200, outcome: 'created', pipeline_id: 31 },
    ]);
  });
});
