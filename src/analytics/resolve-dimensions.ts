import { checkAlias } from './aliases.js';
import type { Dimension } from './input-schema.js';
import { type IssueList, quote } from './issues.js';
import type { Located } from './parse-sections.js';
import { type DimensionPlan, GRANULARITIES, type Granularity } from './plan.js';
import type { QueryTable } from './query-tables.js';

/** A dimension plan plus where it came from (for alias messages). */
export interface LocatedDimension {
  readonly path: Located<Dimension>['path'];
  readonly plan: DimensionPlan;
}

/**
 * Resolves `{ column, granularity?, as? }`. The default alias is the column as written
 * (`stage`), or `<column>_<granularity>` for a time bucket (`finished_at_day`).
 */
export function resolveDimensions(items: readonly Located<Dimension>[], table: QueryTable, issues: IssueList): LocatedDimension[] {
  return items.flatMap(({ path, item }) => {
    const column = table.columns.get(item.column);
    if (!column) {
      issues.add([...path, 'column'], `unknown column ${quote(item.column)}; allowed: ${table.columnNames.join(', ')}`);
      return [];
    }
    let granularity: Granularity | undefined;
    if (item.granularity != null) {
      granularity = GRANULARITIES.find((g) => g === item.granularity);
      if (!granularity) {
        issues.add([...path, 'granularity'], `unknown granularity ${quote(item.granularity)}; allowed: ${GRANULARITIES.join(', ')}`);
        return [];
      }
      if (column.kind !== 'time') {
        issues.add([...path, 'granularity'], `granularity needs a time column; ${quote(item.column)} is a ${column.kind} column`);
        return [];
      }
    }
    const alias = item.as ?? (granularity ? `${item.column}_${granularity}` : item.column);
    if (item.as != null && !checkAlias(item.as, [...path, 'as'], issues, table, granularity ? undefined : column)) return [];
    const kind = granularity ? 'time' : column.kind;
    return [{ path, plan: { alias, expr: granularity ? { column, granularity } : { column }, kind } }];
  });
}
