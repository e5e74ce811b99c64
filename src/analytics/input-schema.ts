import { z } from 'zod';
import { parseOrThrow } from '../validate.js';
import { quote } from './issues.js';
import { QUERY_TABLE_NAMES } from './query-tables.js';

/**
 * The jobAnalytics query input (seed 002), as parsed from JSON, YAML or GraphQL variables.
 * These schemas check shape only; names, operators and values are checked against the catalog by
 * `validateQuery`, which reports every problem at once. `null` counts as absent (GraphQL sends it).
 */

const NAME_MAX = 200;
const name = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a string') })
    .max(NAME_MAX, `must be at most ${NAME_MAX} characters`);

/** A strict object whose unknown-key message lists the allowed keys. */
function strictObject<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${allowed}`
        : `expected an object with ${allowed}`,
  });
}

/** `{ column, operator, value }`; `value` is checked against the column's type later. */
export const ConditionSchema = strictObject({
  column: name(),
  operator: name(),
  /** required; optional here so that its absence is reported with the column's expected type */
  value: z.unknown().optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

/** A metric condition: one condition, or a list joined by AND. */
export const ConditionListSchema = z.union([ConditionSchema, z.array(ConditionSchema)], {
  error: 'expected { column, operator, value } or a list of them',
});
export type ConditionList = z.infer<typeof ConditionListSchema>;

/** `{ column, as? }`, or a time bucket `{ column: "finished_at", granularity: "day", as? }`. */
export const DimensionSchema = strictObject({
  column: name(),
  granularity: name().nullish(),
  as: name().nullish(),
});
export type Dimension = z.infer<typeof DimensionSchema>;

/** `{ function, column?, condition | filter?, as? }`; `column` absent means `*`. */
export const MetricSchema = strictObject({
  function: name(),
  column: name().nullish(),
  condition: ConditionListSchema.nullish(),
  filter: ConditionListSchema.nullish(),
  as: name().nullish(),
});
export type Metric = z.infer<typeof MetricSchema>;

/** `{ column, desc? | asc? }`; ascending unless `desc: true` or `asc: false`. */
export const OrderBySchema = strictObject({
  column: name(),
  desc: z.boolean().nullish(),
  asc: z.boolean().nullish(),
});
export type OrderBy = z.infer<typeof OrderBySchema>;

/** An orderBy entry: one item, or the seed's nested list of items. */
export const OrderByEntrySchema = z.union([OrderBySchema, z.array(OrderBySchema)], {
  error: 'expected { column, desc?, asc? } or a list of them',
});

/** `builds` (default: ci_finished_builds) or `sections` (ci_finished_build_sections). */
export const QueryTableSchema = z.enum(QUERY_TABLE_NAMES, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown table ${quote(issue.input)}; allowed: ${QUERY_TABLE_NAMES.join(', ')}`
      : `expected one of: ${QUERY_TABLE_NAMES.join(', ')}`,
});

const count = () => z.number({ error: 'must be a number' }).int('must be an integer');
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'expected a list' });
const metricList = <T extends z.ZodType>(item: T) =>
  z
    .array(item, { error: 'required: a list of at least one metric, e.g. [{ function: "count" }]' })
    .min(1, 'at least one metric is needed, e.g. { function: "count" }');

export const QueryInputSchema = strictObject({
  table: QueryTableSchema.nullish(),
  dimensions: list(DimensionSchema).nullish(),
  metrics: metricList(MetricSchema),
  filter: list(ConditionSchema).nullish(),
  orderBy: list(OrderByEntrySchema).nullish(),
  limit: count().nullish(),
  offset: count().nullish(),
});
export type QueryInput = z.infer<typeof QueryInputSchema>;

/** Top-level shape only (sections as lists of anything), so each element is checked on its own. */
export const QueryShapeSchema = strictObject({
  table: QueryTableSchema.nullish(),
  dimensions: list(z.unknown()).nullish(),
  metrics: metricList(z.unknown()),
  filter: list(z.unknown()).nullish(),
  orderBy: list(z.unknown()).nullish(),
  limit: count().nullish(),
  offset: count().nullish(),
});

/** Shape-checks a query input; throws ValidationError listing every shape problem. */
export function parseQueryInput(input: unknown): QueryInput {
  return parseOrThrow(QueryInputSchema, input, 'query');
}
