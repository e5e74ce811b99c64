import { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE } from './catalog.js';
import { type ExprNode, type NumberNode, type OrderItemNode, SQL_FUNCTIONS, type SelectNode } from './ast.js';
import { OPERATORS } from './operators.js';
import type { Scalar } from './plan.js';

/** SQL text with ClickHouse `{name:Type}` placeholders, and the values for `query_params`. */
export interface CompiledSql {
  readonly sql: string;
  readonly params: Record<string, Scalar | readonly Scalar[]>;
}

/**
 * Walks a SelectNode and appends SQL text and parameters (kysely's compiler design, one dialect).
 * Every identifier is checked against a strict pattern and backtick-quoted; tables, functions,
 * operators and parameter types are checked against fixed lists. A failed check is a bug in the
 * tree builder, reported as an Error (never reached by validated input).
 */
export function compileSql(select: SelectNode): CompiledSql {
  const compiler = new ClickHouseCompiler();
  compiler.select(select, '\n');
  return { sql: compiler.sql, params: compiler.params };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PARAM_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
const PARAM_TYPE = /^(?:Array\()?(?:String|UInt8|UInt64|Int64|Float64|Bool|DateTime64\(6, 'UTC'\))\)?$/;
const TABLES: ReadonlySet<string> = new Set([BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE]);
const FUNCTIONS: ReadonlySet<string> = new Set(SQL_FUNCTIONS);
const SQL_OPERATORS: ReadonlySet<string> = new Set(OPERATORS);

class ClickHouseCompiler {
  sql = '';
  readonly params: Record<string, Scalar | readonly Scalar[]> = {};
  #next = 0;

  select(node: SelectNode, sep: string): void {
    this.#append('SELECT ');
    this.#list(node.columns, ', ', (c) => (c.kind === 'Aliased' ? this.#aliased(c.node, c.alias) : this.expr(c)));
    this.#append(`${sep}FROM ${this.#identifier(this.#table(node.from.table))} AS ${this.#identifier(node.from.alias)}`);
    if (node.from.final) this.#append(' FINAL');
    if (node.join) {
      this.#append(`${sep}INNER JOIN `);
      this.expr(node.join.source);
      this.#append(` AS ${this.#identifier(node.join.alias)} ON `);
      this.expr(node.join.on);
    }
    this.#clause(`${sep}WHERE `, node.where, ' AND ');
    this.#clause(`${sep}GROUP BY `, node.groupBy, ', ');
    this.#clause(`${sep}HAVING `, node.having, ' AND ');
    if (node.orderBy.length > 0) {
      this.#append(`${sep}ORDER BY `);
      this.#list(node.orderBy, ', ', (item: OrderItemNode) => {
        this.expr(item.node);
        this.#append(item.descending ? ' DESC' : ' ASC');
      });
    }
    if (node.limit) this.#append(`${sep}LIMIT ${this.#integer(node.limit)}`);
    if (node.offset) this.#append(` OFFSET ${this.#integer(node.offset)}`);
  }

  expr(node: ExprNode): void {
    switch (node.kind) {
      case 'Identifier':
        return this.#append(this.#identifier(node.name));
      case 'Column':
        return this.#append(`${this.#identifier(node.table)}.${this.#identifier(node.column)}`);
      case 'Param':
        return this.#param(node.type, node.value, node.name);
      case 'Number':
        return this.#append(this.#number(node));
      case 'Call':
        return this.#call(node.fn, node.parameters, node.args);
      case 'Binary':
        if (!SQL_OPERATORS.has(node.operator)) throw new Error(`operator not allowed: ${node.operator}`);
        this.expr(node.left);
        this.#append(` ${node.operator} `);
        return this.expr(node.right);
      case 'And':
        return this.#list(node.items, ' AND ', (item) => this.expr(item));
      case 'Subquery':
        this.#append('(');
        this.select(node.select, ' ');
        return this.#append(')');
    }
  }

  #aliased(node: ExprNode, alias: string): void {
    this.expr(node);
    this.#append(` AS ${this.#identifier(alias)}`);
  }

  #call(fn: string, parameters: readonly NumberNode[], args: readonly ExprNode[]): void {
    if (!FUNCTIONS.has(fn)) throw new Error(`function not allowed: ${fn}`);
    this.#append(fn);
    if (parameters.length > 0) this.#append(`(${parameters.map((p) => this.#number(p)).join(', ')})`);
    this.#append('(');
    this.#list(args, ', ', (arg) => this.expr(arg));
    this.#append(')');
  }

  #param(type: string, value: Scalar | readonly Scalar[], fixedName?: string): void {
    if (!PARAM_TYPE.test(type)) throw new Error(`parameter type not allowed: ${type}`);
    const name = fixedName ?? `p${this.#next++}`;
    if (!PARAM_NAME.test(name)) throw new Error(`parameter name not allowed: ${name}`);
    if (fixedName && Object.hasOwn(this.params, name)) throw new Error(`parameter bound twice: ${name}`);
    this.params[name] = Array.isArray(value) ? [...value] : value;
    this.#append(`{${name}:${type}}`);
  }

  #clause(keyword: string, items: readonly ExprNode[], sep: string): void {
    if (items.length === 0) return;
    this.#append(keyword);
    this.#list(items, sep, (item) => this.expr(item));
  }

  #list<T>(items: readonly T[], sep: string, each: (item: T) => void): void {
    items.forEach((item, i) => {
      if (i > 0) this.#append(sep);
      each(item);
    });
  }

  #identifier(name: string): string {
    if (!IDENTIFIER.test(name)) throw new Error(`identifier not allowed: ${JSON.stringify(name)}`);
    return `\`${name}\``;
  }

  #table(table: string): string {
    if (!TABLES.has(table)) throw new Error(`table not allowed: ${table}`);
    return table;
  }

  #number(node: NumberNode): string {
    const text = String(node.value);
    if (!Number.isFinite(node.value) || !/^\d+(?:\.\d+)?$/.test(text)) throw new Error(`number not allowed: ${text}`);
    return text;
  }

  #integer(node: NumberNode): string {
    if (!Number.isSafeInteger(node.value) || node.value < 0) throw new Error(`not a count: ${node.value}`);
    return String(node.value);
  }

  #append(text: string): void {
    this.sql += text;
  }
}
