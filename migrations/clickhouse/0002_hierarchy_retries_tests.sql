-- pipeline-metrics: what `collect` reads beyond GitLab's own ci_finished_* columns. Only
-- appended columns (GitLab's names where GitLab has them; the runner_manager_* columns of
-- 0001 are GitLab's and are now filled). Idempotent: IF NOT EXISTS everywhere.

-- Builds: derived retry standing, coverage (percent; NULL when the job reports none), erased
-- log, and why a wanted log gave no timings ('' = it did, or was not wanted).
ALTER TABLE ci_finished_builds
    ADD COLUMN IF NOT EXISTS `attempt` UInt16 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `flaky` Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS `coverage` Nullable(Float64),
    ADD COLUMN IF NOT EXISTS `erased` Bool DEFAULT false,
    ADD COLUMN IF NOT EXISTS `log_status` LowCardinality(String) DEFAULT '';

-- Pipelines: hierarchy (0 = none), seconds for durations, JUnit totals (GitLab's test report
-- field names), yaml errors and coverage.
ALTER TABLE ci_finished_pipelines
    ADD COLUMN IF NOT EXISTS `parent_pipeline_id` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `parent_bridge_id` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `root_pipeline_id` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `hierarchy_duration` Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `yaml_errors` String DEFAULT '',
    ADD COLUMN IF NOT EXISTS `coverage` Nullable(Float64),
    ADD COLUMN IF NOT EXISTS `test_total_time` Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `test_total_count` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `test_success_count` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `test_failed_count` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `test_skipped_count` UInt64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS `test_error_count` UInt64 DEFAULT 0;
