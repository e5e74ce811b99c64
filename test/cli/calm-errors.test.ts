import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit.js';
import type { CliIO } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/program.js';
import { runCli } from '../server/cli-process.js';

/** The program built in-process with an io that records what it prints. */
function recorder(): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, outIsTTY: false } as CliIO & { stdout: string; stderr: string };
  io.out = (text) => void (io.stdout += text.endsWith('\n') ? text : `${text}\n`);
  io.err = (text) => void (io.stderr += text.endsWith('\n') ? text : `${text}\n`);
  return io;
}

async function cli(...args: string[]) {
  const io = recorder();
  const code = await runProgram(['node', 'pipeline-metrics', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const STACK_LINE = /^\s+at /m;
let work: string;
let taken: Server;
/** a loopback port nothing listens on (fetch refuses "unsafe" ports such as 9 before connecting) */
let closed: number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pm-calm-'));
  taken = createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closed = (probe.address() as AddressInfo).port;
  probe.close();
});
afterAll(() => {
  taken?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ordinary mistakes: one line, no stack trace', () => {
  it('push of a file that does not exist', async () => {
    const result = await cli('push', join(work, 'missing.json'), '--url', 'http://127.0.0.1:9');
    expect(result.stderr).toBe(`error: ${join(work, 'missing.json')}: no such file or directory\n`);
    expect(result.code).toBe(2);
  });

  it('serve on a port another process listens on fails before opening a database', async () => {
    const port = (taken.address() as AddressInfo).port;
    const db = join(work, 'serve-db');
    const started = performance.now();
    const result = await cli('serve', '--host', '127.0.0.1', '--port', String(port), '--db', db);
    expect(result.stderr).toMatch(
      new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is already in use by another process; stop it or choose another --port`),
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(2);
    expect(existsSync(db)).toBe(false); // the embedded database was never opened
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('an unexpected error says it is a bug and what to include in a report', () => {
    const io = recorder();
    expect(exitCodeFor(new TypeError('cannot read x of undefined'), io)).toBe(1);
    expect(io.stderr).toMatch(
      /^unexpected error \(this is a bug in pipeline-metrics \d+\.\d+\.\d+\):\nTypeError: cannot read x of undefined\n\s+at /,
    );
    expect(io.stderr).toMatch(
      /Please report it .* with: the command line you ran \(tokens removed\), `pipeline-metrics --version`, `node --version`/,
    );
  });
});

describe('waiting is visible', () => {
  it('prints one line per GitLab retry with the reason and the time left', async () => {
    const result = await cli(
      'collect',
      '--gitlab-url',
      `http://127.0.0.1:${closed}/api/v4`,
      '--token',
      't',
      '--project',
      '1',
      '--pipeline',
      '2',
      '--timeout',
      '1.5',
    );
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('retrying'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^retrying in \d+\.\d s \(GitLab GET \/api\/v4\/projects\/1\S* network error: ECONNREFUSED\); \d+\.\d s left$/);
    }
    expect(result.stderr).toMatch(/^error: GitLab could not be reached/m);
    expect(result.code).toBe(4);
  });

  it('prints one line per delivery retry naming the target', async () => {
    const result = await cli(
      'push',
      'examples/payloads/seed-example.json',
      '--url',
      `http://127.0.0.1:${closed}`,
      '--timeout',
      '1',
      '--save-on-failure',
      join(work, 'kept.json'),
    );
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('retrying'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(
        new RegExp(
          `^retrying in \\d+\\.\\d s \\(http://127\\.0\\.0\\.1:${closed}/save_metrics: network error: ECONNREFUSED\\); \\d+\\.\\d s left$`,
        ),
      );
    expect(result.code).toBe(4);
  });
});

describe('a store locked by another process', () => {
  it('query says the embedded ClickHouse is in use, without a stack trace', async () => {
    const dir = join(work, 'locked-ch');
    const holder = spawn(
      process.execPath,
      ['-e', `const { Session } = require('chdb'); new Session(${JSON.stringify(dir)}); console.log('open'); setInterval(() => {}, 1000);`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', () => resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const result = await runCli(['query', 'examples/queries/job-table.yaml', '--clickhouse', dir]);
      expect(result.stderr).toMatch(
        new RegExp(`^error: directory ${dir} is in use by another process .*: stop that process and try again`, 'm'),
      );
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.code).toBe(4);
    } finally {
      holder.kill();
    }
  }, 60_000);
});

describe('messages', () => {
  it('a YAML error names the line and quotes it, on one line', async () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'dimensions:\n- {column: name}\n metrics: [x\n');
    const result = await cli('query', file, '--sql');
    expect(result.stderr).toBe(
      `error: query file ${file} is invalid:\n  (file): not valid JSON or YAML: Sequence item without - indicator at line 3, column 1: " metrics: [x"\n`,
    );
    expect(result.code).toBe(3);
  });

  it('one typo is one error: no follow-on error for the alias of a metric already reported', async () => {
    const file = join(work, 'typo.yaml');
    writeFileSync(
      file,
      'dimensions: [{column: name}]\nmetrics: [{function: avgg, column: duration, as: meanMs}]\nfilter: [{column: meanMs, operator: ">", value: 1}]\norderBy: [{column: meanMs}]\n',
    );
    const result = await cli('query', file, '--sql');
    expect(result.stderr).toMatch(/^error: query is invalid:\n {2}metrics\[0\]\.function: unknown function "avgg"; allowed: [^\n]*\n$/);
    expect(result.code).toBe(3);
  });

  it('serve --help shows no empty default for --token', async () => {
    const result = await cli('serve', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--token <token>/);
    expect(result.stdout).not.toContain('(default: [])');
  });
});
