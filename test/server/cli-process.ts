/** Runs the CLI from source (`node --import tsx src/cli/main.ts …`) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader by absolute URL, so the child may run in any directory */
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `env` replaces the pipeline-metrics variables of the parent. */
export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string>; nodeArgs?: string[] } = {}): ChildProcess {
  const env: Record<string, string | undefined> = { ...process.env };
  // CI too: with CI=true (a CI runner running the tests) `push` without a target is exit 2; tests that mean CI pass it
  for (const name of [
    'PIPELINE_METRICS_URL',
    'PIPELINE_METRICS_TOKEN',
    'PIPELINE_METRICS_TOKENS',
    'DATABASE_URL',
    'CLICKHOUSE_URL',
    'PORT',
    'HOST',
    'CI',
  ]) {
    delete env[name];
  }
  return spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', TSX, MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs to completion, feeding `input` on stdin. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string | Buffer; nodeArgs?: string[] } = {},
): Promise<CliRun> {
  const child = startCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end(options.input ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

/** Resolves with the text once `pattern` appears in the stream's accumulated output. */
export function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in:\n${text}`)), timeoutMs);
    stream.on('data', (d: Buffer) => {
      text += d.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}
