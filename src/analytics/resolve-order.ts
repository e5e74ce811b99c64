import type { OrderBy } from './input-schema.js';
import { type IssueList, quote } from './issues.js';
import type { Located } from './parse-sections.js';
import type { DimensionPlan, OrderPlan } from './plan.js';
import type { Scope } from './resolve-conditions.js';

/**
 * Resolves orderBy items to SELECT aliases: a dimension alias, a metric alias, or a catalog
 * column that is one of the query's (unbucketed) dimensions. Without orderBy, rows are ordered by
 * every dimension ascending, so that limit/offset pages are stable.
 */
export function resolveOrder(items: readonly Located<OrderBy>[], given: boolean, scope: Scope, issues: IssueList): OrderPlan[] {
  if (!given) return [...scope.dimensions.keys()].map((alias) => ({ alias, descending: false }));
  return items.flatMap(({ path, item }) => {
    if (item.desc != null && item.asc != null && item.desc === item.asc) {
      issues.add(path, `desc: ${item.desc} and asc: ${item.asc} disagree; give one of them`);
      return [];
    }
    const alias = resolveAlias(item.column, scope);
    if (!alias) {
      const allowed = [...scope.dimensions.keys(), ...(scope.metrics?.keys() ?? [])].join(', ');
      issues.add([...path, 'column'], `cannot order by ${quote(item.column)}; allowed: ${allowed || '(no dimensions or metrics)'}`);
      return [];
    }
    return [{ alias, descending: item.desc === true || item.asc === false }];
  });
}

function resolveAlias(name: string, scope: Scope): string | undefined {
  if (scope.dimensions.has(name) || scope.metrics?.has(name)) return name;
  const column = scope.table.columns.get(name);
  if (!column) return undefined;
  const match = [...scope.dimensions.values()].find(
    (d: DimensionPlan) => !d.expr.granularity && d.expr.column.table === column.table && d.expr.column.column === column.column,
  );
  return match?.alias;
}
