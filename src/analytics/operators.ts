import type { ColumnKind } from './catalog.js';

/** Comparison operators, as spelled in a query and emitted in SQL. */
export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'NOT LIKE', 'ILIKE', 'IN', 'NOT IN'] as const;
export type Operator = (typeof OPERATORS)[number];

/** `IN` / `NOT IN` take a non-empty array value; every other operator takes one value. */
export const LIST_OPERATORS: ReadonlySet<Operator> = new Set(['IN', 'NOT IN']);

const ORDERED: readonly Operator[] = ['=', '!=', '<', '<=', '>', '>='];

/** Operators allowed per column kind: LIKE only on strings, booleans only compare for equality. */
export const OPERATORS_BY_KIND: Readonly<Record<ColumnKind, readonly Operator[]>> = {
  string: OPERATORS,
  number: [...ORDERED, 'IN', 'NOT IN'],
  time: ORDERED,
  bool: ['=', '!='],
};

export function isOperator(value: string): value is Operator {
  return (OPERATORS as readonly string[]).includes(value);
}
