import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseIsoTime } from '../../analytics/time-range.js';

/**
 * `Time`: ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`, offsets allowed; UTC when none), also
 * GitLab's `2025-01-01 00:00:00 UTC` form. Serialized as ISO 8601 UTC.
 */
export const TimeScalar = new GraphQLScalarType<Date, string>({
  name: 'Time',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => parseTime(value),
  parseLiteral: (node) => parseTime(node.kind === Kind.STRING ? node.value : undefined),
});

function parseTime(value: unknown): Date {
  const text = typeof value === 'string' ? value.trim().replace(/ UTC$/, 'Z') : undefined;
  const date = text === undefined ? undefined : parseIsoTime(text);
  if (!date) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
    throw new GraphQLError(`Time: expected ISO 8601 such as 2024-05-01T12:00:00Z (years 1900-2299), got ${shown}`);
  }
  return date;
}

/** GitLab's BigInt: integers as decimal strings, so counts above 2^53 stay exact. Output only here. */
export const BigIntScalar = new GraphQLScalarType<string, string>({
  name: 'BigInt',
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
});

/** GitLab's Duration: seconds as a float. Output only here. */
export const DurationScalar = new GraphQLScalarType<number | null, number | null>({
  name: 'Duration',
  serialize: (value) => (typeof value === 'number' ? value : null),
});

/**
 * A result cell or a filter value: string, number, boolean, null, or a list of them (IN lists).
 * Passed to the compiler as is; the compiler checks it against the column's type.
 */
export const AnalyticsValueScalar = new GraphQLScalarType({
  name: 'AnalyticsValue',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalValue,
});

function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalValue);
    case Kind.OBJECT:
    case Kind.VARIABLE:
      throw new GraphQLError('AnalyticsValue: expected a string, number, boolean or a list of them (inline, not an object or a variable)');
  }
}
