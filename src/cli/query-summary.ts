import type { QueryContext } from '../analytics/context.js';
import type { StoredSpan } from '../commands/query.js';

/** `2026-11-21 19:50 UTC` */
function minute(time: Date | string): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The closing line of `query` for people: rows, the window asked, the store, the time taken, e.g.
 * `12 rows · pipelines started 2026-11-21 19:50 UTC – 2026-11-28 19:50 UTC · embedded ClickHouse at … · 0.42 s`.
 * An empty window over a store with data says when the data is.
 */
export function querySummary(
  result: { rows: unknown[]; storedSpan?: StoredSpan },
  context: QueryContext,
  store: string,
  elapsedMs: number,
): string {
  const n = result.rows.length;
  const window = `${minute(context.fromTime)} – ${minute(context.toTime)}`;
  const took = `${(elapsedMs / 1000).toFixed(2)} s`;
  if (n === 0 && result.storedSpan) {
    const span = result.storedSpan;
    return (
      `0 rows between ${window}; stored pipelines span ${minute(span.first)} – ${minute(span.last)} ` +
      `(${span.pipelines} pipeline${span.pipelines === 1 ? '' : 's'}; widen --from/--to) · ${store} · ${took}`
    );
  }
  return `${n} row${n === 1 ? '' : 's'} · pipelines started ${window} · ${store} · ${took}`;
}
