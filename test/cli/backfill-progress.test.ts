import { describe, expect, it } from 'vitest';
import type { BackfillCounts, BackfillResult } from '../../src/backfill/progress.js';
import { createProgressView, progressLine, summaryLines } from '../../src/cli/backfill-progress.js';

const counts: BackfillCounts = {
  listed: 500,
  total: 500,
  skipped: 20,
  collected: 100,
  refreshed: 0,
  failed: 0,
  requests: 1234,
  rateLimited: 0,
  storeRetries: 0,
  elapsedMs: 37_500,
};

function result(c: BackfillCounts): BackfillResult {
  return { ...c, failures: [], interrupted: false, projects: [42], targets: ['postgres 127.0.0.1:5432/metrics'], exitCode: 0 };
}

describe('backfill progress and summary', () => {
  it('read as before while the database stays up', () => {
    expect(progressLine(counts)).toBe('120/500 (24%) · 3.2 pipelines/s · ETA 1m59s · 1234 requests, 0 rate-limited');
    expect(summaryLines(result(counts))[0]).toBe(
      'backfill: 500 listed, 20 skipped as stored, 100 collected, 0 refreshed, 0 failed — 1234 GitLab requests (0 rate-limited) ' +
        'in 38s → postgres 127.0.0.1:5432/metrics',
    );
  });

  it('say how often a database read or write was retried through an outage', () => {
    expect(progressLine({ ...counts, storeRetries: 1 })).toMatch(/1234 requests, 0 rate-limited, 1 database retry$/);
    expect(progressLine({ ...counts, storeRetries: 3 })).toMatch(/, 3 database retries$/);
    expect(summaryLines(result({ ...counts, storeRetries: 3 }))[0]).toContain('(0 rate-limited, 3 database retries) in 38s');
  });

  it('in CI, prints a line at each database retry, not only every 50 pipelines or 15 seconds', async () => {
    const lines: string[] = [];
    const view = await createProgressView({ out: () => undefined, err: (text) => lines.push(text), isTTY: false }, undefined);
    view.update({ ...counts, elapsedMs: 1_000 });
    view.update({ ...counts, elapsedMs: 1_200 });
    // the first 120 pipelines give a line; nothing new, no line
    expect(lines).toHaveLength(1);
    lines.length = 0;
    view.update({ ...counts, elapsedMs: 1_500, storeRetries: 1 });
    view.update({ ...counts, elapsedMs: 1_600, storeRetries: 1 });
    view.update({ ...counts, elapsedMs: 2_000, storeRetries: 2 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^backfill: .*, 1 database retry$/);
    expect(lines[1]).toMatch(/, 2 database retries$/);
  });
});
