import type { TableName } from './catalog.js';
import type { Operator } from './operators.js';
import type { Scalar } from './plan.js';

/**
 * The SQL tree: small immutable nodes (frozen at construction), walked by `compileSql`.
 * Identifiers (tables, columns, aliases, function names) and values travel in different node
 * kinds: values only in `Param` (bound, never in the text) and `Number` (integers and quantile
 * levels the compiler re-serializes from a finite JS number).
 */

/** SQL functions a tree may call; the compiler refuses any other name. */
export const SQL_FUNCTIONS = [
  'count',
  'countIf',
  'sum',
  'sumIf',
  'avg',
  'avgIf',
  'min',
  'minIf',
  'max',
  'maxIf',
  'uniq',
  'uniqIf',
  'median',
  'medianIf',
  'quantile',
  'quantileIf',
  'toStartOfMinute',
  'toStartOfHour',
  'toStartOfDay',
  'toMonday',
  'toStartOfMonth',
] as const;
export type SqlFunction = (typeof SQL_FUNCTIONS)[number];

export interface IdentifierNode {
  readonly kind: 'Identifier';
  readonly name: string;
}
export interface ColumnNode {
  readonly kind: 'Column';
  readonly table: string;
  readonly column: string;
}
/** `name` set: a fixed, named parameter (context); otherwise numbered p0, p1, … in SQL order */
export interface ParamNode {
  readonly kind: 'Param';
  readonly type: string;
  readonly value: Scalar | readonly Scalar[];
  readonly name?: string;
}
export interface NumberNode {
  readonly kind: 'Number';
  readonly value: number;
}
export interface CallNode {
  readonly kind: 'Call';
  readonly fn: SqlFunction;
  readonly parameters: readonly NumberNode[];
  readonly args: readonly ExprNode[];
}
export interface BinaryNode {
  readonly kind: 'Binary';
  readonly left: ExprNode;
  readonly operator: Operator;
  readonly right: ExprNode;
}
export interface AndNode {
  readonly kind: 'And';
  readonly items: readonly ExprNode[];
}
export interface SubqueryNode {
  readonly kind: 'Subquery';
  readonly select: SelectNode;
}

export type ExprNode = IdentifierNode | ColumnNode | ParamNode | NumberNode | CallNode | BinaryNode | AndNode | SubqueryNode;

export interface AliasedNode {
  readonly kind: 'Aliased';
  readonly node: ExprNode;
  readonly alias: string;
}
export interface TableNode {
  readonly kind: 'Table';
  readonly table: TableName;
  readonly alias: string;
  readonly final: boolean;
}
export interface JoinNode {
  readonly kind: 'Join';
  readonly source: SubqueryNode;
  readonly alias: string;
  readonly on: ExprNode;
}
export interface OrderItemNode {
  readonly kind: 'OrderItem';
  readonly node: ExprNode;
  readonly descending: boolean;
}

export interface SelectNode {
  readonly kind: 'Select';
  readonly columns: readonly (AliasedNode | ExprNode)[];
  readonly from: TableNode;
  readonly join?: JoinNode;
  /** joined by AND */
  readonly where: readonly ExprNode[];
  readonly groupBy: readonly ExprNode[];
  /** joined by AND */
  readonly having: readonly ExprNode[];
  readonly orderBy: readonly OrderItemNode[];
  readonly limit?: NumberNode;
  readonly offset?: NumberNode;
}

const node = <T extends object>(value: T): Readonly<T> => Object.freeze(value);

export const ast = {
  identifier: (name: string): IdentifierNode => node({ kind: 'Identifier', name }),
  column: (table: string, column: string): ColumnNode => node({ kind: 'Column', table, column }),
  param: (type: string, value: Scalar | readonly Scalar[], name?: string): ParamNode =>
    node({ kind: 'Param', type, value: Array.isArray(value) ? Object.freeze([...value]) : value, ...(name ? { name } : {}) }),
  number: (value: number): NumberNode => node({ kind: 'Number', value }),
  call: (fn: SqlFunction, args: readonly ExprNode[], parameters: readonly NumberNode[] = []): CallNode =>
    node({ kind: 'Call', fn, parameters: Object.freeze([...parameters]), args: Object.freeze([...args]) }),
  binary: (left: ExprNode, operator: Operator, right: ExprNode): BinaryNode => node({ kind: 'Binary', left, operator, right }),
  and: (items: readonly ExprNode[]): AndNode => node({ kind: 'And', items: Object.freeze([...items]) }),
  subquery: (select: SelectNode): SubqueryNode => node({ kind: 'Subquery', select }),
  aliased: (inner: ExprNode, alias: string): AliasedNode => node({ kind: 'Aliased', node: inner, alias }),
  table: (table: TableName, alias: string, final: boolean): TableNode => node({ kind: 'Table', table, alias, final }),
  join: (source: SubqueryNode, alias: string, on: ExprNode): JoinNode => node({ kind: 'Join', source, alias, on }),
  orderItem: (inner: ExprNode, descending: boolean): OrderItemNode => node({ kind: 'OrderItem', node: inner, descending }),
  select: (parts: Omit<SelectNode, 'kind'>): SelectNode => node({ kind: 'Select', ...parts }),
};
