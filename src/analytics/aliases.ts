import type { QueryColumn } from './catalog.js';
import { type IssueList, type Path, quote } from './issues.js';
import type { QueryTable } from './query-tables.js';

/** An output name: identifier-ish, quoted by the compiler anyway. */
export const ALIAS_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Checks an alias against the names reserved for the query's table. It may equal a catalog
 * column's name only when it labels that very column (`{ column: "name", as: "name" }`, or
 * `{ column: "stage_name", as: "stage" }` where `stage` is that column's public name); anything
 * else would make a filter on that name ambiguous.
 */
export function checkAlias(alias: string, path: Path, issues: IssueList, table: QueryTable, own?: QueryColumn): boolean {
  if (!ALIAS_PATTERN.test(alias)) {
    issues.add(path, `invalid alias ${quote(alias)}; use 1-64 letters, digits or _, not starting with a digit`);
    return false;
  }
  if (table.reservedAliases.has(alias)) {
    issues.add(path, `alias ${quote(alias)} is reserved; choose another name`);
    return false;
  }
  // the alias may also be another public name of the same column (`{ column: stage_name, as: stage }`)
  const named = table.columns.get(alias);
  const sameColumn =
    own !== undefined && (alias === own.name || alias === own.column || (named?.table === own.table && named.column === own.column));
  if (table.reservedColumnNames.has(alias) && !sameColumn) {
    issues.add(path, `alias ${quote(alias)} is the name of a catalog column; choose another name`);
    return false;
  }
  return true;
}

/** Reports aliases used twice among dimensions and metrics. */
export function checkUniqueAliases(entries: readonly { alias: string; path: Path }[], issues: IssueList): void {
  const seen = new Map<string, Path>();
  for (const { alias, path } of entries) {
    const first = seen.get(alias);
    if (first) issues.add(path, `duplicate alias ${quote(alias)}; give each dimension and metric its own "as"`);
    else seen.set(alias, path);
  }
}
