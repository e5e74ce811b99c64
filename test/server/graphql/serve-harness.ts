/** A real `serve` process on PGlite + chDB (temporary directories), filled through POST /save_metrics. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Payload } from '../../../src/payload/schema.js';
import { startCli, waitForOutput } from '../cli-process.js';

export interface ServeProcess {
  url: string;
  dir: string;
  stderr(): string;
  /** SIGTERM, wait for the exit; the data directory is removed unless `keepData` */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** `dir`: an existing data directory (its `clickhouse` and `postgres` subdirectories), else a new one. */
export async function startServe(args: string[], env: Record<string, string> = {}, dir = newDataDir()): Promise<ServeProcess> {
  const child: ChildProcess = startCli(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--db', join(dir, 'postgres'), '--clickhouse', join(dir, 'clickhouse'), ...args],
    { env },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const [, port] = await waitForOutput(child.stderr!, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 120_000);
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    stderr: () => stderr,
    async stop(options) {
      child.kill('SIGTERM');
      await exited;
      if (!options?.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pm-graphql-'));
}

/** Stores payloads through the service, as `push --url` does; each must be newly stored. */
export async function pushAll(url: string, payloads: readonly Payload[], token?: string): Promise<void> {
  for (const payload of payloads) {
    const response = await fetch(`${url}/save_metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(payload),
    });
    if (response.status !== 200) throw new Error(`save_metrics ${payload.pipeline_id}: ${response.status} ${await response.text()}`);
  }
}
