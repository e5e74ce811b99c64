import { z } from 'zod';

/**
 * Where a query looks, like the seed's GraphQL arguments. Applied as GitLab's jobAnalytics does:
 * builds of pipelines whose `started_at` is in [fromTime, toTime) (toTime exclusive), optionally
 * of one project, one pipeline source and one ref.
 */
export const QueryContextSchema = z.strictObject({
  projectId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /** inclusive, compared with the pipeline's started_at (UTC) */
  fromTime: z.date(),
  /** exclusive */
  toTime: z.date(),
  /** pipeline source, e.g. push, schedule, merge_request_event */
  source: z.string().min(1).max(255).optional(),
  /** branch or tag name */
  ref: z.string().min(1).max(1024).optional(),
});
export type QueryContext = z.infer<typeof QueryContextSchema>;
