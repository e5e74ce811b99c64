import type { ColumnKind } from './catalog.js';
import type { IssueList, Path } from './issues.js';
import { quote } from './issues.js';
import type { QueryLimits } from './limits.js';
import { LIST_OPERATORS, type Operator } from './operators.js';
import type { BoundValue, Scalar } from './plan.js';
import { formatDateTime64, parseIsoTime } from './time-range.js';

/**
 * Checks a filter value against the kind and ClickHouse type it is compared with, and returns it
 * in the form bound as a query parameter. Numbers must be finite and fit the type (integers for
 * integer columns; ids up to 2^53 − 1); times are ISO 8601 strings, bound as
 * `YYYY-MM-DD hh:mm:ss.SSS` UTC text; booleans are JSON booleans.
 */

export interface ValueTarget {
  readonly kind: ColumnKind;
  /** ClickHouse type of the parameter (LowCardinality stripped) */
  readonly type: string;
  /** what the value is compared with, for messages */
  readonly label: string;
}

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  UInt8: [0, 255],
  UInt64: [0, Number.MAX_SAFE_INTEGER],
  Int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export function bindValue(
  target: ValueTarget,
  operator: Operator,
  value: unknown,
  path: Path,
  issues: IssueList,
  limits: QueryLimits,
): BoundValue | undefined {
  if (value === undefined) {
    issues.add(path, `required: the value to compare ${target.label} with`);
    return undefined;
  }
  if (!LIST_OPERATORS.has(operator)) {
    if (Array.isArray(value)) {
      issues.add(path, `${operator} takes a single value; use IN for a list`);
      return undefined;
    }
    const scalar = checkScalar(target, value, path, issues, limits);
    return scalar === undefined ? undefined : { type: target.type, value: scalar };
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > limits.maxListValues) {
    issues.add(path, `${operator} takes a list of 1 to ${limits.maxListValues} values`);
    return undefined;
  }
  const items = value.map((item, i) => checkScalar(target, item, [...path, i], issues, limits));
  if (items.some((item) => item === undefined)) return undefined;
  return { type: `Array(${target.type})`, value: items as Scalar[] };
}

function checkScalar(target: ValueTarget, value: unknown, path: Path, issues: IssueList, limits: QueryLimits): Scalar | undefined {
  switch (target.kind) {
    case 'string':
      return checkString(target, value, path, issues, limits);
    case 'number':
      return checkNumber(target, value, path, issues);
    case 'time':
      return checkTime(target, value, path, issues);
    case 'bool':
      if (typeof value === 'boolean') return value;
      issues.add(path, `expected true or false for ${target.label}`);
      return undefined;
  }
}

function checkString(target: ValueTarget, value: unknown, path: Path, issues: IssueList, limits: QueryLimits): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, `expected a string for ${target.label}`);
    return undefined;
  }
  if (value.length > limits.maxValueLength) {
    issues.add(path, `string is longer than ${limits.maxValueLength} characters`);
    return undefined;
  }
  return value;
}

function checkNumber(target: ValueTarget, value: unknown, path: Path, issues: IssueList): number | undefined {
  if (typeof value !== 'number') {
    issues.add(path, `expected a number for ${target.label}`);
    return undefined;
  }
  if (!Number.isFinite(value)) {
    issues.add(path, `${String(value)} is not a finite number`);
    return undefined;
  }
  const range = INTEGER_RANGES[target.type];
  if (!range) return value;
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    issues.add(path, `expected an integer from ${range[0]} to ${range[1]} for ${target.label} (${target.type})`);
    return undefined;
  }
  return value;
}

function checkTime(target: ValueTarget, value: unknown, path: Path, issues: IssueList): string | undefined {
  const date = typeof value === 'string' ? parseIsoTime(value) : undefined;
  if (!date) {
    const shown = typeof value === 'string' ? quote(value) : typeof value;
    issues.add(path, `expected an ISO 8601 time such as "2024-05-01T12:00:00Z" for ${target.label}, got ${shown}`);
    return undefined;
  }
  return formatDateTime64(date);
}
