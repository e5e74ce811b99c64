import type { ExitCode } from '../errors.js';
import { worstExitCode } from '../delivery/outcome.js';

/** A pipeline that could not be collected or written; the others are kept. */
export interface BackfillFailure {
  /** GitLab project id, or the project / group as given when listing it failed */
  project: number | string;
  /** undefined when the listing of the project failed */
  pipelineId?: number;
  reason: string;
  /** 3 rejected (GitLab 4xx, invalid data, a target refused it), 2 a target not set up (unmigrated), 4 unreachable */
  exitCode: ExitCode;
}

/** Counters while the run goes on (progress) and at its end (summary). */
export interface BackfillCounts {
  /** finished pipelines listed in the window */
  listed: number;
  /** GitLab's x-total summed over the projects whose first page was read; undefined when GitLab omitted it */
  total?: number;
  /** stored with a final snapshot in every target: nothing to do */
  skipped: number;
  /** collected and stored for the first time */
  collected: number;
  /** collected again to replace a snapshot stored while running (or `--refresh-all`) */
  refreshed: number;
  failed: number;
  /** GitLab requests made (listing included, retries included) */
  requests: number;
  /** 429 answers received */
  rateLimited: number;
  /** waits before retrying a database read or write that met an outage (see retryOpenStore) */
  storeRetries: number;
  /** since the start, ms */
  elapsedMs: number;
}

export interface BackfillResult extends BackfillCounts {
  failures: BackfillFailure[];
  /** stopped by a signal: in-flight pipelines finished, nothing else started; rerun to continue */
  interrupted: boolean;
  /** projects backfilled (ids) */
  projects: number[];
  targets: string[];
  exitCode: ExitCode;
}

/** 0 when nothing failed; else the same ranking as `push` (worstExitCode): 3, then 2, then 4. */
export function exitCodeFor(failures: readonly BackfillFailure[]): ExitCode {
  return worstExitCode(failures.map((f) => f.exitCode));
}

/** Pipelines done (whatever the outcome) out of those known so far. */
export function doneCount(c: BackfillCounts): number {
  return c.skipped + c.collected + c.refreshed + c.failed;
}
