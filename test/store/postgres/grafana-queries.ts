/**
 * The seed's three Grafana panel queries, verbatim (000_61aaee82c707edc7.txt, "Some SQL queries").
 * `fillGrafana` does what Grafana does and nothing else: it expands `$__timeFilter(created_at)`
 * and `$project`.
 */
export const PIPELINES_COUNT = `SELECT count(*)
FROM metrics_pipeline mp
WHERE
  $__timeFilter(created_at) AND
  mp.project = '$project' AND mp.is_master = true`;

export const TIME_TO_E2E = `SELECT 
  PERCENTILE_CONT(0.5) WITHIN GROUP(ORDER by total) as p50, 
  PERCENTILE_CONT(0.80) WITHIN GROUP(ORDER by total) as p80,
  PERCENTILE_CONT(0.95) WITHIN GROUP(ORDER by total) as p95
FROM (SELECT
  created_at AS "time", 
  mp.duration - mp.duration_e2e as "total"
FROM metrics_pipeline mp
LEFT JOIN metrics_build mb
ON mb.pipeline_id = mp.pipeline_id
WHERE
  $__timeFilter(created_at) AND
  mp.project = '$project' AND mp.is_master = true
GROUP BY time, mp.duration, mp.duration_e2e
ORDER BY 1) as data`;

export const TOTAL_E2E = `SELECT 
  PERCENTILE_CONT(0.5) WITHIN GROUP(ORDER by total_e2e) as p50, 
  PERCENTILE_CONT(0.80) WITHIN GROUP(ORDER by total_e2e) as p80,
  PERCENTILE_CONT(0.95) WITHIN GROUP(ORDER by total_e2e) as p95
FROM (SELECT
  created_at AS "time", 
  mp.duration_e2e as "total_e2e"
FROM metrics_pipeline mp
LEFT JOIN metrics_build mb
ON mb.pipeline_id = mp.pipeline_id
WHERE
  $__timeFilter(created_at) AND
  mp.project = '$project' AND mp.is_master = true AND mp.has_restarts = false
GROUP BY time, mp.duration, mp.duration_e2e
ORDER BY 1) as data`;

/** Grafana's macro expansion; `from`/`to` are ISO instants (inclusive, as Grafana's BETWEEN). */
export function fillGrafana(sql: string, project: string, from: string, to: string): string {
  return sql.replaceAll('$__timeFilter(created_at)', `created_at BETWEEN '${from}' AND '${to}'`).replaceAll('$project', project);
}

/** PERCENTILE_CONT: linear interpolation between the closest ranks, computed independently. */
export function percentileCont(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}
