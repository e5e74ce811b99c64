import {
  BUILDS_TABLE,
  PIPELINES_TABLE,
  QUERY_COLUMN_NAMES,
  QUERY_COLUMNS,
  type QueryColumn,
  RESERVED_COLUMN_NAMES,
  SECTIONS_TABLE,
  type TableName,
} from './catalog.js';
import { PIPELINES_QUERY_COLUMNS, PIPELINES_RESERVED_COLUMN_NAMES } from './pipelines-catalog.js';
import { SECTIONS_QUERY_COLUMNS, SECTIONS_RESERVED_COLUMN_NAMES } from './sections-catalog.js';

/**
 * The tables a query can aggregate, chosen by the input's top-level `table` (default `builds`):
 * `builds` reads ci_finished_builds (plus `ref`/`source` of its pipeline), `sections` reads
 * ci_finished_build_sections, `pipelines` reads ci_finished_pipelines (one row per pipeline,
 * downstream ones included). All are read without FINAL (see build-select.ts) and scoped by the
 * same pipeline context.
 */
export const QUERY_TABLE_NAMES = ['builds', 'sections', 'pipelines'] as const;
export type QueryTableName = (typeof QUERY_TABLE_NAMES)[number];
export const DEFAULT_QUERY_TABLE: QueryTableName = 'builds';

/** SQL aliases of the tables a compiled query reads (`fp`: the pipeline scan subquery). */
export const TABLE_ALIASES = { builds: 'b', pipelines: 'p', pipelineScan: 'fp', sections: 's' } as const;

const ALIAS_OF_TABLE: Readonly<Record<TableName, string>> = {
  [BUILDS_TABLE]: TABLE_ALIASES.builds,
  [PIPELINES_TABLE]: TABLE_ALIASES.pipelines,
  [SECTIONS_TABLE]: TABLE_ALIASES.sections,
};

/** The SQL alias a column of `table` is qualified with. */
export function tableAlias(table: TableName): string {
  return ALIAS_OF_TABLE[table];
}

export interface QueryTable {
  readonly name: QueryTableName;
  /** the table read FROM */
  readonly table: TableName;
  /** queryable names → columns (a Map, so `__proto__` / `constructor` never resolve) */
  readonly columns: ReadonlyMap<string, QueryColumn>;
  /** sorted queryable names, for "allowed: …" messages */
  readonly columnNames: readonly string[];
  /** names an alias may take only when it labels that same column */
  readonly reservedColumnNames: ReadonlySet<string>;
  /** names no alias may take: the query's SQL table aliases and table names, object-key traps */
  readonly reservedAliases: ReadonlySet<string>;
}

const KEY_TRAPS = ['__proto__', 'constructor', 'prototype'];
const { builds: B, pipelines: P, pipelineScan: FP, sections: S } = TABLE_ALIASES;

export const QUERY_TABLES: Readonly<Record<QueryTableName, QueryTable>> = Object.freeze({
  builds: {
    name: 'builds',
    table: BUILDS_TABLE,
    columns: QUERY_COLUMNS,
    columnNames: QUERY_COLUMN_NAMES,
    reservedColumnNames: RESERVED_COLUMN_NAMES,
    reservedAliases: new Set([B, P, FP, BUILDS_TABLE, PIPELINES_TABLE, ...KEY_TRAPS]),
  },
  sections: {
    name: 'sections',
    table: SECTIONS_TABLE,
    columns: SECTIONS_QUERY_COLUMNS,
    columnNames: [...SECTIONS_QUERY_COLUMNS.keys()].sort(),
    reservedColumnNames: SECTIONS_RESERVED_COLUMN_NAMES,
    reservedAliases: new Set([S, FP, SECTIONS_TABLE, PIPELINES_TABLE, ...KEY_TRAPS]),
  },
  pipelines: {
    name: 'pipelines',
    table: PIPELINES_TABLE,
    columns: PIPELINES_QUERY_COLUMNS,
    columnNames: [...PIPELINES_QUERY_COLUMNS.keys()].sort(),
    reservedColumnNames: PIPELINES_RESERVED_COLUMN_NAMES,
    reservedAliases: new Set([P, FP, PIPELINES_TABLE, ...KEY_TRAPS]),
  },
});

export function isQueryTableName(value: unknown): value is QueryTableName {
  return typeof value === 'string' && (QUERY_TABLE_NAMES as readonly string[]).includes(value);
}
