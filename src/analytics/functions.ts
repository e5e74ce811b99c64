import type { ColumnKind } from './catalog.js';

/**
 * Aggregate functions a metric may use. Each `If` form takes the metric's condition as its last
 * argument (`countIf(cond)`, `avgIf(col, cond)`).
 *
 * `rateIf`: the share of rows matching its condition, a Float64 in [0, 1] (e.g. a failure rate),
 * compiled as `avg(<condition>)` — the mean of a 0/1 value; it has no plain form and no column.
 *
 * `flakeRate` (builds only): the share of a job's pipelines in which an attempt failed and a
 * later attempt of the same job succeeded, a Float64 in [0, 1]; compiled as
 * `avgIf(flaky, retried = false)` — one final attempt per job and pipeline. No column,
 * no condition, no If form.
 *
 * `quantile(p)` / `quantileIf(p)`: p is parsed strictly (`QUANTILE_PATTERN`, 0 < p < 1, at most
 * 6 decimals) and emitted as a numeric literal re-serialized from the parsed number. ClickHouse 26
 * accepts `quantile({p:Float64})(x)`, but older servers (the ones self-managed GitLab instances
 * run) do not bind parameters of parametric functions, and a literal lets GitLab's
 * `quantile(0.95)(duration)` projection match. The literal never contains user text.
 */
export const AGGREGATES = {
  count: { column: 'none', result: 'number' },
  sum: { column: 'number', result: 'number' },
  avg: { column: 'number', result: 'number' },
  min: { column: 'ordered', result: 'column' },
  max: { column: 'ordered', result: 'column' },
  uniq: { column: 'any', result: 'number' },
  median: { column: 'number', result: 'number' },
  quantile: { column: 'number', result: 'number' },
  rate: { column: 'none', result: 'number' },
  flakeRate: { column: 'none', result: 'number' },
} as const satisfies Record<string, { column: 'none' | 'number' | 'ordered' | 'any'; result: 'number' | 'column' }>;

export type AggregateName = keyof typeof AGGREGATES;

/** The function names a metric may spell, for "allowed: …" messages. */
export const FUNCTION_NAMES: readonly string[] = Object.keys(AGGREGATES).flatMap((name) =>
  name === 'quantile'
    ? ['quantile(p)', 'quantileIf(p)']
    : name === 'rate'
      ? ['rateIf']
      : name === 'flakeRate'
        ? [name]
        : [name, `${name}If`],
);

export interface ParsedFunction {
  readonly aggregate: AggregateName;
  /** the `If` combinator: the metric needs a condition */
  readonly conditional: boolean;
  /** quantile level, 0 < level < 1 */
  readonly level?: number;
}

export const QUANTILE_PATTERN = /^quantile(If)?\((0?\.\d{1,6})\)$/;
const SIMPLE_PATTERN = /^([a-z]+)(If)?$/;

/** Parses `avg`, `countIf`, `quantile(0.95)`; anything else (whitespace, SQL, case changes) is undefined. */
export function parseFunctionName(spelled: string): ParsedFunction | undefined {
  if (spelled === 'flakeRate') return { aggregate: 'flakeRate', conditional: false };
  const quantile = QUANTILE_PATTERN.exec(spelled);
  if (quantile) {
    const level = Number(quantile[2]);
    if (!(level > 0 && level < 1)) return undefined;
    return { aggregate: 'quantile', conditional: quantile[1] === 'If', level };
  }
  const simple = SIMPLE_PATTERN.exec(spelled);
  if (!simple) return undefined;
  const name = simple[1]!;
  if (name === 'quantile' || !Object.hasOwn(AGGREGATES, name)) return undefined;
  if (name === 'rate' && simple[2] !== 'If') return undefined;
  return { aggregate: name as AggregateName, conditional: simple[2] === 'If' };
}

/** Whether `aggregate` accepts a column of `kind` (undefined: no column given). */
export function acceptsColumn(aggregate: AggregateName, kind: ColumnKind | undefined): boolean {
  const rule = AGGREGATES[aggregate].column;
  if (rule === 'none') return kind === undefined;
  if (kind === undefined) return false;
  if (rule === 'any') return true;
  if (rule === 'ordered') return kind === 'number' || kind === 'time';
  return kind === 'number';
}

/** Kind of the metric's value: numbers, except min/max which keep their column's kind. */
export function resultKind(aggregate: AggregateName, columnKind: ColumnKind | undefined): ColumnKind {
  return AGGREGATES[aggregate].result === 'column' && columnKind ? columnKind : 'number';
}

/** `quantile_0_95` for 0.95: the level as it appears in a default alias. */
export function levelLabel(level: number): string {
  return String(level).replace('.', '_');
}
