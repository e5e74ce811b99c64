import type { z } from 'zod';
import {
  type Condition,
  ConditionSchema,
  type Dimension,
  DimensionSchema,
  type Metric,
  MetricSchema,
  type OrderBy,
  OrderBySchema,
  QueryShapeSchema,
} from './input-schema.js';
import type { IssueList, Path } from './issues.js';
import { DEFAULT_QUERY_TABLE, isQueryTableName, type QueryTableName } from './query-tables.js';

/** One element of a section that passed its shape check, with where it came from. */
export interface Located<T> {
  readonly path: Path;
  readonly item: T;
}

export interface QuerySections {
  /** the table to read; undefined when the input names an unknown one (already reported) */
  readonly table: QueryTableName | undefined;
  readonly dimensions: readonly Located<Dimension>[];
  readonly metrics: readonly Located<Metric>[];
  readonly filter: readonly Located<Condition>[];
  /** the seed's nested form flattened; paths keep the nesting (`orderBy[0][1]`) */
  readonly orderBy: readonly Located<OrderBy>[];
  readonly limit?: number;
  readonly offset?: number;
  /** element counts as given (valid or not), for limits */
  readonly counts: { readonly dimensions: number; readonly metrics: number; readonly filter: number };
}

const EMPTY: QuerySections = {
  table: DEFAULT_QUERY_TABLE,
  dimensions: [],
  metrics: [],
  filter: [],
  orderBy: [],
  counts: { dimensions: 0, metrics: 0, filter: 0 },
};

/**
 * Shape-checks the query top-level and then each section element on its own, so one malformed
 * element does not hide the problems of the others. Only well-shaped elements are returned.
 */
export function parseSections(input: unknown, issues: IssueList): QuerySections {
  const shape = QueryShapeSchema.safeParse(input);
  if (!shape.success) issues.addZod([], shape.error);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return EMPTY;
  const raw = input as Record<string, unknown>;
  const section = (key: string): unknown[] => (Object.hasOwn(raw, key) && Array.isArray(raw[key]) ? raw[key] : []);
  const integer = (key: string): number | undefined => {
    const value = Object.hasOwn(raw, key) ? raw[key] : undefined;
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  };
  const table = (Object.hasOwn(raw, 'table') ? raw.table : undefined) ?? DEFAULT_QUERY_TABLE;
  return {
    table: isQueryTableName(table) ? table : undefined,
    dimensions: parseEach(section('dimensions'), ['dimensions'], DimensionSchema, issues),
    metrics: parseEach(section('metrics'), ['metrics'], MetricSchema, issues),
    filter: parseEach(section('filter'), ['filter'], ConditionSchema, issues),
    orderBy: parseOrderBy(section('orderBy'), issues),
    limit: integer('limit'),
    offset: integer('offset'),
    counts: {
      dimensions: section('dimensions').length,
      metrics: section('metrics').length,
      filter: section('filter').length,
    },
  };
}

function parseEach<S extends z.ZodType>(items: unknown[], prefix: Path, schema: S, issues: IssueList): Located<z.infer<S>>[] {
  return items.flatMap((item, index) => parseOne(item, [...prefix, index], schema, issues));
}

function parseOne<S extends z.ZodType>(item: unknown, path: Path, schema: S, issues: IssueList): Located<z.infer<S>>[] {
  const result = schema.safeParse(item);
  if (result.success) return [{ path, item: result.data }];
  issues.addZod(path, result.error);
  return [];
}

function parseOrderBy(entries: unknown[], issues: IssueList): Located<OrderBy>[] {
  return entries.flatMap((entry, index) =>
    Array.isArray(entry)
      ? parseEach(entry, ['orderBy', index], OrderBySchema, issues)
      : parseOne(entry, ['orderBy', index], OrderBySchema, issues),
  );
}
