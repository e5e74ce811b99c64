import { describe, expect, it } from 'vitest';
import { resolveBackfillConfig, timeBound } from '../../src/config/backfill.js';
import { usageProblems } from '../helpers/usage-problems.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const ENV = { CI_API_V4_URL: 'https://gitlab.example.com/api/v4', GITLAB_TOKEN: 'glpat-x' };

describe('timeBound', () => {
  it('durations back from now, dates, and times with a zone; ISO UTC out', () => {
    const p: string[] = [];
    expect(timeBound('7d', 'since', NOW, p, true)).toBe('2026-11-21T12:00:00.000Z');
    expect(timeBound('12h', 'since', NOW, p, true)).toBe('2026-11-28T00:00:00.000Z');
    expect(timeBound('2w', 'since', NOW, p, true)).toBe('2026-11-14T12:00:00.000Z');
    expect(timeBound('2026-07-01', 'since', NOW, p, true)).toBe('2026-07-01T00:00:00.000Z');
    expect(timeBound('2026-07-01T10:00:00+02:00', 'until', NOW, p, false)).toBe('2026-07-01T08:00:00.000Z');
    expect(p).toEqual([]);
  });

  it('a time without a zone, or words, are refused naming the flag', () => {
    const p: string[] = [];
    timeBound('2026-07-01T10:00:00', 'since', NOW, p, true);
    timeBound('yesterday', 'until', NOW, p, false);
    timeBound(undefined, 'since', NOW, p, true);
    expect(p.map((l) => l.split(':')[0])).toEqual(['since (--since)', 'until (--until)', 'since (--since)']);
  });
});

describe('resolveBackfillConfig', () => {
  it('defaults: the CI project, rate 600/min, 8 pipelines at once; the collector job id is not carried over', () => {
    const config = resolveBackfillConfig(
      { since: '2d' },
      { db: 'postgres://u@db/m' },
      { ...ENV, CI_PROJECT_ID: '42', CI_JOB_ID: '777' },
      NOW,
    );
    expect(config).toMatchObject({
      projects: ['42'],
      ratePerMinute: 600,
      parallel: 8,
      refreshAll: false,
      window: { since: '2026-11-26T12:00:00.000Z' },
    });
    expect(config.classify.selfJobId).toBeUndefined();
  });

  it('in CI a missing target is an error, listed with every other problem', () => {
    const lines = usageProblems(() =>
      resolveBackfillConfig({ project: ['a b'], since: 'soon', rate: '0' }, {}, { ...ENV, CI: 'true' }, NOW),
    );
    expect(lines.map((l) => l.split(/ \(|:/)[0])).toEqual(['project', 'since', 'rate', 'no delivery target']);
  });

  it('--project and --group exclude each other; --until must follow --since', () => {
    const lines = usageProblems(() =>
      resolveBackfillConfig({ project: ['1'], group: 'g', since: '2026-02-01', until: '2026-01-01' }, { db: 'x' }, ENV, NOW),
    );
    expect(lines[0]).toMatch(/^project \(--project\) and group \(--group\)/);
    expect(lines[1]).toMatch(/^until \(--until\): .* must be after --since/);
  });
});
