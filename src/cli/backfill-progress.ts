import { doneCount, type BackfillCounts, type BackfillResult } from '../backfill/progress.js';
import type { CliIO } from './output.js';

/** Receives the counters after every pipeline; `stop` ends the display before the summary. */
export interface ProgressView {
  update(counts: BackfillCounts): void;
  stop(): void;
}

/** In CI (no TTY): a line every `everyPipelines` pipelines or `everyMs`, whichever comes first, and at each database retry. */
export const CI_LINE_EVERY = { pipelines: 50, ms: 15_000 } as const;

/** `120/500 (24%) · 3.2 pipelines/s · ETA 2m05s · 1234 requests, 0 rate-limited` (`, 2 database retries` after an outage) */
export function progressLine(c: BackfillCounts): string {
  const done = doneCount(c);
  const seconds = c.elapsedMs / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const of =
    c.total !== undefined ? `${done}/${c.total} (${Math.floor((done / Math.max(1, c.total)) * 100)}%)` : `${done} (${c.listed} listed)`;
  const left = c.total !== undefined ? c.total - done : undefined;
  const eta = left !== undefined && rate > 0 ? ` · ETA ${duration((left / rate) * 1000)}` : '';
  return `${of} · ${rate.toFixed(1)} pipelines/s${eta} · ${c.requests} requests, ${c.rateLimited} rate-limited${storeRetries(c)}`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A progress bar (ora) on a terminal; periodic lines otherwise. */
export async function createProgressView(io: CliIO, columns: number | undefined): Promise<ProgressView> {
  // a pseudo-terminal reporting 0 columns makes ora redraw forever: lines there too
  if (!io.isTTY || !((columns ?? 0) > 0)) return lineView(io);
  const { default: ora } = await import('ora');
  const spinner = ora({ text: 'backfill: listing pipelines', stream: process.stderr }).start();
  return {
    update: (c) => void (spinner.text = `backfill ${bar(c, 20)} ${progressLine(c)}`),
    stop: () => void spinner.stop(),
  };
}

function lineView(io: CliIO): ProgressView {
  let lastDone = 0;
  let lastAt = 0;
  let lastRetries = 0;
  return {
    update(c) {
      const done = doneCount(c);
      const retried = c.storeRetries > lastRetries;
      if (!retried && done - lastDone < CI_LINE_EVERY.pipelines && c.elapsedMs - lastAt < CI_LINE_EVERY.ms) return;
      lastDone = done;
      lastAt = c.elapsedMs;
      lastRetries = c.storeRetries;
      io.err(`backfill: ${progressLine(c)}`);
    },
    stop: () => undefined,
  };
}

function bar(c: BackfillCounts, width: number): string {
  if (c.total === undefined || c.total === 0) return '';
  const filled = Math.min(width, Math.round((doneCount(c) / c.total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The end summary (stderr): counts, then one line per failure with its reason. */
export function summaryLines(r: BackfillResult): string[] {
  const lines = [
    `backfill${r.interrupted ? ' (interrupted: rerun to continue)' : ''}: ${r.listed} listed, ${r.skipped} skipped as stored, ` +
      `${r.collected} collected, ${r.refreshed} refreshed, ${r.failed} failed — ${r.requests} GitLab requests ` +
      `(${r.rateLimited} rate-limited${storeRetries(r)}) in ${duration(r.elapsedMs)} → ${r.targets.join(', ')}`,
  ];
  for (const f of r.failures) {
    const what = f.pipelineId === undefined ? `project ${f.project}` : `pipeline ${f.pipelineId} of project ${f.project}`;
    lines.push(`  failed: ${what}: ${f.reason.split('\n')[0]}`);
  }
  return lines;
}

/** `, N database retries` once a database read or write was retried (an outage), else nothing */
function storeRetries(c: BackfillCounts): string {
  return c.storeRetries > 0 ? `, ${c.storeRetries} database ${c.storeRetries === 1 ? 'retry' : 'retries'}` : '';
}
