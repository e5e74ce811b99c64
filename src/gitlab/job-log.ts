import { UpstreamError } from '../errors.js';
import type { LogTimings } from '../payload/log-timings.js';
import type { JobLogResult } from './types.js';

/** A log read as a stream: how many bytes arrived, and the timings parsed from them. */
export interface StreamedLog {
  bytes: number;
  timings: LogTimings;
}

/**
 * One job log (`GET /projects/:id/jobs/:jid/trace`, raw text). GitLab has no log to give when it
 * was erased, expired or never written: depending on the version it answers 404 or 200 with an
 * empty body. Those cost the job its timings, never the pipeline:
 * `erased` (the job carries `erased_at`; no request is made), `missing` (404), `empty` (no
 * bytes). Any other failure (401/403, outage) still throws. The one place a log is fetched,
 * so a streaming reader can replace it.
 */
export async function fetchJobLog(
  readLog: (jobId: number) => Promise<StreamedLog>,
  target: { jobId: number; erased: boolean },
): Promise<JobLogResult> {
  if (target.erased) return { kind: 'erased' };
  try {
    const log = await readLog(target.jobId);
    return log.bytes === 0 ? { kind: 'empty' } : { kind: 'ok', timings: log.timings };
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 404) return { kind: 'missing' };
    throw error;
  }
}
