import { z } from 'zod';

/** Bounds that keep one query from hurting the server. All configurable per caller. */
export const QueryLimitsSchema = z.strictObject({
  /** largest `limit` a query may ask for */
  maxLimit: z.number().int().positive(),
  /** `limit` when the query gives none */
  defaultLimit: z.number().int().positive(),
  maxOffset: z.number().int().nonnegative(),
  maxDimensions: z.number().int().positive(),
  maxMetrics: z.number().int().positive(),
  /** top-level filters plus every metric condition */
  maxFilters: z.number().int().positive(),
  /** values in one IN / NOT IN list */
  maxListValues: z.number().int().positive(),
  /** characters in one string value */
  maxValueLength: z.number().int().positive(),
  /** fromTime → toTime, in days */
  maxRangeDays: z.number().positive(),
});
export type QueryLimits = z.infer<typeof QueryLimitsSchema>;

export const DEFAULT_LIMITS: QueryLimits = Object.freeze({
  maxLimit: 10_000,
  defaultLimit: 100,
  maxOffset: 1_000_000,
  maxDimensions: 10,
  maxMetrics: 20,
  maxFilters: 50,
  maxListValues: 1_000,
  maxValueLength: 1_000,
  maxRangeDays: 366,
});

/** Defaults overridden by `overrides`; throws on a malformed override (a programming error). */
export function resolveLimits(overrides?: Partial<QueryLimits>): QueryLimits {
  return QueryLimitsSchema.parse({ ...DEFAULT_LIMITS, ...overrides });
}
