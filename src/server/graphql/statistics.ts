/**
 * GitLab's analytics arithmetic. Durations: seconds rounded to 2 decimals. Rates: percentages
 * rounded to 2 decimals; SUCCESS and FAILED divide by success + failed builds, OTHER (canceled or
 * skipped) and ANY by all builds; 0 when the divisor is 0.
 */
export const JOB_STATUSES = ['ANY', 'SUCCESS', 'FAILED', 'OTHER'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface StatusCounts {
  total: number;
  success: number;
  failed: number;
  /** canceled + skipped */
  other: number;
}

export function countOf(counts: StatusCounts, status: JobStatus): number {
  switch (status) {
    case 'ANY':
      return counts.total;
    case 'SUCCESS':
      return counts.success;
    case 'FAILED':
      return counts.failed;
    case 'OTHER':
      return counts.other;
  }
}

export function rateOf(counts: StatusCounts, status: JobStatus): number {
  const finished = counts.success + counts.failed;
  if (status === 'SUCCESS' || status === 'FAILED') return percent(countOf(counts, status), finished);
  return percent(countOf(counts, status), counts.total);
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? round2((part / whole) * 100) : 0;
}

/** Milliseconds → seconds, 2 decimals; null stays null. */
export function msToSeconds(ms: number | null): number | null {
  return ms === null || !Number.isFinite(ms) ? null : round2(ms / 1000);
}

/** Half away from zero at 2 decimals, on the decimal text so 1.005 rounds to 1.01. */
export function round2(value: number): number {
  return Number(`${Math.round(Number(`${value}e2`))}e-2`);
}
