import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildPayload } from '../../src/payload/build.js';
import { DEFAULT_CLASSIFY } from '../../src/payload/options.js';
import { PayloadSchema } from '../../src/payload/schema.js';
import { formatIssues } from '../../src/validate.js';
import { SEED_BODY_TEXT } from '../fixtures/payloads/index.js';
import { mixedSnapshot, SELF_JOB_ID } from './pipeline-snapshot.js';

/** The request body example of the seed's README, verbatim. */
const SEED_EXAMPLE = JSON.parse(SEED_BODY_TEXT) as { jobs: Record<string, unknown>[] } & Record<string, unknown>;

/** What the original Flask server reads: the seed fields only; unknown keys are ignored. */
const seedFields = {
  pipeline_id: z.number().int(),
  project: z.string(),
  project_id: z.number().int().optional(),
  created_at: z.iso.datetime({ offset: true }),
  ref: z.string(),
  duration: z.number().int().nonnegative(),
  duration_e2e: z.number().int().nonnegative(),
  jobs: z.array(
    z.strictObject({
      name: z.string(),
      started_at: z.iso.datetime({ offset: true }),
      finished_at: z.iso.datetime({ offset: true }),
      duration: z.number().int().nonnegative(),
      up: z.number().int().nonnegative().optional(),
      e2e: z.number().int().nonnegative().optional(),
      pull: z.number().int().nonnegative().optional(),
      up_without_pull: z.number().int().nonnegative().optional(),
    }),
  ),
  builds: z.array(z.record(z.string(), z.number().int().nonnegative())),
  build: z.number().int().nonnegative(),
  jobs_failed: z.array(z.strictObject({ name: z.string(), duration: z.number().int().nullable() })),
  has_restarts: z.boolean(),
};
const OldServerSchema = z.object(seedFields);
const StrictSeedSchema = z.strictObject(seedFields);

describe('PayloadSchema', () => {
  it('parses the seed example unchanged', () => {
    const parsed = PayloadSchema.parse(SEED_EXAMPLE);
    expect(parsed).toStrictEqual(SEED_EXAMPLE);
  });

  it("accepts the original client's shapes: pull folding, bare failed names, null durations, Z times", () => {
    const old = {
      pipeline_id: 123456,
      project: 'group/sub/project',
      project_id: 42,
      created_at: '2023-06-13T07:11:24Z',
      ref: 'feature/x',
      duration: 300,
      duration_e2e: 120,
      jobs: [
        {
          name: 'e2e 1/2',
          started_at: '2023-06-13T07:13:00Z',
          finished_at: '2023-06-13T07:15:00.5Z',
          duration: 120,
          pull: 10,
          up: 40,
          up_without_pull: 30,
          e2e: 70,
        },
      ],
      builds: [{ 'build-e2e': 64 }, { 'build-e2e-arm': 70 }],
      build: 134,
      jobs_failed: [{ name: 'e2e 1/2', duration: 55 }, { name: 'e2e 2/2', duration: null }, { name: 'e2e 2/2' }, 'e2e 1/2'],
      has_restarts: true,
    };
    expect(PayloadSchema.parse(old)).toStrictEqual(old);
  });

  it('rejects what the contract forbids, naming every field', () => {
    const bad = {
      ...SEED_EXAMPLE,
      created_at: '2023-06-13 14:11:24',
      duration: -1,
      builds: [{ a: 1, b: 2 }],
      jobs: [{ ...SEED_EXAMPLE.jobs[0], up: 'seven' }],
    };
    const result = PayloadSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(formatIssues(result.error!).map((line) => line.split(':')[0])).toStrictEqual([
      'created_at',
      'duration',
      'jobs[0].up',
      'builds[0]',
    ]);
  });
});

describe('compatibility of our payload with an old server', () => {
  const payload = buildPayload(
    mixedSnapshot(),
    { ...DEFAULT_CLASSIFY, steps: ['pull', 'up', 'e2e'], selfJobId: SELF_JOB_ID },
    {
      name: 'pipeline-metrics',
      version: '0.1.0',
    },
  );

  it('passes our own schema unchanged', () => {
    expect(PayloadSchema.parse(payload)).toStrictEqual(payload);
  });

  it('is accepted by a seed-only schema that ignores unknown keys', () => {
    expect(OldServerSchema.safeParse(payload).success).toBe(true);
  });

  it('carries every extension in optional top-level keys: without them it is a strict seed payload', () => {
    const { pipeline, attempts, collector, ...seedOnly } = payload;
    expect([pipeline, attempts, collector].every((v) => v !== undefined)).toBe(true);
    expect(StrictSeedSchema.parse(seedOnly)).toStrictEqual(seedOnly);
    expect(PayloadSchema.parse(seedOnly)).toStrictEqual(seedOnly);
  });
});
