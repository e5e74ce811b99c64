-- ClickHouse schema of pipeline-metrics.
--
-- `ci_finished_builds` and `ci_finished_pipelines` mirror GitLab's own tables of the same names
-- (gitlab-org/gitlab db/click_house/main.sql: column names, types, defaults, engine, partition
-- and sort keys), so a `query` runs unchanged against a GitLab instance's analytics database
-- and against ours. Columns GitLab does not have are marked "pipeline-metrics:" below; they are
-- only appended, never renamed.
--
-- Units: every DateTime64(6, 'UTC') is UTC; `duration` / `queueing_duration` of a build are
-- milliseconds (Int64), materialized from the timestamps exactly as GitLab does; a pipeline's
-- `duration` is whole seconds (UInt64), as GitLab copies it from ci_pipelines.duration.
--
-- Every statement is idempotent (IF NOT EXISTS): ClickHouse has no transactional DDL, so a
-- migration interrupted half-way, or run twice at once against a server, is simply re-run.

CREATE TABLE IF NOT EXISTS ci_finished_builds
(
    `id` UInt64 DEFAULT 0,
    `project_id` UInt64 DEFAULT 0,
    `pipeline_id` UInt64 DEFAULT 0,
    `status` LowCardinality(String) DEFAULT '',
    `created_at` DateTime64(6, 'UTC') DEFAULT 0,
    `queued_at` DateTime64(6, 'UTC') DEFAULT 0,
    `finished_at` DateTime64(6, 'UTC') DEFAULT 0,
    `started_at` DateTime64(6, 'UTC') DEFAULT 0,
    `runner_id` UInt64 DEFAULT 0,
    `runner_manager_system_xid` String DEFAULT '',
    `runner_run_untagged` Bool DEFAULT false,
    -- GitLab's Ci::Runner.runner_types: 1 instance_type, 2 group_type, 3 project_type; 0 unknown
    `runner_type` UInt8 DEFAULT 0,
    `runner_manager_version` LowCardinality(String) DEFAULT '',
    `runner_manager_revision` LowCardinality(String) DEFAULT '',
    `runner_manager_platform` LowCardinality(String) DEFAULT '',
    `runner_manager_architecture` LowCardinality(String) DEFAULT '',
    `duration` Int64 MATERIALIZED if((started_at > 0) AND (finished_at > started_at), age('ms', started_at, finished_at), 0),
    `queueing_duration` Int64 MATERIALIZED if((queued_at > 0) AND (started_at > queued_at), age('ms', queued_at, started_at), 0),
    `root_namespace_id` UInt64 DEFAULT 0,
    `name` String DEFAULT '',
    `date` Date32 MATERIALIZED toStartOfMonth(finished_at),
    `runner_owner_namespace_id` UInt64 DEFAULT 0,
    `stage_id` UInt64 DEFAULT 0,
    `stage_name` String DEFAULT '',
    -- ReplacingMergeTree(version, deleted): the newest version of a build id wins; read with FINAL
    `version` DateTime64(6, 'UTC') DEFAULT now(),
    `deleted` Bool DEFAULT false,
    -- pipeline-metrics: GitLab's job failure_reason (e.g. script_failure), '' when none
    `failure_reason` LowCardinality(String) DEFAULT '',
    `allow_failure` Bool DEFAULT false,
    -- pipeline-metrics: true when a later attempt of the same job replaced this one
    `retried` Bool DEFAULT false,
    -- pipeline-metrics: the pipeline's commit
    `commit_sha` String DEFAULT '',
    PROJECTION build_stats_by_project_pipeline_name_stage_name
    (
        SELECT
            project_id,
            pipeline_id,
            name,
            stage_name,
            countIf(status = 'success') AS success_count,
            countIf(status = 'failed') AS failed_count,
            countIf(status = 'canceled') AS canceled_count,
            count() AS total_count,
            sum(duration) AS sum_duration,
            avg(duration) AS avg_duration,
            quantile(0.95)(duration) AS p95_duration,
            quantilesTDigest(0.5, 0.75, 0.9, 0.99)(duration) AS duration_quantiles
        GROUP BY
            project_id,
            pipeline_id,
            name,
            stage_name
    )
)
ENGINE = ReplacingMergeTree(version, deleted)
PARTITION BY toYear(finished_at)
ORDER BY (status, runner_type, project_id, finished_at, id)
SETTINGS index_granularity = 8192, use_async_block_ids_cache = true, deduplicate_merge_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS ci_finished_pipelines
(
    `id` UInt64 DEFAULT 0,
    -- GitLab: namespace traversal ids + project namespace id, e.g. '9970/278964/'; '0/' when unknown
    `path` String DEFAULT '0/',
    `committed_at` DateTime64(6, 'UTC') DEFAULT 0,
    `created_at` DateTime64(6, 'UTC') DEFAULT 0,
    `started_at` DateTime64(6, 'UTC') DEFAULT 0,
    `finished_at` DateTime64(6, 'UTC') DEFAULT 0,
    -- seconds (ci_pipelines.duration)
    `duration` UInt64 DEFAULT 0,
    `date` Date32 MATERIALIZED toStartOfMonth(finished_at),
    `status` LowCardinality(String) DEFAULT '',
    `source` LowCardinality(String) DEFAULT '',
    `ref` String DEFAULT '',
    `name` String DEFAULT '',
    -- pipeline-metrics: the project, by id and full path (GitLab derives both from `path`)
    `project_id` UInt64 DEFAULT 0,
    `project_path` String DEFAULT '',
    `commit_sha` String DEFAULT '',
    -- pipeline-metrics: the seed's end-to-end duration (seconds; 0 when not reported)
    `duration_e2e` UInt64 DEFAULT 0
)
ENGINE = ReplacingMergeTree
PARTITION BY toYear(finished_at)
ORDER BY id
SETTINGS index_granularity = 8192;

-- pipeline-metrics: timings inside a job attempt, one row per (build, kind, name).
-- kind 'section': GitLab log sections (section_start/section_end); kind 'step': the `time`
-- lines of a job log matched to step names. `duration` in milliseconds.
-- Context columns are copied from the build so a query needs no join.
CREATE TABLE IF NOT EXISTS ci_finished_build_sections
(
    `build_id` UInt64 DEFAULT 0,
    `pipeline_id` UInt64 DEFAULT 0,
    `project_id` UInt64 DEFAULT 0,
    `kind` LowCardinality(String) DEFAULT 'section',
    `name` String DEFAULT '',
    `duration` Int64 DEFAULT 0,
    `build_name` String DEFAULT '',
    `stage_name` String DEFAULT '',
    `status` LowCardinality(String) DEFAULT '',
    `ref` String DEFAULT '',
    `started_at` DateTime64(6, 'UTC') DEFAULT 0,
    `finished_at` DateTime64(6, 'UTC') DEFAULT 0
)
ENGINE = ReplacingMergeTree
PARTITION BY toYear(finished_at)
ORDER BY (project_id, build_id, kind, name)
SETTINGS index_granularity = 8192;
