-- What `collect` reads from GitLab beyond the seed: pipeline hierarchy (child and multi-project
-- pipelines with the trigger job that started them), pipeline name / yaml errors / coverage /
-- JUnit totals, derived retries (attempt number, flaky), trigger jobs as attempts, why a log gave
-- no timings, and the runner manager of each attempt (GitLab's ci_finished_builds
-- runner_manager_* names). Only columns, indexes and views are added; NULL for older rows.
-- Units: seconds (double precision), timestamptz.

ALTER TABLE metrics_pipeline
  ADD COLUMN IF NOT EXISTS name               text,
  ADD COLUMN IF NOT EXISTS yaml_errors        text,
  -- percent
  ADD COLUMN IF NOT EXISTS coverage           double precision,
  -- downstream pipelines: the pipeline and trigger job (bridge) that started it, and the root
  ADD COLUMN IF NOT EXISTS parent_pipeline_id bigint,
  ADD COLUMN IF NOT EXISTS parent_bridge_id   bigint,
  ADD COLUMN IF NOT EXISTS root_pipeline_id   bigint,
  -- root pipelines: first start to last finish of the pipelines collected with it, seconds
  ADD COLUMN IF NOT EXISTS hierarchy_duration double precision,
  -- GitLab's test report summary totals; NULL when not read
  ADD COLUMN IF NOT EXISTS test_total_time    double precision,
  ADD COLUMN IF NOT EXISTS test_total_count   bigint,
  ADD COLUMN IF NOT EXISTS test_success_count bigint,
  ADD COLUMN IF NOT EXISTS test_failed_count  bigint,
  ADD COLUMN IF NOT EXISTS test_skipped_count bigint,
  ADD COLUMN IF NOT EXISTS test_error_count   bigint;
CREATE INDEX IF NOT EXISTS metrics_pipeline_parent_pipeline_id_idx ON metrics_pipeline (parent_pipeline_id);

ALTER TABLE metrics_job_attempt
  -- 'build' (a CI job) or 'bridge' (a trigger job)
  ADD COLUMN IF NOT EXISTS kind                        text NOT NULL DEFAULT 'build',
  -- 1 for the first attempt of the job name in its pipeline, 2 for the first retry, …
  ADD COLUMN IF NOT EXISTS attempt                     integer,
  -- succeeded after an earlier attempt of the same name in the same pipeline failed
  ADD COLUMN IF NOT EXISTS flaky                       boolean NOT NULL DEFAULT false,
  -- why a wanted log gave no timings: missing (404), empty, erased; NULL otherwise
  ADD COLUMN IF NOT EXISTS log_status                  text,
  ADD COLUMN IF NOT EXISTS erased_at                   timestamptz,
  ADD COLUMN IF NOT EXISTS coverage                    double precision,
  ADD COLUMN IF NOT EXISTS downstream_pipeline_id      bigint,
  ADD COLUMN IF NOT EXISTS downstream_project_id       bigint,
  ADD COLUMN IF NOT EXISTS runner_manager_system_xid   text,
  ADD COLUMN IF NOT EXISTS runner_manager_version      text,
  ADD COLUMN IF NOT EXISTS runner_manager_revision     text,
  ADD COLUMN IF NOT EXISTS runner_manager_platform     text,
  ADD COLUMN IF NOT EXISTS runner_manager_architecture text;

-- Retries per job and pipeline: attempts, retries (attempts replaced by a later one), flaky.
CREATE OR REPLACE VIEW metrics_job_retries AS
SELECT pipeline_id, name, stage,
       count(*)::int                              AS attempts,
       (count(*) FILTER (WHERE retried))::int     AS retries,
       bool_or(flaky)                             AS flaky
  FROM metrics_job_attempt
 WHERE kind = 'build'
 GROUP BY pipeline_id, name, stage;

-- Downstream pipelines per parent: how many, and their GitLab durations (seconds).
CREATE OR REPLACE VIEW metrics_child_pipelines AS
SELECT parent_pipeline_id,
       count(*)::int                 AS children,
       sum(pipeline_duration)        AS children_duration,
       max(pipeline_duration)        AS longest_child_duration
  FROM metrics_pipeline
 WHERE parent_pipeline_id IS NOT NULL
 GROUP BY parent_pipeline_id;
