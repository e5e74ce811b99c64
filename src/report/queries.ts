/**
 * The report's fixed SQL (ClickHouse), aggregated in the engine so the page only draws. No user
 * text is ever part of the SQL: the range and project travel as bound parameters
 * (`{from}`/`{to}`: DateTime64 UTC, to exclusive; `{project}`: project id, 0 = every project;
 * `{pipelines}`: ids of the root pipelines drawn as Gantt charts). Durations come out in seconds.
 */

/** Pipelines in scope: started in [from, to), of the project when one is given. */
const PIPELINE_SCOPE = `started_at >= {from:DateTime64(6, 'UTC')} AND started_at < {to:DateTime64(6, 'UTC')}
  AND ({project:UInt64} = 0 OR project_id = {project:UInt64})`;
const PIPELINE_IDS = `SELECT id FROM ci_finished_pipelines WHERE ${PIPELINE_SCOPE}`;
/** The pipelines of the hierarchies of roots `{pipelines}`: each root and, at any depth, its downstream pipelines. */
const IN_HIERARCHIES = 'id IN {pipelines:Array(UInt64)} OR root_pipeline_id IN {pipelines:Array(UInt64)}';

export const REPORT_SQL = {
  /** pipeline duration (seconds, GitLab's) per UTC day: p50 and p95 */
  dailyDuration: `SELECT toString(toDate(started_at)) AS day, count() AS pipelines,
  quantile(0.5)(duration) AS p50, quantile(0.95)(duration) AS p95
FROM ci_finished_pipelines WHERE ${PIPELINE_SCOPE}
GROUP BY day ORDER BY day`,

  /** the seed's time to e2e (duration − duration_e2e, seconds) per ref, the 10 busiest refs */
  timeToE2eByRef: `SELECT ref, count() AS pipelines,
  quantile(0.5)(greatest(toInt64(duration) - toInt64(duration_e2e), 0)) AS p50,
  quantile(0.95)(greatest(toInt64(duration) - toInt64(duration_e2e), 0)) AS p95
FROM ci_finished_pipelines WHERE ${PIPELINE_SCOPE} AND duration_e2e > 0
GROUP BY ref ORDER BY pipelines DESC, ref LIMIT 10`,

  /** mean queue and run time per runner type (GitLab's enum: 0 unknown, 1 instance, 2 group, 3 project) */
  queueVsRun: `SELECT runner_type, count() AS builds,
  avg(queueing_duration) / 1000 AS queue_mean, avg(duration) / 1000 AS run_mean,
  quantile(0.95)(queueing_duration) / 1000 AS queue_p95
FROM ci_finished_builds WHERE pipeline_id IN (${PIPELINE_IDS})
GROUP BY runner_type ORDER BY runner_type`,

  /** the 15 log sections with the highest p95 */
  slowestSections: `SELECT name, count() AS runs, avg(duration) / 1000 AS mean, quantile(0.95)(duration) / 1000 AS p95
FROM ci_finished_build_sections WHERE kind = 'section' AND pipeline_id IN (${PIPELINE_IDS})
GROUP BY name ORDER BY p95 DESC, name LIMIT 15`,

  /** the 10 jobs contributing most to critical paths: waiting, queueing, running (seconds) */
  fixFirst: `SELECT name, uniqExact(pipeline_id) AS pipelines,
  sum(critical_path_wait) / 1000 AS wait, sum(critical_path_queue) / 1000 AS queue,
  sum(critical_path_run) / 1000 AS run, (sum(critical_path_wait) + sum(critical_path_queue) + sum(critical_path_run)) / 1000 AS total
FROM ci_finished_builds WHERE on_critical_path AND pipeline_id IN (${PIPELINE_IDS})
GROUP BY name ORDER BY total DESC, name LIMIT 10`,

  /**
   * the 5 slowest root pipelines with a critical path: no parent (`parent_pipeline_id` 0, the
   * column default; the collector sets it, with `root_pipeline_id`, on every downstream pipeline),
   * since a child's path is drawn inside its root's
   */
  slowestPipelines: `SELECT id, ref, name, toUnixTimestamp64Milli(created_at) AS created_ms, duration,
  critical_path_duration / 1000 AS path_duration
FROM ci_finished_pipelines WHERE ${PIPELINE_SCOPE} AND critical_path_duration > 0 AND parent_pipeline_id = 0
ORDER BY duration DESC, id DESC LIMIT 5`,

  /**
   * the pipelines of those roots' hierarchies (each root and its downstream pipelines at any
   * depth: `root_pipeline_id` names the root on every level), one row each (the table is a
   * ReplacingMergeTree: two writers racing on one pipeline of a server may leave two rows until
   * they merge; see README "ClickHouse writes")
   */
  hierarchyPipelines: `SELECT id, if(root_pipeline_id = 0, id, root_pipeline_id) AS root_id, parent_pipeline_id, parent_bridge_id,
  name, toUnixTimestamp64Milli(created_at) AS created_ms, critical_path_duration / 1000 AS path_duration
FROM ci_finished_pipelines WHERE ${IN_HIERARCHIES}
ORDER BY id LIMIT 1 BY id`,

  /**
   * the builds on those roots' critical paths, in time order: on a root's path (its
   * `critical_path_build_ids`, which run through the downstream pipelines its trigger jobs
   * waited for) and in its hierarchy; each under its own pipeline_id
   */
  pathSteps: `SELECT pipeline_id, id, name, stage_name, toUnixTimestamp64Milli(finished_at) AS finished_ms,
  critical_path_wait / 1000 AS wait, critical_path_queue / 1000 AS queue, critical_path_run / 1000 AS run
FROM ci_finished_builds
WHERE on_critical_path
  AND pipeline_id IN (SELECT id FROM ci_finished_pipelines WHERE ${IN_HIERARCHIES})
  AND id IN (SELECT arrayJoin(critical_path_build_ids) FROM ci_finished_pipelines WHERE id IN {pipelines:Array(UInt64)})
ORDER BY finished_at, id LIMIT 1 BY id`,
} as const;

/** The GitLab-style job table, through the query compiler (src/analytics): one row per job and stage. */
export const JOB_TABLE_INPUT = {
  dimensions: [{ column: 'name', as: 'job' }, { column: 'stage' }],
  metrics: [
    { function: 'count', as: 'runs' },
    { function: 'avg', column: 'duration', as: 'mean' },
    { function: 'median', column: 'duration', as: 'p50' },
    { function: 'quantile(0.95)', column: 'duration', as: 'p95' },
    { function: 'rateIf', condition: [{ column: 'status', operator: '=', value: 'failed' }], as: 'failureRate' },
    { function: 'countIf', condition: [{ column: 'retried', operator: '=', value: true }], as: 'retries' },
    { function: 'flakeRate', as: 'flakeRate' },
  ],
  orderBy: [{ column: 'mean', desc: true }, { column: 'job' }],
  limit: 500,
} as const;
