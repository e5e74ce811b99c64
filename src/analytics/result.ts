/**
 * The one result type of a jobAnalytics query, wherever it comes from (a local store, a server's
 * /graphql) and wherever it goes (CLI formatters, the server): the seed's GraphQL `values` shape.
 */

/** A cell: numbers, strings (64-bit integers beyond 2^53, times as ISO 8601 UTC), booleans, null. */
export type ResultCell = string | number | boolean | null;

/** Units a result column can carry; see ResultColumn.unit in compile.ts. */
export type ResultUnit = 'ms';

export interface QueryResult {
  columns: string[];
  rows: ResultCell[][];
  /** problems reported with a result */
  errors: string[];
  /** unit of each column that has one (durations: `ms`); absent columns are unitless */
  units?: Readonly<Record<string, ResultUnit>>;
}
