import { writeFile } from 'node:fs/promises';
import type { RetryNotice } from '../retry/backoff.js';

/** stdout carries data only; stderr carries diagnostics. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  /** stdout is a terminal (e.g. `query` prints a table by default); absent = not a terminal */
  outIsTTY?: boolean;
}

export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  outIsTTY: Boolean(process.stdout.isTTY),
};

/** Writes data to a file when given, else to stdout. */
export async function emit(io: CliIO, text: string, file?: string): Promise<void> {
  if (file) await writeFile(file, text.endsWith('\n') ? text : `${text}\n`);
  else io.out(text);
}

/** Help text suffix showing an option's environment fallbacks. */
export function envHint(...names: string[]): string {
  return ` (env: ${names.join(', ')})`;
}

/** One stderr line per retry: `retrying in 1.2 s (GitLab GET /projects/1: 503 Service Unavailable); 57.3 s left` */
export function retryLine(notice: RetryNotice): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `retrying in ${s(notice.waitMs)} (${notice.reason}); ${s(Math.max(0, notice.remainingMs - notice.waitMs))} left`;
}
